"""Every generated output of the transfer designer, for the matrix direction x table type x
inside/outside the workspace x authentication: golden files, plus a parser check of each
language (T-SQL with sqlglot's tsql dialect, Python with ``ast``, Scala for balanced syntax).

Set LINKWRIGHT_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change.
"""

from __future__ import annotations

import ast
import itertools
import json
import os
from pathlib import Path

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from connectors.azuresqldw.transfer import KeyVaultSecret, TransferRequest, design

GOLDEN = Path(__file__).parent / "data" / "transfer-golden"
UPDATE = os.environ.get("LINKWRIGHT_UPDATE_GOLDEN") == "1"

MATRIX = list(
    itertools.product(
        ("read", "write"), ("INTERNAL", "EXTERNAL"), ("inside", "outside"), ("entra", "sql")
    )
)


def case_id(case: tuple[str, str, str, str]) -> str:
    return "-".join(case).lower()


def request_for(direction: str, table_type: str, where: str, auth: str) -> TransferRequest:
    inside = where == "inside"
    return TransferRequest(
        direction=direction,
        table="salesdw.sales.DailyTotals",
        workspace="contosows",
        spark_pool="etlpool",
        source="lake.daily_totals",
        server="contosows.sql.azuresynapse.net" if inside else "contoso-dw.database.windows.net",
        inside_workspace=inside,
        authentication=auth,
        user="loader" if auth == "sql" else "",
        password=KeyVaultSecret("KeyVault", "sqlpool-loader", "contoso-kv")
        if auth == "sql"
        else None,
        table_type=table_type,
        data_source="LakeSource",
        data_source_location="abfss://lake@contosolake.dfs.core.windows.net/exports",
        file_format="ParquetSnappy",
        temp_folder="abfss://staging@contosolake.dfs.core.windows.net/tmp",
        columns=(("day", "date"), ("store", "string"), ("total", "decimal(18,2)")),
    )


SUFFIX = {
    "scala_sqlanalytics": ".scala",
    "scala_synapsesql": ".scala",
    "pyspark_sqlanalytics": ".py",
    "pyspark_synapsesql": ".py",
    "prerequisites_tsql": ".sql",
    "storage_acl_plan": ".md",
}


@pytest.mark.parametrize("case", MATRIX, ids=case_id)
def test_every_output_matches_its_golden_file(case: tuple[str, str, str, str]) -> None:
    plan = design(request_for(*case))
    folder = GOLDEN / case_id(case)
    summary = {
        "blocked": plan.blocked,
        "problems": [p.as_dict() for p in plan.problems],
        "secrets": plan.secrets,
        "columns": [c.as_dict() for c in plan.columns],
    }
    outputs = {name + SUFFIX[name]: text for name, text in plan.outputs.items()}
    outputs["plan.json"] = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    assert set(outputs) == {n + s for n, s in SUFFIX.items()} | {"plan.json"}
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in outputs.items():
            (folder / name).write_text(text, encoding="utf-8")
    for name, text in outputs.items():
        assert (folder / name).read_text(encoding="utf-8") == text, f"{case_id(case)}/{name}"


def balanced_scala(code: str) -> None:
    """Brackets balance outside string literals and // comments; every string closes."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    for number, line in enumerate(code.splitlines(), start=1):
        i = 0
        while i < len(line):
            c = line[i]
            if line.startswith("//", i) or (i == 0 and line.startswith("%%")):
                break
            if c == '"':
                i += 1
                while i < len(line) and line[i] != '"':
                    i += 2 if line[i] == "\\" else 1
                assert i < len(line), f"line {number}: string not closed: {line}"
            elif c in "([{":
                stack.append(c)
            elif c in pairs:
                assert stack and stack[-1] == pairs[c], f"line {number}: unbalanced {c}: {line}"
                stack.pop()
            i += 1
    assert not stack, f"unclosed {stack}"


def parse_tsql(text: str) -> list[object]:
    statements = sqlglot.parse(text, read="tsql", error_level=ErrorLevel.RAISE)
    return [s for s in statements if s is not None]


@pytest.mark.parametrize("case", MATRIX, ids=case_id)
def test_generated_code_parses_in_its_language(case: tuple[str, str, str, str]) -> None:
    plan = design(request_for(*case))
    out = plan.outputs
    balanced_scala(out["scala_sqlanalytics"])
    balanced_scala(out["scala_synapsesql"])
    ast.parse(out["pyspark_synapsesql"])
    python_cell, spark_cell = out["pyspark_sqlanalytics"].split("%%spark\n", 1)
    ast.parse(python_cell)
    balanced_scala(spark_cell)
    statements = parse_tsql(out["prerequisites_tsql"])
    expected = out["prerequisites_tsql"].count(";")
    assert len(statements) == expected
    assert "sp_addrolemember 'db_exporter'" in out["prerequisites_tsql"]


def test_the_parser_checks_catch_broken_code() -> None:
    with pytest.raises(AssertionError):
        balanced_scala('df.write.option(Constants.USER, "x).sqlanalytics("a.b.c")')
    with pytest.raises(AssertionError):
        balanced_scala("df.write.option(Constants.USER, x")
    with pytest.raises(SyntaxError):
        ast.parse("(df.write\n    .option(Constants.USER, 'x')")
    with pytest.raises(sqlglot.errors.SqlglotError):
        parse_tsql("CREATE EXTERNAL DATA SOURCE [x WITH (LOCATION = 'abfss://, TYPE = HADOOP);")


def test_secrets_are_never_inlined() -> None:
    sql = design(request_for("write", "INTERNAL", "outside", "sql"))
    for text in sql.outputs.values():
        assert "Constants.PASSWORD, password" in text or "PASSWORD" not in text
    assert (
        'getSecret("contoso-kv", "sqlpool-loader", "KeyVault")' in sql.outputs["scala_synapsesql"]
    )
    assert "Key Vault secret 'sqlpool-loader'" in sql.secrets
    placeholder = design(
        TransferRequest(
            **{**request_for("write", "INTERNAL", "outside", "sql").__dict__, "password": None}
        )
    )
    assert 'val password = "<password>"' in placeholder.outputs["scala_sqlanalytics"]
    assert "placeholder" in placeholder.secrets
    entra = design(request_for("write", "INTERNAL", "inside", "entra"))
    assert "PASSWORD" not in entra.outputs["scala_synapsesql"]
    assert "no password" in entra.secrets


def test_external_writes_name_data_source_and_file_format_and_create_them() -> None:
    plan = design(request_for("write", "EXTERNAL", "inside", "entra"))
    old = plan.outputs["scala_sqlanalytics"]
    assert 'option(Constants.DATA_SOURCE, "LakeSource")' in old
    assert 'option(Constants.FILE_FORMAT, "ParquetSnappy")' in old
    assert 'sqlanalytics("salesdw.sales.DailyTotals", Constants.EXTERNAL)' in old
    sql = plan.outputs["prerequisites_tsql"]
    assert "CREATE EXTERNAL DATA SOURCE [LakeSource]" in sql and "TYPE = HADOOP" in sql
    assert "CREATE EXTERNAL FILE FORMAT [ParquetSnappy]" in sql
    assert "CREATE SCHEMA [sales]" in sql


def test_the_pyspark_variant_of_the_seed_api_uses_a_temp_view_and_a_spark_cell() -> None:
    text = design(request_for("write", "INTERNAL", "inside", "entra")).outputs[
        "pyspark_sqlanalytics"
    ]
    assert 'pyspark_df.createOrReplaceTempView("linkwright_transfer")' in text
    assert "%%spark\n" in text
    assert 'spark.sqlContext.sql("select * from linkwright_transfer")' in text
    read = design(request_for("read", "INTERNAL", "inside", "entra")).outputs[
        "pyspark_sqlanalytics"
    ]
    assert 'df.createOrReplaceTempView("linkwright_transfer")' in read
    assert 'pyspark_df = spark.table("linkwright_transfer")' in read


def test_the_acl_plan_names_each_folder_of_option_2() -> None:
    text = design(request_for("write", "INTERNAL", "inside", "entra")).outputs["storage_acl_plan"]
    assert (
        "| /synapse/workspaces/contosows/sparkpools/etlpool/sparkpoolinstances | -WX | --- |"
        in text
    )
    assert "| / | --X | --- |" in text
    assert "Storage Blob Data Contributor" in text


def test_a_query_with_line_breaks_stays_inside_its_string_literals() -> None:
    query = "SELECT id,\n  \"name\" FROM lake.sales -- note\nWHERE x = '\\\\'"
    plan = design(
        TransferRequest(
            **{
                **request_for("write", "INTERNAL", "inside", "entra").__dict__,
                "source_kind": "query",
                "source": query,
            }
        )
    )
    for name in ("scala_sqlanalytics", "scala_synapsesql"):
        balanced_scala(plan.outputs[name])
    ast.parse(plan.outputs["pyspark_synapsesql"])
    module = ast.parse(plan.outputs["pyspark_sqlanalytics"].split("%%spark\n", 1)[0])
    found = [n.value for n in ast.walk(module) if isinstance(n, ast.Constant)]
    assert query in found

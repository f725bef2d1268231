"""Every blocking rule of the transfer designer, each named at its field, and the Copy
activity route (SparkSource -> SqlDWSink, staged) with the facts sheet's rules."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from connectors.azuresqldw.transfer import KeyVaultSecret, TransferRequest, design

WRITE = TransferRequest(
    direction="write",
    table="salesdw.dbo.Sales",
    workspace="contosows",
    spark_pool="etlpool",
    source="lake.sales",
    server="contosows.sql.azuresynapse.net",
    authentication="entra",
    columns=(("id", "bigint"), ("name", "string")),
)
OUTSIDE_SQL = replace(
    WRITE,
    server="contoso-dw.database.windows.net",
    inside_workspace=False,
    authentication="sql",
    user="loader",
    password=KeyVaultSecret("KeyVault", "pw", "contoso-kv"),
)
COPY = replace(
    WRITE,
    route="copy",
    workspace="",
    spark_pool="",
    spark_linked_service="HDInsightSpark",
    staging_linked_service="StagingBlob",
    staging_path="staging/spark",
    spark_dataset="SalesSpark",
    pool_dataset="SalesPool",
)


def fields(request: TransferRequest) -> dict[str, str]:
    return {p.field: p.message for p in design(request).problems}


def test_a_plain_write_inside_the_workspace_has_no_blocking_problem() -> None:
    plan = design(WRITE)
    assert not plan.blocked and plan.route == "notebook"
    assert "inside Synapse Spark pool etlpool" in plan.route_reason


def test_a_serverless_endpoint_is_blocking() -> None:
    got = fields(replace(WRITE, server="contosows-ondemand.sql.azuresynapse.net"))
    assert "serverless" in got["server"]


def test_sql_authentication_missing_for_a_pool_outside_the_workspace_is_blocking() -> None:
    got = fields(replace(OUTSIDE_SQL, authentication="entra", user="", password=None))
    assert "outside the workspace" in got["authentication"]
    assert "SQL authentication" in got["authentication"]
    assert fields(OUTSIDE_SQL) == {}


def test_sql_authentication_without_a_user_is_blocking() -> None:
    assert "user name" in fields(replace(OUTSIDE_SQL, user=""))["user"]


@pytest.mark.parametrize("missing", ["data_source", "file_format"])
def test_an_external_write_without_data_source_or_file_format_is_blocking(missing: str) -> None:
    names = {"data_source": "Lake", "file_format": "Parquet", missing: ""}
    request = replace(WRITE, table_type="EXTERNAL", **names)
    got = fields(request)
    assert list(got) == [missing]
    assert "EXTERNAL" in got[missing]


def test_a_read_with_sql_authentication_needs_a_data_source() -> None:
    got = fields(replace(OUTSIDE_SQL, direction="read"))
    assert "DATA_SOURCE" in got["data_source"]


def test_a_write_target_that_already_exists_is_blocking() -> None:
    got = fields(replace(WRITE, target_exists=True))
    assert "already exists" in got["table"]
    assert fields(replace(WRITE, target_exists=False)) == {}
    # A read of an existing table is what reads do.
    assert fields(replace(WRITE, direction="read", target_exists=True)) == {}


@pytest.mark.parametrize(
    ("spark_type", "words"),
    [
        ("array<string>", "nested"),
        ("map<string,int>", "nested"),
        ("struct<a:int>", "nested"),
        ("decimal(40,2)", "precision above 38"),
        ("interval day", "nested and interval"),
        ("geography", "unknown Spark type"),
    ],
)
def test_a_spark_column_the_pool_cannot_take_is_blocking_with_its_name(
    spark_type: str, words: str
) -> None:
    got = fields(replace(WRITE, columns=(("id", "bigint"), ("odd", spark_type))))
    assert list(got) == ["column:odd"]
    assert "Column odd" in got["column:odd"] and words in got["column:odd"]


def test_the_column_mapping_flags_strings_and_timestamps() -> None:
    plan = design(
        replace(
            WRITE,
            columns=(("s", "string"), ("t", "timestamp"), ("d", "decimal(18,2)"), ("b", "binary")),
        )
    )
    got = {c.column: c for c in plan.columns}
    assert got["s"].pool_type == "NVARCHAR(4000)" and got["s"].source == "documented"
    assert "4000" in got["s"].note and got["s"].loses_precision
    assert got["t"].pool_type == "DATETIME2(7)" and got["t"].loses_precision
    assert got["d"].pool_type == "DECIMAL(18,2)" and not got["d"].loses_precision
    assert got["b"].pool_type == "VARBINARY(8000)"


def test_the_notebook_route_for_a_spark_linked_service_is_blocking() -> None:
    got = fields(replace(WRITE, spark_linked_service="HDInsightSpark"))
    assert "only an ADF Copy activity" in got["route"]


def test_the_notebook_route_needs_workspace_and_spark_pool() -> None:
    got = fields(replace(WRITE, workspace="", spark_pool=""))
    assert set(got) == {"workspace", "spark_pool"}


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ("dbo.Sales", "has 2 part(s)"),
        ("a.b.c.d", "has 4 part(s)"),
        ("salesdw.dbo.[My.Table]", "brackets or quotes"),
        ('salesdw.dbo."Sales"', "brackets or quotes"),
        ("salesdw.dbo.Sales-2024", "not a plain SQL name"),
        ("@{linkedService().DBName}.dbo.Sales", "ADF expression"),
        ("", "has 1 part(s)"),
    ],
)
def test_a_bad_table_name_is_refused_at_the_table_field(table: str, words: str) -> None:
    plan = design(replace(WRITE, table=table))
    got = {p.field: p.message for p in plan.problems}
    assert words in got["table"], got
    assert plan.outputs == {}


def test_a_key_vault_secret_named_by_an_expression_cannot_be_resolved() -> None:
    request = replace(OUTSIDE_SQL, password=KeyVaultSecret("KeyVault", "@pipeline().x"))
    assert "expression" in fields(request)["password"]


def test_a_data_source_name_with_brackets_is_refused() -> None:
    got = fields(replace(WRITE, table_type="EXTERNAL", data_source="[Lake]", file_format="P"))
    assert "brackets" in got["data_source"]


# --- the Copy route ---------------------------------------------------------------------


def test_the_copy_route_builds_a_staged_spark_to_sql_pool_copy_activity() -> None:
    plan = design(COPY)
    assert not plan.blocked and plan.route == "copy"
    activity: dict[str, Any] = plan.copy_activity or {}
    tp = activity["typeProperties"]
    assert activity["type"] == "Copy"
    assert tp["source"] == {"type": "SparkSource"}
    assert tp["sink"] == {"type": "SqlDWSink", "allowCopyCommand": True, "tableOption": "none"}
    assert tp["enableStaging"] is True
    assert tp["stagingSettings"] == {
        "linkedServiceName": {"referenceName": "StagingBlob", "type": "LinkedServiceReference"},
        "path": "staging/spark",
    }
    assert activity["inputs"] == [{"referenceName": "SalesSpark", "type": "DatasetReference"}]
    assert activity["outputs"] == [{"referenceName": "SalesPool", "type": "DatasetReference"}]
    assert plan.outputs == {}


def test_the_copy_route_without_staging_is_blocking() -> None:
    got = fields(replace(COPY, staging_linked_service=""))
    assert "staged" in got["staging_linked_service"]


def test_the_copy_route_cannot_write_into_spark() -> None:
    assert "Copy source only" in fields(replace(COPY, direction="read"))["direction"]


def test_polybase_settings_follow_the_facts_sheet() -> None:
    plan = design(
        replace(
            COPY,
            copy_method="polybase",
            reject_type="percentage",
            reject_value=10.0,
            reject_sample_value=100,
            table_option="autoCreate",
            pre_copy_script="TRUNCATE TABLE dbo.Sales",
        )
    )
    sink = (plan.copy_activity or {})["typeProperties"]["sink"]
    assert sink == {
        "type": "SqlDWSink",
        "allowPolyBase": True,
        "polyBaseSettings": {
            "rejectType": "percentage",
            "rejectValue": 10.0,
            "rejectSampleValue": 100,
            "useTypeDefault": True,
        },
        "preCopyScript": "TRUNCATE TABLE dbo.Sales",
        "tableOption": "autoCreate",
    }
    assert "allowCopyCommand" not in sink
    missing = fields(replace(COPY, copy_method="polybase", reject_type="percentage"))
    assert "rejectSampleValue is required" in missing["reject_sample_value"]
    assert "tableOption" in fields(replace(COPY, table_option="recreate"))["table_option"]
    assert (
        "rejectType"
        in fields(replace(COPY, copy_method="polybase", reject_type="Value"))["reject_type"]
    )


def test_a_copy_query_source_goes_into_the_spark_source() -> None:
    plan = design(replace(COPY, source_kind="query", source="SELECT * FROM sales"))
    assert (plan.copy_activity or {})["typeProperties"]["source"] == {
        "type": "SparkSource",
        "query": "SELECT * FROM sales",
    }


# --- the SqlDWSink schema and the staging rule, at the field ----------------------------


@pytest.mark.parametrize("method", ["copy", "polybase", "bulkinsert"])
def test_every_generated_copy_activity_passes_the_sink_schema(method: str) -> None:
    from connectors.azuresqldw.copy_sink import check_copy_activity

    request = replace(COPY, copy_method=method, reject_type="percentage", reject_sample_value=10)
    activity = design(request).copy_activity or {}
    assert check_copy_activity(activity) == []


@pytest.mark.parametrize(
    ("sink", "path", "words"),
    [
        (
            {"type": "SqlDWSink", "allowPolyBase": True, "allowCopyCommand": True},
            "$.typeProperties.sink",
            "cannot both be true",
        ),
        (
            {
                "type": "SqlDWSink",
                "allowPolyBase": True,
                "polyBaseSettings": {"rejectType": "percentage"},
            },
            "$.typeProperties.sink.polyBaseSettings.rejectSampleValue",
            "Required when rejectType is percentage",
        ),
        (
            {"type": "SqlDWSink", "polyBaseSettings": {"rejectType": "Percentage"}},
            "$.typeProperties.sink.polyBaseSettings.rejectType",
            "lower case",
        ),
        (
            {"type": "SqlDWSink", "tableOption": "recreate"},
            "$.typeProperties.sink.tableOption",
            "none, autoCreate",
        ),
        (
            {"type": "SqlDWSink", "writeBehavior": "Merge"},
            "$.typeProperties.sink.writeBehavior",
            "Insert, Upsert",
        ),
        (
            {"type": "SqlDWSink", "writeBatchTimeout": "30 minutes"},
            "$.typeProperties.sink.writeBatchTimeout",
            "",
        ),
        (
            {"type": "SqlDWSink", "allowPolybase": True},
            "$.typeProperties.sink.allowPolybase",
            "Unknown",
        ),
    ],
)
def test_the_sink_rules_of_the_facts_sheet_are_enforced_at_the_field(
    sink: dict[str, Any], path: str, words: str
) -> None:
    from connectors.azuresqldw.copy_sink import check_copy_activity

    activity = {
        "typeProperties": {
            "source": {"type": "SparkSource"},
            "sink": sink,
            "enableStaging": True,
            "stagingSettings": {
                "linkedServiceName": {"referenceName": "S", "type": "LinkedServiceReference"}
            },
        }
    }
    problems = {p.path: p.message for p in check_copy_activity(activity)}
    assert path in problems, problems
    assert words in problems[path]


def test_polybase_or_copy_from_spark_without_staging_is_refused_at_enable_staging() -> None:
    from connectors.azuresqldw.copy_sink import check_copy_activity

    for sink in (
        {"type": "SqlDWSink", "allowPolyBase": True},
        {"type": "SqlDWSink", "allowCopyCommand": True},
    ):
        activity = {"typeProperties": {"source": {"type": "SparkSource"}, "sink": sink}}
        problems = {p.path: p.message for p in check_copy_activity(activity)}
        assert "staged copy" in problems["$.typeProperties.enableStaging"]
    direct = {
        "typeProperties": {
            "source": {"type": "ParquetSource"},
            "sink": {"type": "SqlDWSink", "allowCopyCommand": True},
        }
    }
    assert check_copy_activity(direct) == []
    no_store = {
        "typeProperties": {
            "source": {"type": "SparkSource"},
            "sink": {"type": "SqlDWSink"},
            "enableStaging": True,
            "stagingSettings": {},
        }
    }
    assert [p.path for p in check_copy_activity(no_store)] == [
        "$.typeProperties.stagingSettings.linkedServiceName"
    ]


def test_workspace_and_spark_pool_names_are_synapse_names() -> None:
    got = fields(replace(WRITE, workspace="ws\nval x = 1", spark_pool="pool 1"))
    assert set(got) == {"workspace", "spark_pool"}
    assert "letters, digits and hyphens" in got["workspace"]


def test_a_user_name_with_brackets_or_quotes_is_escaped_in_the_t_sql() -> None:
    import sqlglot

    plan = design(replace(OUTSIDE_SQL, user="o'brien]x"))
    sql = plan.outputs["prerequisites_tsql"]
    assert "CREATE USER [o'brien]]x] FROM LOGIN [o'brien]]x];" in sql
    assert "EXEC sp_addrolemember 'db_exporter', 'o''brien]x';" in sql
    statements = [s for s in sqlglot.parse(sql, read="tsql") if s is not None]
    assert len(statements) == sql.count(";") == 6

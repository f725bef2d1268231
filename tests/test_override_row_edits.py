"""An azure.datafactory.tools config file edited as a table (issue 22, point 3): only the
rows that change are rewritten, every other byte kept; the name and path cells complete
from the factory's resources and from the JSON Schema the connector registry gives each
resource."""

from __future__ import annotations

import json
from typing import Any

from connectors.environments.base import Base, BaseResource
from connectors.environments.completion import property_paths, resource_names
from connectors.environments.config_csv import parse_config_csv
from connectors.environments.files import Format
from connectors.environments.row_edits import RowEdit, apply_edits, edited, rows_of, table_rows
from connectors.registry import dataset_type, get_connector
from tests.environment_factory import key_vault, spark_service

BOM = b"\xef\xbb\xbf"
FILE = BOM + (
    b"type,name,path,value\r\n"
    b"# prod values\r\n"
    b"linkedService,LS_Spark,typeProperties.prot,10443\r\n"
    b"\r\n"
    b'linkedService,LS_KeyVault,"typeProperties.baseUrl","https://kv-shop.vault.azure.net/"\r\n'
    b'pipeline,PL_*,"-activities[0].policy.timeout",\r\n'
    b'linkedService,LS_Spark,typeProperties.host,"a,b"'
)


def lines(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True)


def edit(config: Any, line: int, **cells: str) -> RowEdit:
    row = next(r for r in table_rows(config) if r.line == line)
    return RowEdit(row.index, {**row.cells, **cells})


def test_changing_one_cell_rewrites_that_row_alone_and_keeps_every_other_byte() -> None:
    config = parse_config_csv("deployment/config-prod.csv", FILE)
    applied = apply_edits(config, [edit(config, 3, path="typeProperties.port")])
    after = config.to_bytes()
    assert applied.changed == [3] and applied.summary() == "1 row changed (line 3)"
    before_lines, after_lines = lines(FILE), lines(after)
    assert after_lines[2] == b"linkedService,LS_Spark,typeProperties.port,10443\r\n"
    assert [
        n for n, (a, b) in enumerate(zip(before_lines, after_lines, strict=True)) if a != b
    ] == [2]
    assert after.startswith(BOM) and not after.endswith(b"\r\n")


def test_a_quoted_cell_stays_quoted_and_a_value_with_a_comma_is_quoted() -> None:
    config = parse_config_csv("c.csv", FILE)
    apply_edits(
        config,
        [
            edit(config, 5, value="https://kv-prod.vault.azure.net/"),
            edit(config, 3, value="1,2"),
        ],
    )
    after = lines(config.to_bytes())
    assert after[4] == (
        b'linkedService,LS_KeyVault,"typeProperties.baseUrl","https://kv-prod.vault.azure.net/"\r\n'
    )
    assert after[2] == b'linkedService,LS_Spark,typeProperties.prot,"1,2"\r\n'


def test_an_unchanged_table_changes_nothing() -> None:
    config = parse_config_csv("c.csv", FILE)
    edits = [RowEdit(r.index, dict(r.cells)) for r in table_rows(config)]
    edits.append(RowEdit(None, {"type": "", "name": "", "path": "", "value": ""}))
    assert apply_edits(config, edits).nothing
    assert config.to_bytes() == FILE


def test_a_deleted_row_goes_and_a_new_row_is_added_with_the_file_s_line_ending() -> None:
    config = parse_config_csv("c.csv", FILE)
    row = next(r for r in table_rows(config) if r.line == 6)
    new = {
        "type": "trigger",
        "name": "TR_Daily",
        "path": "typeProperties.recurrence.interval",
        "value": "2",
    }  # noqa: E501
    applied = apply_edits(config, [RowEdit(row.index, row.cells, delete=True), RowEdit(None, new)])
    after = config.to_bytes()
    assert applied.removed == [6] and applied.added == 1
    assert b"PL_*" not in after
    assert after.endswith(
        b'typeProperties.host,"a,b"\r\ntrigger,TR_Daily,typeProperties.recurrence.interval,2\r\n'
    )
    assert after.startswith(FILE[: FILE.index(b"pipeline")])
    assert applied.placed[1] == (7, 7)


def test_a_row_whose_value_spans_lines_is_kept_as_written() -> None:
    raw = b'type,name,path,value\nfactory,F,globalParameters.x.value,"a\nb"\n'
    config = parse_config_csv("c.csv", raw)
    [row] = table_rows(config)
    assert not row.editable and (row.line, row.last_line) == (2, 3)
    apply_edits(config, [RowEdit(row.index, {**row.cells, "value": "a b"})])
    assert config.to_bytes() == raw


def base() -> Base:
    dataset = {
        "type": "SparkObject",
        "linkedServiceName": {"referenceName": "LS_Spark", "type": "LinkedServiceReference"},
        "typeProperties": {"schema": "sales", "table": "orders"},
    }
    pipeline = {"activities": [{"name": "Copy orders", "type": "Copy", "policy": {"retry": 1}}]}
    return Base(
        [
            BaseResource("linkedService", "LS_Spark", spark_service(10000)["properties"]),
            BaseResource("linkedService", "LS_KeyVault", key_vault()["properties"]),
            BaseResource("dataset", "DS_Orders", dataset),
            BaseResource("pipeline", "PL_Orders", pipeline),
        ]
    )


def test_the_name_cell_completes_from_the_factory_s_resources_of_the_row_s_type() -> None:
    assert resource_names(base(), "linkedService") == ["LS_KeyVault", "LS_Spark"]
    assert resource_names(base(), "dataset") == ["DS_Orders"]
    assert resource_names(base(), "trigger") == []


def test_the_path_cell_completes_from_the_connector_version_s_schema() -> None:
    paths = property_paths(base(), "linkedService", "LS_Spark")
    spark = get_connector("Spark")
    version = spark.version(spark.version_of(spark_service(10000)["properties"]) or "")
    for name in version.type_properties_schema["properties"]:
        assert f"typeProperties.{name}" in paths
    assert "typeProperties.password.secretName" in paths  # through the secret's $ref
    assert "typeProperties.host.value" not in paths  # an expression's members are not
    assert "parameters.host.defaultValue" in paths  # from the definition itself
    assert paths.index("typeProperties.port") < paths.index("parameters.host.defaultValue")


def test_the_path_cell_completes_from_a_dataset_type_s_schema_and_a_wildcard_s_matches() -> None:
    paths = property_paths(base(), "dataset", "DS_*")
    declared = dataset_type("dataset", "SparkObject")
    assert declared is not None
    for name in declared.schema["properties"]["typeProperties"]["properties"]:
        assert f"typeProperties.{name}" in paths
    both = property_paths(base(), "linkedService", "LS_*")
    assert "typeProperties.baseUrl" in both and "typeProperties.port" in both
    assert property_paths(base(), "linkedService", "nothing") == []


def test_a_resource_kept_as_a_document_completes_from_its_own_definition() -> None:
    paths = property_paths(base(), "pipeline", "PL_Orders")
    assert 'activities["Copy orders"].policy.retry' in paths


JSON_FILE = (
    b'{\r\n  "LS_Spark": [\r\n    {"name": "typeProperties.prot", "value": "10000"},\r\n'
    b'    {\r\n      "name": "typeProperties.username",\r\n      "value": "etl",\r\n'
    b'      "action": "update"\r\n    }\r\n  ],\r\n'
    b'  "LS_KeyVault": [ { "name": "typeProperties.baseUrl", "value": "https://x/" } ]\r\n}\r\n'
)


def test_a_json_config_s_entries_are_rows_whose_first_cell_is_the_action() -> None:
    rows, kept = rows_of(Format.ADFTOOLS_JSON, "c.json", JSON_FILE)
    assert kept == []
    assert [(r.line, r.last_line, r.cells["type"], r.cells["name"]) for r in rows] == [
        (3, 3, "update", "LS_Spark"),
        (4, 8, "update", "LS_Spark"),
        (10, 10, "update", "LS_KeyVault"),
    ]


def test_editing_a_json_entry_rewrites_that_member_alone() -> None:
    rows, _ = rows_of(Format.ADFTOOLS_JSON, "c.json", JSON_FILE)
    edit = RowEdit(0, {**rows[0].cells, "path": "typeProperties.port"})
    data, applied = edited(Format.ADFTOOLS_JSON, "c.json", JSON_FILE, [edit])
    assert data == JSON_FILE.replace(b"typeProperties.prot", b"typeProperties.port")
    assert applied.changed == [3] and applied.placed == {0: (3, 3)}


def test_json_entries_are_added_deleted_and_moved_to_another_object() -> None:
    rows, _ = rows_of(Format.ADFTOOLS_JSON, "c.json", JSON_FILE)
    new = {"type": "add", "name": "DS_*", "path": "typeProperties.x", "value": "1"}
    edits = [
        RowEdit(2, rows[2].cells, delete=True),
        RowEdit(None, new),
        RowEdit(1, {**rows[1].cells, "name": "LS_Other"}),
    ]
    data, applied = edited(Format.ADFTOOLS_JSON, "c.json", JSON_FILE, edits)
    document = json.loads(data)
    assert document == {
        "LS_Spark": [{"name": "typeProperties.prot", "value": "10000"}],
        "DS_*": [{"name": "typeProperties.x", "value": "1", "action": "add"}],
        "LS_Other": [{"name": "typeProperties.username", "value": "etl"}],  # update: the default
    }
    kept = b'{\r\n  "LS_Spark": [\r\n    {"name": "typeProperties.prot", "value": "10000"}\r\n'
    assert data.startswith(kept) and data.endswith(b"\r\n}\r\n")
    assert (applied.removed, applied.added, applied.changed) == ([10], 1, [4])

"""The SparkObject form, generated from the dataset's JSON Schema: fields, values back and
forth, expressions in both forms, properties the form does not show kept."""

from __future__ import annotations

from connectors.registry import DATASET, dataset_type
from portal.dataset_form import initial, properties_from, table_fields

DECLARED = dataset_type(DATASET.name, "SparkObject")


def test_the_table_fields_come_from_the_schema() -> None:
    assert DECLARED is not None
    fields = {f.name: f.title for f in table_fields(DECLARED)}
    assert fields == {
        "schema": "Schema",
        "table": "Table",
        "tableName": "Table name (older definitions)",
    }
    assert "only when the copy or lookup activity" in DECLARED.schema["description"]


def test_values_go_back_unchanged_with_expressions_in_their_form() -> None:
    assert DECLARED is not None
    stored = {
        "linkedServiceName": {
            "referenceName": "ls",
            "type": "LinkedServiceReference",
            "parameters": {"db": "x"},
        },
        "annotations": ["a"],
        "type": "SparkObject",
        "typeProperties": {
            "schema": "@dataset().db",
            "table": {"value": "@dataset().t", "type": "Expression"},
        },
        "schema": [{"name": "id", "type": "int"}],
        "structure": [{"name": "legacy"}],
        "parameters": {"db": {"type": "string"}},
    }
    data = initial(DECLARED, "Orders", stored)
    assert data["tp-table"] == "@dataset().t" and data["linkedService"] == "ls"
    properties, problems = properties_from(DECLARED, data, stored)
    assert problems == []
    assert properties == stored
    assert list(properties) == list(stored), "the stored key order is kept"


def test_bad_json_in_a_json_field_is_a_problem_at_its_path() -> None:
    assert DECLARED is not None
    data = {"name": "x", "linkedService": "ls", "schema": "[{", "tp-table": "t"}
    _, problems = properties_from(DECLARED, data, None)
    assert [p.path for p in problems] == ["$.properties.schema"]


def test_an_emptied_field_is_removed() -> None:
    assert DECLARED is not None
    stored = {"type": "SparkObject", "typeProperties": {"tableName": "a.b", "table": "b"}}
    data = initial(DECLARED, "x", stored)
    data["tp-tableName"] = ""
    properties, _ = properties_from(DECLARED, data, stored)
    assert properties["typeProperties"] == {"table": "b"}

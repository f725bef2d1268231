"""Pipelines' activities: listing, structure problems, the Spark parts' values and rules, and
byte-exact replacement of one activity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectors import activity_parts as parts
from connectors.json_patch import patched
from connectors.pipeline_activities import (
    activities,
    find,
    find_in,
    replace_activity,
    structure_problems,
    top_level_index,
)

DATA = Path(__file__).parent / "data" / "pipelines"


def raw_pipeline() -> bytes:
    return (DATA / "Spark to SQL.json").read_bytes()


def pipeline() -> dict[str, Any]:
    return json.loads(raw_pipeline())


def datasets(name: str) -> dict[str, Any] | None:
    path = DATA / f"{name}.json"
    return json.loads(path.read_bytes())["properties"] if path.exists() else None


def test_activities_are_listed_with_nested_ones_of_foreach_and_if():
    found = activities(pipeline())
    assert [(a.name, a.type, a.depth) for a in found] == [
        ("Lookup Day", "Lookup", 0),
        ("Copy Sales", "Copy", 0),
        ("For Each Table", "ForEach", 0),
        ("Copy Table", "Copy", 1),
        ("Wait a bit", "Wait", 1),
        ("If Any", "IfCondition", 0),
        ("Lookup All", "Lookup", 1),
        ("Set Note", "SetVariable", 1),
    ]
    copy = found[1]
    assert copy.references("inputs") == ["SparkSales"]
    assert copy.references("outputs") == ["SqlSales"]
    assert copy.depends_on == [{"activity": "Lookup Day", "conditions": ["Succeeded"]}]
    assert found[3].parent == "For Each Table › activities"
    assert find(pipeline(), found[6].key).name == "Lookup All"


def test_an_activity_is_found_from_the_pipelines_own_activity_it_is_or_is_inside_of():
    document = pipeline()
    items = document["properties"]["activities"]
    for activity in activities(document):
        index = top_level_index(activity.key)
        assert index == activity.path[2]
        assert find_in(items[index], index, activity.key) == activity
        assert find(document, activity.key) == activity
    for key in ("properties.activities.01", "properties.activities.9", "properties.x.0", "a"):
        assert find(document, key) is None
    assert top_level_index("properties.activities.01") is None
    assert find_in(items[2], 2, "properties.activities.2.typeProperties.activities.7") is None


def test_switch_cases_and_default_activities_are_listed():
    doc = {
        "name": "p",
        "properties": {
            "activities": [
                {
                    "name": "Switch1",
                    "type": "Switch",
                    "typeProperties": {
                        "cases": [{"value": "a", "activities": [{"name": "A", "type": "Wait"}]}],
                        "defaultActivities": [{"name": "D", "type": "Wait"}],
                    },
                },
                {
                    "name": "U",
                    "type": "Until",
                    "typeProperties": {"activities": [{"name": "X", "type": "Wait"}]},
                },
            ]
        },
    }
    assert [a.name for a in activities(doc)] == ["Switch1", "D", "A", "U", "X"]


def test_a_well_formed_pipeline_has_no_structure_problems():
    assert structure_problems(pipeline()) == []


def test_duplicate_activity_names_are_reported_even_when_nested():
    doc = pipeline()
    doc["properties"]["activities"][2]["typeProperties"]["activities"][1]["name"] = "copy sales"
    problems = structure_problems(doc)
    assert len(problems) == 1
    assert problems[0].path == "$.properties.activities[2].typeProperties.activities[1].name"
    assert "used twice" in problems[0].message


def test_a_dependency_cycle_is_reported_not_fixed():
    doc = pipeline()
    doc["properties"]["activities"][0]["dependsOn"] = [
        {"activity": "If Any", "dependencyConditions": ["Succeeded"]}
    ]
    before = json.dumps(doc)
    problems = structure_problems(doc)
    assert any("Dependency cycle" in p.message and "Lookup Day" in p.message for p in problems)
    assert json.dumps(doc) == before


def test_a_dependency_on_an_activity_not_beside_it_is_reported():
    doc = pipeline()
    doc["properties"]["activities"][1]["dependsOn"][0]["activity"] = "Copy Table"
    problems = structure_problems(doc)
    assert [p.path for p in problems] == ["$.properties.activities[1].dependsOn[0].activity"]


def test_copy_with_spark_source_and_lookup_on_spark_dataset_have_an_editor_part():
    found = {a.name: a for a in activities(pipeline())}
    names = {
        name: (parts.part_for(a.body, datasets) or (None, None))[1] for name, a in found.items()
    }
    assert names["Copy Sales"].name == "copy-source"
    assert names["Copy Table"].name == "copy-source"
    assert names["Lookup Day"].name == "lookup"
    assert names["Lookup All"].name == "lookup"
    assert names["Wait a bit"] is None and names["For Each Table"] is None


def test_a_lookup_on_another_kind_of_dataset_stays_read_only():
    body = dict(find(pipeline(), "properties.activities.0").body)
    body["typeProperties"] = {**body["typeProperties"], "dataset": {"referenceName": "SqlSales"}}
    assert parts.part_for(body, datasets) is None


def _part(name: str):
    from connectors.spark import CONNECTOR

    return next(p for p in CONNECTOR.activity_parts if p.name == name)


def test_values_read_the_mode_from_the_query_and_firstrowonly_only_when_present():
    doc = pipeline()
    lookup = find(doc, "properties.activities.0").body
    values = parts.values_of(_part("lookup"), lookup)
    assert values["useQuery"] == "Query"
    assert values["dataset"] == "SparkSales"
    assert "firstRowOnly" not in values


def test_query_mode_needs_a_query_at_the_query_field():
    problems = parts.check(
        _part("copy-source"), {"dataset": "SparkSales", "useQuery": "Query"}, datasets
    )
    assert [(p.path, p.message) for p in problems] == [
        ("$.query", "Required: Query mode needs a query.")
    ]


def test_table_mode_needs_a_dataset_that_names_a_table():
    part = _part("copy-source")
    assert parts.check(part, {"dataset": "SparkSales", "useQuery": "Table"}, datasets) == []
    problems = parts.check(part, {"dataset": "SparkNoTable", "useQuery": "Table"}, datasets)
    assert [p.path for p in problems] == ["$.useQuery"]
    assert "names no table" in problems[0].message


def test_a_missing_or_foreign_dataset_is_reported_at_the_dataset_field():
    part = _part("lookup")
    missing = parts.check(part, {"dataset": "Nope", "useQuery": "Table"}, datasets)
    assert [(p.path, p.message) for p in missing] == [
        ("$.dataset", "There is no dataset 'Nope' in this factory.")
    ]
    foreign = parts.check(part, {"dataset": "SqlSales", "useQuery": "Table"}, datasets)
    assert foreign[0].path == "$.dataset" and "AzureSqlTable" in foreign[0].message


def test_a_one_megabyte_query_is_refused_at_the_field():
    problems = parts.check(
        _part("copy-source"),
        {"dataset": "SparkSales", "useQuery": "Query", "query": "SELECT 1 " + "x" * (1 << 20)},
        datasets,
    )
    assert [(p.path, p.message) for p in problems] == [
        ("$.query", "Too long: at most 65,536 characters.")
    ]


def test_an_expression_naming_an_undeclared_parameter_is_reported():
    problems = parts.check(
        _part("copy-source"),
        {
            "dataset": "SparkSales",
            "useQuery": "Query",
            "query": {
                "type": "Expression",
                "value": "SELECT * FROM t WHERE d = '@{pipeline().parameters.dya}'",
            },
        },
        datasets,
        parameters={"day": {"type": "string"}},
    )
    assert [p.path for p in problems] == ["$.query"]
    assert "'dya'" in problems[0].message


def test_apply_changes_only_the_query_and_keeps_every_other_key_in_place():
    doc = pipeline()
    copy = find(doc, "properties.activities.1").body
    new = parts.apply(
        _part("copy-source"),
        copy,
        {"dataset": "SparkSales", "useQuery": "Query", "query": "SELECT id FROM sales"},
    )
    assert list(new) == list(copy)
    assert new["typeProperties"]["source"] == {
        "type": "SparkSource",
        "query": "SELECT id FROM sales",
    }
    rest = {k: v for k, v in new["typeProperties"].items() if k != "source"}
    assert rest == {k: v for k, v in copy["typeProperties"].items() if k != "source"}


def test_table_mode_removes_the_query():
    copy = find(pipeline(), "properties.activities.1").body
    new = parts.apply(_part("copy-source"), copy, {"dataset": "SparkSales", "useQuery": "Table"})
    assert new["typeProperties"]["source"] == {"type": "SparkSource"}


def test_firstrowonly_stays_absent_unless_changed():
    lookup = find(pipeline(), "properties.activities.0").body
    part = _part("lookup")
    values = {**parts.values_of(part, lookup), "firstRowOnly": True}
    assert "firstRowOnly" not in parts.apply(part, lookup, values)["typeProperties"]
    values["firstRowOnly"] = False
    assert parts.apply(part, lookup, values)["typeProperties"]["firstRowOnly"] is False


def test_an_expression_query_is_written_as_studio_writes_it():
    lookup = find(pipeline(), "properties.activities.0").body
    part = _part("lookup")
    text = "SELECT 1 AS x WHERE '@{pipeline().parameters.region}' <> ''"
    values = {**parts.values_of(part, lookup), "query": {"type": "Expression", "value": text}}
    written = parts.apply(part, lookup, values)["typeProperties"]["source"]["query"]
    assert list(written.items()) == [("value", text), ("type", "Expression")]


@pytest.mark.parametrize(
    "key", ["properties.activities.1", "properties.activities.2.typeProperties.activities.0"]
)
def test_replacing_one_activity_keeps_every_other_byte(key: str):
    raw = raw_pipeline()
    doc = json.loads(raw)
    activity = find(doc, key)
    new = parts.apply(
        _part("copy-source"),
        activity.body,
        {"dataset": "SparkSales", "useQuery": "Query", "query": "SELECT 42 AS answer"},
    )
    replaced = replace_activity(raw, activity.path, new)
    assert find(replaced.document, key).body == new
    expected = json.loads(raw)
    node: Any = expected
    for part in activity.path[:-1]:
        node = node[part]
    node[activity.path[-1]] = new
    assert replaced.document == expected
    # Everything before and after the activity is byte-identical.
    text, out = raw.decode(), replaced.raw.decode()
    start = text.index(json.dumps(activity.body["name"]))
    start = text.rindex("{", 0, start)
    assert out[:start] == text[:start]
    tail_len = len(text) - (
        start
        + len(
            json.dumps(activity.body, indent="\t").replace(
                "\n", "\n" + "\t" * (text[:start].split("\n")[-1].count("\t"))
            )
        )
    )
    assert out[-tail_len:] == text[-tail_len:]
    # Re-serialising the original activity gives the original file back.
    assert replace_activity(raw, activity.path, activity.body).raw == raw


def test_replacement_keeps_a_crlf_space_indented_file_as_it_is_outside_the_activity():
    doc = pipeline()
    raw = json.dumps(doc, indent=2).replace("\n", "\r\n").encode() + b"\r\n"
    activity = find(doc, "properties.activities.0")
    assert replace_activity(raw, activity.path, activity.body).raw == raw
    changed = replace_activity(raw, activity.path, {**activity.body, "description": "x"})
    tail = raw[raw.index(b'"Copy Sales"') - 30 :]
    assert changed.raw.endswith(tail)
    assert changed.raw.startswith(raw[: raw.index(b'"Lookup Day"')])


def test_a_query_is_evaluated_with_test_values_as_adf_interpolates_it():
    from connectors import expression_eval

    interpolated = {
        "value": "SELECT * FROM @{item().name} WHERE d = '@{pipeline().parameters.day}'",
        "type": "Expression",
    }
    assert parts.test_values_needed(interpolated) == [("item", "name"), ("pipeline", "day")]
    assert (
        parts.evaluate_query(
            interpolated, {("item", "name"): "sales", ("pipeline", "day"): "5"}, place=None
        )
        == "SELECT * FROM sales WHERE d = '5'"
    )
    whole = "@concat('SELECT ', variables('cols'), ' FROM t')"
    assert (
        parts.evaluate_query(whole, {("variables", "cols"): "a, b"}, place=None)
        == "SELECT a, b FROM t"
    )
    with pytest.raises(expression_eval.MissingValue):
        parts.evaluate_query(interpolated, {("item", "name"): "sales"}, place=None)
    with pytest.raises(expression_eval.CannotEvaluate):
        parts.evaluate_query("SELECT '@{utcNow()}'", {}, place=None)
    assert parts.evaluate_query("SELECT '@@x'", {}, place=None) == "SELECT '@@x'"


STYLES = [
    lambda d: json.dumps(d, indent="\t").encode(),
    lambda d: json.dumps(d, indent=2).replace("\n", "\r\n").encode() + b"\r\n",
    lambda d: json.dumps(d, indent=4, ensure_ascii=True).encode(),
    lambda d: json.dumps(d).encode(),
    lambda d: b"\xef\xbb\xbf" + json.dumps(d, indent="\t", ensure_ascii=True).encode(),
]
EDITS = [
    lambda a: {**a, "description": "naïve x"},
    lambda a: {**a, "userProperties": [{"name": "k", "value": "é"}], "dependsOn": []},
    lambda a: {k: v for k, v in a.items() if k != "typeProperties"},
    lambda a: {**a, "typeProperties": {**a["typeProperties"], "extra": {"n": [1, 2]}}},
]


@pytest.mark.parametrize("style", range(len(STYLES)))
@pytest.mark.parametrize("change", range(len(EDITS)))
def test_an_activity_replaced_alone_is_what_patching_the_whole_file_writes(
    style: int, change: int
) -> None:
    doc = pipeline()
    doc["properties"]["activities"][0]["description"] = "café"
    doc["properties"]["activities"][1]["userProperties"] = []
    raw = STYLES[style](doc)
    for key in ("properties.activities.0", "properties.activities.1"):
        activity = find(doc, key)
        assert activity is not None
        new = EDITS[change](dict(activity.body))
        whole = json.loads(json.dumps(doc))
        whole["properties"]["activities"][activity.path[-1]] = new
        replaced = replace_activity(raw, activity.path, new)
        assert replaced.raw == patched(raw, whole, doc)
        assert replaced.activity == new
        assert replaced.document == whole

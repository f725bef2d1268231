"""The activity editor's Check and Preview, and ``check_queries``, against a real Spark
Thrift Server (http-custom) holding the test catalog (tests/spark_catalog.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.imports import import_repository
from portal.models import Factory
from tests.conftest import api_for, signed_in
from tests.connectors.repository_builders import as_zip
from tests.spark_catalog import ensure_catalog, type_properties, with_password
from tests.spark_server import ServerPool

NAME = "Spark to SQL"


def activity(name: str, kind: str, query: Any, **extra: Any) -> dict[str, Any]:
    source = {"type": "SparkSource", **({"query": query} if query is not None else {})}
    if kind == "Copy":
        return {
            "name": name,
            "type": "Copy",
            "dependsOn": [],
            "policy": {"timeout": "0.12:00:00", "retry": 0},
            "userProperties": [],
            "typeProperties": {
                "source": source,
                "sink": {"type": "AzureSqlSink", "tableOption": "autoCreate"},
                "enableStaging": False,
                "translator": {"type": "TabularTranslator", "typeConversion": True},
            },
            "inputs": [{"referenceName": "AllTypes", "type": "DatasetReference"}],
            "outputs": [{"referenceName": "SqlOut", "type": "DatasetReference"}],
            **extra,
        }
    return {
        "name": name,
        "type": "Lookup",
        "dependsOn": [],
        "policy": {"timeout": "0.12:00:00", "retry": 0},
        "userProperties": [],
        "typeProperties": {
            "source": source,
            "dataset": {"referenceName": "AllTypes", "type": "DatasetReference"},
            **extra,
        },
    }


def files(server: Any, activities: list[dict[str, Any]]) -> dict[str, bytes]:
    version, tp, password = type_properties(server)
    service = {
        "name": "SparkLS",
        "type": "Microsoft.DataFactory/factories/linkedservices",
        "properties": {
            "annotations": [],
            "type": "Spark",
            **({"version": version} if version != "1.0" else {}),  # ADF writes none for 1.0
            "typeProperties": with_password(tp, password),
        },
    }
    dataset = {
        "name": "AllTypes",
        "properties": {
            "linkedServiceName": {"referenceName": "SparkLS", "type": "LinkedServiceReference"},
            "annotations": [],
            "type": "SparkObject",
            "typeProperties": {"schema": "sales", "table": "all_types"},
            "schema": [],
        },
        "type": "Microsoft.DataFactory/factories/datasets",
    }
    sql = {
        "name": "SqlOut",
        "properties": {"type": "AzureSqlTable", "typeProperties": {"table": "out"}},
    }
    pipeline = {
        "name": NAME,
        "properties": {
            "activities": activities,
            "parameters": {
                "word": {"type": "string", "defaultValue": "héllo"},
                "rows": {"type": "int", "defaultValue": 1},
            },
            "annotations": [],
        },
    }
    return {
        "linkedService/SparkLS.json": json.dumps(service, indent="\t").encode(),
        "dataset/AllTypes.json": json.dumps(dataset, indent="\t").encode(),
        "dataset/SqlOut.json": json.dumps(sql, indent="\t").encode(),
        f"pipeline/{NAME}.json": json.dumps(pipeline, indent="\t").encode(),
    }


@pytest.fixture
def live(spark_pool: ServerPool, settings: Any) -> Any:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 120
    server = spark_pool.get("http-custom")
    ensure_catalog(server)
    return server


def imported(server: Any, editor: Any, activities: list[dict[str, Any]]) -> Factory:
    factory = Factory.default()
    result = import_repository(as_zip(files(server, activities)), user=editor, factory=factory)
    assert result.ok, [str(line) for line in result.report]
    return factory


def url(factory: Factory, index: int) -> str:
    return reverse(
        "resource-activity", args=[factory.name, "pipeline", NAME, f"properties.activities.{index}"]
    )


@pytest.mark.spark("http-custom")
def test_check_shows_the_server_error_with_its_position_then_passes_when_fixed(
    live: Any, editor: Any
) -> None:
    factory = imported(live, editor, [activity("Copy", "Copy", "SELECT 1 AS x")])
    client = signed_in(editor)
    form = {"tp-dataset": "AllTypes", "tp-useQuery": "Query"}
    bad = client.post(
        url(factory, 0),
        {**form, "tp-query": "SELECT c_int,\n  nope FROM sales.all_types", "check": "1"},
    )
    html = bad.content.decode()
    assert 'id="query_result" class="query-result failed"' in html
    assert "nope" in html and "(line 2, column 3)" in html
    good = client.post(
        url(factory, 0), {**form, "tp-query": "SELECT c_int FROM sales.all_types", "check": "1"}
    )
    assert 'class="query-result ok"' in good.content.decode()


@pytest.mark.spark("http-custom")
def test_a_missing_table_is_reported_by_check(live: Any, editor: Any) -> None:
    factory = imported(live, editor, [activity("Copy", "Copy", "SELECT 1 AS x")])
    html = signed_in(editor).post(
        url(factory, 0),
        {"tp-dataset": "AllTypes", "tp-useQuery": "Query",
         "tp-query": "SELECT * FROM sales.nothing_here", "check": "1"},
    ).content.decode()  # fmt: skip
    assert "TABLE_OR_VIEW_NOT_FOUND" in html and "(line 1, column 15)" in html


@pytest.mark.spark("http-custom")
def test_preview_shows_columns_with_spark_and_interim_types(live: Any, editor: Any) -> None:
    factory = imported(live, editor, [activity("Copy", "Copy", "SELECT 1 AS x")])
    html = signed_in(editor).post(
        url(factory, 0),
        {"tp-dataset": "AllTypes", "tp-useQuery": "Query",
         "tp-query": "SELECT c_byte, c_ts, c_dt FROM sales.all_types", "preview": "1"},
    ).content.decode()  # fmt: skip
    assert 'id="preview_columns"' in html
    assert "<td>c_byte</td><td>ByteType</td><td>Sbyte</td>" in html
    assert "<td>c_ts</td><td>TimestampType</td><td>DateTimeOffset</td>" in html


@pytest.mark.spark("http-custom")
def test_table_mode_checks_the_dataset_table(live: Any, editor: Any) -> None:
    factory = imported(live, editor, [activity("Copy", "Copy", None)])
    html = (
        signed_in(editor)
        .post(url(factory, 0), {"tp-dataset": "AllTypes", "tp-useQuery": "Table", "check": "1"})
        .content.decode()
    )
    assert 'class="query-result ok"' in html


@pytest.mark.spark("http-custom")
def test_an_error_after_an_expression_points_at_the_query_as_typed(live: Any, editor: Any) -> None:
    query = (
        "SELECT c_int FROM sales.all_types\n"
        "WHERE c_string = '@{pipeline().parameters.word}' AND nope = 1"
    )
    factory = imported(
        live, editor, [activity("Find", "Lookup", {"value": query, "type": "Expression"})]
    )
    form = {"tp-dataset": "AllTypes", "tp-useQuery": "Query", "tp-query": query}
    html = (
        signed_in(editor)
        .post(url(factory, 0), {**form, "tv-pipeline-word": "a much longer value", "check": "1"})
        .content.decode()
    )
    column = query.split("\n")[1].index("nope") + 1
    assert 'class="query-result failed"' in html and "nope" in html
    assert f"(line 2, column {column})" in html


@pytest.mark.spark("http-custom")
def test_an_expression_is_checked_with_the_test_values_and_saved_untouched(
    live: Any, editor: Any
) -> None:
    query = "SELECT c_int FROM sales.all_types WHERE c_string = '@{pipeline().parameters.word}'"
    factory = imported(
        live, editor, [activity("Find", "Lookup", {"value": query, "type": "Expression"})]
    )
    client = signed_in(editor)
    page = client.get(url(factory, 0)).content.decode()
    assert 'name="tv-pipeline-word" value="héllo"' in page  # the parameter's default
    form = {"tp-dataset": "AllTypes", "tp-useQuery": "Query", "tp-query": query}
    html = client.post(
        url(factory, 0), {**form, "tv-pipeline-word": "héllo", "preview": "1"}
    ).content.decode()
    assert "&quot;firstRow&quot;: {" in html and "&quot;c_int&quot;: 70000" in html
    assert "c_string = &#x27;héllo&#x27;" in html  # the query as sent
    missing = client.post(url(factory, 0), {**form, "tv-pipeline-word": "", "check": "1"})
    assert "No value was given for pipeline().parameters.word" in missing.content.decode()
    runtime = client.post(
        url(factory, 0),
        {**form, "tp-query": "SELECT '@{utcNow()}' AS t", "check": "1"},
    )
    assert "Cannot evaluate here" in runtime.content.decode()
    saved = client.post(url(factory, 0), {**form, "tv-pipeline-word": "x", "save": "1"})
    assert saved.status_code == 302
    from portal.models import Resource

    stored = Resource.objects.get(kind="pipeline").properties["activities"][0]
    assert stored["typeProperties"]["source"]["query"] == {"value": query, "type": "Expression"}


@pytest.mark.spark("http-custom")
def test_check_queries_reports_each_query_and_fails_when_one_fails(
    live: Any, editor: Any, capsys: Any
) -> None:
    imported(
        live,
        editor,
        [
            activity("Good", "Copy", "SELECT c_int FROM sales.all_types"),
            activity("Table", "Copy", None),
            activity("Bad", "Lookup", "SELECT nope FROM sales.all_types"),
        ],
    )
    with pytest.raises(CommandError) as failed:
        call_command("check_queries", "--json")
    assert failed.value.returncode == 1
    document = json.loads(capsys.readouterr().out)
    verdicts = {a["activity"]: a["check"]["ok"] for a in document["activities"]}
    assert verdicts == {"Good": True, "Table": True, "Bad": False}
    bad = next(a for a in document["activities"] if a["activity"] == "Bad")
    assert bad["connectorVersion"] == "2.0" and bad["check"]["column"] == 8


@pytest.mark.spark("http-custom")
def test_check_queries_exits_zero_when_every_query_checks(
    live: Any, editor: Any, capsys: Any
) -> None:
    imported(live, editor, [activity("Good", "Copy", "SELECT c_int FROM sales.all_types")])
    call_command("check_queries")
    assert "1 of 1 queries check." in capsys.readouterr().out


@pytest.mark.spark("http-custom")
def test_check_all_on_the_bulk_page_marks_the_failing_query(live: Any, editor: Any) -> None:
    factory = imported(
        live,
        editor,
        [
            activity("Good", "Copy", "SELECT c_int FROM sales.all_types"),
            activity("Bad", "Lookup", "SELECT nope FROM sales.all_types"),
        ],
    )
    html = (
        signed_in(editor)
        .post(reverse("factory-queries", args=[factory.name]), {"check_all": "1"})
        .content.decode()
    )
    assert "1 of 2 queries fail." in html
    assert "UNRESOLVED_COLUMN" in html


@pytest.mark.spark("http-custom")
def test_check_all_shows_the_interim_types_an_upgrade_to_2_0_changes(
    live: Any, editor: Any
) -> None:
    factory = imported(
        live, editor, [activity("Times", "Copy", "SELECT c_int, c_ts, c_byte FROM sales.all_types")]
    )
    html = (
        signed_in(editor)
        .post(reverse("factory-queries", args=[factory.name]), {"check_all": "1"})
        .content.decode()
    )
    assert "Every query checks." in html
    assert "c_ts: TimestampType DateTime → DateTimeOffset" in html
    assert "c_byte: ByteType Int16 → Sbyte" in html
    assert "c_int:" not in html


@pytest.mark.spark("binary-nosasl")
def test_a_1_0_linked_service_previews_with_the_1_0_interim_types(
    spark_pool: ServerPool, settings: Any, editor: Any
) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 120
    server = spark_pool.get("binary-nosasl")
    ensure_catalog(server)
    factory = imported(server, editor, [activity("Copy", "Copy", "SELECT 1 AS x")])
    html = signed_in(editor).post(
        url(factory, 0),
        {"tp-dataset": "AllTypes", "tp-useQuery": "Query",
         "tp-query": "SELECT c_byte, c_ts FROM sales.all_types", "preview": "1"},
    ).content.decode()  # fmt: skip
    assert "connector version 1.0" in html
    assert "<td>c_byte</td><td>ByteType</td><td>Int16</td>" in html
    assert "<td>c_ts</td><td>TimestampType</td><td>DateTime</td>" in html


HOSTILE_VALUES = [
    "x' OR '1'='1",
    'say "hi"',
    "back\\slash\\",
    "*/ SELECT reflect('java.lang.System', 'getenv') /*",
    "-- rest of the line",
    "line\nbreak",
    "carriage\rreturn",
    "'; DROP TABLE sales.all_types; --",
    "\u037e SELECT 1",
    "`tick`",
    "r'raw'",
    "é\u2028\U0001f600",
    "${env:HOME}",
]


WORD = "@{pipeline().parameters.word}"


def lookup_with_word(live: Any, editor: Any, query: str) -> Any:
    """A Lookup of ``query`` (an expression of the parameter ``word``): (what, word) ->
    the API's answer to a check or a preview with ``word`` as its test value."""
    factory = imported(
        live, editor, [activity("Find", "Lookup", {"value": query, "type": "Expression"})]
    )
    api = api_for(editor)
    where = f"/api/v1/factories/{factory.name}/pipeline/{NAME}/activities/properties.activities.0"

    def run(what: str, word: str) -> Any:
        body = {"testValues": {"pipeline": {"word": word}}}
        return api.post(f"{where}/{what}", body, format="json").json()

    return run


@pytest.mark.spark("http-custom")
def test_a_hostile_test_value_is_one_literal_to_the_server(live: Any, editor: Any) -> None:
    """Issue 18, point 3: whatever a value holds, the server reads it back as the value,
    in a single-quoted string, a double-quoted one and in code."""
    run = lookup_with_word(
        live, editor, f"SELECT '{WORD}' AS single, \"{WORD}\" AS double, {WORD} AS code"
    )
    for value in HOSTILE_VALUES:
        got = run("preview", value)
        if not got["ok"] and (re.search(r"\w\(", value) or "\n" in value or "\r" in value):
            # A literal holding "name(" or a line break makes the server's plan ambiguous
            # to read, and the plan check fails closed: refused before anything ran.
            assert got["message"].startswith("Refused by the server's plan"), (value, got)
            continue
        assert got["ok"], (value, got)
        first = json.loads(got["output"])["firstRow"]
        assert first == {"single": value, "double": value, "code": value}, value
    checked = run("check", "x' OR '1'='1")
    assert checked["ok"] and "x' OR '1'='1 AS single" in checked["plan"], checked


@pytest.mark.spark("http-custom")
def test_a_value_cannot_end_a_comment_or_name_anything_but_a_table(live: Any, editor: Any) -> None:
    run = lookup_with_word(live, editor, f"SELECT c_int FROM {WORD} -- {WORD}\n")
    assert run("check", "sales.all_types")["ok"]  # a plain name: backquoted, the table read
    ended = run("check", "sales.all_types\nUNION SELECT 1")
    assert not ended["ok"] and "could end the -- comment" in ended["message"]
    union = run("check", "sales.all_types UNION SELECT 1")
    assert not union["ok"], union  # a string where a table name goes: the server refuses it
    assert "'sales.all_types UNION SELECT 1'" in union["message"], union


@pytest.mark.spark("http-custom")
def test_a_form_value_of_an_int_parameter_is_a_number_in_the_query(live: Any, editor: Any) -> None:
    query = "SELECT c_int FROM sales.all_types LIMIT @{pipeline().parameters.rows}"
    factory = imported(
        live, editor, [activity("Copy", "Copy", {"value": query, "type": "Expression"})]
    )
    form = {"tp-dataset": "AllTypes", "tp-useQuery": "Query", "tp-query": query}
    html = (
        signed_in(editor)
        .post(url(factory, 0), {**form, "tv-pipeline-rows": "1", "check": "1"})
        .content.decode()
    )
    assert "The server parsed and planned the query." in html

# ruff: noqa: F811 - the fixtures of tests/test_plan_check_hostile.py are imported by name
"""Issue 18's acceptance through the product: hostile queries sent through every entry point
that runs a query on a user's server take no effect ON THE SERVER (checked by a privileged
client, as in tests/test_plan_check_hostile.py): the dataset preview of the API, the Copy
and Lookup check and preview of the activity editor (page and API), the CLI
(``preview_dataset --query``, ``check_queries``), and a pipeline parameter's test value.

Both corpora (tests/hostile_queries.py, the lexer's; tests/hostile_queries_plan.py, the
plan check's) go through the API's dataset preview; a few of each class through every other
entry point. Legitimate queries still preview through the same doors.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from portal.definitions import save_definition
from portal.models import Factory, LiveCall
from portal.roles import Role, grant
from tests.conftest import api_for, signed_in
from tests.helpers import direct_client, url_of
from tests.hostile_queries import HOSTILE as LEXER_HOSTILE
from tests.hostile_queries_plan import HOSTILE as PLAN_HOSTILE
from tests.hostile_queries_plan import LEGITIMATE, SECRET_KEY, SECRET_LINE
from tests.spark_catalog import type_properties
from tests.test_plan_check_hostile import (  # noqa: F401 - the module's fixtures
    Target,
    baseline,
    server_state,
    target,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.spark("binary-nosasl")]

PIPELINE = "Hostile"
LOOKUP = "properties.activities.0"
COPY = "properties.activities.1"
PARAMETER_QUERY = "@{concat('SELECT ', pipeline().parameters.what)}"


def _few(corpus: list[tuple[str, str, str]], each: int = 2) -> list[tuple[str, str, str]]:
    """The first ``each`` queries of every class of ``corpus``."""
    seen: dict[str, int] = {}
    chosen = []
    for entry in corpus:
        if seen.get(entry[2], 0) < each:
            chosen.append(entry)
            seen[entry[2]] = seen.get(entry[2], 0) + 1
    return chosen


ALL = [(f"lexer-{i}", sql, kind) for i, sql, kind in LEXER_HOSTILE] + PLAN_HOSTILE
FEW = [(f"lexer-{i}", sql, kind) for i, sql, kind in _few(LEXER_HOSTILE)] + _few(PLAN_HOSTILE)


@pytest.fixture
def factory(target: Target, editor: Any, settings: Any, spark_pool: Any) -> Factory:
    """A factory whose Spark linked service is the test server, a SparkObject dataset on it
    and a pipeline with a Lookup and a Copy reading through that dataset."""
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 100_000
    home = Factory.objects.create(name="hostile")
    grant(editor, home, Role.EDITOR)
    version, tp, _ = type_properties(spark_pool.get("binary-nosasl"))
    for kind, name, properties in (
        ("linkedService", "Spark", _spark(version, tp)),
        (
            "dataset",
            "Canary",
            {
                "type": "SparkObject",
                "linkedServiceName": {"referenceName": "Spark", "type": "LinkedServiceReference"},
                "typeProperties": {"schema": "lw_canary", "table": "canary"},
            },
        ),
        ("pipeline", PIPELINE, _pipeline("SELECT 1")),
    ):
        save_definition(
            user=editor, name=name, properties=properties, action="create", factory=home, kind=kind
        )
    return home


def _spark(version: str, type_properties: dict[str, Any]) -> dict[str, Any]:
    """Spark's definition as ADF writes it: version 1.0 names no version."""
    versioned = {} if version == "1.0" else {"version": version}
    return {"type": "Spark", **versioned, "typeProperties": type_properties}


def _pipeline(query: str) -> dict[str, Any]:
    source = {"type": "SparkSource", "query": query}
    dataset = {"referenceName": "Canary", "type": "DatasetReference"}
    return {
        "parameters": {"what": {"type": "String", "defaultValue": "1"}},
        "activities": [
            {
                "name": "Look",
                "type": "Lookup",
                "typeProperties": {"source": source, "dataset": dataset, "firstRowOnly": True},
            },
            {
                "name": "Copy",
                "type": "Copy",
                "inputs": [dataset],
                "outputs": [dataset],
                "typeProperties": {"source": source, "sink": {"type": "ParquetSink"}},
            },
        ],
    }


@pytest.fixture
def after(target: Target, baseline: dict[str, Any]) -> Iterator[None]:
    """After the test: the server as it was."""
    yield
    with direct_client(target.port) as client:
        assert server_state(client, target) == baseline


def _no_secret(answer: Any) -> None:
    text = answer if isinstance(answer, str) else json.dumps(answer)
    assert SECRET_LINE not in text and SECRET_KEY not in text


def test_both_corpora_through_the_api_s_dataset_preview_take_no_effect(
    target: Target, factory: Factory, editor: Any, after: None
) -> None:
    api = api_for(editor)
    url = f"/api/v1/factories/{factory.name}/dataset/Canary/preview"
    for query_id, text, kind in ALL:
        response = api.post(url, {"query": target.sql(query_id, text), "rows": 5}, format="json")
        assert response.status_code in (200, 400), (query_id, response.content)
        answer = response.json()
        assert response.status_code == 400 or not answer["ok"], (query_id, kind, answer)
        _no_secret(answer)
    assert LiveCall.objects.filter(operation="preview data").count() == len(ALL)


def test_a_few_of_each_class_through_the_activity_editor_and_its_api(
    target: Target, factory: Factory, editor: Any, after: None
) -> None:
    pipeline = factory.resources.get(kind="pipeline")
    browser, api = signed_in(editor), api_for(editor)
    for query_id, text, kind in FEW:
        sql = target.sql(query_id, text)
        for key in (LOOKUP, COPY):
            for action in ("check", "preview"):
                page = browser.post(
                    url_of(pipeline, "activity", key),
                    {
                        "tp-dataset": "Canary",
                        "tp-useQuery": "Query",
                        "tp-query": sql,
                        "tp-firstRowOnly": "true",
                        action: "1",
                    },
                )
                assert page.status_code in (200, 400), (query_id, key, action)
                html = page.content.decode()
                assert "query-result ok" not in html, (query_id, kind, key, action)
                _no_secret(html)
                answer = api.post(
                    f"/api/v1/factories/{factory.name}/pipeline/{PIPELINE}/activities/{key}/"
                    f"{action}",
                    {"values": {"dataset": "Canary", "useQuery": "Query", "query": sql}},
                    format="json",
                )
                assert answer.status_code in (200, 400), (query_id, answer.content)
                assert answer.status_code == 400 or not answer.json()["ok"], (query_id, kind)
                _no_secret(answer.json())


def test_a_few_of_each_class_through_the_command_line(
    target: Target, factory: Factory, editor: Any, after: None
) -> None:
    for query_id, text, _ in FEW:
        out = io.StringIO()
        with pytest.raises((SystemExit, Exception)):
            call_command(
                "preview_dataset",
                "Canary",
                "--factory",
                factory.name,
                "--query",
                target.sql(query_id, text),
                "--json",
                stdout=out,
            )
        _no_secret(out.getvalue())
    pipeline = factory.resources.get(kind="pipeline")
    for query_id, text, _ in FEW[:6]:
        save_definition(
            user=editor,
            name=PIPELINE,
            properties=_pipeline(target.sql(query_id, text)),
            action="edit",
            instance=pipeline,
        )
        pipeline.refresh_from_db()
        out = io.StringIO()
        with pytest.raises(SystemExit):
            call_command("check_queries", "--factory", factory.name, "--json", stdout=out)
        report = json.loads(out.getvalue())
        assert report["failing"] == report["checked"] == 2, report
        _no_secret(report)


def test_a_hostile_test_value_is_a_literal_that_runs_nothing(
    target: Target, factory: Factory, editor: Any, after: None
) -> None:
    """The query is an expression that puts a parameter's value after SELECT: whatever
    the value holds, it becomes one literal (a string), so the hostile text is data."""
    pipeline = factory.resources.get(kind="pipeline")
    save_definition(
        user=editor,
        name=PIPELINE,
        properties=_pipeline(PARAMETER_QUERY),
        action="edit",
        instance=pipeline,
    )
    pipeline.refresh_from_db()
    api = api_for(editor)
    for query_id, text, _ in FEW:
        answer = api.post(
            f"/api/v1/factories/{factory.name}/pipeline/{PIPELINE}/activities/{LOOKUP}/preview",
            {"testValues": {"pipeline": {"what": target.sql(query_id, text)}}},
            format="json",
        ).json()
        _no_secret(answer)
        if answer["ok"]:  # the value came back as the one string it is
            row = json.loads(answer["output"])["firstRow"]
            assert list(row.values()) == [target.sql(query_id, text)], (query_id, answer)


def test_legitimate_queries_still_preview_through_the_same_doors(
    target: Target, factory: Factory, editor: Any
) -> None:
    api = api_for(editor)
    for query_id, text in LEGITIMATE[:8]:
        response = api.post(
            f"/api/v1/factories/{factory.name}/dataset/Canary/preview",
            {"query": text, "rows": 3},
            format="json",
        )
        assert response.status_code == 200 and response.json()["ok"], (query_id, response.json())

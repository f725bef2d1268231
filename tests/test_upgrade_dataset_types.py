"""The upgrade wizard's "Data types" step sees the datasets that use the linked service:
columns read live from a real Spark server (or from the imported schema when it cannot be
reached, said so); the bulk overview counts them per linked service."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from portal.definitions import save_definition
from portal.models import Factory
from tests.helpers import url_of
from tests.spark_catalog import ensure_catalog
from tests.spark_server import ServerPool

pytestmark = pytest.mark.django_db(transaction=True)
MODE = "binary-nosasl"


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 30.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 3.0


def _service(user: Any, name: str, port: int) -> Any:
    properties = {
        "type": "Spark",
        "typeProperties": {
            "host": "127.0.0.1",
            "port": port,
            "serverType": "SparkThriftServer",
            "thriftTransportProtocol": "Binary",
            "authenticationType": "Anonymous",
        },
    }
    return save_definition(user=user, name=name, properties=properties, action="create").resource


def _dataset(user: Any, name: str, ls: str, tp: dict[str, Any], schema: list[Any]) -> None:
    save_definition(
        user=user,
        name=name,
        properties={
            "type": "SparkObject",
            "linkedServiceName": {"referenceName": ls, "type": "LinkedServiceReference"},
            "typeProperties": tp,
            "schema": schema,
        },
        action="create",
        factory=Factory.default(),
        kind="dataset",
    )


def _types_step(client: Client, service: Any) -> str:
    response = client.post(
        url_of(service, "upgrade"), {"step": "analyse", "nav": "next", "based_on": "1"}
    )
    html = response.content.decode()
    assert 'data-step="types"' in html
    return html


def _section(html: str, dataset: str) -> str:
    found = re.search(rf'data-dataset="{dataset}">(.*?)</section>', html, re.S)
    assert found, f"no section for {dataset}"
    return found.group(1)


@pytest.mark.spark(MODE)
def test_the_data_types_step_reads_the_datasets_columns_live(
    spark_pool: ServerPool, editor: Any, editor_client: Client
) -> None:
    server = spark_pool.get(MODE)
    ensure_catalog(server)
    service = _service(editor, "legacy", server.port)
    _dataset(editor, "AllTypes", "legacy", {"schema": "sales", "table": "all_types"}, [])
    _dataset(editor, "Plain", "legacy", {"schema": "sales", "table": "empty_t"}, [])
    html = _types_step(editor_client, service)
    all_types = _section(html, "AllTypes")
    assert "columns read from the server" in all_types
    for column, before, after in (
        ("c_ts", "DateTime", "DateTimeOffset"),
        ("c_byte", "Int16", "Sbyte"),
    ):
        row = re.search(rf"<tr><td>{column}</td>.*?</tr>", all_types).group(0)
        assert before in row and after in row and "interim type changes" in row
    for column in ("c_ym", "c_dt"):
        row = re.search(rf"<tr><td>{column}</td>.*?</tr>", all_types).group(0)
        assert "becomes readable" in row
    assert "c_int" not in all_types and "c_ntz" not in all_types
    assert "No column changes its interim type" in _section(html, "Plain")


def test_without_the_server_the_step_uses_the_imported_schema_and_says_so(
    editor: Any, editor_client: Client
) -> None:
    service = _service(editor, "legacy", 9)  # nothing listens on port 9
    imported = [
        {"name": "id", "type": "int"},
        {"name": "at", "type": "timestamp"},
        {"name": "span", "type": "interval day to second"},
    ]
    _dataset(editor, "Events", "legacy", {"schema": "s", "table": "events"}, imported)
    _dataset(editor, "Unknown", "legacy", {"schema": "s", "table": "other"}, [])
    html = _types_step(editor_client, service)
    events = _section(html, "Events")
    assert "from its imported schema: the server could not be read" in events
    assert "TCP connect" in events
    assert "<td>at</td>" in events and "<td>span</td>" in events and "<td>id</td>" not in events
    assert "no columns known" in _section(html, "Unknown")

    overview = editor_client.get("/upgrade/").content.decode()
    row = re.search(r'<tr data-name="legacy">.*?</tr>', overview, re.S).group(0)
    assert "2 datasets, 2 columns change interim type" in row

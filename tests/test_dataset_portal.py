"""SparkObject datasets in the portal: saving (schema-checked), the API's tables, columns
and preview, the preview_dataset command, roles and audit, against a real Spark server."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from portal.definitions import DefinitionInvalid, save_definition
from portal.models import AuditEvent, Factory
from tests.conftest import api_for
from tests.spark_catalog import ensure_catalog
from tests.spark_server import ServerPool

pytestmark = pytest.mark.django_db(transaction=True)
MODE = "binary-nosasl"


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 30.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 5.0


def linked_service(user: Any, port: int, name: str = "spark1") -> Any:
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


def dataset(user: Any, name: str, type_properties: dict[str, Any], ls: str = "spark1") -> Any:
    properties = {
        "type": "SparkObject",
        "typeProperties": type_properties,
        "schema": [],
        "linkedServiceName": {"referenceName": ls, "type": "LinkedServiceReference"},
    }
    return save_definition(
        user=user,
        name=name,
        properties=properties,
        action="create",
        factory=Factory.default(),
        kind="dataset",
    ).resource


def url(name: str, what: str) -> str:
    return f"/api/v1/factories/default/dataset/{name}/{what}"


def test_a_dataset_is_checked_by_its_json_schema(editor: Any) -> None:
    with pytest.raises(DefinitionInvalid) as caught:
        dataset(editor, "bad", {"table": 5, "nonsense": True})
    paths = {p.path for p in caught.value.problems}
    assert "$.properties.typeProperties.table" in paths
    assert any("nonsense" in p.message or "nonsense" in p.path for p in caught.value.problems)
    ok = dataset(
        editor, "exprs", {"schema": "@dataset().s", "table": {"value": "@x", "type": "Expression"}}
    )
    assert ok.connector == "SparkObject"


def test_a_dataset_of_an_undeclared_type_stays_a_document_without_live_calls(editor: Any) -> None:
    save_definition(
        user=editor,
        name="blob",
        properties={"type": "DelimitedText", "linkedServiceName": {"referenceName": "x"}},
        action="create",
        factory=Factory.default(),
        kind="dataset",
    )
    response = api_for(editor).post(url("blob", "columns"))
    assert response.status_code == 404


@pytest.mark.spark(MODE)
def test_the_api_lists_tables_imports_columns_and_previews(
    spark_pool: ServerPool, editor: Any
) -> None:
    server = spark_pool.get(MODE)
    ensure_catalog(server)
    linked_service(editor, server.port)
    dataset(editor, "types", {"schema": "sales", "table": "all_types"})
    api = api_for(editor)
    tables = api.post(url("types", "tables"), {"search": "typ"}, format="json")
    assert tables.status_code == 200, tables.content
    assert [t["name"] for t in tables.json()["result"]["tables"]] == ["all_types", "v_types"]
    columns = api.post(url("types", "columns")).json()
    entry = next(c for c in columns["result"]["columns"] if c["name"] == "c_ts")
    assert (entry["source_type"], entry["interim_type"]) == ("TimestampType", "DateTime")
    assert columns["connectorVersion"] == "1.0"
    preview = api.post(url("types", "preview"), {"rows": 1}, format="json")
    assert preview.status_code == 200, preview.content
    result = preview.json()["result"]
    assert len(result["rows"]) == 1 and "first 1 rows" in result["cut"]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.PREVIEW).get()
    assert event.username == editor.username and event.object_name == "types"
    assert "sales.all_types" in event.detail and "héllo" not in event.detail


@pytest.mark.spark(MODE)
def test_a_missing_table_answers_with_the_staged_diagnosis(
    spark_pool: ServerPool, editor: Any
) -> None:
    server = spark_pool.get(MODE)
    linked_service(editor, server.port)
    dataset(editor, "gone", {"schema": "sales", "table": "no_such_table"})
    response = api_for(editor).post(url("gone", "columns"))
    assert response.status_code == 200 and response.json()["ok"] is False
    failed = [s for s in response.json()["stages"] if s["status"] == "failed"]
    assert failed[0]["name"] == "GetColumns"
    assert "no_such_table does not exist" in failed[0]["observed"]


def test_reader_cannot_preview_data(reader: Any, editor: Any) -> None:
    linked_service(editor, 1)
    dataset(editor, "types", {"schema": "sales", "table": "all_types"})
    response = api_for(reader).post(url("types", "preview"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PREVIEW).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED).exists()


def test_a_preview_query_that_writes_is_refused_before_the_server(editor: Any) -> None:
    linked_service(editor, 1)
    dataset(editor, "types", {"schema": "sales", "table": "all_types"})
    response = api_for(editor).post(
        url("types", "preview"), {"query": "DELETE FROM sales.big"}, format="json"
    )
    assert response.status_code == 400
    assert "not 'DELETE'" in response.json()["errors"][0]["message"]


def test_a_dataset_without_a_table_says_the_activity_must_give_a_query(editor: Any) -> None:
    linked_service(editor, 1)
    dataset(editor, "empty", {})
    response = api_for(editor).post(url("empty", "preview"))
    assert response.status_code == 400
    assert "must give a query" in response.json()["errors"][0]["message"]


def test_previews_past_the_rate_are_refused_before_the_server(editor: Any, settings: Any) -> None:
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 1
    linked_service(editor, 1)
    dataset(editor, "types", {"schema": "sales", "table": "all_types"})
    api = api_for(editor)
    first = api.post(url("types", "preview"))  # audited, then fails at the server (port 1)
    assert first.status_code == 200 and first.json()["ok"] is False
    refused = api.post(url("types", "preview"))
    assert refused.status_code == 429
    assert "You made 1 calls to servers" in str(refused.json())
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PREVIEW).count() == 1


def test_a_preview_of_too_many_rows_is_refused(editor: Any) -> None:
    linked_service(editor, 1)
    dataset(editor, "types", {"schema": "sales", "table": "all_types"})
    response = api_for(editor).post(url("types", "preview"), {"rows": 5000}, format="json")
    assert response.status_code == 400
    assert "1 to 1000" in response.json()["errors"][0]["message"]


@pytest.mark.spark(MODE)
def test_the_preview_command_prints_types_and_rows_as_json(
    spark_pool: ServerPool, editor: Any
) -> None:
    server = spark_pool.get(MODE)
    ensure_catalog(server)
    linked_service(editor, server.port)
    dataset(editor, "types", {"tableName": "sales.all_types"})
    out = io.StringIO()
    call_command("preview_dataset", "types", "--rows", "2", "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["ok"] and document["connectorVersion"] == "1.0"
    byte = next(c for c in document["columns"] if c["name"] == "c_byte")
    assert byte == {"name": "c_byte", "sourceType": "ByteType", "interimType": "Int16"}
    assert len(document["rows"]) == 2 and document["rows"][1] == [None] * 18
    text = io.StringIO()
    call_command("preview_dataset", "types", "--rows", "1", stdout=text)
    assert "c_ts (TimestampType -> DateTime)" in text.getvalue()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PREVIEW).count() == 2


def test_reader_cannot_preview_data_from_the_form_either(reader: Any, editor: Any) -> None:
    from tests.conftest import signed_in

    linked_service(editor, 1)
    response = signed_in(reader).post(
        "/factories/default/live/SparkObject/preview/",
        {"linkedService": "spark1", "tp-schema": "sales", "tp-table": "all_types"},
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PREVIEW).exists()


@pytest.mark.spark(MODE)
def test_the_table_picker_pages_and_offers_the_schemas(
    spark_pool: ServerPool, editor: Any, settings: Any
) -> None:
    from tests.conftest import signed_in

    server = spark_pool.get(MODE)
    ensure_catalog(server)
    linked_service(editor, server.port)
    client = signed_in(editor)
    query = {"linkedService": "spark1", "tp-schema": "sales"}
    tables = "/factories/default/new/dataset/SparkObject/tables/"
    first = client.post(tables, query).content.decode()
    assert "all_types" in first and 'data-pick-schema="lw_other"' in first
    assert "view</span>" in first
    searched = client.post(
        "/factories/default/new/dataset/SparkObject/tables/", {**query, "search": "ODD"}
    ).content.decode()
    assert "odd_names" in searched and "all_types" not in searched
    down = client.post(
        "/factories/default/new/dataset/SparkObject/tables/", {**query, "linkedService": "nope"}
    ).content.decode()
    assert "No linked service named" in down

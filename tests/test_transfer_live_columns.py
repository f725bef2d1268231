"""The transfer designer reads the Spark columns from a real Spark Thrift Server (the source
dataset's linked service, or the Copy route's for a table name), says where they came from
on the page, in the CLI and the API, and falls back to the imported schema when the server
cannot be read."""

from __future__ import annotations

import io
import json
import socket
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client

from portal.definitions import save_definition
from portal.models import Factory
from portal.services.actor import Actor
from portal.transfers import plan
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


def _save(user: Any, kind: str, name: str, properties: dict[str, Any]) -> None:
    save_definition(
        user=user,
        name=name,
        properties=properties,
        action="create",
        kind=kind,
        factory=Factory.default(),
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _resources(user: Any, port: int) -> None:
    _save(
        user,
        "linkedService",
        "Pool",
        {
            "type": "AzureSqlDW",
            "typeProperties": {
                "server": "contoso-dw.database.windows.net",
                "database": "salesdw",
                "authenticationType": "SystemAssignedManagedIdentity",
            },
        },
    )
    for name, spark_port in (("LiveSpark", port), ("DownSpark", _closed_port())):
        _save(
            user,
            "linkedService",
            name,
            {
                "type": "Spark",
                "typeProperties": {
                    "host": "127.0.0.1",
                    "port": spark_port,
                    "serverType": "SparkThriftServer",
                    "thriftTransportProtocol": "Binary",
                    "authenticationType": "Anonymous",
                },
            },
        )
    stale = [{"name": "stale", "type": "string"}]
    for name, service in (("LiveBig", "LiveSpark"), ("DownBig", "DownSpark")):
        _save(
            user,
            "dataset",
            name,
            {
                "type": "SparkObject",
                "typeProperties": {"schema": "sales", "table": "odd_names"},
                "schema": stale,
                "linkedServiceName": {"referenceName": service, "type": "LinkedServiceReference"},
            },
        )


@pytest.fixture
def served(editor: Any, spark_pool: ServerPool) -> None:
    server = spark_pool.get(MODE)
    ensure_catalog(server)
    _resources(editor, server.port)


def _plan(**arguments: Any) -> dict[str, Any]:
    """The plan with live reads (as a POST asks), by a command-line actor."""
    base = {"pool": "Pool", "table": "salesdw.dbo.Sales", "direction": "write"}
    return plan(Factory.default(), actor=Actor.cli(), **{**base, **arguments})


def _columns(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(c["column"], c["pool_type"]) for c in result["columns"]]


@pytest.mark.spark(MODE)
def test_a_table_of_the_copy_routes_spark_linked_service_is_read_live(served: None) -> None:
    result = _plan(spark_linked_service="LiveSpark", source="sales.odd_names")
    assert result["columns_origin"]["origin"] == "live server"
    assert "LiveSpark" in result["columns_origin"]["detail"]
    assert _columns(result) == [("a b", "INT"), ("we`ird", "NVARCHAR(4000)")]


@pytest.mark.spark(MODE)
def test_a_spark_dataset_is_read_live_rather_than_from_its_stale_imported_schema(
    served: None,
) -> None:
    result = _plan(spark_pool="ws/pool", source="LiveBig")
    assert result["columns_origin"]["origin"] == "live server"
    assert [name for name, _ in _columns(result)] == ["a b", "we`ird"]


@pytest.mark.spark(MODE)
def test_an_unreachable_server_falls_back_to_the_imported_schema_and_says_so(
    served: None,
) -> None:
    result = _plan(spark_pool="ws/pool", source="DownBig")
    origin = result["columns_origin"]
    assert origin["origin"] == "imported schema"
    assert "could not be read" in origin["detail"]
    assert _columns(result) == [("stale", "NVARCHAR(4000)")]
    missing = _plan(spark_linked_service="DownSpark", source="sales.odd_names")
    assert missing["columns_origin"]["origin"] == "none"
    assert "could not be read" in missing["columns_origin"]["detail"]
    assert missing["columns"] == []
    gone = _plan(spark_linked_service="LiveSpark", source="sales.no_such_table")
    assert gone["columns_origin"]["origin"] == "none"
    assert "does not exist" in gone["columns_origin"]["detail"]


@pytest.mark.spark(MODE)
def test_typed_columns_win_and_are_called_typed(served: None) -> None:
    result = _plan(
        spark_linked_service="LiveSpark", source="sales.odd_names", columns=(("id", "bigint"),)
    )
    assert result["columns_origin"]["origin"] == "typed"
    assert _columns(result) == [("id", "BIGINT")]


@pytest.mark.spark(MODE)
def test_the_page_the_cli_and_the_api_say_where_the_columns_came_from(
    served: None, editor: Any, editor_client: Client
) -> None:
    query = {
        "pool": "Pool",
        "table": "salesdw.dbo.Sales",
        "direction": "write",
        "route": "copy",
        "spark": "LiveSpark",
        "source": "sales.odd_names",
    }
    page = f"/factories/{Factory.default().name}/transfer/"
    # A GET reads no server: it says so, and offers the live read.
    html = editor_client.get(page + "?" + urlencode(query)).content.decode()
    assert 'id="columns_origin"' in html and "not read from the server" in html
    assert 'id="plan_live_button"' in html
    html = editor_client.post(page, query).content.decode()
    assert 'id="columns_origin"' in html and "live server" in html

    out = io.StringIO()
    with pytest.raises(SystemExit):  # the plan is blocked (no staging): exit status 1
        call_command(
            "transfer_plan",
            "--pool=Pool",
            "--table=salesdw.dbo.Sales",
            "--direction=write",
            "--spark=DownSpark",
            "--source=DownBig",
            stdout=out,
        )
    assert "Spark columns from: imported schema" in out.getvalue()

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "transfer_plan",
            "--pool=Pool",
            "--table=salesdw.dbo.Sales",
            "--direction=write",
            "--spark=LiveSpark",
            "--source=sales.odd_names",
            "--column=id bigint",
            "--json",
            stdout=out,
        )
    assert json.loads(out.getvalue())["columns_origin"]["origin"] == "typed"

    plan_url = f"/api/v1/factories/{Factory.default().name}/transfer-plan?" + urlencode(
        {
            "pool": "Pool",
            "table": "salesdw.dbo.Sales",
            "direction": "write",
            "spark": "LiveSpark",
            "source": "LiveBig",
        }
    )
    offline = api_for(editor).get(plan_url)
    assert offline.status_code == 200, offline.content
    assert offline.json()["columns_origin"]["origin"] != "live server"
    response = api_for(editor).post(plan_url)
    assert response.status_code == 200, response.content
    assert response.json()["columns_origin"]["origin"] == "live server"

"""The "Test connection" button, API and command, against real Spark Thrift Servers.

Tests run on the portal's worker pool, so these tests use real transactions.
"""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from portal.definitions import save_definition
from portal.models import AuditEvent, ConnectionTest
from tests.conftest import api_for, form_data
from tests.fake_server import FakeServer, silent
from tests.helpers import NEW_SPARK, NEW_SPARK_TEST, url_of
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 20.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 5.0
    # ?wait=true here waits for the verdict of a live server, however loaded the machine is.
    settings.CONNECTION_TEST_WAIT_SECONDS = 60.0


def v1_properties(port: int, **tp: Any) -> dict[str, Any]:
    return {
        "type": "Spark",
        "typeProperties": {"host": "127.0.0.1", "port": port, **tp},
    }


def saved(user: Any, name: str, properties: dict[str, Any]) -> Any:
    return save_definition(user=user, name=name, properties=properties, action="create").resource


def wait_for(test_id: int, timeout: float = 60) -> ConnectionTest:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        test = ConnectionTest.objects.get(pk=test_id)
        if test.done:
            return test
        time.sleep(0.1)
    raise AssertionError("the connection test did not finish")


def stage_statuses(test: ConnectionTest) -> dict[str, str]:
    return {s["name"]: s["status"] for s in test.result["stages"]}


@pytest.mark.spark("binary-sasl-custom")
def test_button_on_the_form_tests_unsaved_values(
    spark_pool: ServerPool, editor_client: Client
) -> None:
    port = spark_pool.get("binary-sasl-custom").port
    data = form_data(
        version="1.0",
        **{
            "tp-host": "127.0.0.1",
            "tp-port": str(port),
            "tp-thriftTransportProtocol": "SASL",
            "tp-authenticationType": "UsernameAndPassword",
            "tp-username": CUSTOM_USER,
            "tp-password": CUSTOM_PASSWORD,
            "tp-httpPath": "",
        },
    )
    response = editor_client.post(
        NEW_SPARK_TEST,
        data,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="test_result",
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="test_result"' in html
    test = ConnectionTest.objects.get()
    assert test.unsaved and test.resource is None
    assert f'hx-get="/connection-tests/{test.pk}/?poll=1"' in html or test.done
    wait_for(test.pk)
    fragment = editor_client.get(
        f"/connection-tests/{test.pk}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "connection successful" in fragment and "hx-get" not in fragment
    for stage in (
        "Resolve host",
        "TCP connect",
        "Transport and authentication",
        "OpenSession",
        "Server name and version",
        "SELECT 1",
        "CloseSession",
    ):
        assert f'data-stage="{stage}"' in fragment
    assert (
        CUSTOM_PASSWORD not in fragment
        and CUSTOM_PASSWORD not in ConnectionTest.objects.get().report
    )


@pytest.mark.spark("binary-sasl-custom")
def test_wrong_password_says_what_to_fix_and_the_saved_page_shows_results(
    spark_pool: ServerPool, editor_client: Client, editor: Any
) -> None:
    port = spark_pool.get("binary-sasl-custom").port
    props = v1_properties(
        port,
        thriftTransportProtocol="SASL",
        authenticationType="UsernameAndPassword",
        username=CUSTOM_USER,
        password={"type": "SecureString", "value": "wrong-password"},
    )
    service = save_definition(user=editor, name="Sasl", properties=props, action="create").resource
    editor_client.post(url_of(service, "test"))
    test = wait_for(ConnectionTest.objects.get().pk)
    assert test.status == "failed" and not test.unsaved and test.revision == 1
    failure = test.first_failure
    assert failure["name"] == "Transport and authentication"
    assert "password" in (failure["change"] or "").lower()
    page = editor_client.get(url_of(service)).content.decode()
    assert "Transport and authentication" in page and "revision 1" in page
    assert AuditEvent.objects.filter(action="test connection").exists()


@pytest.mark.spark("binary-sasl-custom")
def test_untouched_password_on_the_edit_form_means_the_stored_one(
    spark_pool: ServerPool, editor_client: Client, editor: Any
) -> None:
    port = spark_pool.get("binary-sasl-custom").port
    props = v1_properties(
        port,
        thriftTransportProtocol="SASL",
        authenticationType="UsernameAndPassword",
        username=CUSTOM_USER,
        password={"type": "SecureString", "value": CUSTOM_PASSWORD},
    )
    service = save_definition(user=editor, name="Sasl", properties=props, action="create").resource
    data = form_data(
        name="Sasl",
        version="1.0",
        based_on="1",
        **{
            "tp-host": "127.0.0.1",
            "tp-port": str(port),
            "tp-thriftTransportProtocol": "SASL",
            "tp-username": CUSTOM_USER,
            "tp-password": "",
            "tp-httpPath": "",
        },
    )
    editor_client.post(url_of(service, "test-form"), data, HTTP_HX_REQUEST="true")
    test = wait_for(ConnectionTest.objects.get().pk)
    assert test.status == "passed", test.result
    assert test.unsaved


def test_expressions_and_key_vault_are_reported_before_any_network_stage(
    editor_client: Client,
) -> None:
    data = form_data(
        **{
            "tp-host": "@linkedService().host",
            "tp-password__kind": "AzureKeyVaultSecret",
            "tp-password__store": "KV",
            "tp-password__secretName": "spark",
        }
    )
    # An expression without a value for what it reads is refused, naming it.
    refused = editor_client.post(NEW_SPARK_TEST, data, HTTP_HX_REQUEST="true")
    assert "No value was given for linkedService().host" in refused.content.decode()
    assert not ConnectionTest.objects.exists()
    # Given one (a value for this test), the Key Vault secret is asked for, before any network.
    data["test_param__host"] = "spark.example.com"
    editor_client.post(NEW_SPARK_TEST, data, HTTP_HX_REQUEST="true")
    test = wait_for(ConnectionTest.objects.get().pk)
    failure = test.first_failure
    assert failure["name"] == "Check settings"
    assert "password is the Azure Key Vault secret 'spark' of 'KV'" in failure["observed"]
    assert set(stage_statuses(test).values()) == {"failed", "skipped"}


def test_metadata_address_is_never_reached(editor_client: Client) -> None:
    data = form_data(**{"tp-host": "169.254.169.254", "tp-port": "80"})
    editor_client.post(NEW_SPARK_TEST, data, HTTP_HX_REQUEST="true")
    test = wait_for(ConnectionTest.objects.get().pk)
    assert test.status == "failed"
    assert test.first_failure["name"] in ("Resolve host", "TCP connect")
    assert "169.254.169.254" not in json.dumps(stage_statuses(test))


def test_a_refused_host_reveals_only_the_verdict(editor_client: Client, settings: Any) -> None:
    """What a name resolves to is not shown for hosts the user may not reach."""
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    editor_client.post(
        NEW_SPARK_TEST,
        form_data(**{"tp-host": "localhost", "tp-port": "10000"}),
        HTTP_HX_REQUEST="true",
    )
    test = wait_for(ConnectionTest.objects.get().pk)
    assert test.first_failure["name"] == "Resolve host"
    assert "network policy" in test.report
    for revealing in ("127.0.0.1", "::1", "loopback"):
        assert revealing not in test.report, revealing


def test_loopback_is_refused_unless_allowed(editor_client: Client, settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    with FakeServer(silent) as server:
        data = form_data(**{"tp-host": "127.0.0.1", "tp-port": str(server.port)})
        editor_client.post(NEW_SPARK_TEST, data, HTTP_HX_REQUEST="true")
        test = wait_for(ConnectionTest.objects.get().pk)
        assert server.connections == 0
    assert test.first_failure["name"] in ("Resolve host", "TCP connect")


def test_readers_cannot_test_and_tests_are_rate_limited(
    reader_client: Client, editor_client: Client, settings: Any
) -> None:
    assert reader_client.post(NEW_SPARK_TEST, form_data()).status_code == 403
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 2
    data = form_data(**{"tp-port": "0"})  # fails its settings check: no network
    for _ in range(2):
        editor_client.post(NEW_SPARK_TEST, data, HTTP_HX_REQUEST="true")
    third = editor_client.post(NEW_SPARK_TEST, data, HTTP_HX_REQUEST="true")
    assert "calls to servers" in third.content.decode()
    assert ConnectionTest.objects.count() == 2


def test_fifty_tests_against_silent_hosts_leave_pages_responsive(
    editor: Any, settings: Any
) -> None:
    """Starting tests returns at once, and pages load while every test is still waiting."""
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 100
    settings.CONNECTION_TEST_DEADLINE = 4.0
    client = Client()
    client.force_login(editor)
    with FakeServer(silent) as server:
        data = form_data(
            **{"tp-host": "127.0.0.1", "tp-port": str(server.port), "tp-enableSsl": "false"}
        )
        for _ in range(50):
            started = client.post(NEW_SPARK_TEST, data, HTTP_HX_REQUEST="true")
            assert started.status_code == 200
        for _ in range(5):
            assert client.get("/factories/default/").status_code == 200
            assert client.get(NEW_SPARK).status_code == 200
        pending = ConnectionTest.objects.exclude(status__in=["passed", "failed"]).count()
        assert pending > 0, "pages were served only after the tests had finished"
        deadline = time.monotonic() + 120
        while ConnectionTest.objects.exclude(status__in=["passed", "failed"]).exists():
            assert time.monotonic() < deadline, "silent hosts held the tests past their deadline"
            time.sleep(0.2)
    assert ConnectionTest.objects.filter(status="failed").count() == 50


@pytest.mark.spark("http-custom")
def test_api_tests_saved_and_unsaved_definitions(spark_pool: ServerPool, editor: Any) -> None:
    port = spark_pool.get("http-custom").port
    props = v1_properties(
        port,
        thriftTransportProtocol="HTTP",
        authenticationType="UsernameAndPassword",
        username=CUSTOM_USER,
        httpPath="cliservice",
        password={"type": "SecureString", "value": CUSTOM_PASSWORD},
    )
    save_definition(user=editor, name="Http", properties=props, action="create")
    api = api_for(editor)
    done = api.post("/api/v1/linkedservices/Http/test?wait=true")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "passed"
    assert done.json()["report"]["server_protocol_version"]
    later = api.post("/api/v1/linkedservices/Http/test")
    assert later.status_code in (200, 202)
    assert wait_for(later.json()["id"]).status == "passed"
    assert api.get(f"/api/v1/connection-tests/{later.json()['id']}").json()["status"] == "passed"
    wrong = {
        "name": "Http",
        "properties": {
            **props,
            "typeProperties": {**props["typeProperties"], "httpPath": "nothere"},
        },
    }
    unsaved = api.post("/api/v1/test-connection?wait=true", wrong, format="json")
    assert unsaved.json()["status"] == "failed"
    first = next(s for s in unsaved.json()["report"]["stages"] if s["status"] == "failed")
    assert "405" in (first["observed"] or first["detail"])
    invalid = api.post(
        "/api/v1/test-connection", {"name": "x", "properties": {"type": "Spark"}}, format="json"
    )
    assert invalid.status_code == 400


@pytest.mark.spark("binary-nosasl")
def test_command_line_exit_status_and_json(spark_pool: ServerPool, editor: Any) -> None:
    port = spark_pool.get("binary-nosasl").port
    good = v1_properties(port, thriftTransportProtocol="Binary", authenticationType="Anonymous")
    bad = v1_properties(port, thriftTransportProtocol="SASL", authenticationType="Anonymous")
    save_definition(user=editor, name="Good", properties=good, action="create")
    save_definition(user=editor, name="Bad", properties=bad, action="create")
    out = io.StringIO()
    call_command("test_connection", "Good", stdout=out)
    assert "passed" in out.getvalue() and "SELECT 1" in out.getvalue()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("test_connection", "Bad", "--json", stdout=out)
    assert exit_status.value.code == 1
    report = json.loads(out.getvalue())
    assert report["status"] == "failed" and report["report"]["stages"]

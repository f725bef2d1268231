"""A stored secret never follows a changed target (issue 8, point 1).

For every property each connector declares as deciding where or how its secrets are
sent, and for every path that can reuse a stored secret (the edit form's Test
connection and Save, the API's replace and import, the Import page, the unsaved test
API), an Editor who changes that property and leaves the password untouched is refused,
with the property named, and a recording server on 127.0.0.1 never sees the password.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from connectors.azuresqldw.secret_target import SECRET_TARGET as AZURESQLDW_TARGET
from connectors.formdata import form_from_properties
from connectors.registry import REGISTRY, get_version
from connectors.spark.secret_target import SECRET_TARGET
from portal.definitions import save_definition
from portal.models import AuditEvent, ConnectionTest, Resource, Revision, SecretValue
from portal.services.connection_tests import wait_for_verdict
from tests.conftest import api_for
from tests.fake_server import FakeServer
from tests.fixture_secrets import RECORDED_SECRET
from tests.helpers import url_of
from tests.test_azuresqldw_secret_reuse import AZURESQLDW_CASES
from tests.test_sibling_secret_reuse import CASES as SIBLING_CASES
from tests.test_storage_secret_reuse import CASES as STORAGE_CASES

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = RECORDED_SECRET
USER = "etl"


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 10.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 3.0
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 1000


class Recorder:
    """A listener on 127.0.0.1 that keeps every byte anyone sends it."""

    def __init__(self) -> None:
        self.received = bytearray()
        self._lock = threading.Lock()
        self.server = FakeServer(self._record)

    def _record(self, conn: socket.socket, stop: threading.Event) -> None:
        conn.settimeout(0.05)
        while not stop.is_set():
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                return
            with self._lock:
                self.received += chunk

    @property
    def port(self) -> int:
        return self.server.port

    def saw_the_password(self) -> bool:
        data = bytes(self.received)
        basic = base64.b64encode(f"{USER}:{PASSWORD}".encode())
        return PASSWORD.encode() in data or basic in data


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    with rec.server:
        yield rec


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spark(version: str, port: int, **tp: Any) -> dict[str, Any]:
    """A Spark definition whose password would go, as is, to 127.0.0.1:``port``."""
    type_properties: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "thriftTransportProtocol": "SASL" if version == "1.0" else "HTTP",
        "authenticationType": "UsernameAndPassword",
        "username": USER,
        "password": {"type": "SecureString", "value": PASSWORD},
    }
    if version == "2.0":
        type_properties["enableSsl"] = False
    type_properties.update(tp)
    properties: dict[str, Any] = {"type": "Spark", "typeProperties": type_properties}
    if version == "2.0":
        properties["version"] = "2.0"
    return properties


TLS_V1 = {"thriftTransportProtocol": "HTTP", "enableSsl": True}
# property -> (version, stored typeProperties, the change an Editor makes, at top level?)
SPARK_CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "host": ("1.0", {"host": "127.0.0.2"}, {"host": "127.0.0.1"}),
    "port": ("1.0", {"port": "closed"}, {"port": "recorder"}),
    "serverType": ("1.0", {"serverType": "SparkThriftServer"}, {"serverType": "SharkServer2"}),
    "thriftTransportProtocol": (
        "1.0",
        {"thriftTransportProtocol": "SASL"},
        {"thriftTransportProtocol": "HTTP"},
    ),
    "httpPath": (
        "1.0",
        {"thriftTransportProtocol": "HTTP", "httpPath": "cliservice"},
        {"httpPath": "elsewhere"},
    ),
    "enableSsl": ("1.0", {"thriftTransportProtocol": "HTTP"}, {"enableSsl": True}),
    "trustedCertPath": (
        "1.0",
        {**TLS_V1, "trustedCertPath": "/etc/ssl/ours.pem"},
        {"trustedCertPath": "/etc/ssl/theirs.pem"},
    ),
    "useSystemTrustStore": (
        "1.0",
        {**TLS_V1, "trustedCertPath": "/etc/ssl/ours.pem", "useSystemTrustStore": False},
        {"useSystemTrustStore": True},
    ),
    "allowHostNameCNMismatch": ("1.0", TLS_V1, {"allowHostNameCNMismatch": True}),
    "allowSelfSignedServerCert": ("1.0", TLS_V1, {"allowSelfSignedServerCert": True}),
    "enableServerCertificateValidation": (
        "2.0",
        {"enableSsl": True},
        {"enableServerCertificateValidation": False},
    ),
    "connectVia": (
        "1.0",
        {},
        {"connectVia": {"referenceName": "TheirIR", "type": "IntegrationRuntimeReference"}},
    ),
}
CASES = {
    "Spark": SPARK_CASES,
    "AzureSqlDW": AZURESQLDW_CASES,
    **STORAGE_CASES,
    **SIBLING_CASES,
}
TOP_LEVEL = {"connectVia"}


def test_every_connector_with_secrets_declares_its_target_and_every_property_is_tested() -> None:
    declaring = {t for t, c in REGISTRY.items() if c.secret_target is not None}
    assert declaring == set(REGISTRY)  # every connector we have holds a password
    assert set(CASES) == declaring
    assert set(SPARK_CASES) == set(SECRET_TARGET)
    # AzureSqlDW's cases run in tests/test_azuresqldw_secret_reuse.py, the storage
    # connectors' (each checking its own target) in tests/test_storage_secret_reuse.py.
    assert set(AZURESQLDW_CASES) == set(AZURESQLDW_TARGET)


def _port_of(value: Any, recorder: Recorder, closed: int) -> Any:
    if value == "closed":
        return closed
    return recorder.port if value == "recorder" else value


def _build(case: str, recorder: Recorder) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(stored properties, the same after the Editor's change with the mask, as typed)."""
    version, stored_tp, change = SPARK_CASES[case]
    closed = closed_port()
    stored_tp = {k: _port_of(v, recorder, closed) for k, v in stored_tp.items()}
    port = stored_tp.pop("port", recorder.port)
    stored = spark(version, port, **stored_tp)
    changed = json.loads(json.dumps(stored))
    for key, value in change.items():
        target = changed if key in TOP_LEVEL else changed["typeProperties"]
        target[key] = _port_of(value, recorder, closed)
    masked = json.loads(json.dumps(changed))
    masked["typeProperties"]["password"] = {"type": "SecureString", "value": "**********"}
    return stored, changed, masked


def _via_form_test(client: Client, service: Resource, masked: dict[str, Any]) -> str:
    data = _form(service, masked)
    response = client.post(url_of(service, "test-form"), data, HTTP_HX_REQUEST="true")
    return response.content.decode()


def _via_form_save(client: Client, service: Resource, masked: dict[str, Any]) -> str:
    response = client.post(url_of(service, "edit"), _form(service, masked))
    assert response.status_code == 400
    return response.content.decode()


def _form(service: Resource, masked: dict[str, Any]) -> dict[str, str]:
    version = get_version("Spark", "2.0" if masked.get("version") == "2.0" else "1.0")
    data = form_from_properties(version, masked)
    data.update(name=service.name, version=version.version, based_on=str(service.revision))
    data["tp-password"] = ""  # untouched: keep the stored one
    return data


def _via_api_put(client: Client, service: Resource, masked: dict[str, Any]) -> str:
    api = api_for(service.created_by)
    body = {"name": service.name, "properties": masked}
    response = api.put(
        f"/api/v1/linkedservices/{service.name}", body, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    return json.dumps(response.json())


def _via_api_import(client: Client, service: Resource, masked: dict[str, Any]) -> str:
    api = api_for(service.created_by)
    body = {"name": service.name, "properties": masked}
    response = api.post("/api/v1/import?replace=true", body, format="json")
    assert response.status_code == 400
    return json.dumps(response.json())


def _via_import_page(client: Client, service: Resource, masked: dict[str, Any]) -> str:
    pasted = json.dumps({"name": service.name, "properties": masked})
    response = client.post("/factories/default/import/", {"pasted": pasted, "replace": "on"})
    assert response.status_code == 400
    return response.content.decode()


PATHS: dict[str, Callable[[Client, Resource, dict[str, Any]], str]] = {
    "edit form, Test connection": _via_form_test,
    "edit form, Save": _via_form_save,
    "API replace": _via_api_put,
    "API import with replace": _via_api_import,
    "Import page with replace": _via_import_page,
}


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("case", list(SPARK_CASES))
def test_a_changed_target_with_an_untouched_password_is_refused_and_nothing_is_sent(
    case: str, path: str, editor: Any, editor_client: Client, recorder: Recorder
) -> None:
    stored, _changed, masked = _build(case, recorder)
    service = save_definition(
        user=editor, name="Target", properties=stored, action="create"
    ).resource
    answer = PATHS[path](editor_client, service, masked)
    assert "typed for another target" in answer and case in answer
    time.sleep(0.2)  # a test that had started would be connecting by now
    assert not ConnectionTest.objects.filter(status__in=["running", "passed", "failed"]).exists()
    assert recorder.server.connections == 0 and not recorder.saw_the_password()
    service.refresh_from_db()
    assert service.revision == 1 and Revision.objects.count() == 1


def test_the_recorder_would_have_seen_a_password_typed_again(
    editor: Any, editor_client: Client, recorder: Recorder
) -> None:
    """The control: the same change with the password typed again does reach the
    server, so the recorder above would have caught a leak."""
    stored, changed, _masked = _build("host", recorder)
    service = save_definition(
        user=editor, name="Target", properties=stored, action="create"
    ).resource
    data = _form(service, changed)
    data["tp-password"] = PASSWORD
    editor_client.post(url_of(service, "test-form"), data, HTTP_HX_REQUEST="true")
    deadline = time.monotonic() + 15
    while not recorder.saw_the_password() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert recorder.saw_the_password()


def test_the_unsaved_test_api_never_resolves_a_mask(editor: Any, recorder: Recorder) -> None:
    stored, _changed, masked = _build("port", recorder)
    save_definition(user=editor, name="Target", properties=stored, action="create")
    response = api_for(editor).post(
        "/api/v1/test-connection", {"name": "Target", "properties": masked}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "$.properties.typeProperties.password"
    time.sleep(0.2)
    assert recorder.server.connections == 0 and not ConnectionTest.objects.exists()


def test_a_saved_definition_whose_secret_was_moved_before_the_rule_is_not_tested(
    editor: Any, editor_client: Client, recorder: Recorder
) -> None:
    """A revision written before this rule existed (host changed, secret kept) is
    refused too: the secret stays with the target of the revision it was typed in."""
    stored, changed, _masked = _build("host", recorder)
    service = save_definition(
        user=editor, name="Target", properties=stored, action="create"
    ).resource
    moved = json.loads(service.definition)
    moved["typeProperties"]["host"] = "127.0.0.1"
    Resource.objects.filter(pk=service.pk).update(definition=json.dumps(moved))
    response = editor_client.post(url_of(service, "test"), HTTP_HX_REQUEST="true").content.decode()
    assert "typed for another target" in response and "host" in response
    api = api_for(editor).post("/api/v1/linkedservices/Target/test")
    assert api.status_code == 400 and "host" in api.json()["errors"][0]["message"]
    time.sleep(0.2)
    assert recorder.server.connections == 0


def test_restoring_an_old_revision_restores_its_own_secret_with_its_own_target(
    editor: Any, recorder: Recorder
) -> None:
    stored, changed, _masked = _build("host", recorder)
    service = save_definition(
        user=editor, name="Target", properties=stored, action="create"
    ).resource
    changed["typeProperties"]["password"]["value"] = "Another-Secret-2"
    save_definition(
        user=editor,
        name="Target",
        properties=changed,
        action="edit",
        instance=service,
        based_on=1,
    )
    response = api_for(editor).post(
        "/api/v1/linkedservices/Target/revisions/1/restore", HTTP_IF_MATCH='"2"'
    )
    assert response.status_code == 200, response.json()
    service.refresh_from_db()
    current = service.properties["typeProperties"]
    assert current["host"] == "127.0.0.2"
    assert SecretValue.objects.get(pk=current["password"]["secretId"]).reveal() == PASSWORD


def test_a_changed_description_or_user_name_keeps_the_stored_password(
    editor: Any, recorder: Recorder
) -> None:
    stored, _changed, _masked = _build("host", recorder)
    save_definition(user=editor, name="Target", properties=stored, action="create")
    api = api_for(editor)
    document = api.get("/api/v1/linkedservices/Target").json()
    document["properties"]["description"] = "now described"
    document["properties"]["typeProperties"]["username"] = "someone"
    response = api.put(
        "/api/v1/linkedservices/Target", document, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.json()


def test_unsaved_and_refused_tests_are_audited_with_their_target(
    editor: Any, editor_client: Client, recorder: Recorder
) -> None:
    stored, changed, masked = _build("host", recorder)
    service = save_definition(
        user=editor, name="Target", properties=stored, action="create"
    ).resource
    _via_form_test(editor_client, service, masked)
    data = _form(service, changed)
    data["tp-password"] = PASSWORD
    editor_client.post(url_of(service, "test-form"), data, HTTP_HX_REQUEST="true")
    # A test's audit row comes with its verdict.
    wait_for_verdict(ConnectionTest.objects.latest("id"))
    events = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.TEST)
        .order_by("id")
        .values_list("detail", "username")
    )
    assert len(events) == 2 and all(user == "eddie" for _, user in events)
    refused, ran = events[0][0], events[1][0]
    assert refused.startswith("refused:") and "host" in refused
    assert "unsaved values" in ran and '"127.0.0.1"' in ran and str(recorder.port) in ran
    assert PASSWORD not in json.dumps(events)


def _echoing_sasl(conn: socket.socket, stop: threading.Event) -> None:
    """Refuse the SASL PLAIN credentials with a message that echoes them."""
    received = b""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and PASSWORD.encode() not in received:
        chunk = conn.recv(4096)
        if not chunk:
            return
        received += chunk
    message = b"Error validating the login: " + received + b" (" + received.hex().encode() + b")"
    conn.sendall(b"\x03" + len(message).to_bytes(4, "big") + message)


def _echoing_http(conn: socket.socket, stop: threading.Event) -> None:
    """Refuse with 401 and a body that echoes the request, Authorization included."""
    received = b""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and b"\r\n\r\n" not in received:
        chunk = conn.recv(4096)
        if not chunk:
            return
        received += chunk
    body = b"Unauthorized request: " + received
    conn.sendall(
        b"HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


@pytest.mark.parametrize(
    ("handler", "transport"), [(_echoing_sasl, "SASL"), (_echoing_http, "HTTP")]
)
def test_a_server_that_echoes_the_credentials_never_gets_them_into_the_report(
    editor: Any, handler: Any, transport: str
) -> None:
    with FakeServer(handler) as server:
        properties = spark("1.0", server.port, thriftTransportProtocol=transport)
        save_definition(user=editor, name="Echo", properties=properties, action="create")
        response = api_for(editor).post("/api/v1/linkedservices/Echo/test?wait=true")
    assert response.status_code == 200, response.json()
    report = json.dumps(response.json())
    stored = ConnectionTest.objects.get().report
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    for text in (report, stored):
        assert PASSWORD not in text and basic.rstrip("=") not in text
        assert PASSWORD.encode().hex() not in text
    assert response.json()["status"] == "failed"

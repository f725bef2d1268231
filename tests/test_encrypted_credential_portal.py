"""A Spark linked service whose password ADF holds encrypted (``encryptedCredential``):
the form says so and keeps it, a typed password replaces it, and a connection test takes
the password for that test only (never stored, never logged) — against a real SASL Spark
Thrift Server.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from portal.definitions import save_definition
from portal.models import AuditEvent, ConnectionTest, Resource, SecretValue
from tests.conftest import api_for
from tests.helpers import url_of
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool
from tests.test_connection_test_portal import wait_for

CREDENTIAL = "ew0KICAiVmVyc2lvbiI6ICIyMDE3LTExLTMwIiwNCiAgIlByb3RlY3Rpb25Nb2RlIjogIktleSJ9"


def encrypted(port: int = 10000, **tp: Any) -> dict[str, Any]:
    """A 1.0 definition as ADF Studio writes it with encryptedCredential (no password)."""
    return {
        "annotations": [],
        "type": "Spark",
        "typeProperties": {
            "host": "127.0.0.1",
            "port": port,
            "thriftTransportProtocol": "SASL",
            "authenticationType": "UsernameAndPassword",
            "username": CUSTOM_USER,
            "encryptedCredential": CREDENTIAL,
            **tp,
        },
    }


def saved(user: Any, properties: dict[str, Any], name: str = "Encrypted") -> Resource:
    return save_definition(user=user, name=name, properties=properties, action="import").resource


def edit_post(**overrides: str) -> dict[str, str]:
    """The save of the edit form of :func:`encrypted`, revision 1."""
    return {
        "name": "Encrypted",
        "version": "1.0",
        "based_on": "1",
        "tp-host": "127.0.0.1",
        "tp-port": "10000",
        "tp-thriftTransportProtocol": "SASL",
        "tp-authenticationType": "UsernameAndPassword",
        "tp-username": CUSTOM_USER,
        "tp-password__kind": "SecureString",
        "_save": "1",
        **overrides,
    }


def edit_form(client: Client, service: Resource) -> str:
    return client.get(url_of(service, "edit")).content.decode()


# --- the form -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_says_the_password_is_held_encrypted_and_cannot_be_read(
    editor_client: Client, editor: Any
) -> None:
    page = edit_form(editor_client, saved(editor, encrypted()))
    assert "held encrypted by Data Factory (encryptedCredential) and cannot be read here" in page
    assert "Typing a new password replaces it with a secure string and removes the " in page
    assert 'name="test_password"' in page
    assert "used for that test only, never stored" in page
    assert CREDENTIAL not in page.split('id="code_view"')[0], "never a value to type"


@pytest.mark.django_db
def test_saving_the_form_untouched_keeps_the_encrypted_credential(
    editor_client: Client, editor: Any
) -> None:
    service = saved(editor, encrypted())
    data = edit_post(**{"tp-password": "", "test_password": "typed-for-a-test"})
    response = editor_client.post(url_of(service, "edit"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.revision == 2
    assert service.properties["typeProperties"]["encryptedCredential"] == CREDENTIAL
    assert "password" not in service.properties["typeProperties"]
    assert SecretValue.objects.count() == 0
    assert "typed-for-a-test" not in service.definition


@pytest.mark.django_db
def test_typing_a_password_on_the_form_replaces_the_encrypted_credential(
    editor_client: Client, editor: Any
) -> None:
    service = saved(editor, encrypted())
    data = edit_post(**{"tp-password": "a-new-one"})
    assert editor_client.post(url_of(service, "edit"), data).status_code == 302
    service.refresh_from_db()
    tp = service.properties["typeProperties"]
    assert "encryptedCredential" not in tp
    assert SecretValue.objects.get(pk=tp["password"]["secretId"]).reveal() == "a-new-one"


@pytest.mark.django_db
def test_the_form_shows_a_reference_to_an_undeclared_parameter_as_a_warning(
    editor_client: Client, editor: Any
) -> None:
    service = saved(editor, encrypted(host="@{linkedService().hostName}"))
    page = edit_form(editor_client, service)
    assert "Accepted as ADF accepts it, with these warnings" in page
    assert "refers to the parameter &#x27;hostName&#x27;" in page
    # The plain-string expression is shown as written, not escaped as a literal.
    assert 'value="@{linkedService().hostName}"' in page


@pytest.mark.django_db
def test_pages_show_a_definition_with_exported_leftovers(
    editor_client: Client, editor: Any
) -> None:
    service = saved(editor, encrypted(port="10000", password=False))
    assert service.properties["typeProperties"]["password"] is False
    for page in ("", "history/", "export/"):
        response = editor_client.get(url_of(service) + page)
        assert response.status_code == 200, page
    exported = editor_client.get(url_of(service, "export")).content.decode()
    assert '"port": "10000"' in exported and '"password": false' in exported


@pytest.mark.django_db
def test_a_test_password_that_is_not_text_is_refused_at_its_path(editor: Any) -> None:
    saved(editor, encrypted())
    response = api_for(editor).post(
        "/api/v1/linkedservices/Encrypted/test", {"testPassword": 5}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "$.testPassword"


# --- the connection test, against a real SASL server ---------------------------------------


@pytest.fixture
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 20.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 5.0
    settings.CONNECTION_TEST_WAIT_SECONDS = 60.0


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-custom")
@pytest.mark.usefixtures("_loopback_allowed")
def test_a_one_off_password_tests_an_encrypted_definition_and_is_never_kept(
    spark_pool: ServerPool, editor: Any, editor_client: Client, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    port = spark_pool.get("binary-sasl-custom").port
    service = saved(editor, encrypted(port))
    api = api_for(editor)
    secrets_before = SecretValue.objects.count()

    without = api.post("/api/v1/linkedservices/Encrypted/test?wait=true")
    assert without.status_code == 200, without.content
    assert without.json()["status"] == "failed"
    first = without.json()["report"]["stages"][0]
    assert "held encrypted by Data Factory (encryptedCredential)" in first["observed"]
    assert "Type the password for this test" in first["observed"]

    done = api.post(
        "/api/v1/linkedservices/Encrypted/test?wait=true",
        {"testPassword": CUSTOM_PASSWORD},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "passed", done.json()["report"]

    # Values ADF accepts as written in real files test as ADF reads them.
    tolerated = encrypted(port)
    tolerated["typeProperties"].update(port=str(port), thriftTransportProtocol="SASL ")
    unsaved = api.post(
        "/api/v1/test-connection?wait=true",
        {"name": "Encrypted", "properties": tolerated, "testPassword": CUSTOM_PASSWORD},
        format="json",
    )
    assert unsaved.json()["status"] == "passed", unsaved.json()["report"]

    editor_client.post(url_of(service, "test"), {"test_password": CUSTOM_PASSWORD})
    from_page = wait_for(ConnectionTest.objects.latest("pk").pk)
    assert from_page.status == "passed", from_page.result

    # Never stored, never logged.
    assert SecretValue.objects.count() == secrets_before
    service.refresh_from_db()
    assert service.revision == 1
    assert service.properties == encrypted(port)
    assert CUSTOM_PASSWORD not in service.definition
    for test in ConnectionTest.objects.all():
        assert CUSTOM_PASSWORD not in test.report
    for event in AuditEvent.objects.all():
        assert CUSTOM_PASSWORD not in json.dumps([event.detail, event.object_name])
    assert CUSTOM_PASSWORD not in caplog.text


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-custom")
@pytest.mark.usefixtures("_loopback_allowed")
def test_a_masked_password_beside_the_encrypted_credential_is_tested_with_a_one_off_one(
    spark_pool: ServerPool, editor: Any
) -> None:
    """ADF Studio writes the mask beside encryptedCredential when ADF encrypted the
    password itself (issue 20, point 1): it is a password ADF holds, asked for like an
    omitted one."""
    port = spark_pool.get("binary-sasl-custom").port
    mask = {"type": "SecureString", "value": "**********"}
    service = saved(editor, encrypted(port, password=mask))
    assert service.properties["typeProperties"]["password"] == mask
    api = api_for(editor)
    without = api.post("/api/v1/linkedservices/Encrypted/test?wait=true")
    assert without.json()["status"] == "failed"
    first = without.json()["report"]["stages"][0]
    assert "held encrypted by Data Factory (encryptedCredential)" in first["observed"]
    done = api.post(
        "/api/v1/linkedservices/Encrypted/test?wait=true",
        {"testPassword": CUSTOM_PASSWORD},
        format="json",
    )
    assert done.json()["status"] == "passed", done.json()["report"]
    assert SecretValue.objects.count() == 0

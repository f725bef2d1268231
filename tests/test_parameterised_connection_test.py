"""Testing a parameterised or Key Vault definition, as ADF Studio does: a value for each
parameter (defaults prefilled), the secret to use for this one test (never stored, logged
or sent back), the expressions evaluated, and the result saying which value each field had
(issue 10, point 7); and a test of a definition that connects via a self-hosted integration
runtime saying it ran from the portal's network (point 6).

The Spark-backed tests run against a real SASL Spark Thrift Server on 127.0.0.1.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from portal.definitions import save_definition
from portal.models import AuditEvent, ConnectionTest, Resource, SecretValue
from tests.conftest import api_for
from tests.fixture_secrets import STORED_SECRET
from tests.helpers import NEW_SPARK, NEW_SPARK_TEST, url_of
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool
from tests.test_connection_test_portal import wait_for

KEY_VAULT = {
    "type": "AzureKeyVaultSecret",
    "store": {"referenceName": "KeyVault1", "type": "LinkedServiceReference"},
    "secretName": "spark-password",
}


def parameterised(password: Any = None, **tp: Any) -> dict[str, Any]:
    """A 1.0 SASL definition as real factories hold it: host, port and user parameterised,
    the password in Azure Key Vault."""
    return {
        "type": "Spark",
        "parameters": {
            "host": {"type": "String", "defaultValue": "127.0.0.1"},
            "port": {"type": "Int"},
            "env": {"type": "String", "defaultValue": "LinkWright"},
        },
        "typeProperties": {
            "host": "@{linkedService().host}",
            "port": "@linkedService().port",
            "thriftTransportProtocol": "SASL",
            "authenticationType": "UsernameAndPassword",
            "username": "@{toLower(linkedService().env)}",
            "password": password if password is not None else KEY_VAULT,
            **tp,
        },
    }


def saved(user: Any, properties: dict[str, Any], name: str = "Parameterised") -> Resource:
    return save_definition(user=user, name=name, properties=properties, action="import").resource


@pytest.fixture
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 20.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 5.0


def values(report: dict[str, Any]) -> dict[str, Any]:
    return {(v["kind"], v["name"]): v for v in report.get("values", [])}


# --- real server ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-custom")
@pytest.mark.usefixtures("_loopback_allowed")
def test_a_parameterised_key_vault_definition_is_tested_with_values_given_for_that_test(
    spark_pool: ServerPool, editor: Any, editor_client: Client, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    port = spark_pool.get("binary-sasl-custom").port
    service = saved(editor, parameterised())
    api = api_for(editor)
    secrets_before = SecretValue.objects.count()
    body = {"testParameters": {"port": port}, "testSecrets": {"password": CUSTOM_PASSWORD}}

    done = api.post("/api/v1/linkedservices/Parameterised/test?wait=true", body, format="json")
    assert done.status_code == 200, done.content
    report = done.json()["report"]
    assert done.json()["status"] == "passed", report
    used = values(report)
    assert used[("field", "host")] == {
        "kind": "field",
        "name": "host",
        "expression": "@{linkedService().host}",
        "value": "127.0.0.1",
    }
    assert used[("field", "port")]["value"] == port
    assert used[("field", "username")]["value"] == CUSTOM_USER
    assert used[("parameter", "port")]["source"] == "typed for this test"
    assert used[("parameter", "host")]["source"] == "default"
    assert used[("secret", "password")]["value"] == "**********"

    # The same from an unsaved document, and from the saved page's form.
    unsaved = api.post(
        "/api/v1/test-connection?wait=true",
        {"name": "Unsaved", "properties": parameterised(), **body},
        format="json",
    )
    assert unsaved.json()["status"] == "passed", unsaved.json()["report"]
    editor_client.post(
        url_of(service, "test"),
        {"test_param__port": str(port), "test_secret__password": CUSTOM_PASSWORD},
    )
    from_page = wait_for(ConnectionTest.objects.latest("pk").pk)
    assert from_page.status == "passed", from_page.result
    fragment = editor_client.get(
        f"/connection-tests/{from_page.pk}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Values this test used" in fragment
    assert "@{linkedService().host}" in fragment and "127.0.0.1" in fragment

    # From the command line: --param, --secret (asked for without echo when no =VALUE).
    out = io.StringIO()
    call_command(
        "test_connection",
        "Parameterised",
        "--param",
        f"port={port}",
        "--secret",
        f"password={CUSTOM_PASSWORD}",
        stdout=out,
    )
    printed = out.getvalue()
    assert "passed" in printed
    assert f"port = {port}  (from @linkedService().port)" in printed
    assert 'secret password = "**********"' in printed

    # Never stored, never logged, never sent back; the definition keeps its expressions.
    assert SecretValue.objects.count() == secrets_before
    service.refresh_from_db()
    assert service.properties["typeProperties"]["password"] == KEY_VAULT
    assert service.properties["typeProperties"]["host"] == "@{linkedService().host}"
    assert "port" not in json.dumps(service.properties["parameters"]["port"])[10:]
    everything = (
        json.dumps(done.json())
        + json.dumps(unsaved.json())
        + printed
        + fragment
        + caplog.text
        + "".join(t.report for t in ConnectionTest.objects.all())
        + "".join(a.detail for a in AuditEvent.objects.all())
    )
    assert CUSTOM_PASSWORD not in everything


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-custom")
@pytest.mark.usefixtures("_loopback_allowed")
def test_without_the_key_vault_secret_the_test_says_to_type_it(
    spark_pool: ServerPool, editor: Any
) -> None:
    port = spark_pool.get("binary-sasl-custom").port
    saved(editor, parameterised())
    done = api_for(editor).post(
        "/api/v1/linkedservices/Parameterised/test?wait=true",
        {"testParameters": {"port": str(port)}},
        format="json",
    )
    assert done.json()["status"] == "failed"
    first = done.json()["report"]["stages"][0]
    assert "Azure Key Vault secret 'spark-password'" in first["observed"]
    assert "type the password to use for this test" in first["observed"]
    assert "testSecrets" in first["change"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-custom")
@pytest.mark.usefixtures("_loopback_allowed")
def test_a_wrong_typed_secret_fails_at_authentication_and_is_not_echoed(
    spark_pool: ServerPool, editor: Any
) -> None:
    port = spark_pool.get("binary-sasl-custom").port
    saved(editor, parameterised())
    done = api_for(editor).post(
        "/api/v1/linkedservices/Parameterised/test?wait=true",
        {"testParameters": {"port": port}, "testSecrets": {"password": "wrong-typed-secret"}},
        format="json",
    )
    assert done.json()["status"] == "failed"
    assert "wrong-typed-secret" not in json.dumps(done.json())


# --- refusals, before any network ---------------------------------------------------------


@pytest.mark.django_db
def test_a_parameter_without_a_value_is_named_at_the_field_that_reads_it(editor: Any) -> None:
    saved(editor, parameterised())
    response = api_for(editor).post("/api/v1/linkedservices/Parameterised/test")
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["path"] == "$.properties.typeProperties.port"
    assert "No value was given for linkedService().port" in error["message"]
    assert ConnectionTest.objects.count() == 0


@pytest.mark.django_db
def test_a_function_not_evaluated_here_is_named(editor: Any) -> None:
    saved(editor, parameterised(httpPath="@formatDateTime(utcnow(), 'yyyy')"))
    response = api_for(editor).post(
        "/api/v1/linkedservices/Parameterised/test",
        {"testParameters": {"port": 10000}},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["path"] == "$.properties.typeProperties.httpPath"
    assert "formatDateTime() cannot be evaluated here" in error["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({"testParameters": {"nope": "x"}}, "$.testParameters.nope", "no parameter nope"),
        ({"testParameters": {"port": "eighty"}}, "$.testParameters.port", "is Int"),
        ({"testSecrets": {"username": "x"}}, "$.testSecrets.username", "no secret username"),
        ({"testSecrets": {"password": 5}}, "$.testSecrets.password", "as text"),
        ({"testParameters": ["port"]}, "$.testParameters", "as an object"),
        ({"testParameters": {"host": None}}, "$.testParameters.host", "as text"),
        ({"testParameters": {"port": {"a": 1}}}, "$.testParameters.port", "is Int"),
        ({"testParameters": {"port": True}}, "$.testParameters.port", "is Int"),
        ({"testSecrets": "pw"}, "$.testSecrets", "as an object"),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_at_its_path(
    editor: Any, body: dict[str, Any], path: str, message: str
) -> None:
    saved(editor, parameterised())
    response = api_for(editor).post(
        "/api/v1/linkedservices/Parameterised/test", body, format="json"
    )
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["path"] == path
    assert message in error["message"]


@pytest.mark.django_db(transaction=True)
def test_a_stored_password_does_not_follow_a_parameter_value_to_another_host(
    editor: Any, settings: Any
) -> None:
    """The secret-target rule holds for values typed for one test: a stored password is
    bound to the parameter defaults its target reads, so another host value needs the
    password typed for the test, and the typed one is not stored."""
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False  # refused by policy: no network
    secret = {"type": "SecureString", "value": STORED_SECRET}
    properties = parameterised(password=secret)
    properties["parameters"]["port"]["defaultValue"] = 10000
    saved(editor, properties)
    api = api_for(editor)
    moved = api.post(
        "/api/v1/linkedservices/Parameterised/test",
        {"testParameters": {"host": "127.0.0.2", "port": 10000}},
        format="json",
    )
    assert moved.status_code == 400, moved.content
    error = moved.json()["errors"][0]
    assert error["path"] == "$.properties.typeProperties.password"
    assert "typed for another target" in error["message"]
    assert "or test with the parameters' defaults" in error["message"]

    secrets_before = SecretValue.objects.count()
    typed = api.post(
        "/api/v1/linkedservices/Parameterised/test?wait=true",
        {
            "testParameters": {"host": "127.0.0.2", "port": 10000},
            "testSecrets": {"password": "typed-for-this-test"},
        },
        format="json",
    )
    assert typed.status_code == 200, typed.content
    assert SecretValue.objects.count() == secrets_before
    # The default values keep the stored password.
    same = api.post(
        "/api/v1/linkedservices/Parameterised/test?wait=true",
        {"testParameters": {"host": "127.0.0.1", "port": 10000}},
        format="json",
    )
    assert same.status_code == 200, same.content


@pytest.mark.django_db
def test_the_saved_page_asks_for_each_parameter_and_the_key_vault_secret(
    editor_client: Client, editor: Any
) -> None:
    service = saved(editor, parameterised())
    page = editor_client.get(url_of(service)).content.decode()
    assert "Values for this test" in page
    assert 'name="test_param__host" form="test-form" value="127.0.0.1"' in page
    assert 'name="test_param__env" form="test-form" value="LinkWright"' in page
    assert 'name="test_param__port" form="test-form" value=""' in page
    assert 'name="test_secret__password" form="test-form" type="password"' in page
    assert "the Azure Key Vault secret &#x27;spark-password&#x27; of &#x27;KeyVault1&#x27;" in page


@pytest.mark.django_db
def test_the_edit_form_asks_for_the_values_of_the_definition_on_it(
    editor_client: Client, editor: Any
) -> None:
    service = saved(editor, parameterised())
    page = editor_client.get(url_of(service, "edit")).content.decode()
    assert 'name="test_param__host" value="127.0.0.1"' in page
    assert 'name="test_secret__password"' in page


# --- point 6: where the test ran from --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_definition_via_a_self_hosted_runtime_says_the_test_ran_from_the_portal(
    editor: Any, editor_client: Client, settings: Any
) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False  # refused by policy: no network
    save_definition(
        user=editor,
        name="OnPremIR",
        properties={"type": "SelfHosted", "typeProperties": {}},
        action="import",
        kind="integrationRuntime",
    )
    properties = parameterised(password={"type": "SecureString", "value": "x"})
    properties["connectVia"] = {"referenceName": "OnPremIR", "type": "IntegrationRuntimeReference"}
    service = saved(editor, properties)
    done = api_for(editor).post(
        "/api/v1/linkedservices/Parameterised/test?wait=true",
        {"testParameters": {"port": 10000}, "testSecrets": {"password": "typed"}},
        format="json",
    )
    assert done.status_code == 200, done.content
    notes = done.json()["report"]["notes"]
    assert (
        "ran from the portal's network, not through the self-hosted integration runtime "
        "'OnPremIR'" in notes[0]
    )
    fragment = editor_client.get(
        f"/connection-tests/{done.json()['id']}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "not through the self-hosted integration runtime" in fragment
    assert service.pk


@pytest.mark.django_db(transaction=True)
def test_a_runtime_the_portal_does_not_hold_is_still_named(editor: Any, settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    properties = parameterised(password={"type": "SecureString", "value": "x"})
    properties["connectVia"] = {"referenceName": "Elsewhere", "type": "IntegrationRuntimeReference"}
    done = api_for(editor).post(
        "/api/v1/test-connection?wait=true",
        {"name": "Unsaved", "properties": properties, "testParameters": {"port": 10000}},
        format="json",
    )
    assert done.status_code == 200, done.content
    note = done.json()["report"]["notes"][0]
    assert "not through the integration runtime 'Elsewhere'" in note


@pytest.mark.django_db(transaction=True)
def test_a_definition_without_connect_via_has_no_note(editor: Any, settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    properties = parameterised(password={"type": "SecureString", "value": "x"})
    done = api_for(editor).post(
        "/api/v1/test-connection?wait=true",
        {"name": "Unsaved", "properties": properties, "testParameters": {"port": 10000}},
        format="json",
    )
    assert "notes" not in done.json()["report"]


# --- the command line ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_command_asks_for_a_secret_without_echo_and_prints_the_values_used(
    editor: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False  # refused by policy: no network
    saved(editor, parameterised())
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return "typed-at-the-prompt"

    monkeypatch.setattr("getpass.getpass", getpass)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "test_connection",
            "Parameterised",
            "--param",
            "port=10000",
            "--param",
            "env=ETL",
            "--secret",
            "password",
            stdout=out,
        )
    assert exited.value.code == 1  # the policy refused 127.0.0.1
    assert asked == ["password for this test (not echoed, never stored): "]
    printed = out.getvalue()
    assert 'username = "etl"  (from @{toLower(linkedService().env)})' in printed
    assert 'parameter env = "ETL"  (typed for this test)' in printed
    assert 'parameter host = "127.0.0.1"  (default)' in printed
    assert "typed-at-the-prompt" not in printed + "".join(
        t.report for t in ConnectionTest.objects.all()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--param", "port", "--param takes NAME=VALUE"),
        ("--param", "=1", "--param takes NAME=VALUE"),
        ("--param", "nope=1", "no parameter nope"),
        ("--secret", "username=x", "no secret username"),
    ],
)
def test_the_command_refuses_a_value_it_cannot_use(
    editor: Any, option: str, value: str, message: str
) -> None:
    from django.core.management.base import CommandError

    saved(editor, parameterised())
    with pytest.raises(CommandError, match=message):
        call_command("test_connection", "Parameterised", option, value, stdout=io.StringIO())
    assert ConnectionTest.objects.count() == 0


# --- the new linked service's form ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_new_form_tests_its_parameterised_values_with_the_typed_ones(
    editor_client: Client, settings: Any
) -> None:
    from tests.conftest import form_data

    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    data = form_data(
        **{
            "tp-host": "@{linkedService().host}",
            "param-0-name": "host",
            "param-0-type": "String",
            "param-0-default": "127.0.0.9",
            "test_param__host": "127.0.0.1",
        }
    )
    response = editor_client.post(NEW_SPARK_TEST, data, HTTP_HX_REQUEST="true")
    assert "data-first" in response.content.decode(), response.content.decode()[:3000]
    test = wait_for(ConnectionTest.objects.latest("pk").pk)
    used = values(test.result)
    assert used[("field", "host")]["value"] == "127.0.0.1"
    assert used[("parameter", "host")]["source"] == "typed for this test"
    page = editor_client.post(NEW_SPARK, {**data, "_refresh": "1"})
    assert 'name="test_param__host" value="127.0.0.1"' in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_saved_page_offers_the_stored_password_for_a_test_with_other_values(
    editor_client: Client, editor: Any, settings: Any
) -> None:
    """On a saved linked service's page, the password that must be typed when the values
    send it elsewhere has a field; the edit form has its own password field instead."""
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    service = saved(editor, parameterised(password={"type": "SecureString", "value": "s-1"}))
    page = editor_client.get(url_of(service)).content.decode()
    assert 'name="test_secret__password" form="test-form" type="password"' in page
    assert "instead of the stored one" in page
    edit = editor_client.get(url_of(service, "edit")).content.decode()
    assert 'name="test_secret__password"' not in edit

    refused = editor_client.post(
        url_of(service, "test"),
        {"test_param__host": "127.0.0.2", "test_param__port": "10000"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "typed for another target" in refused and "give the secret for this test" in refused
    started = editor_client.post(
        url_of(service, "test"),
        {
            "test_param__host": "127.0.0.2",
            "test_param__port": "10000",
            "test_secret__password": "typed-1",
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "data-first" in started and "error" not in started.split("</h3>")[0]
    test = wait_for(ConnectionTest.objects.latest("pk").pk)
    assert values(test.result)[("field", "host")]["value"] == "127.0.0.2"
    assert (
        not SecretValue.objects.filter(pk__gt=0)
        .exclude(pk=service.properties["typeProperties"]["password"]["secretId"])
        .exists()
    )

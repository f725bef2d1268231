"""Values given for one connection test (connectors.test_values), without the portal."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.redaction import redact
from connectors.registry import get_connector
from connectors.secrets import MASK, secure_strings
from connectors.test_values import (
    TestValueError,
    TestValues,
    asked_for,
    evaluated,
    route_note,
    used_parameters,
    with_test_values,
)

V1 = get_connector("Spark").version("1.0")


def definition(**tp: Any) -> dict[str, Any]:
    return {
        "type": "Spark",
        "parameters": {
            "host": {"type": "String", "defaultValue": "spark.example.com"},
            "port": {"type": "Int", "defaultValue": 10000},
            "useTls": {"type": "Bool", "defaultValue": False},
            "token": {"type": "SecureString", "defaultValue": "stored-token-value"},
            "unused": {"type": "String", "defaultValue": "x"},
        },
        "typeProperties": {
            "host": "@{linkedService().host}",
            "port": "@linkedService().port",
            "enableSsl": "@linkedService().useTls",
            "authenticationType": "UsernameAndPassword",
            "username": "@concat('svc-', linkedService().Host)",
            "password": {
                "type": "AzureKeyVaultSecret",
                "store": {"referenceName": "KV", "type": "LinkedServiceReference"},
                "secretName": "spark",
            },
            **tp,
        },
    }


def test_a_test_asks_for_each_parameter_it_uses_then_each_secret_it_cannot_read():
    asked = asked_for(V1, definition())
    assert [(a.kind, a.name) for a in asked] == [
        ("parameter", "host"),
        ("parameter", "port"),
        ("parameter", "useTls"),
        ("secret", "password"),
    ]
    assert asked[0].default == "spark.example.com"
    assert asked[1].default == "10000" and asked[1].type == "Int"
    assert asked[2].default == "false"
    assert "Azure Key Vault secret 'spark' of 'KV'" in asked[3].why


def test_an_encrypted_credential_is_asked_for_as_a_held_secret():
    properties = definition(password=None, encryptedCredential="ew0K")
    del properties["typeProperties"]["password"]
    held = [a for a in asked_for(V1, properties) if a.kind == "secret"]
    assert [(a.name, a.held) for a in held] == [("password", True)]


def test_a_secret_parameter_is_asked_for_without_its_default():
    properties = definition(username="@linkedService().token")
    token = next(a for a in asked_for(V1, properties) if a.name == "token")
    assert token.secret and token.default is None


def test_parameters_are_matched_regardless_of_case_in_declared_spelling():
    assert used_parameters(definition()) == ["host", "port", "useTls"]


def test_typed_values_are_read_as_their_parameter_types_and_evaluated():
    values = TestValues(
        parameters={"port": "10001", "useTls": "true"}, secrets={"password": "typed"}
    )
    changed = with_test_values(V1, definition(), values)
    assert changed["parameters"]["port"]["defaultValue"] == 10001
    assert changed["typeProperties"]["password"] == {"type": "SecureString", "value": "typed"}
    clear, shown = evaluated(changed, values)
    tp = clear["typeProperties"]
    assert tp["host"] == "spark.example.com"
    assert tp["port"] == 10001
    assert tp["enableSsl"] is True
    assert tp["username"] == "svc-spark.example.com"
    by_name = {(v["kind"], v["name"]): v for v in shown}
    assert by_name[("parameter", "port")]["source"] == "typed for this test"
    assert by_name[("parameter", "host")]["source"] == "default"
    assert by_name[("field", "username")]["expression"] == ("@concat('svc-', linkedService().Host)")
    assert by_name[("secret", "password")]["value"] == MASK


def test_a_field_that_reads_a_secret_parameter_shows_the_mask():
    properties = definition(username="@linkedService().token")
    values = TestValues(parameters={"token": "typed-token-value"})
    clear, shown = evaluated(with_test_values(V1, properties, values), values)
    assert clear["typeProperties"]["username"] == "typed-token-value"
    by_name = {(v["kind"], v["name"]): v for v in shown}
    assert by_name[("field", "username")]["value"] == MASK
    assert by_name[("parameter", "token")]["value"] == MASK
    assert "typed-token-value" not in str(shown)


def test_typed_secrets_are_secure_strings_so_reports_are_redacted_of_them():
    values = TestValues(parameters={"token": "typed-token-value"}, secrets={"password": "pw-9"})
    changed = with_test_values(V1, definition(), values)
    secrets = [s["value"] for _, s in secure_strings(changed)]
    assert {"typed-token-value", "pw-9"} <= set(secrets)
    report = {"detail": "server said: bad password pw-9 for token typed-token-value"}
    assert redact(report, secrets)["detail"] == (
        f"server said: bad password {MASK} for token {MASK}"
    )


@pytest.mark.parametrize(
    ("values", "path", "message"),
    [
        (TestValues(parameters={"nope": "1"}), "$.testParameters.nope", "no parameter nope"),
        (TestValues(parameters={"port": "1.5"}), "$.testParameters.port", "is Int"),
        (TestValues(parameters={"useTls": "yes"}), "$.testParameters.useTls", "is Bool"),
        (TestValues(parameters={"host": 5}), "$.testParameters.host", "as text"),
        (TestValues(secrets={"host": "x"}), "$.testSecrets.host", "no secret host"),
        (TestValues(secrets={"password": ""}), "$.testSecrets.password", "as text"),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_at_its_path(values, path, message):
    with pytest.raises(TestValueError) as caught:
        with_test_values(V1, definition(), values)
    assert caught.value.problems[0].path == path
    assert message in caught.value.problems[0].message


def test_each_field_that_cannot_be_evaluated_is_named():
    properties = definition(httpPath="@utcnow()")
    del properties["parameters"]["port"]["defaultValue"]
    with pytest.raises(TestValueError) as caught:
        evaluated(properties)
    problems = {p.path: p.message for p in caught.value.problems}
    assert (
        "No value was given for linkedService().port"
        in problems["$.properties.typeProperties.port"]
    )
    assert "utcNow() cannot be evaluated here" in problems["$.properties.typeProperties.httpPath"]


def test_a_value_for_an_undeclared_parameter_a_field_reads_is_used():
    properties = definition(httpPath="@{linkedService().path}")
    values = TestValues(parameters={"path": "cliservice"})
    clear, _ = evaluated(with_test_values(V1, properties, values), values)
    assert clear["typeProperties"]["httpPath"] == "cliservice"


def test_a_literal_that_starts_with_a_double_at_is_left_as_it_is():
    clear, shown = evaluated(definition(username="@@svc"))
    assert clear["typeProperties"]["username"] == "@@svc"  # the connector reads it as @svc
    assert all(v["name"] != "username" for v in shown)


def test_the_route_note_names_the_runtime_and_says_the_test_ran_from_the_portal():
    via = {"referenceName": "OnPrem", "type": "IntegrationRuntimeReference"}
    assert "not through the self-hosted integration runtime 'OnPrem'" in str(
        route_note(via, "SelfHosted")
    )
    assert "not from the Managed integration runtime 'OnPrem'" in str(route_note(via, "Managed"))
    assert "the portal does not hold it" in str(route_note(via, None))
    assert route_note(None, None) is None
    assert route_note({"referenceName": ""}, None) is None

"""properties -> form values -> properties gives back the same definition.

Secure-string values are the exception: the form never holds them, and an untouched
secret field comes back as the mask, which the portal's save resolves to the stored secret
at the same path (the mask itself is never stored, and a form can never name a stored
secret by reference).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from spark_contract import SPARK, VERSIONS, expression, key_vault_secret, problems, secure_string

from connectors.formdata import form_from_properties, properties_from_form
from connectors.secrets import masked, secure_strings

PASSWORD = "S3cret-ñ!"

PARAMETERS = {
    "hostName": {"type": "String", "defaultValue": "spark.example.com"},
    "portNumber": {"type": "Int", "defaultValue": 443},
    "ratio": {"type": "Float", "defaultValue": 1.5},
    "whole": {"type": "Float", "defaultValue": 2.0},
    "tls": {"type": "Bool", "defaultValue": False},
    "hosts": {"type": "Array", "defaultValue": ["a", 1, {"b": None}]},
    "options": {"type": "Object", "defaultValue": {"retries": 3, "tags": ["x"]}},
    "token": {"type": "SecureString"},
    "noDefault": {"type": "String"},
}


def _v2(type_properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "annotations": [],
        "type": "Spark",
        "version": "2.0",
        "typeProperties": type_properties,
        **extra,
    }


def _v1(type_properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"annotations": [], "type": "Spark", "typeProperties": type_properties, **extra}


CASES: list[Any] = [
    pytest.param(
        "2.0",
        _v2({"host": "spark.example.com", "port": 443, "authenticationType": "Anonymous"}),
        id="2.0-minimal",
    ),
    pytest.param(
        "2.0",
        {
            "description": "Spark on HDInsight — entrepôt de données",
            "annotations": ["team-data", {"owner": "ops"}],
            "type": "Spark",
            "version": "2.0",
            "typeProperties": {
                "host": "mycluster.azurehdinsight.net",
                "port": 443,
                "serverType": "SparkThriftServer",
                "thriftTransportProtocol": "HTTP",
                "authenticationType": "UsernameAndPassword",
                "username": "admin",
                "password": secure_string(PASSWORD),
                "httpPath": "/sparkhive2",
                "enableSsl": True,
                "enableServerCertificateValidation": False,
            },
            "connectVia": {
                "referenceName": "SelfHostedIR",
                "type": "IntegrationRuntimeReference",
                "parameters": {"node": "a"},
            },
            "parameters": PARAMETERS,
        },
        id="2.0-everything",
    ),
    pytest.param(
        "2.0",
        _v2(
            {
                "host": expression("@linkedService().hostName"),
                "port": expression("@linkedService().portNumber"),
                "authenticationType": "WindowsAzureHDInsightService",
                "username": expression("@{linkedService().user}"),
                "password": secure_string(PASSWORD),
                "httpPath": expression("@concat('/', 'cliservice')"),
                "enableSsl": expression("@linkedService().tls"),
                "enableServerCertificateValidation": expression("@not(linkedService().tls)"),
            },
            parameters=PARAMETERS,
        ),
        id="2.0-expressions",
    ),
    pytest.param(
        "2.0",
        _v2(
            {
                "host": "spark.example.com",
                "port": 10001,
                "authenticationType": "UsernameAndPassword",
                "username": "admin",
                "password": key_vault_secret(),
                "enableSsl": False,
            }
        ),
        id="2.0-keyvault-ssl-off",
    ),
    pytest.param(
        "2.0",
        _v2(
            {
                "host": "spark.example.com",
                "port": 443,
                "authenticationType": "UsernameAndPassword",
                "username": "admin",
                "password": {
                    "type": "AzureKeyVaultSecret",
                    "store": {
                        "referenceName": "AzureKeyVault1",
                        "type": "LinkedServiceReference",
                        "parameters": {"vault": "kv-prod"},
                    },
                    "secretName": expression("@linkedService().secretName"),
                    "secretVersion": "0123456789abcdef",
                },
            }
        ),
        id="2.0-keyvault-expression-name-version-store-parameters",
    ),
    pytest.param(
        "2.0",
        _v2(
            {
                "host": "spark.example.com",
                "port": 443,
                "authenticationType": "UsernameAndPassword",
                # ADF's escape for a literal "@": kept escaped, as ADF holds it.
                "username": "@@admin",
                "password": key_vault_secret("@@secret", secretVersion=expression("@pipeline().v")),
                "httpPath": "@@double",
            }
        ),
        id="2.0-literal-at-signs",
    ),
    pytest.param(
        "1.0",
        _v1({"host": "10.0.0.4", "port": 10000, "authenticationType": "Anonymous"}),
        id="1.0-minimal",
    ),
    pytest.param(
        "1.0",
        _v1(
            {
                "host": "spark-thrift.internal",
                "port": 10000,
                "serverType": "SharkServer2",
                "thriftTransportProtocol": "Binary",
                "authenticationType": "Username",
                "username": "spark",
                "enableSsl": False,
            },
            description="Thrift over binary",
        ),
        id="1.0-username-binary",
    ),
    pytest.param(
        "1.0",
        _v1(
            {
                "host": "mycluster.azurehdinsight.net",
                "port": 443,
                "serverType": "SparkThriftServer",
                "thriftTransportProtocol": "HTTP",
                "authenticationType": "WindowsAzureHDInsightService",
                "username": "admin",
                "password": secure_string(PASSWORD),
                "httpPath": "gateway/sandbox/spark",
                "enableSsl": True,
                "trustedCertPath": "C:\\certs\\cacerts.pem",
                "useSystemTrustStore": False,
                "allowHostNameCNMismatch": True,
                "allowSelfSignedServerCert": False,
            },
            connectVia={
                "referenceName": "AutoResolveIntegrationRuntime",
                "type": "IntegrationRuntimeReference",
            },
        ),
        id="1.0-hdinsight-tls",
    ),
    pytest.param(
        "1.0",
        _v1(
            {
                "host": "spark.example.com",
                "port": 10000,
                "thriftTransportProtocol": "SASL",
                "authenticationType": "UsernameAndPassword",
                "username": "admin",
                "password": key_vault_secret(secretVersion="v1"),
                "enableSsl": expression("@linkedService().tls"),
                "trustedCertPath": expression("@linkedService().certPath"),
                "useSystemTrustStore": expression("@linkedService().tls"),
                "allowHostNameCNMismatch": False,
                "allowSelfSignedServerCert": expression("@equals(1, 1)"),
            },
            parameters={
                "tls": {"type": "Bool", "defaultValue": True},
                "certPath": {"type": "String"},
            },
        ),
        id="1.0-ssl-expression-keyvault",
    ),
]


def _secret_values(properties: dict[str, Any]) -> list[str]:
    return [s["value"] for _, s in secure_strings(properties)]


@pytest.mark.parametrize(("version", "properties"), CASES)
def test_cases_are_valid_definitions(version: str, properties: dict[str, Any]) -> None:
    assert problems(VERSIONS[version], properties) == []


@pytest.mark.parametrize(("version", "properties"), CASES)
def test_round_trip_gives_the_same_properties(version: str, properties: dict[str, Any]) -> None:
    connector_version = VERSIONS[version]
    original = copy.deepcopy(properties)
    form = form_from_properties(connector_version, properties)
    assert all(isinstance(v, str) for v in form.values())
    back = properties_from_form(SPARK, connector_version, form, stored=properties)
    assert back == masked(original)
    assert properties == original, "form_from_properties changed its input"
    # And the form of what came back is the same form.
    assert form_from_properties(connector_version, back) == form


@pytest.mark.parametrize(("version", "properties"), CASES)
def test_form_never_holds_a_secure_string_value(version: str, properties: dict[str, Any]) -> None:
    form = form_from_properties(VERSIONS[version], properties)
    for secret in _secret_values(properties):
        assert not any(secret in value for value in form.values()), form
    if _secret_values(properties):
        assert form["tp-password__kind"] == "SecureString"
        assert "tp-password" not in form


@pytest.mark.parametrize(("version", "properties"), CASES)
def test_without_the_stored_definition_a_secure_string_is_not_invented(
    version: str, properties: dict[str, Any]
) -> None:
    connector_version = VERSIONS[version]
    form = form_from_properties(connector_version, properties)
    back = properties_from_form(SPARK, connector_version, form)
    expected = copy.deepcopy(properties)
    password = expected["typeProperties"].get("password")
    if isinstance(password, dict) and password["type"] == "SecureString":
        del expected["typeProperties"]["password"]
    if "parameters" in (expected.get("connectVia") or {}):
        # connectVia parameters are not form fields: they come from the stored definition.
        del expected["connectVia"]["parameters"]
    password = expected["typeProperties"].get("password")
    if isinstance(password, dict) and "parameters" in password.get("store", {}):
        del password["store"]["parameters"]
    # With no stored definition to follow, an expression is written as ADF Studio writes it.
    assert back == _plain_expressions(expected)


def _plain_expressions(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("type") == "Expression" and set(value) == {"type", "value"}:
            return value["value"]
        return {key: _plain_expressions(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_expressions(item) for item in value]
    return value


SECURE_CASES = [c for c in CASES if _secret_values(c.values[1])]


@pytest.mark.parametrize(("version", "properties"), SECURE_CASES)
def test_typing_a_password_replaces_the_stored_one(
    version: str, properties: dict[str, Any]
) -> None:
    connector_version = VERSIONS[version]
    form = form_from_properties(connector_version, properties)
    form["tp-password"] = "n3w-pässword"
    back = properties_from_form(SPARK, connector_version, form, stored=properties)
    assert back["typeProperties"]["password"] == secure_string("n3w-pässword")


@pytest.mark.parametrize(("version", "properties"), SECURE_CASES)
def test_clearing_the_password_removes_it(version: str, properties: dict[str, Any]) -> None:
    connector_version = VERSIONS[version]
    form = form_from_properties(connector_version, properties)
    form["tp-password__clear"] = "on"
    back = properties_from_form(SPARK, connector_version, form, stored=properties)
    assert "password" not in back["typeProperties"]


@pytest.mark.parametrize(("version", "properties"), SECURE_CASES)
def test_switching_to_key_vault(version: str, properties: dict[str, Any]) -> None:
    connector_version = VERSIONS[version]
    form = form_from_properties(connector_version, properties)
    form.update(
        {
            "tp-password__kind": "AzureKeyVaultSecret",
            "tp-password__store": "AzureKeyVault1",
            "tp-password__secretName": "spark-password",
        }
    )
    back = properties_from_form(SPARK, connector_version, form, stored=properties)
    assert back["typeProperties"]["password"] == key_vault_secret()
    assert PASSWORD not in repr(back)


def test_empty_string_parameter_default_round_trips() -> None:
    """An empty field is no default; the empty string is shown and typed as ``""``."""
    properties = _v2(
        {"host": "spark.example.com", "port": 443, "authenticationType": "Anonymous"},
        parameters={"p": {"type": "String", "defaultValue": ""}},
    )
    form = form_from_properties(VERSIONS["2.0"], properties)
    assert form["param-0-default"] == '""'
    assert properties_from_form(SPARK, VERSIONS["2.0"], form, stored=properties) == properties
    form["param-0-default"] = ""
    back = properties_from_form(SPARK, VERSIONS["2.0"], form, stored=properties)
    assert back["parameters"] == {"p": {"type": "String"}}

"""Linked-service typeProperties -> SparkSettings, for versions 1.0 and 2.0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.spark.settings import (
    AuthenticationType,
    ServerType,
    SettingsError,
    TransportProtocol,
    settings_from_type_properties,
)

EXAMPLES = Path(__file__).resolve().parent / "connectors" / "data" / "adf-examples"


def test_v1_defaults() -> None:
    s = settings_from_type_properties(
        "1.0",
        {"host": "spark.local", "port": "10000", "authenticationType": "Anonymous"},
        None,
    )
    assert s.port == 10000
    assert s.server_type == ServerType.SPARK_THRIFT_SERVER
    assert s.transport == TransportProtocol.SASL
    assert s.enable_ssl is False
    assert s.use_system_trust_store is False
    assert s.allow_host_name_cn_mismatch is False
    assert s.allow_self_signed_server_cert is False
    assert s.url_path() == "/cliservice"
    assert s.credentials() == ("anonymous", "anonymous")


def test_v2_defaults_are_http_and_tls_with_validation() -> None:
    s = settings_from_type_properties(
        "2.0",
        {
            "host": "c.azurehdinsight.net",
            "port": 443,
            "authenticationType": "Anonymous",
        },
        None,
    )
    assert s.transport == TransportProtocol.HTTP
    assert s.enable_ssl is True
    assert s.enable_server_certificate_validation is True
    assert s.use_system_trust_store is True


def test_hdinsight_defaults_to_http_and_its_path() -> None:
    s = settings_from_type_properties(
        "1.0",
        {
            "host": "c.azurehdinsight.net",
            "port": 443,
            "authenticationType": "WindowsAzureHDInsightService",
            "username": "admin",
        },
        "pw",
    )
    assert s.transport == TransportProtocol.HTTP
    assert s.url_path() == "/sparkhive2"
    assert s.credentials() == ("admin", "pw")


def test_flags_accept_strings_and_booleans() -> None:
    s = settings_from_type_properties(
        "1.0",
        {
            "host": "h",
            "port": 1,
            "authenticationType": "username",
            "username": "u",
            "enableSsl": "true",
            "allowSelfSignedServerCert": True,
            "thriftTransportProtocol": "binary",
        },
        None,
    )
    assert s.enable_ssl and s.allow_self_signed_server_cert
    assert s.authentication_type == AuthenticationType.USERNAME
    assert s.transport == TransportProtocol.BINARY
    assert s.credentials() is None  # Binary: no SASL/HTTP credentials


@pytest.mark.parametrize(
    ("version", "props", "message"),
    [
        ("1.0", {"port": 1, "authenticationType": "Anonymous"}, "host is required"),
        (
            "1.0",
            {"host": "h", "port": "<port>", "authenticationType": "Anonymous"},
            "port",
        ),
        (
            "1.0",
            {"host": "h", "port": 70000, "authenticationType": "Anonymous"},
            "port",
        ),
        ("1.0", {"host": "h", "port": 1}, "authenticationType is required"),
        ("1.0", {"host": "h", "port": 1, "authenticationType": "Kerberos"}, "one of"),
        (
            "1.0",
            {"host": "h", "port": 1, "authenticationType": "UsernameAndPassword"},
            "username is required",
        ),
        (
            "2.0",
            {
                "host": "h",
                "port": 1,
                "authenticationType": "Anonymous",
                "serverType": "SharkServer",
            },
            "SparkThriftServer",
        ),
        (
            "2.0",
            {
                "host": "h",
                "port": 1,
                "authenticationType": "Anonymous",
                "thriftTransportProtocol": "SASL",
            },
            "must be HTTP in version 2.0",
        ),
        (
            "2.0",
            {"host": "h", "port": 1, "authenticationType": "Username", "username": "u"},
            "Username is not supported",
        ),
        (
            "2.0",
            {
                "host": "h",
                "port": 1,
                "authenticationType": "Anonymous",
                "trustedCertPath": "x",
            },
            "trustedCertPath is not supported",
        ),
        (
            "1.0",
            {
                "host": "h",
                "port": 1,
                "authenticationType": "Anonymous",
                "enableServerCertificateValidation": False,
            },
            "only supported in version 2.0",
        ),
        (
            "1.0",
            {
                "host": "h",
                "port": 1,
                "authenticationType": "Anonymous",
                "enableSsl": "y?",
            },
            "true or false",
        ),
        ("3.0", {}, "version"),
    ],
)
def test_invalid_properties(version: str, props: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError) as err:
        settings_from_type_properties(version, props, None)
    assert message in str(err.value)


def test_password_is_not_in_repr() -> None:
    s = settings_from_type_properties(
        "1.0",
        {
            "host": "h",
            "port": 1,
            "authenticationType": "UsernameAndPassword",
            "username": "u",
        },
        "hunter2",
    )
    assert "hunter2" not in repr(s)


@pytest.mark.parametrize(
    "name",
    [
        "docs_connector-spark_linkedservice_v1.json",
        "docs_connector-spark_linkedservice_v2.json",
        "docs_localized_connector-spark_linkedservice_httpPath_variant.json",
    ],
)
def test_documentation_examples_keep_placeholder_port_invalid(name: str) -> None:
    doc = json.loads((EXAMPLES / name).read_text())
    props = doc["properties"]
    tp = dict(props["typeProperties"])
    with pytest.raises(SettingsError, match="port must be a number"):
        settings_from_type_properties(props.get("version", "1.0"), tp, "pw")
    tp["port"] = 443
    s = settings_from_type_properties(props.get("version", "1.0"), tp, "pw")
    assert s.authentication_type == AuthenticationType.HDINSIGHT
    assert s.transport == TransportProtocol.HTTP
    if "httpPath" in tp:
        assert s.url_path() == "/gateway/sandbox/spark"

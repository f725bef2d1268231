"""Each row of the Hive and Impala property tables (versions 1.0 and 2.0, Microsoft's
connector pages): the values it allows are accepted by the schema and the connection's
reader, the values it refuses are refused at that property (both), and where the row gives
a default (or the connection must choose one), the connection uses it."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.diagnostics.settings_check import SettingsError
from connectors.hive.settings import read_settings as read_hive
from connectors.impala.settings import read_settings as read_impala
from connectors.registry import get_version
from connectors.validation import validate_properties

PASSWORD = {"type": "SecureString", "value": "pw"}
LOGIN = {"authenticationType": "UsernameAndPassword", "username": "etl", "password": PASSWORD}
IR = {"referenceName": "SHIR", "type": "IntegrationRuntimeReference"}
STORE = {"referenceName": "Staging", "type": "LinkedServiceReference"}
READERS = {"Hive": read_hive, "Impala": read_impala}
BASE: dict[tuple[str, str], dict[str, Any]] = {
    ("Hive", "1.0"): {"host": "hive.example.com", "port": 10000, "authenticationType": "Anonymous"},
    ("Hive", "2.0"): {
        "host": "hive.example.com",
        "port": 10000,
        "authenticationType": "Anonymous",
        "thriftTransportProtocol": "Binary",
    },
    ("Impala", "1.0"): {"host": "impala.example.com", "authenticationType": "Anonymous"},
    ("Impala", "2.0"): {
        "host": "impala.example.com",
        "authenticationType": "Anonymous",
        "thriftTransportProtocol": "Binary",
    },
}

# (connector, version, property row, typeProperties changes allowed)
ALLOWED: list[tuple[str, str, str, dict[str, Any]]] = [
    ("Hive", "1.0", "serverType", {"serverType": "HiveServer1"}),
    ("Hive", "1.0", "serverType", {"serverType": "HiveServer2"}),
    ("Hive", "1.0", "serverType", {"serverType": "HiveThriftServer"}),
    ("Hive", "1.0", "thriftTransportProtocol", {"thriftTransportProtocol": "Binary"}),
    ("Hive", "1.0", "thriftTransportProtocol", {"thriftTransportProtocol": "SASL"}),
    ("Hive", "1.0", "thriftTransportProtocol", {"thriftTransportProtocol": "HTTP"}),
    ("Hive", "1.0", "authenticationType", {"authenticationType": "Username", "username": "u"}),
    ("Hive", "1.0", "authenticationType", LOGIN),
    (
        "Hive",
        "1.0",
        "authenticationType",
        {**LOGIN, "authenticationType": "WindowsAzureHDInsightService"},
    ),
    ("Hive", "1.0", "serviceDiscoveryMode", {"serviceDiscoveryMode": False}),
    ("Hive", "1.0", "zooKeeperNameSpace", {"zooKeeperNameSpace": "hiveserver2"}),
    ("Hive", "1.0", "useNativeQuery", {"useNativeQuery": True}),
    ("Hive", "1.0", "httpPath", {"httpPath": "/hive2"}),
    ("Hive", "1.0", "enableSsl", {"enableSsl": True}),
    ("Hive", "1.0", "trustedCertPath", {"enableSsl": True, "trustedCertPath": "C:\\ca.pem"}),
    ("Hive", "1.0", "useSystemTrustStore", {"enableSsl": True, "useSystemTrustStore": True}),
    ("Hive", "1.0", "allowHostNameCNMismatch", {"allowHostNameCNMismatch": True}),
    ("Hive", "1.0", "allowSelfSignedServerCert", {"allowSelfSignedServerCert": True}),
    ("Hive", "1.0", "storageReference", {"storageReference": STORE}),
    ("Hive", "2.0", "serverType", {"serverType": "HiveServer2"}),
    ("Hive", "2.0", "thriftTransportProtocol", {"thriftTransportProtocol": "HTTP"}),
    ("Hive", "2.0", "thriftTransportProtocol", {**LOGIN, "thriftTransportProtocol": "SASL"}),
    ("Hive", "2.0", "authenticationType", {**LOGIN, "thriftTransportProtocol": "HTTP"}),
    (
        "Hive",
        "2.0",
        "authenticationType",
        {
            **LOGIN,
            "authenticationType": "WindowsAzureHDInsightService",
            "thriftTransportProtocol": "HTTP",
        },
    ),
    ("Hive", "2.0", "httpPath", {"httpPath": "cliservice", "thriftTransportProtocol": "HTTP"}),
    ("Hive", "2.0", "enableSsl", {"enableSsl": False}),
    (
        "Hive",
        "2.0",
        "enableServerCertificateValidation",
        {"enableServerCertificateValidation": False},
    ),
    ("Hive", "2.0", "storageReference", {"storageReference": STORE}),
    ("Impala", "1.0", "port", {"port": 21051}),
    ("Impala", "1.0", "authenticationType", {"authenticationType": "SASLUsername"}),
    ("Impala", "1.0", "authenticationType", LOGIN),
    ("Impala", "1.0", "enableSsl", {"enableSsl": True}),
    ("Impala", "1.0", "trustedCertPath", {"enableSsl": True, "trustedCertPath": "/ca.pem"}),
    ("Impala", "1.0", "useSystemTrustStore", {"useSystemTrustStore": True}),
    ("Impala", "1.0", "allowHostNameCNMismatch", {"allowHostNameCNMismatch": True}),
    ("Impala", "1.0", "allowSelfSignedServerCert", {"allowSelfSignedServerCert": True}),
    ("Impala", "2.0", "thriftTransportProtocol", {"thriftTransportProtocol": "HTTP"}),
    ("Impala", "2.0", "authenticationType", LOGIN),
    ("Impala", "2.0", "enableSsl", {"enableSsl": False}),
    (
        "Impala",
        "2.0",
        "enableServerCertificateValidation",
        {"enableServerCertificateValidation": False},
    ),
]

# (connector, version, property, changes) refused by the schema and the reader alike
REFUSED: list[tuple[str, str, str, dict[str, Any]]] = [
    ("Hive", "1.0", "serverType", {"serverType": "SparkThriftServer"}),
    ("Hive", "1.0", "thriftTransportProtocol", {"thriftTransportProtocol": "Kerberos"}),
    ("Hive", "1.0", "authenticationType", {"authenticationType": "Kerberos"}),
    (
        "Hive",
        "1.0",
        "enableServerCertificateValidation",
        {"enableServerCertificateValidation": True},
    ),
    ("Hive", "2.0", "serverType", {"serverType": "HiveServer1"}),
    ("Hive", "2.0", "serverType", {"serverType": "HiveThriftServer"}),
    ("Hive", "2.0", "authenticationType", {"authenticationType": "Username", "username": "u"}),
    # 2.0: SASL takes only UsernameAndPassword, Binary only Anonymous (said at the type)
    ("Hive", "2.0", "authenticationType", {"thriftTransportProtocol": "SASL"}),
    ("Hive", "2.0", "authenticationType", {**LOGIN, "thriftTransportProtocol": "Binary"}),
    ("Hive", "2.0", "serviceDiscoveryMode", {"serviceDiscoveryMode": False}),
    ("Hive", "2.0", "zooKeeperNameSpace", {"zooKeeperNameSpace": "hiveserver2"}),
    ("Hive", "2.0", "useNativeQuery", {"useNativeQuery": False}),
    ("Hive", "2.0", "trustedCertPath", {"trustedCertPath": "/ca.pem"}),
    ("Hive", "2.0", "useSystemTrustStore", {"useSystemTrustStore": True}),
    ("Hive", "2.0", "allowHostNameCNMismatch", {"allowHostNameCNMismatch": True}),
    ("Hive", "2.0", "allowSelfSignedServerCert", {"allowSelfSignedServerCert": True}),
    ("Impala", "1.0", "thriftTransportProtocol", {"thriftTransportProtocol": "Binary"}),
    ("Impala", "1.0", "authenticationType", {"authenticationType": "Username"}),
    (
        "Impala",
        "1.0",
        "enableServerCertificateValidation",
        {"enableServerCertificateValidation": True},
    ),
    ("Impala", "2.0", "thriftTransportProtocol", {"thriftTransportProtocol": "SASL"}),
    ("Impala", "2.0", "authenticationType", {"authenticationType": "SASLUsername"}),
    ("Impala", "2.0", "trustedCertPath", {"trustedCertPath": "/ca.pem"}),
    ("Impala", "2.0", "useSystemTrustStore", {"useSystemTrustStore": True}),
    ("Impala", "2.0", "allowHostNameCNMismatch", {"allowHostNameCNMismatch": True}),
    ("Impala", "2.0", "allowSelfSignedServerCert", {"allowSelfSignedServerCert": True}),
]

# (connector, version, property, changes, settings attribute, value the connection uses)
DEFAULTS: list[tuple[str, str, str, dict[str, Any], str, Any]] = [
    ("Hive", "1.0", "enableSsl", {}, "enable_ssl", False),
    ("Hive", "2.0", "enableSsl", {}, "enable_ssl", True),
    ("Hive", "1.0", "useSystemTrustStore", {}, "use_system_trust_store", False),
    ("Hive", "1.0", "allowHostNameCNMismatch", {}, "allow_host_name_cn_mismatch", False),
    ("Hive", "1.0", "allowSelfSignedServerCert", {}, "allow_self_signed_server_cert", False),
    (
        "Hive",
        "2.0",
        "enableServerCertificateValidation",
        {},
        "enable_server_certificate_validation",
        True,
    ),
    ("Hive", "2.0", "serverType", {}, "server_type", "HiveServer2"),
    ("Hive", "1.0", "serverType", {}, "server_type", "HiveServer2"),
    ("Hive", "1.0", "thriftTransportProtocol", {}, "transport", "SASL"),
    (
        "Hive",
        "1.0",
        "thriftTransportProtocol",
        {"serverType": "HiveServer1"},
        "transport",
        "Binary",
    ),
    (
        "Hive",
        "2.0",
        "httpPath",
        {
            **LOGIN,
            "authenticationType": "WindowsAzureHDInsightService",
            "thriftTransportProtocol": "HTTP",
        },
        "http_path",
        "/hive2",
    ),
    ("Impala", "1.0", "port", {}, "port", 21050),
    ("Impala", "2.0", "port", {}, "port", 21050),
    ("Impala", "1.0", "enableSsl", {}, "enable_ssl", False),
    ("Impala", "2.0", "enableSsl", {}, "enable_ssl", True),
    (
        "Impala",
        "1.0",
        "username",
        {"authenticationType": "SASLUsername"},
        "credentials",
        ("anonymous", "anonymous"),
    ),
    (
        "Impala",
        "2.0",
        "enableServerCertificateValidation",
        {},
        "enable_server_certificate_validation",
        True,
    ),
]


def _tp(connector: str, version: str, changes: dict[str, Any]) -> dict[str, Any]:
    tp = {**BASE[(connector, version)], **changes}
    return {k: v for k, v in tp.items() if v is not None}


def _properties(connector: str, version: str, tp: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {"type": connector, "typeProperties": tp}
    if version == "2.0":
        properties["version"] = "2.0"
    return properties


def _read(connector: str, version: str, tp: dict[str, Any]) -> Any:
    password = tp.get("password", {}).get("value") if isinstance(tp.get("password"), dict) else None
    return READERS[connector](version, tp, password)


@pytest.mark.parametrize(("connector", "version", "row", "changes"), ALLOWED)
def test_a_value_the_table_allows_is_accepted_by_the_schema_and_the_connection(
    connector: str, version: str, row: str, changes: dict[str, Any]
) -> None:
    tp = _tp(connector, version, changes)
    assert (
        validate_properties(get_version(connector, version), _properties(connector, version, tp))
        == []
    )
    _read(connector, version, tp)


@pytest.mark.parametrize(("connector", "version", "row", "changes"), REFUSED)
def test_a_value_the_table_refuses_is_refused_at_its_property(
    connector: str, version: str, row: str, changes: dict[str, Any]
) -> None:
    tp = _tp(connector, version, changes)
    problems = validate_properties(
        get_version(connector, version), _properties(connector, version, tp)
    )
    assert problems and all(
        p.path.endswith(f".{row}") or row in p.message or p.path.endswith(".typeProperties")
        for p in problems
    ), problems
    with pytest.raises(SettingsError) as refused:
        _read(connector, version, tp)
    assert row in str(refused.value) or "authentication" in str(refused.value)


@pytest.mark.parametrize(("connector", "version", "row", "changes", "attribute", "used"), DEFAULTS)
def test_an_unset_property_is_the_default_the_table_gives(
    connector: str, version: str, row: str, changes: dict[str, Any], attribute: str, used: Any
) -> None:
    tp = _tp(connector, version, changes)
    assert row not in tp
    assert (
        validate_properties(get_version(connector, version), _properties(connector, version, tp))
        == []
    )
    settings = _read(connector, version, tp)
    value = getattr(settings, attribute)
    value = value() if callable(value) else value
    assert getattr(value, "value", value) == used


@pytest.mark.parametrize(
    ("connector", "version", "missing"),
    [
        ("Hive", "1.0", "host"),
        ("Hive", "1.0", "port"),
        ("Hive", "2.0", "port"),
        ("Hive", "2.0", "authenticationType"),
        ("Impala", "1.0", "host"),
        ("Impala", "2.0", "thriftTransportProtocol"),
    ],
)
def test_a_required_property_left_out_is_named(connector: str, version: str, missing: str) -> None:
    tp = {k: v for k, v in BASE[(connector, version)].items() if k != missing}
    problems = validate_properties(
        get_version(connector, version), _properties(connector, version, tp)
    )
    assert any(missing in p.message or p.path.endswith(missing) for p in problems), problems


@pytest.mark.parametrize(
    ("connector", "version", "auth", "needed"),
    [
        ("Hive", "1.0", "Username", "username"),
        ("Hive", "1.0", "UsernameAndPassword", "password"),
        ("Hive", "2.0", "WindowsAzureHDInsightService", "password"),
        ("Impala", "1.0", "UsernameAndPassword", "password"),
        ("Impala", "2.0", "UsernameAndPassword", "username"),
    ],
)
def test_credentials_an_authentication_type_needs_are_asked_for(
    connector: str, version: str, auth: str, needed: str
) -> None:
    tp = _tp(connector, version, {**LOGIN, "authenticationType": auth, needed: None})
    if version == "2.0" and connector == "Hive":
        tp["thriftTransportProtocol"] = "HTTP"
    problems = validate_properties(
        get_version(connector, version), _properties(connector, version, tp)
    )
    assert any(p.path.endswith(f".{needed}") for p in problems), problems
    with pytest.raises(SettingsError, match=needed):
        _read(connector, version, tp)


def test_an_encrypted_credential_stands_in_for_the_password_in_every_version() -> None:
    for connector, version in BASE:
        tp = _tp(connector, version, {**LOGIN, "password": None, "encryptedCredential": "eyJ=="})
        if (connector, version) == ("Hive", "2.0"):
            tp["thriftTransportProtocol"] = "SASL"
        properties = _properties(connector, version, tp)
        assert validate_properties(get_version(connector, version), properties) == []


def test_impala_2_requires_the_transport_as_its_table_says_and_reads_binary_without_it() -> None:
    tp = {k: v for k, v in BASE[("Impala", "2.0")].items() if k != "thriftTransportProtocol"}
    problems = validate_properties(get_version("Impala", "2.0"), _properties("Impala", "2.0", tp))
    assert [p.path for p in problems] == ["$.properties.typeProperties.thriftTransportProtocol"]
    assert _read("Impala", "2.0", tp).transport.value == "Binary"

"""A stored Hive or Impala password is reused only while nothing of where it goes has
changed: each property of the siblings' secret target, changed with the password left
untouched, is refused at the password (and the password is not stored again)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from connectors.registry import get_connector
from portal.definitions import DefinitionInvalid, save_definition
from portal.models import SecretValue

pytestmark = pytest.mark.django_db

SECRET = "Hive-Secret-ñ/+="
MASK = {"type": "SecureString", "value": "**********"}
IR = {"referenceName": "TheirIR", "type": "IntegrationRuntimeReference"}
LOGIN = {
    "authenticationType": "UsernameAndPassword",
    "username": "etl",
    "password": {"type": "SecureString", "value": SECRET},
}
HTTP = {"thriftTransportProtocol": "HTTP"}
TLS = {"enableSsl": True}
# connector -> target property -> (version, stored typeProperties, the Editor's change)
CASES: dict[str, dict[str, tuple[str, dict[str, Any], dict[str, Any]]]] = {
    "Hive": {
        "host": ("1.0", {}, {"host": "evil.example"}),
        "port": ("1.0", {}, {"port": 10001}),
        "serverType": ("1.0", {}, {"serverType": "HiveServer1"}),
        "thriftTransportProtocol": ("1.0", {}, HTTP),
        "httpPath": ("1.0", HTTP, {"httpPath": "elsewhere"}),
        "enableSsl": ("1.0", {}, TLS),
        "trustedCertPath": ("1.0", TLS, {"trustedCertPath": "/theirs.pem"}),
        "useSystemTrustStore": (
            "1.0",
            {**TLS, "trustedCertPath": "/ours.pem"},
            {"useSystemTrustStore": True},
        ),
        "allowHostNameCNMismatch": ("1.0", TLS, {"allowHostNameCNMismatch": True}),
        "allowSelfSignedServerCert": ("1.0", TLS, {"allowSelfSignedServerCert": True}),
        "enableServerCertificateValidation": (
            "2.0",
            HTTP,
            {"enableServerCertificateValidation": False},
        ),
        "connectVia": ("1.0", {}, {"connectVia": IR}),
    },
    "Impala": {
        "host": ("1.0", {}, {"host": "evil.example"}),
        "port": ("1.0", {}, {"port": 21051}),
        "thriftTransportProtocol": ("2.0", {"thriftTransportProtocol": "Binary"}, HTTP),
        "enableSsl": ("1.0", {}, TLS),
        "trustedCertPath": ("1.0", TLS, {"trustedCertPath": "/theirs.pem"}),
        "useSystemTrustStore": (
            "1.0",
            {**TLS, "trustedCertPath": "/ours.pem"},
            {"useSystemTrustStore": True},
        ),
        "allowHostNameCNMismatch": ("1.0", TLS, {"allowHostNameCNMismatch": True}),
        "allowSelfSignedServerCert": ("1.0", TLS, {"allowSelfSignedServerCert": True}),
        "enableServerCertificateValidation": (
            "2.0",
            {"thriftTransportProtocol": "Binary"},
            {"enableServerCertificateValidation": False},
        ),
        "connectVia": ("1.0", {}, {"connectVia": IR}),
    },
}
ALL = [(c, name) for c, cases in CASES.items() for name in cases]


def target_keys(connector: str) -> set[str]:
    """The target properties a connector's definitions can set (in either version)."""
    found = get_connector(connector)
    declared = set(found.secret_target({"typeProperties": {}}) or {})  # type: ignore[misc]
    props: set[str] = {"connectVia"}
    for version in found.versions.values():
        props |= set(version.schema["properties"]["typeProperties"]["properties"])
    return declared & props


def test_every_target_property_a_sibling_can_set_has_a_case() -> None:
    for connector, cases in CASES.items():
        assert set(cases) == target_keys(connector)


def _properties(connector: str, version: str, tp: dict[str, Any]) -> dict[str, Any]:
    base = {"host": "db.example.com", "port": 10000, **LOGIN, **tp}
    if version == "2.0" and connector == "Hive":
        base.setdefault("thriftTransportProtocol", "SASL")
    out: dict[str, Any] = {"type": connector, "typeProperties": base}
    if version == "2.0":
        out["version"] = "2.0"
    return out


@pytest.mark.parametrize(("connector", "name"), ALL)
def test_a_changed_target_with_the_password_untouched_is_refused_at_the_password(
    editor: Any, connector: str, name: str
) -> None:
    version, tp, change = CASES[connector][name]
    stored = _properties(connector, version, tp)
    resource = save_definition(user=editor, name="Hs2", properties=stored, action="create").resource
    assert SECRET not in resource.definition and SecretValue.objects.count() == 1
    edited = copy.deepcopy(stored)
    edited["typeProperties"]["password"] = MASK
    for key, value in change.items():
        (edited if key == "connectVia" else edited["typeProperties"])[key] = value
    with pytest.raises(DefinitionInvalid) as refused:
        save_definition(
            user=editor,
            name="Hs2",
            properties=edited,
            action="edit",
            instance=resource,
            based_on=resource.revision,
        )
    problems = [p for p in refused.value.problems if "typed for another target" in p.message]
    assert [p.path for p in problems] == ["$.properties.typeProperties.password"]
    assert name in problems[0].message and SECRET not in str(refused.value.problems)
    assert SecretValue.objects.count() == 1

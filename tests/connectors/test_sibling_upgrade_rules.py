"""Each Hive and Impala 1.0 → 2.0 upgrade rule (the pages' change logs and Microsoft's
automatic-upgrade criteria): what blocks, what is changed, dropped or kept, and that a
ready proposal is a valid 2.0 definition that carries everything else over."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectors.hiveserver2.sibling_upgrade import blockers_of
from connectors.registry import get_connector, get_version
from connectors.upgrade import Plan, plan_connector_upgrade
from connectors.validation import validate_properties

DATA = Path(__file__).parent
SECRET = {"type": "SecureString", "value": "pw"}


def plan(connector: str, **tp: Any) -> Plan:
    return plan_connector_upgrade(
        get_connector(connector), {"type": connector, "typeProperties": tp}
    )


def hive(**tp: Any) -> Plan:
    base = {"host": "hive.example.com", "port": 10000, "authenticationType": "Anonymous"}
    return plan("Hive", **{**base, "thriftTransportProtocol": "Binary", **tp})


def impala(**tp: Any) -> Plan:
    return plan("Impala", **{"host": "impala.example.com", "authenticationType": "Anonymous", **tp})


def rules_of(found: Plan) -> set[str]:
    return {f.rule_id for f in found.findings}


@pytest.mark.parametrize(
    ("tp", "said"),
    [
        (
            {"authenticationType": "Username", "username": "u", "thriftTransportProtocol": "SASL"},
            "Username authentication",
        ),
        ({"serverType": "HiveServer1"}, "HiveServer1"),
        ({"serviceDiscoveryMode": True, "zooKeeperNameSpace": "hiveserver2"}, "ZooKeeper"),
        ({"useNativeQuery": "true"}, "useNativeQuery"),
        ({"thriftTransportProtocol": "SASL"}, "SASL takes only UsernameAndPassword"),
        (
            {
                "thriftTransportProtocol": "Binary",
                "authenticationType": "UsernameAndPassword",
                "username": "u",
                "password": SECRET,
            },
            "Binary only Anonymous",
        ),
        (
            {"authenticationType": {"value": "@pipeline().parameters.auth", "type": "Expression"}},
            "expression",
        ),
    ],
)
def test_a_hive_definition_microsoft_would_not_upgrade_is_blocked_with_what_to_change(
    tp: dict[str, Any], said: str
) -> None:
    found = hive(**tp)
    assert found.verdict == "blocked"
    assert any(said in reason and "version 1.0 first" in reason for reason in found.blocked), (
        found.blocked
    )
    rules = get_connector("Hive").upgrade
    assert rules is not None
    assert blockers_of(
        rules.rules,
        {
            "typeProperties": {
                "thriftTransportProtocol": "Binary",
                "authenticationType": "Anonymous",
                **tp,
            }
        },
    )


def test_an_impala_definition_with_sasl_username_is_blocked() -> None:
    found = impala(authenticationType="SASLUsername", username="u")
    assert found.verdict == "blocked"
    assert any("SASLUsername" in reason for reason in found.blocked)


def test_the_version_is_written_after_the_type() -> None:
    found = hive()
    assert found.verdict == "ready"
    assert list(found.proposed)[:2] == ["type", "version"] and found.proposed["version"] == "2.0"
    assert "version" in rules_of(found)


def test_hive_thrift_server_becomes_hiveserver2() -> None:
    found = hive(serverType="HiveThriftServer")
    assert found.proposed["typeProperties"]["serverType"] == "HiveServer2"
    assert "hive-thrift-server" in rules_of(found)


def test_service_discovery_and_native_query_switched_off_are_left_out() -> None:
    found = hive(serviceDiscoveryMode=False, zooKeeperNameSpace="hs2", useNativeQuery=False)
    assert found.verdict == "ready", found.blocked
    tp = found.proposed["typeProperties"]
    assert not {"serviceDiscoveryMode", "zooKeeperNameSpace", "useNativeQuery"} & set(tp)
    dropped = {f.path.rsplit(".", 1)[1] for f in found.findings if f.dropped}
    assert {"serviceDiscoveryMode", "zooKeeperNameSpace", "useNativeQuery"} <= dropped


@pytest.mark.parametrize("connector", ["Hive", "Impala"])
def test_the_four_tls_options_are_left_out_with_a_warning_when_tls_is_on(connector: str) -> None:
    make = hive if connector == "Hive" else impala
    tls = {
        "enableSsl": True,
        "trustedCertPath": "C:\\ca.pem",
        "useSystemTrustStore": False,
        "allowHostNameCNMismatch": True,
        "allowSelfSignedServerCert": False,
    }
    found = make(**tls)
    assert found.verdict == "ready", found.blocked
    assert not set(tls) - {"enableSsl"} & set(found.proposed["typeProperties"])
    warnings = [f for f in found.findings if f.rule_id == "tls-options"]
    assert len(warnings) == 4 and all(f.severity == "warning" and f.dropped for f in warnings)
    quiet = make(enableSsl=False, useSystemTrustStore=True)
    assert [f.severity for f in quiet.findings if f.rule_id == "tls-options"] == ["info"]


@pytest.mark.parametrize("connector", ["Hive", "Impala"])
def test_an_unset_enable_ssl_is_written_as_false_what_ran_before(connector: str) -> None:
    found = (hive if connector == "Hive" else impala)()
    assert found.proposed["typeProperties"]["enableSsl"] is False
    assert "enable-ssl-default" in rules_of(found)
    kept = (hive if connector == "Hive" else impala)(enableSsl=True)
    assert "enable-ssl-default" not in rules_of(kept)


def test_impala_gets_the_binary_transport_its_2_0_table_requires() -> None:
    found = impala(authenticationType="UsernameAndPassword", username="u", password=SECRET)
    assert found.verdict == "ready", found.blocked
    assert found.proposed["typeProperties"]["thriftTransportProtocol"] == "Binary"


@pytest.mark.parametrize(
    ("connector", "changes"),
    [
        (
            "Hive",
            {
                "TINYINT": ("Int16", "SByte"),
                "BIGINT": ("Int64", "Int32"),
                "TIMESTAMP": ("DateTime", "DateTimeOffset"),
            },
        ),
        ("Impala", {"TINYINT": ("Int16", "SByte"), "TIMESTAMP": ("DateTime", "DateTimeOffset")}),
    ],
)
def test_the_data_type_changes_are_the_rows_of_the_table_that_differ(
    connector: str, changes: dict[str, tuple[str, str]]
) -> None:
    found = (hive if connector == "Hive" else impala)()
    listed = {t.source_type: (t.before, t.after) for t in found.type_changes}
    assert {k: listed[k] for k in changes} == changes
    assert "data-types" in rules_of(found)
    assert "SMALLINT" not in listed


@pytest.mark.parametrize(
    "path",
    sorted([*DATA.glob("hive/data/*_v1*.json"), *DATA.glob("impala/data/*_v1*.json")]),
    ids=lambda p: p.name,
)
def test_a_real_shaped_1_0_file_upgrades_to_a_valid_2_0_or_says_what_blocks(path: Path) -> None:
    properties = json.loads(path.read_text())["properties"]
    connector = get_connector(properties["type"])
    found = plan_connector_upgrade(connector, properties)
    if found.verdict == "blocked":
        assert all(reason.strip() for reason in found.blocked)
        return
    assert validate_properties(get_version(connector.type, "2.0"), found.proposed) == []
    for kept in ("connectVia", "annotations", "parameters", "description"):
        if kept in properties:
            assert found.proposed[kept] == properties[kept]
    for secret in ("password", "encryptedCredential", "username"):
        if secret in properties["typeProperties"]:
            assert found.proposed["typeProperties"][secret] == properties["typeProperties"][secret]

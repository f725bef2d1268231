"""Hive 1.0 → 2.0: one rule per row of the page's change log and per criterion of
Microsoft's automatic upgrade (README.md), from the kinds of
:mod:`connectors.hiveserver2.sibling_upgrade`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.hive.settings import SPECS
from connectors.hive.type_mapping import TYPES
from connectors.hiveserver2.sibling import TLS_1_0
from connectors.hiveserver2.sibling_upgrade import (
    FIRST,
    Blocks,
    DataTypes,
    Drops,
    Replaces,
    SetVersion,
    equals,
    expression,
    tls_rules,
    true,
    type_changes,
)


def _wire_and_auth_do_not_fit(tp: Mapping[str, Any]) -> bool:
    """2.0: SASL takes only UsernameAndPassword, Binary only Anonymous."""
    auth = str(tp.get("authenticationType") or "")
    if auth == "Username" or expression("authenticationType", "thriftTransportProtocol")(tp):
        return False
    wire = str(tp.get("thriftTransportProtocol") or SPECS["1.0"].default_transport(tp).value)
    return (wire.upper() == "SASL" and auth != "UsernameAndPassword") or (
        wire.lower() == "binary" and auth != "Anonymous"
    )


def _meaning(name: str, before: str, after: str) -> str:
    return f"{name} columns arrive as {after} instead of {before}: check sinks and mappings."


TYPE_CHANGES = type_changes(TYPES.rows, _meaning)
RULES = (
    SetVersion("Hive"),
    Blocks(
        "username-auth",
        "Username authentication is not supported in 2.0 (nor upgraded automatically)",
        "authenticationType",
        equals("authenticationType", "Username"),
        "Choose UsernameAndPassword (with the password) or Anonymous. " + FIRST,
        automatic=True,
    ),
    Blocks(
        "hiveserver1",
        "HiveServer1 is not supported in 2.0 (nor upgraded automatically)",
        "serverType",
        equals("serverType", "HiveServer1"),
        "Version 2.0 speaks to HiveServer2 only: move the server to HiveServer2. " + FIRST,
        automatic=True,
    ),
    Blocks(
        "service-discovery",
        "ZooKeeper service discovery is not supported in 2.0 (nor upgraded automatically)",
        "serviceDiscoveryMode",
        true("serviceDiscoveryMode"),
        "Point host and port at one HiveServer2 and set serviceDiscoveryMode to false. " + FIRST,
        automatic=True,
    ),
    Blocks(
        "native-query",
        "useNativeQuery is not supported in 2.0 (nor upgraded automatically)",
        "useNativeQuery",
        true("useNativeQuery"),
        "Version 2.0 sends queries as written: set useNativeQuery to false and check that "
        "the queries still read what they should. " + FIRST,
        automatic=True,
    ),
    Blocks(
        "transport-auth",
        "In 2.0 SASL takes only UsernameAndPassword and Binary only Anonymous",
        "thriftTransportProtocol",
        _wire_and_auth_do_not_fit,
        "Choose a transport and an authentication type that fit together. " + FIRST,
    ),
    Blocks(
        "expressions",
        "The outcome depends on an expression's run-time value",
        "authenticationType",
        expression("authenticationType", "thriftTransportProtocol", "serverType"),
        "Write the value itself (whether 2.0 supports it depends on it). " + FIRST,
    ),
    Replaces(
        "hive-thrift-server",
        "HiveThriftServer is not a 2.0 serverType (HiveServer2 is)",
        "serverType",
        ("HiveThriftServer",),
        "HiveServer2",
    ),
    Drops(
        "discovery-and-native-query",
        "serviceDiscoveryMode, zooKeeperNameSpace and useNativeQuery are not supported",
        ("serviceDiscoveryMode", "zooKeeperNameSpace", "useNativeQuery"),
        "no such property in 2.0 (one host, queries sent as written)",
    ),
    *tls_rules(TLS_1_0),
    DataTypes("Hive", TYPE_CHANGES),
)

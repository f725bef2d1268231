"""Hive linked services, versions 1.0 and 2.0, as the connection reads them (the property
tables of Microsoft's Hive connector page, see README.md), on the shared reader of
:mod:`connectors.hiveserver2.sibling`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.hiveserver2.settings import Terms, TransportProtocol, Untestable
from connectors.hiveserver2.sibling import TLS_1_0, VersionSpec, settings_reader

HDINSIGHT = "WindowsAzureHDInsightService"
HDINSIGHT_HTTP_PATH = "/hive2"
_SET = "set thriftTransportProtocol to "
_TERMS: dict[str, Any] = {
    "server": "HiveServer2",
    "ports": "HiveServer2: 10000 for binary, 10001 for HTTP; HDInsight: 443",
    "http_path": (
        "Check httpPath: HiveServer2 uses 'cliservice' by default "
        "(hive.server2.thrift.http.path); HDInsight uses '/hive2'."
    ),
    "transport_changes": {
        TransportProtocol.HTTP: _SET + "HTTP (and httpPath to the server's path)",
        TransportProtocol.SASL: _SET + "SASL",
        TransportProtocol.BINARY: _SET + "Binary",
    },
    "transport_check": "that thriftTransportProtocol and enableSsl match its configuration",
    "user_and_password": (
        "set authenticationType to UsernameAndPassword, with the username and password "
        "the server accepts"
    ),
}
TERMS_1_0 = Terms(**_TERMS)
TERMS_2_0 = Terms(
    **{
        **_TERMS,
        "transport_changes": {
            **_TERMS["transport_changes"],
            TransportProtocol.SASL: _SET + "SASL (version 2.0: with UsernameAndPassword)",
            TransportProtocol.BINARY: _SET + "Binary (version 2.0: with Anonymous)",
        },
    }
)
HIVESERVER1 = Untestable(
    "HiveServer1 speaks a protocol this test does not support",
    "serverType is HiveServer1: not testable.",
    "Upgrade the server to HiveServer2 and set serverType to HiveServer2; version 2.0 of "
    "the connector supports only HiveServer2.",
)
SERVICE_DISCOVERY = Untestable(
    "service discovery asks ZooKeeper which HiveServer2 to use; this portal does not speak "
    "ZooKeeper's protocol, so the server ADF would reach is not known here",
    "serviceDiscoveryMode is true: host names ZooKeeper, not HiveServer2: not testable.",
    "To test, point host and port at one HiveServer2 and set serviceDiscoveryMode to false "
    "(version 2.0 has no service discovery: it needs one host).",
)


def _default_transport_1_0(tp: Mapping[str, Any]) -> TransportProtocol:
    """1.0 gives no default; as the Simba Hive driver behind it: HTTP for HDInsight,
    Binary for HiveServer1, SASL otherwise."""
    if str(tp.get("authenticationType") or "").lower() == HDINSIGHT.lower():
        return TransportProtocol.HTTP
    if str(tp.get("serverType") or "").lower() == "hiveserver1":
        return TransportProtocol.BINARY
    return TransportProtocol.SASL


def _default_transport_2_0(tp: Mapping[str, Any]) -> TransportProtocol:
    """2.0 gives no default either; the one that fits its rules: HTTP for HDInsight,
    Binary for Anonymous (Binary takes only Anonymous), SASL otherwise."""
    auth = str(tp.get("authenticationType") or "").lower()
    if auth == HDINSIGHT.lower():
        return TransportProtocol.HTTP
    return TransportProtocol.BINARY if auth == "anonymous" else TransportProtocol.SASL


_COMMON: dict[str, Any] = {
    "connector": "Hive",
    "transports": ("Binary", "SASL", "HTTP"),
    "needs_username": ("Username", "UsernameAndPassword", HDINSIGHT),
    "needs_password": ("UsernameAndPassword", HDINSIGHT),
}
SPECS = {
    "2.0": VersionSpec(
        version="2.0",
        terms=TERMS_2_0,
        authentication_types=("Anonymous", "UsernameAndPassword", HDINSIGHT),
        server_types=("HiveServer2",),
        default_transport=_default_transport_2_0,
        enable_ssl_default=True,
        http_paths={HDINSIGHT: HDINSIGHT_HTTP_PATH},
        not_supported=(
            *TLS_1_0,
            "serviceDiscoveryMode",
            "zooKeeperNameSpace",
            "useNativeQuery",
        ),
        transport_rules={"SASL": ("UsernameAndPassword",), "Binary": ("Anonymous",)},
        **_COMMON,
    ),
    "1.0": VersionSpec(
        version="1.0",
        terms=TERMS_1_0,
        authentication_types=("Anonymous", "Username", "UsernameAndPassword", HDINSIGHT),
        server_types=("HiveServer2", "HiveServer1", "HiveThriftServer"),
        untestable_server_types={"HiveServer1": HIVESERVER1},
        default_transport=_default_transport_1_0,
        enable_ssl_default=False,
        no_password_sent=("Username",),
        not_supported=("enableServerCertificateValidation",),
        service_discovery=SERVICE_DISCOVERY,
        **_COMMON,
    ),
}
read_settings = settings_reader(SPECS)

__all__ = ["HDINSIGHT", "HDINSIGHT_HTTP_PATH", "SPECS", "read_settings"]

"""Impala linked services, versions 1.0 and 2.0, as the connection reads them (the property
tables of Microsoft's Impala connector page, see README.md), on the shared reader of
:mod:`connectors.hiveserver2.sibling`.

Version 1.0 has no ``thriftTransportProtocol``: the wire follows the authentication type
(Anonymous: plain binary Thrift; SASLUsername and UsernameAndPassword: SASL PLAIN, as
Impala's HiveServer2 port takes them). Version 2.0 chooses Binary (the default) or HTTP;
Binary with UsernameAndPassword is SASL PLAIN on the wire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.hiveserver2.settings import Terms, TransportProtocol
from connectors.hiveserver2.sibling import TLS_1_0, VersionSpec, settings_reader

DEFAULT_PORT = 21050
_PORTS = "Impala: 21050 for the HiveServer2 protocol (binary), 28000 for HTTP"
_USER = (
    "set authenticationType to UsernameAndPassword, with the username and password the "
    "server accepts"
)
_HTTP_PATH = "Check that the port is Impala's HTTP port (28000 by default, hs2_http_port)."
_UPGRADE_FOR_HTTP = (
    "version 1.0 cannot speak HTTP: upgrade to 2.0 and set thriftTransportProtocol to HTTP"
)
TERMS_1_0 = Terms(
    server="Impala (impalad)",
    ports=_PORTS,
    http_path=_HTTP_PATH,
    transport_changes={
        TransportProtocol.HTTP: _UPGRADE_FOR_HTTP,
        TransportProtocol.SASL: "set authenticationType to UsernameAndPassword (SASL)",
        TransportProtocol.BINARY: "set authenticationType to Anonymous (plain binary)",
    },
    transport_check="that authenticationType and enableSsl match its configuration",
    user_and_password=_USER,
)
TERMS_2_0 = Terms(
    server="Impala (impalad)",
    ports=_PORTS,
    http_path=_HTTP_PATH,
    transport_changes={
        TransportProtocol.HTTP: "set thriftTransportProtocol to HTTP (port 28000 by default)",
        TransportProtocol.SASL: (
            "set thriftTransportProtocol to Binary with UsernameAndPassword authentication"
        ),
        TransportProtocol.BINARY: (
            "set thriftTransportProtocol to Binary with Anonymous authentication"
        ),
    },
    transport_check="that thriftTransportProtocol, authenticationType and enableSsl match it",
    user_and_password=_USER,
)


def _binary(_tp: Mapping[str, Any]) -> TransportProtocol:
    return TransportProtocol.BINARY


_COMMON: dict[str, Any] = {
    "connector": "Impala",
    "default_port": DEFAULT_PORT,
    "default_transport": _binary,
    "binary_carries_sasl": True,
    "needs_username": ("UsernameAndPassword",),
    "needs_password": ("UsernameAndPassword",),
}
SPECS = {
    "2.0": VersionSpec(
        version="2.0",
        terms=TERMS_2_0,
        authentication_types=("Anonymous", "UsernameAndPassword"),
        transports=("Binary", "HTTP"),
        enable_ssl_default=True,
        not_supported=TLS_1_0,
        **_COMMON,
    ),
    "1.0": VersionSpec(
        version="1.0",
        terms=TERMS_1_0,
        authentication_types=("Anonymous", "SASLUsername", "UsernameAndPassword"),
        enable_ssl_default=False,
        no_password_sent=("SASLUsername",),
        not_supported=("enableServerCertificateValidation", "thriftTransportProtocol"),
        **_COMMON,
    ),
}
read_settings = settings_reader(SPECS)

__all__ = ["DEFAULT_PORT", "SPECS", "read_settings"]

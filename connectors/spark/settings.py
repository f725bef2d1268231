"""Connection settings of an ADF "Spark" linked service (versions 1.0 and 2.0).

``settings_from_type_properties`` turns the ``typeProperties`` object of the
linked service JSON into a validated :class:`SparkSettings`. Defaults follow
the connector documentation: version 1.0 has ``enableSsl`` false and offers
Binary/SASL/HTTP; version 2.0 has ``enableSsl`` true, HTTP only, and
``enableServerCertificateValidation`` (system trust store) instead of the
1.0 certificate flags.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from connectors.diagnostics.settings_check import SettingsError
from connectors.hiveserver2.settings import (
    ANONYMOUS_PASSWORD,
    ANONYMOUS_USER,
    ClientLimits,
    ServerSettings,
    Terms,
    TransportProtocol,
    Untestable,
    choice,
    flag,
    not_in_version,
    port,
    text,
)

__all__ = [
    "ANONYMOUS_PASSWORD",
    "ANONYMOUS_USER",
    "DEFAULT_HTTP_PATH",
    "HDINSIGHT_HTTP_PATH",
    "AuthenticationType",
    "ClientLimits",
    "ServerType",
    "SettingsError",
    "SparkSettings",
    "TransportProtocol",
    "settings_from_type_properties",
]

SparkSettings = ServerSettings


class ServerType(str, Enum):
    SHARK_SERVER = "SharkServer"
    SHARK_SERVER2 = "SharkServer2"
    SPARK_THRIFT_SERVER = "SparkThriftServer"


class AuthenticationType(str, Enum):
    ANONYMOUS = "Anonymous"
    USERNAME = "Username"
    USERNAME_AND_PASSWORD = "UsernameAndPassword"
    HDINSIGHT = "WindowsAzureHDInsightService"


DEFAULT_HTTP_PATH = "cliservice"
HDINSIGHT_HTTP_PATH = "sparkhive2"

_SET = "set thriftTransportProtocol to "
_TERMS = {
    "server": "the Spark Thrift Server",
    "ports": "Spark Thrift Server: 10000 for binary, 10001 for HTTP; HDInsight: 443",
    "http_path": (
        "Check httpPath: Spark Thrift Server uses 'cliservice' by default "
        "(hive.server2.thrift.http.path); HDInsight uses 'sparkhive2'."
    ),
    "user_and_password": (
        "set authenticationType to UsernameAndPassword, with the username and password "
        "the server accepts"
    ),
}
TERMS_1_0 = Terms(
    transport_changes={
        TransportProtocol.HTTP: _SET + "HTTP (and httpPath to the server's path)",
        TransportProtocol.SASL: _SET + "SASL",
        TransportProtocol.BINARY: _SET + "Binary",
    },
    transport_check="that thriftTransportProtocol and enableSsl match its configuration",
    **_TERMS,
)
# Version 2.0 speaks HTTP only: advice never names a transport it does not allow.
V2_HTTP_PORT = (
    "This is a binary port; version 2.0 needs the server's HTTP port "
    "(hive.server2.thrift.http.port, 10001 by default; HDInsight: 443). If the server runs "
    "in binary mode only (hive.server2.transport.mode=binary, with or without SASL), "
    "version 2.0 cannot reach it as configured: switch the server to http (or all) mode"
)
TERMS_2_0 = Terms(
    transport_changes={
        TransportProtocol.HTTP: "use the server's HTTP port",
        TransportProtocol.SASL: V2_HTTP_PORT,
        TransportProtocol.BINARY: V2_HTTP_PORT,
    },
    transport_check="that the port is the server's HTTP port and enableSsl matches it",
    **_TERMS,
)
SHARK_SERVER = Untestable(
    "SharkServer (HiveServer1) speaks a protocol this test does not support",
    "serverType is SharkServer (HiveServer1): not testable.",
    "Upgrade the server to the Spark Thrift Server (HiveServer2 protocol) and set serverType "
    "to SparkThriftServer; version 2.0 of the connector supports only that.",
)
_TLS_1_0 = (
    "trustedCertPath",
    "useSystemTrustStore",
    "allowHostNameCNMismatch",
    "allowSelfSignedServerCert",
)


def settings_from_type_properties(
    version: str, type_properties: dict[str, Any], password: str | None
) -> ServerSettings:
    """Validate ``typeProperties`` of a Spark linked service.

    ``password`` is the already decrypted secret (the ``password`` entry of
    ``type_properties`` is ignored, since it is a SecureString reference).
    """
    version = (version or "1.0").strip()
    if version not in ("1.0", "2.0"):
        raise SettingsError([f"version must be 1.0 or 2.0, not {version!r}"])
    tp = dict(type_properties or {})
    problems: list[str] = []
    v2 = version == "2.0"

    host = str(tp.get("host") or "").strip()
    if not host:
        problems.append("host is required")
    number = port(tp.get("port"), problems)

    server_type = choice(tp, "serverType", ServerType, ServerType.SPARK_THRIFT_SERVER, problems)
    if v2 and server_type != ServerType.SPARK_THRIFT_SERVER:
        problems.append("serverType must be SparkThriftServer in version 2.0")

    default_transport = _default_transport(v2, server_type, tp)
    transport = choice(
        tp, "thriftTransportProtocol", TransportProtocol, default_transport, problems
    )
    if v2 and transport != TransportProtocol.HTTP:
        problems.append("thriftTransportProtocol must be HTTP in version 2.0")

    auth = choice(tp, "authenticationType", AuthenticationType, None, problems)
    if auth is None and "authenticationType" not in tp:
        problems.append("authenticationType is required")
    if v2 and auth == AuthenticationType.USERNAME:
        problems.append("authenticationType Username is not supported in version 2.0")

    username = text(tp.get("username"))
    if auth in (AuthenticationType.USERNAME_AND_PASSWORD, AuthenticationType.HDINSIGHT):
        if not username:
            problems.append(f"username is required for {auth.value} authentication")
        if not password:
            problems.append(f"password is required for {auth.value} authentication")
    if auth == AuthenticationType.USERNAME and not username:
        problems.append("username is required for Username authentication")

    default_path = (
        HDINSIGHT_HTTP_PATH if auth == AuthenticationType.HDINSIGHT else DEFAULT_HTTP_PATH
    )
    http_path = text(tp.get("httpPath")) or default_path

    enable_ssl = flag(tp, "enableSsl", v2, problems)
    if v2:
        not_in_version(tp, _TLS_1_0, version, problems)
    elif "enableServerCertificateValidation" in tp:
        problems.append("enableServerCertificateValidation is only supported in version 2.0")

    use_system_store = flag(tp, "useSystemTrustStore", False, problems)
    allow_mismatch = flag(tp, "allowHostNameCNMismatch", False, problems)
    allow_self_signed = flag(tp, "allowSelfSignedServerCert", False, problems)
    validate_server_cert = flag(tp, "enableServerCertificateValidation", True, problems)

    if problems:
        raise SettingsError(problems)
    assert auth is not None and number is not None
    return ServerSettings(
        version=version,
        host=host,
        port=number,
        terms=TERMS_2_0 if v2 else TERMS_1_0,
        authentication_type=auth,
        server_type=server_type,
        transport=transport,
        username=username,
        password=password,
        anonymous=auth == AuthenticationType.ANONYMOUS,
        password_sent=auth != AuthenticationType.USERNAME,
        http_path=http_path,
        enable_ssl=enable_ssl,
        trusted_cert_path=None if v2 else text(tp.get("trustedCertPath")),
        # Version 2.0 always uses the system trust store.
        use_system_trust_store=True if v2 else use_system_store,
        allow_host_name_cn_mismatch=False if v2 else allow_mismatch,
        allow_self_signed_server_cert=False if v2 else allow_self_signed,
        enable_server_certificate_validation=validate_server_cert if v2 else True,
        system_store_only=v2,
        untestable=SHARK_SERVER if server_type == ServerType.SHARK_SERVER else None,
    )


def _default_transport(v2: bool, server_type: ServerType, tp: dict[str, Any]) -> TransportProtocol:
    """Version 2.0 is HTTP only. For 1.0 the documentation gives no default;
    like the Simba Spark ODBC driver behind it: HTTP for HDInsight, Binary for
    SharkServer (HiveServer1), SASL otherwise."""
    auth = str(tp.get("authenticationType") or "").lower()
    if v2 or auth == AuthenticationType.HDINSIGHT.value.lower():
        return TransportProtocol.HTTP
    if server_type == ServerType.SHARK_SERVER:
        return TransportProtocol.BINARY
    return TransportProtocol.SASL

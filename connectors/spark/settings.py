"""Connection settings of an ADF "Spark" linked service (versions 1.0 and 2.0).

``settings_from_type_properties`` turns the ``typeProperties`` object of the
linked service JSON into a validated :class:`SparkSettings`. Defaults follow
the connector documentation: version 1.0 has ``enableSsl`` false and offers
Binary/SASL/HTTP; version 2.0 has ``enableSsl`` true, HTTP only, and
``enableServerCertificateValidation`` (system trust store) instead of the
1.0 certificate flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from connectors.diagnostics.settings_check import SettingsError


class ServerType(str, Enum):
    SHARK_SERVER = "SharkServer"
    SHARK_SERVER2 = "SharkServer2"
    SPARK_THRIFT_SERVER = "SparkThriftServer"


class TransportProtocol(str, Enum):
    BINARY = "Binary"
    SASL = "SASL"
    HTTP = "HTTP"


class AuthenticationType(str, Enum):
    ANONYMOUS = "Anonymous"
    USERNAME = "Username"
    USERNAME_AND_PASSWORD = "UsernameAndPassword"
    HDINSIGHT = "WindowsAzureHDInsightService"


# HiveServer2 clients (Hive JDBC among them) send these when no credentials
# are given; HiveServer2 in NONE mode rejects an empty password.
ANONYMOUS_USER = "anonymous"
ANONYMOUS_PASSWORD = "anonymous"
DEFAULT_HTTP_PATH = "cliservice"
HDINSIGHT_HTTP_PATH = "sparkhive2"


@dataclass(frozen=True)
class SparkSettings:
    version: str
    host: str
    port: int
    authentication_type: AuthenticationType
    server_type: ServerType = ServerType.SPARK_THRIFT_SERVER
    transport: TransportProtocol = TransportProtocol.SASL
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    http_path: str = DEFAULT_HTTP_PATH
    enable_ssl: bool = False
    trusted_cert_path: str | None = None
    use_system_trust_store: bool = False
    allow_host_name_cn_mismatch: bool = False
    allow_self_signed_server_cert: bool = False
    enable_server_certificate_validation: bool = True

    def credentials(self) -> tuple[str, str] | None:
        """User and password for SASL PLAIN or HTTP Basic, or None for Binary."""
        if self.transport == TransportProtocol.BINARY:
            return None
        if self.authentication_type == AuthenticationType.ANONYMOUS:
            return ANONYMOUS_USER, ANONYMOUS_PASSWORD
        user = self.username or ANONYMOUS_USER
        if self.authentication_type == AuthenticationType.USERNAME:
            return user, ANONYMOUS_PASSWORD
        return user, self.password or ""

    @property
    def names_ca_file(self) -> bool:
        """Whether a 1.0 definition verifies against its own CA file (trustedCertPath),
        a file on the integration runtime's machine."""
        return bool(self.trusted_cert_path) and not self.use_system_trust_store

    def url_path(self) -> str:
        return "/" + self.http_path.lstrip("/")


@dataclass(frozen=True)
class ClientLimits:
    """Client-side limits; not part of the linked service."""

    connect_timeout_s: float = 10.0
    deadline_s: float = 45.0
    max_frame_bytes: int = 16 * 1024 * 1024
    max_http_body_bytes: int = 16 * 1024 * 1024
    client_protocol: int = 9  # HIVE_CLI_SERVICE_PROTOCOL_V10


def settings_from_type_properties(
    version: str, type_properties: dict[str, Any], password: str | None
) -> SparkSettings:
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
    port = _port(tp.get("port"), problems)

    server_type = _choice(tp, "serverType", ServerType, ServerType.SPARK_THRIFT_SERVER, problems)
    if v2 and server_type != ServerType.SPARK_THRIFT_SERVER:
        problems.append("serverType must be SparkThriftServer in version 2.0")

    default_transport = _default_transport(v2, server_type, tp)
    transport = _choice(
        tp, "thriftTransportProtocol", TransportProtocol, default_transport, problems
    )
    if v2 and transport != TransportProtocol.HTTP:
        problems.append("thriftTransportProtocol must be HTTP in version 2.0")

    auth = _choice(tp, "authenticationType", AuthenticationType, None, problems)
    if auth is None and "authenticationType" not in tp:
        problems.append("authenticationType is required")
    if v2 and auth == AuthenticationType.USERNAME:
        problems.append("authenticationType Username is not supported in version 2.0")

    username = _text(tp.get("username"))
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
    http_path = _text(tp.get("httpPath")) or default_path

    enable_ssl = _flag(tp, "enableSsl", v2, problems)
    v1_only = (
        "trustedCertPath",
        "useSystemTrustStore",
        "allowHostNameCNMismatch",
        "allowSelfSignedServerCert",
    )
    if v2:
        for key in v1_only:
            if key in tp:
                problems.append(f"{key} is not supported in version 2.0")
    elif "enableServerCertificateValidation" in tp:
        problems.append("enableServerCertificateValidation is only supported in version 2.0")

    use_system_store = _flag(tp, "useSystemTrustStore", False, problems)
    allow_mismatch = _flag(tp, "allowHostNameCNMismatch", False, problems)
    allow_self_signed = _flag(tp, "allowSelfSignedServerCert", False, problems)
    validate_server_cert = _flag(tp, "enableServerCertificateValidation", True, problems)

    if problems:
        raise SettingsError(problems)
    assert auth is not None and port is not None
    return SparkSettings(
        version=version,
        host=host,
        port=port,
        authentication_type=auth,
        server_type=server_type,
        transport=transport,
        username=username,
        password=password,
        http_path=http_path,
        enable_ssl=enable_ssl,
        trusted_cert_path=None if v2 else _text(tp.get("trustedCertPath")),
        # Version 2.0 always uses the system trust store.
        use_system_trust_store=True if v2 else use_system_store,
        allow_host_name_cn_mismatch=False if v2 else allow_mismatch,
        allow_self_signed_server_cert=False if v2 else allow_self_signed,
        enable_server_certificate_validation=validate_server_cert if v2 else True,
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


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _port(value: Any, problems: list[str]) -> int | None:
    try:
        port = int(str(value).strip())
    except (TypeError, ValueError):
        problems.append(f"port must be a number, not {value!r}")
        return None
    if not 1 <= port <= 65535:
        problems.append(f"port must be between 1 and 65535, not {port}")
        return None
    return port


def _flag(tp: dict[str, Any], key: str, default: bool, problems: list[str]) -> bool:
    value = tp.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    problems.append(f"{key} must be true or false, not {value!r}")
    return default


def _choice(
    tp: dict[str, Any], key: str, enum: type[Any], default: Any, problems: list[str]
) -> Any:
    value = _text(tp.get(key))
    if value is None:
        return default
    for member in enum:
        if member.value.lower() == value.lower():
            return member
    allowed = ", ".join(m.value for m in enum)
    problems.append(f"{key} must be one of {allowed}, not {value!r}")
    return default

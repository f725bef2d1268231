"""What a connection to a HiveServer2 endpoint needs, in the wire's terms.

Each connector on the HiveServer2 protocol (Spark, Hive, Impala) reads its linked service's
``typeProperties`` into a :class:`ServerSettings`: the wire transport (plain binary Thrift,
SASL PLAIN, HTTP), the credentials sent, TLS, and the connector's own words for advice
(:class:`Terms`: which property to change, and to what, in *this* version). The staged test
(:mod:`connectors.hiveserver2.diagnostics`) and its advice read only this.

The shared readers of ``typeProperties`` values (:func:`port`, :func:`flag`, :func:`choice`,
:func:`text`) collect every problem instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from connectors.diagnostics.settings_check import SettingsError

__all__ = [
    "ANONYMOUS_PASSWORD",
    "ANONYMOUS_USER",
    "ClientLimits",
    "ServerSettings",
    "SettingsError",
    "Terms",
    "TransportProtocol",
    "Untestable",
    "choice",
    "flag",
    "port",
    "text",
]


class TransportProtocol(str, Enum):
    """The wire: plain binary Thrift (NOSASL), binary Thrift in SASL PLAIN frames, HTTP."""

    BINARY = "Binary"
    SASL = "SASL"
    HTTP = "HTTP"


# HiveServer2 clients (Hive JDBC among them) send these when no credentials
# are given; HiveServer2 in NONE mode rejects an empty password.
ANONYMOUS_USER = "anonymous"
ANONYMOUS_PASSWORD = "anonymous"


@dataclass(frozen=True)
class Terms:
    """The connector version's words for the advice of a failed stage: every change it
    proposes names a property (and a value) this version has."""

    server: str
    """What listens, as a sentence names it: "the Spark Thrift Server", "HiveServer2"."""
    ports: str
    """The usual ports, e.g. "Spark Thrift Server: 10000 for binary, 10001 for HTTP"."""
    http_path: str
    """What to check when the HTTP path is not served (a full sentence)."""
    transport_changes: Mapping[TransportProtocol, str]
    """The change that makes the client speak a wire transport (no final period)."""
    transport_check: str
    """What to check when a reply does not fit, after "check": "that ... match"."""
    user_and_password: str
    """The change that sends a real user name and password (no final period)."""


@dataclass(frozen=True)
class Untestable:
    """A definition this portal cannot test from here, and why (said before any network)."""

    detail: str
    observed: str
    change: str


@dataclass(frozen=True)
class ServerSettings:
    """One connection, as the wire sees it."""

    version: str
    host: str
    port: int
    terms: Terms
    authentication_type: str = ""
    """The connector's word (shown in details), e.g. "UsernameAndPassword"."""
    server_type: str = ""
    transport: TransportProtocol = TransportProtocol.SASL
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    anonymous: bool = False
    """No credentials: the HiveServer2 stand-ins are sent."""
    password_sent: bool = True
    """False: the user name goes with a stand-in password (Username, SASLUsername)."""
    http_path: str = "cliservice"
    enable_ssl: bool = False
    trusted_cert_path: str | None = None
    use_system_trust_store: bool = False
    allow_host_name_cn_mismatch: bool = False
    allow_self_signed_server_cert: bool = False
    enable_server_certificate_validation: bool = True
    system_store_only: bool = False
    """Version 2.0 style TLS: the system trust store, one switch for validation."""
    untestable: Untestable | None = None

    def credentials(self) -> tuple[str, str] | None:
        """User and password for SASL PLAIN or HTTP Basic, or None for plain binary."""
        if self.transport == TransportProtocol.BINARY:
            return None
        if self.anonymous:
            return ANONYMOUS_USER, ANONYMOUS_PASSWORD
        user = self.username or ANONYMOUS_USER
        if not self.password_sent:
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


# -- reading typeProperties values --------------------------------------------------
def text(value: Any) -> str | None:
    if value is None:
        return None
    found = str(value).strip()
    return found or None


def port(value: Any, problems: list[str], *, default: int | None = None) -> int | None:
    if default is not None and (value is None or value == ""):
        return default
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        problems.append(f"port must be a number, not {value!r}")
        return None
    if not 1 <= number <= 65535:
        problems.append(f"port must be between 1 and 65535, not {number}")
        return None
    return number


def flag(tp: Mapping[str, Any], key: str, default: bool, problems: list[str]) -> bool:
    value = tp.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("true", "1", "yes"):
        return True
    if word in ("false", "0", "no"):
        return False
    problems.append(f"{key} must be true or false, not {value!r}")
    return default


def choice(
    tp: Mapping[str, Any], key: str, enum: type[Any], default: Any, problems: list[str]
) -> Any:
    value = text(tp.get(key))
    if value is None:
        return default
    for member in enum:
        if member.value.lower() == value.lower():
            return member
    allowed = ", ".join(m.value for m in enum)
    problems.append(f"{key} must be one of {allowed}, not {value!r}")
    return default


def not_in_version(
    tp: Mapping[str, Any], keys: tuple[str, ...], version: str, problems: list[str]
) -> None:
    """Each of ``keys`` present is a problem: this version has no such property."""
    for key in keys:
        if key in tp:
            problems.append(f"{key} is not supported in version {version}")

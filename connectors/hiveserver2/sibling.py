"""The HiveServer2 siblings of Spark (Hive, Impala) described as data, read by one reader.

A connector version is a :class:`VersionSpec`: the values each property allows, the
defaults its page gives, which properties it does not have, which authentication types
need which credentials, what it cannot test from here. :func:`read_settings` turns a
definition's ``typeProperties`` into :class:`~connectors.hiveserver2.settings.ServerSettings`
with every problem collected; :class:`TypeTable` reads a connector's data type mapping
(a Markdown table beside it: ``| TYPE | 2.0 | 1.0 |``) and types a server's columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from connectors.diagnostics.settings_check import SettingsError
from connectors.hiveserver2.settings import (
    ServerSettings,
    Terms,
    TransportProtocol,
    Untestable,
    flag,
    not_in_version,
    port,
    text,
)
from connectors.hiveserver2.types import UNKNOWN, ColumnType

ANONYMOUS = "Anonymous"
TLS_1_0 = (
    "trustedCertPath",
    "useSystemTrustStore",
    "allowHostNameCNMismatch",
    "allowSelfSignedServerCert",
)
"""The four TLS options of the 1.0 versions (a CA file, the system store, two allowances)."""
TLS_2_0 = ("enableServerCertificateValidation",)


@dataclass(frozen=True, kw_only=True)
class VersionSpec:
    """One connector version's property table, as the connection reads it."""

    connector: str
    version: str
    terms: Terms
    authentication_types: tuple[str, ...]
    transports: tuple[str, ...] = ()
    """The allowed ``thriftTransportProtocol`` values (empty: the version has no such
    property; :attr:`default_transport` decides the wire)."""
    default_transport: Callable[[Mapping[str, Any]], TransportProtocol]
    """The wire when ``thriftTransportProtocol`` is unset (from the other properties)."""
    enable_ssl_default: bool
    server_types: tuple[str, ...] = ()
    """The allowed ``serverType`` values (empty: no such property)."""
    untestable_server_types: Mapping[str, Untestable] = field(default_factory=dict)
    needs_username: tuple[str, ...] = ()
    needs_password: tuple[str, ...] = ()
    no_password_sent: tuple[str, ...] = ()
    """Authentication types that send the user name with a stand-in password."""
    default_port: int | None = None
    http_paths: Mapping[str, str] = field(default_factory=dict)
    """The default ``httpPath`` per authentication type ("" key: any other)."""
    not_supported: tuple[str, ...] = ()
    """Properties this version does not have (refused when present)."""
    transport_rules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """A transport that takes only some authentication types: {transport: allowed}."""
    binary_carries_sasl: bool = False
    """Binary with credentials is SASL PLAIN on the wire, plain binary Thrift without
    (Impala's HiveServer2 port)."""
    service_discovery: Untestable | None = None
    """What ``serviceDiscoveryMode`` true means here (None: the version has no such mode)."""

    @property
    def system_store_only(self) -> bool:
        return "enableServerCertificateValidation" not in self.not_supported


def _one_of(
    tp: Mapping[str, Any], key: str, allowed: tuple[str, ...], problems: list[str]
) -> str | None:
    value = text(tp.get(key))
    if value is None:
        return None
    for word in allowed:
        if word.lower() == value.lower():
            return word
    problems.append(f"{key} must be one of {', '.join(allowed)}, not {value!r}")
    return None


def read_settings(spec: VersionSpec, tp_in: dict[str, Any], password: str | None) -> ServerSettings:
    """``typeProperties`` of one version as the wire sees them; SettingsError with every
    problem. ``password`` is the decrypted secret (the stored ``password`` is a reference)."""
    tp = dict(tp_in or {})
    problems: list[str] = []
    host = text(tp.get("host")) or ""
    if not host:
        problems.append("host is required")
    number = port(tp.get("port"), problems, default=spec.default_port)
    not_in_version(tp, spec.not_supported, spec.version, problems)

    server_type = ""
    if spec.server_types:
        server_type = _one_of(tp, "serverType", spec.server_types, problems) or spec.server_types[0]
    auth = _one_of(tp, "authenticationType", spec.authentication_types, problems)
    if "authenticationType" not in tp:
        problems.append("authenticationType is required")
    transport = spec.default_transport(tp)
    if spec.transports:
        chosen = _one_of(tp, "thriftTransportProtocol", spec.transports, problems)
        transport = TransportProtocol(chosen) if chosen else transport
    if spec.binary_carries_sasl and transport == TransportProtocol.BINARY and auth != ANONYMOUS:
        transport = TransportProtocol.SASL
    allowed_auth = spec.transport_rules.get(transport.value)
    if auth and allowed_auth is not None and auth not in allowed_auth:
        problems.append(
            f"thriftTransportProtocol {transport.value} takes only {' or '.join(allowed_auth)} "
            f"authentication in version {spec.version}, not {auth}"
        )

    username = text(tp.get("username"))
    if auth in spec.needs_username and not username:
        problems.append(f"username is required for {auth} authentication")
    if auth in spec.needs_password and not password:
        problems.append(f"password is required for {auth} authentication")
    http_path = text(tp.get("httpPath")) or spec.http_paths.get(
        auth or "", spec.http_paths.get("", "cliservice")
    )
    enable_ssl = flag(tp, "enableSsl", spec.enable_ssl_default, problems)
    tls = {
        key: flag(tp, key, key == "enableServerCertificateValidation", problems)
        for key in (*TLS_1_0, *TLS_2_0)
        if key != "trustedCertPath"  # a path, not a flag
    }
    discovery = spec.service_discovery is not None and flag(
        tp, "serviceDiscoveryMode", False, problems
    )
    if problems:
        raise SettingsError(problems)
    assert auth is not None and number is not None
    v2 = spec.system_store_only
    untestable = spec.untestable_server_types.get(server_type)
    return ServerSettings(
        version=spec.version,
        host=host,
        port=number,
        terms=spec.terms,
        authentication_type=auth,
        server_type=server_type,
        transport=transport,
        username=username,
        password=password,
        anonymous=auth == ANONYMOUS,
        password_sent=auth not in spec.no_password_sent,
        http_path=http_path,
        enable_ssl=enable_ssl,
        trusted_cert_path=None if v2 else text(tp.get("trustedCertPath")),
        use_system_trust_store=True if v2 else tls["useSystemTrustStore"],
        allow_host_name_cn_mismatch=False if v2 else tls["allowHostNameCNMismatch"],
        allow_self_signed_server_cert=False if v2 else tls["allowSelfSignedServerCert"],
        enable_server_certificate_validation=(
            tls["enableServerCertificateValidation"] if v2 else True
        ),
        system_store_only=v2,
        untestable=spec.service_discovery if discovery else untestable,
    )


def settings_reader(specs: Mapping[str, VersionSpec]) -> Callable[..., ServerSettings]:
    """The connector's ``read_settings`` (version, typeProperties, password) over its specs."""

    def read(version: str, type_properties: dict[str, Any], password: str | None) -> ServerSettings:
        spec = specs.get((version or "").strip())
        if spec is None:
            known = " or ".join(specs)
            raise SettingsError([f"version must be {known}, not {version!r}"])
        return read_settings(spec, type_properties, password)

    return read


# -- data type mapping ---------------------------------------------------------------
_HEAD = re.compile(r"\s*([A-Za-z_]+)")
_DECIMAL_ARGS = re.compile(r"^\s*[A-Za-z]+\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)\s*$")
_WIDE_DECIMAL = re.compile(r"^(\w+)\s*;\s*(\w+)\s*\(precision\s*>\s*(\d+)\)$")


@dataclass(frozen=True)
class TypeTable:
    """A connector's data type mapping, read from ``path``: a Markdown table whose rows are
    ``| SOURCE TYPE | interim (2.0) | interim (1.0) |``; a cell ``Decimal; String
    (precision > 28)`` reads "String above that precision". ``aliases`` maps other names
    the server reports (``INTEGER``) to a row."""

    path: Path
    versions: tuple[str, ...] = ("2.0", "1.0")
    aliases: Mapping[str, str] = field(default_factory=dict)
    decimal_default: tuple[int, int] = (10, 0)

    @cached_property
    def rows(self) -> dict[str, dict[str, str]]:
        rows: dict[str, dict[str, str]] = {}
        for line in self.path.read_text(encoding="utf-8").splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) != len(self.versions) + 1 or not cells[0].isupper():
                continue
            rows[cells[0]] = dict(zip(self.versions, cells[1:], strict=True))
        return rows

    def source_type(self, server_type: str) -> str | None:
        found = (server_type or "").strip().upper()
        found = found.removesuffix("_TYPE")
        head = _HEAD.match(found)
        name = head.group(1) if head else ""
        name = self.aliases.get(name, name)
        return name if name in self.rows else None

    def interim_type(self, source: str | None, version: str, precision: int | None) -> str:
        cell = self.rows.get(source or "", {}).get(version, UNKNOWN)
        wide = _WIDE_DECIMAL.match(cell)
        if wide:
            above = precision is not None and precision > int(wide.group(3))
            return wide.group(2) if above else wide.group(1)
        return cell

    def column_type(self, server_type: str, version: str) -> ColumnType:
        source = self.source_type(server_type)
        head = _HEAD.match(server_type or "")
        precision = scale = None
        if source == "DECIMAL":
            args = _DECIMAL_ARGS.match(server_type)
            precision, scale = (
                (int(args.group(1)), int(args.group(2) or 0)) if args else self.decimal_default
            )
        return ColumnType(
            server_type=server_type,
            source_type=source,
            interim_type=self.interim_type(source, version, precision),
            adf_type=(head.group(1).lower() if head and source else (server_type or "").lower()),
            precision=precision,
            scale=scale,
        )


def secret_target(specs: Mapping[str, VersionSpec], default_version: str) -> Callable[..., Any]:
    """Where and how a sibling's secrets go: the connection's effective values (defaults
    filled in, the wire as sent, TLS as it applies); the raw values where the definition
    cannot be read (then any change counts)."""

    def target(properties: dict[str, Any]) -> dict[str, Any]:
        tp = properties.get("typeProperties")
        tp = tp if isinstance(tp, dict) else {}
        spec = specs.get(str(properties.get("version") or default_version)) or next(
            iter(specs.values())
        )
        try:
            s = read_settings(spec, tp, "stand-in")
        except SettingsError:
            raw = ("host", "port", "serverType", "thriftTransportProtocol", "httpPath")
            return {
                **{k: tp.get(k) for k in (*raw, "enableSsl", *TLS_1_0, *TLS_2_0)},
                "connectVia": properties.get("connectVia"),
            }
        http = s.transport == TransportProtocol.HTTP
        tls = s.enable_ssl
        return {
            "host": s.host,
            "port": s.port,
            "serverType": s.server_type or None,
            "thriftTransportProtocol": s.transport.value,
            "httpPath": s.http_path if http else None,
            "enableSsl": s.enable_ssl,
            "trustedCertPath": s.trusted_cert_path
            if tls and not s.use_system_trust_store
            else None,
            "useSystemTrustStore": s.use_system_trust_store if tls else None,
            "allowHostNameCNMismatch": s.allow_host_name_cn_mismatch if tls else None,
            "allowSelfSignedServerCert": s.allow_self_signed_server_cert if tls else None,
            "enableServerCertificateValidation": (
                s.enable_server_certificate_validation and not s.allow_self_signed_server_cert
                if tls
                else None
            ),
            "connectVia": properties.get("connectVia"),
        }

    return target


__all__ = [
    "TLS_1_0",
    "TLS_2_0",
    "TypeTable",
    "VersionSpec",
    "read_settings",
    "secret_target",
    "settings_reader",
]

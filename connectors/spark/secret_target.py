"""Where and how a Spark linked service's secrets are sent.

A stored password may only be reused while every property listed here has the value it
had when the password was typed (see :mod:`connectors.secret_targets`). Values are taken
as the connection would use them (the version's defaults filled in, ``"443"`` read as 443,
TLS settings that cannot apply left out), so a change that sends the secret to the same
place the same way is not one.
"""

from __future__ import annotations

from typing import Any

from connectors.spark.settings import (
    DEFAULT_HTTP_PATH,
    HDINSIGHT_HTTP_PATH,
    AuthenticationType,
    ServerType,
    TransportProtocol,
    _default_transport,
)

_TLS: tuple[str, ...] = (
    "trustedCertPath",
    "useSystemTrustStore",
    "allowHostNameCNMismatch",
    "allowSelfSignedServerCert",
    "enableServerCertificateValidation",
)
SECRET_TARGET: tuple[str, ...] = (
    "host",
    "port",
    "serverType",
    "thriftTransportProtocol",
    "httpPath",
    "enableSsl",
    *_TLS,
    "connectVia",
)
"""The properties that decide where or how a Spark secret is sent (typeProperties, and
``connectVia`` beside them)."""


def _same_word(value: Any, enum: type[Any], default: Any) -> Any:
    """An enum property as the connection reads it (case-insensitive), or as written."""
    if value is None or value == "":
        return default.value if default is not None else None
    if isinstance(value, str):
        for member in enum:
            if member.value.lower() == value.strip().lower():
                return member.value
    return value


def _flag(value: Any, default: bool) -> Any:
    if value is None or value == "":
        return default
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _port(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def spark_secret_target(properties: dict[str, Any]) -> dict[str, Any]:
    """The effective value of every :data:`SECRET_TARGET` property of ``properties``."""
    tp = properties.get("typeProperties")
    tp = tp if isinstance(tp, dict) else {}
    v2 = properties.get("version") == "2.0"
    server_type = _same_word(tp.get("serverType"), ServerType, ServerType.SPARK_THRIFT_SERVER)
    try:
        default_transport = _default_transport(v2, ServerType(server_type), tp)
    except ValueError:
        default_transport = TransportProtocol.SASL
    transport = _same_word(tp.get("thriftTransportProtocol"), TransportProtocol, default_transport)
    auth = _same_word(tp.get("authenticationType"), AuthenticationType, None)
    ssl = _flag(tp.get("enableSsl"), v2)
    default_path = (
        HDINSIGHT_HTTP_PATH if auth == AuthenticationType.HDINSIGHT.value else DEFAULT_HTTP_PATH
    )
    host = tp.get("host")
    target: dict[str, Any] = {
        "host": host.strip() if isinstance(host, str) else host,
        "port": _port(tp.get("port")),
        "serverType": server_type,
        "thriftTransportProtocol": transport,
        "httpPath": (tp.get("httpPath") or default_path) if transport == "HTTP" else None,
        "enableSsl": ssl,
        "connectVia": properties.get("connectVia"),
    }
    if ssl is False:
        target.update(dict.fromkeys(_TLS))
    elif v2:
        # Version 2.0 trusts the system store and has one switch for validation.
        target.update(
            trustedCertPath=None,
            useSystemTrustStore=True,
            allowHostNameCNMismatch=False,
            allowSelfSignedServerCert=False,
            enableServerCertificateValidation=_flag(
                tp.get("enableServerCertificateValidation"), True
            ),
        )
    else:
        allow_self_signed = _flag(tp.get("allowSelfSignedServerCert"), False)
        system_store = _flag(tp.get("useSystemTrustStore"), False)
        path = None if system_store is True else tp.get("trustedCertPath") or None
        target.update(
            # Without a path, 1.0 trusts the public CAs of the IR's bundle: counted as
            # the system store, which is what 2.0 trusts.
            trustedCertPath=path,
            useSystemTrustStore=system_store if path else True,
            allowHostNameCNMismatch=_flag(tp.get("allowHostNameCNMismatch"), False),
            allowSelfSignedServerCert=allow_self_signed,
            # 1.0 validates the certificate unless self-signed ones are allowed.
            enableServerCertificateValidation=allow_self_signed is not True,
        )
    return target

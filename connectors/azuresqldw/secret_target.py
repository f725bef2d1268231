"""Where and how an AzureSqlDW linked service's secrets are sent.

A stored password or key may only be reused while every property here keeps the value it
had when the secret was typed (see :mod:`connectors.secret_targets`). Both shapes give the
same names: the legacy shape's connection string is read for them, so converting a
definition to the recommended shape keeps its secrets bound to the same place.

A connection string held as a secure string that was stored earlier cannot be read here
(only its reference is at hand): its target is that stored string, so a secret typed
beside a clear connection string must be typed again once the string is stored.
"""

from __future__ import annotations

from typing import Any

from connectors.azuresqldw.connection_string import (
    DEFAULT_PORT,
    ConnectionStringError,
    parse,
    server_address,
)
from connectors.expressions import is_expression

SECRET_TARGET: tuple[str, ...] = (
    "server",
    "port",
    "database",
    "encrypt",
    "trustServerCertificate",
    "hostNameInCertificate",
    "tenant",
    "azureCloudType",
    "connectVia",
)
"""server/port (the host the login goes to), database, the TLS settings, the tenant and
cloud a service principal's key is sent to, and the integration runtime."""

_ENCRYPT = {
    "true": "mandatory",
    "yes": "mandatory",
    "mandatory": "mandatory",
    "false": "optional",
    "no": "optional",
    "optional": "optional",
    "strict": "strict",
}


def _encrypt(value: Any) -> Any:
    if value is None or value == "":
        return "mandatory"
    if isinstance(value, bool):
        return "mandatory" if value else "optional"
    if isinstance(value, str):
        return _ENCRYPT.get(value.strip().lower(), value)
    return value


def _flag(value: Any, default: bool) -> Any:
    if value is None or value == "":
        return default
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
        return value.strip().lower() in ("true", "yes")
    return value


def _server(value: Any) -> tuple[Any, Any]:
    if isinstance(value, str) and not value.startswith("@"):
        try:
            address = server_address(value)
        except ConnectionStringError:
            return value.strip(), DEFAULT_PORT
        return address.host.lower(), address.port
    return value, DEFAULT_PORT


def _from_connection_string(value: Any) -> dict[str, Any] | None:
    """The recommended shape's names, read from a connection string; None when it
    cannot be read here."""
    text: Any = value
    if isinstance(value, dict) and value.get("type") == "SecureString":
        if "secretId" in value:
            return None
        text = value.get("value")
    if not isinstance(text, str) or is_expression(value) or text.startswith("@"):
        return None
    try:
        return parse(text)
    except ConnectionStringError:
        return None


def azuresqldw_secret_target(properties: dict[str, Any]) -> dict[str, Any]:
    tp = properties.get("typeProperties")
    tp = tp if isinstance(tp, dict) else {}
    if "connectionString" in tp:
        read = _from_connection_string(tp["connectionString"])
        if read is None:
            stored = tp["connectionString"]
            reference = stored.get("secretId") if isinstance(stored, dict) else None
            where: dict[str, Any] = {
                name: None for name in SECRET_TARGET if name not in ("tenant", "azureCloudType")
            }
            where["server"] = (
                f"stored secure connection string #{reference}" if reference is not None else stored
            )
        else:
            host, port = _server(read.get("server"))
            where = {
                "server": host,
                "port": port,
                "database": read.get("database"),
                "encrypt": _encrypt(read.get("encrypt")),
                "trustServerCertificate": _flag(read.get("trustServerCertificate"), False),
                "hostNameInCertificate": read.get("hostNameInCertificate"),
            }
    else:
        host, port = _server(tp.get("server"))
        where = {
            "server": host,
            "port": port,
            "database": tp.get("database"),
            "encrypt": _encrypt(tp.get("encrypt")),
            "trustServerCertificate": _flag(tp.get("trustServerCertificate"), False),
            "hostNameInCertificate": tp.get("hostNameInCertificate"),
        }
    where["tenant"] = tp.get("tenant")
    where["azureCloudType"] = tp.get("azureCloudType")
    where["connectVia"] = properties.get("connectVia")
    return {name: where.get(name) for name in SECRET_TARGET}

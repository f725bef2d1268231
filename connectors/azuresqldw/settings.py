"""What a connection test needs from an AzureSqlDW definition, from either shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connectors.azuresqldw.connection_string import (
    ConnectionStringError,
    parse,
    server_address,
)
from connectors.diagnostics.settings_check import SettingsError

SQL = "SQL"
ENTRA = ("ServicePrincipal", "SystemAssignedManagedIdentity", "UserAssignedManagedIdentity")
ENCRYPT_WORDS = {
    "true": "mandatory",
    "yes": "mandatory",
    "mandatory": "mandatory",
    "false": "optional",
    "no": "optional",
    "optional": "optional",
    "strict": "strict",
}
# Connection-string Authentication= values and the recommended shape's names for them.
AUTH_KEYWORDS = {
    "sqlpassword": SQL,
    "active directory service principal": "ServicePrincipal",
    "active directory managed identity": "SystemAssignedManagedIdentity",
    "active directory msi": "SystemAssignedManagedIdentity",
    "active directory default": "SystemAssignedManagedIdentity",
}


@dataclass(frozen=True)
class SqlPoolSettings:
    host: str
    port: int
    database: str
    authentication: str
    user: str = ""
    password: str | None = None
    encrypt: str = "mandatory"
    trust_server_certificate: bool = False
    host_name_in_certificate: str = ""

    @property
    def entra(self) -> bool:
        return self.authentication in ENTRA

    @property
    def serverless_host(self) -> bool:
        return "-ondemand." in self.host.lower()


def _flag(value: Any, name: str, problems: list[str]) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, ""):
        return False
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
        return value.strip().lower() in ("true", "yes")
    problems.append(f"{name} is {value!r}, not true or false")
    return False


def _secret(value: Any) -> str | None:
    if isinstance(value, dict) and value.get("type") == "SecureString":
        text = value.get("value")
        return text if isinstance(text, str) else None
    return None


def settings_from_type_properties(tp: dict[str, Any]) -> SqlPoolSettings:
    """Literal typeProperties (secrets in clear) -> settings; every problem named."""
    problems: list[str] = []
    if "connectionString" in tp:
        raw = tp["connectionString"]
        text = _secret(raw) if isinstance(raw, dict) else raw
        if not isinstance(text, str):
            raise SettingsError(["connectionString is not text"])
        try:
            read = parse(text)
        except ConnectionStringError as exc:
            raise SettingsError([f"connectionString: {exc}"]) from exc
        server = read.get("server", "")
        database = read.get("database", "")
        user = read.get("user", "")
        password = read.get("password") or _secret(tp.get("password"))
        keyword = read.get("authentication", "").strip().lower()
        if tp.get("servicePrincipalId"):
            auth = "ServicePrincipal"
        elif tp.get("credential"):
            auth = "UserAssignedManagedIdentity"
        elif keyword in AUTH_KEYWORDS:
            auth = AUTH_KEYWORDS[keyword]
        elif user:
            auth = SQL
        else:
            auth = "SystemAssignedManagedIdentity"
        encrypt_raw: Any = read.get("encrypt", "mandatory")
        trust_raw: Any = read.get("trustServerCertificate")
        host_in_cert = read.get("hostNameInCertificate", "")
        where = "connectionString"
    else:
        server = tp.get("server") or ""
        database = tp.get("database") or ""
        user = tp.get("userName") or ""
        password = _secret(tp.get("password"))
        auth = tp.get("authenticationType") or SQL
        encrypt_raw = tp.get("encrypt", "mandatory")
        trust_raw = tp.get("trustServerCertificate")
        host_in_cert = tp.get("hostNameInCertificate") or ""
        where = "server"
    if not server:
        problems.append(f"{where} names no server")
    try:
        address = server_address(str(server)) if server else None
    except ConnectionStringError as exc:
        problems.append(f"{where}: {exc}")
        address = None
    encrypt = ENCRYPT_WORDS.get(str(encrypt_raw).strip().lower())
    if encrypt is None:
        problems.append(f"encrypt is {encrypt_raw!r}: use mandatory, optional or strict")
    trust = _flag(trust_raw, "trustServerCertificate", problems)
    if auth == SQL:
        if not user:
            problems.append("SQL authentication needs a user name")
        if password is None:
            problems.append("SQL authentication needs a password (typed for the test)")
    if problems or address is None:
        raise SettingsError(problems)
    return SqlPoolSettings(
        host=address.host,
        port=address.port,
        database=str(database),
        authentication=str(auth),
        user=str(user),
        password=password,
        encrypt=encrypt or "mandatory",
        trust_server_certificate=trust,
        host_name_in_certificate=str(host_in_cert),
    )

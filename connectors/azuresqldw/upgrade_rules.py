"""Converting an AzureSqlDW definition from the legacy shape (a connection string) to the
recommended one (server, database, encrypt, authenticationType...), through the upgrade
wizard's machinery (:mod:`connectors.upgrade`).

A plain connection string is read: each key it holds becomes its property (``Encrypt=True``
→ ``encrypt: "mandatory"``, ``Connection Timeout=30`` → ``connectTimeout: 30``...). One held
as a secure string or in Key Vault cannot be read here: server, database and the
authentication are then asked for. A key with no property of the recommended shape blocks
the conversion, naming it; nothing is silently lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.azuresqldw.connection_string import ConnectionStringError, parse, server_address
from connectors.azuresqldw.settings import AUTH_KEYWORDS, ENCRYPT_WORDS
from connectors.upgrade import Decision, Finding, UpgradePath, shown, type_path

AUTH_TYPES = (
    "SQL",
    "ServicePrincipal",
    "SystemAssignedManagedIdentity",
    "UserAssignedManagedIdentity",
)
INTEGERS = {
    "connectTimeout": "connectTimeout",
    "connect retry count": "connectRetryCount",
    "connectretrycount": "connectRetryCount",
    "connect retry interval": "connectRetryInterval",
    "connectretryinterval": "connectRetryInterval",
    "load balance timeout": "loadBalanceTimeout",
    "command timeout": "commandTimeout",
    "max pool size": "maxPoolSize",
    "min pool size": "minPoolSize",
    "packet size": "packetSize",
}
BOOLEANS = {
    "pooling": "pooling",
    "multipleactiveresultsets": "multipleActiveResultSets",
    "multiple active result sets": "multipleActiveResultSets",
    "multisubnetfailover": "multiSubnetFailover",
    "multi subnet failover": "multiSubnetFailover",
    "trustServerCertificate": "trustServerCertificate",
    "integrated security": "integratedSecurity",
    "trusted_connection": "integratedSecurity",
}
TEXTS = {
    "failover partner": "failoverPartner",
    "applicationintent": "applicationIntent",
    "application intent": "applicationIntent",
    "hostNameInCertificate": "hostNameInCertificate",
}
IGNORED = {"persist security info"}
"""Keys with no effect on where or how ADF connects (dropped, with a finding)."""
ORDER = (
    "server",
    "database",
    "encrypt",
    "trustServerCertificate",
    "hostNameInCertificate",
    "authenticationType",
    "userName",
    "password",
    "servicePrincipalId",
    "servicePrincipalCredentialType",
    "servicePrincipalCredential",
    "servicePrincipalKey",
    "tenant",
    "azureCloudType",
    "credential",
    "applicationIntent",
    "connectTimeout",
    "connectRetryCount",
    "connectRetryInterval",
    "loadBalanceTimeout",
    "commandTimeout",
    "integratedSecurity",
    "failoverPartner",
    "maxPoolSize",
    "minPoolSize",
    "multipleActiveResultSets",
    "multiSubnetFailover",
    "packetSize",
    "pooling",
    "encryptedCredential",
)


def _tp(properties: Mapping[str, Any]) -> Mapping[str, Any]:
    tp = properties.get("typeProperties")
    return tp if isinstance(tp, Mapping) else {}


def _readable(value: Any) -> str | None:
    """The connection string's text when it can be read here."""
    if isinstance(value, str) and not value.startswith("@"):
        return value
    return None


def _auth_of(tp: Mapping[str, Any], read: Mapping[str, str]) -> str | None:
    if tp.get("servicePrincipalId"):
        return "ServicePrincipal"
    if tp.get("credential"):
        return "UserAssignedManagedIdentity"
    keyword = read.get("authentication", "").strip().lower()
    if keyword in AUTH_KEYWORDS:
        return AUTH_KEYWORDS[keyword]
    if read.get("user"):
        return "SQL"
    if read:
        return "SystemAssignedManagedIdentity"
    return None


def _converted(read: Mapping[str, str]) -> tuple[dict[str, Any], list[str], list[str]]:
    """(properties, keys dropped, keys that cannot be carried)."""
    out: dict[str, Any] = {}
    dropped: list[str] = []
    unknown: list[str] = []
    for key, value in read.items():
        if key in ("server", "user", "authentication"):
            continue
        if key == "database":
            out["database"] = value
        elif key == "password":
            unknown.append("Password (a password inside the connection string)")
        elif key == "encrypt":
            word = ENCRYPT_WORDS.get(value.strip().lower())
            if word is None:
                unknown.append(f"Encrypt={value}")
            else:
                out["encrypt"] = word
        elif key in INTEGERS:
            if value.strip().isdigit():
                out[INTEGERS[key]] = int(value.strip())
            else:
                unknown.append(f"{key}={value}")
        elif key in BOOLEANS:
            lowered = value.strip().lower()
            if lowered in ("true", "yes", "sspi", "false", "no"):
                out[BOOLEANS[key]] = lowered in ("true", "yes", "sspi")
            else:
                unknown.append(f"{key}={value}")
        elif key in TEXTS:
            out[TEXTS[key]] = value
        elif key in IGNORED:
            dropped.append(key)
        else:
            unknown.append(key)
    return out, dropped, unknown


class ShapeRule:
    id = "shape"
    title = "The connection string becomes the recommended shape's properties"

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return "connectionString" in _tp(properties)

    def _read(self, properties: Mapping[str, Any]) -> dict[str, str] | None:
        text = _readable(_tp(properties).get("connectionString"))
        if text is None:
            return None
        try:
            return parse(text)
        except ConnectionStringError:
            return None

    def blockers(self, properties: Mapping[str, Any]) -> list[str]:
        tp = _tp(properties)
        text = _readable(tp.get("connectionString"))
        if text is None:
            return []
        try:
            read = parse(text)
        except ConnectionStringError as exc:
            return [f"{type_path('connectionString')}: {exc}"]
        out: list[str] = []
        server = read.get("server", "")
        if server:
            try:
                address = server_address(server)
            except ConnectionStringError as exc:
                out.append(f"{type_path('connectionString')}: {exc}")
            else:
                if address.port != 1433:
                    out.append(
                        f"{type_path('connectionString')}: the server listens on port "
                        f"{address.port}; the recommended shape's server takes a host name "
                        "only (port 1433): convert by hand."
                    )
        _, _, unknown = _converted(read)
        for key in unknown:
            out.append(
                f"{type_path('connectionString')}: {key} has no property in the recommended "
                "shape: remove it from the connection string first, or convert by hand."
            )
        return out

    def decisions(
        self, properties: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> list[Decision]:
        tp = _tp(properties)
        read = self._read(properties)
        out: list[Decision] = []
        if read is None:
            note = (
                "The connection string is held as a secure string, in Key Vault or as an "
                "expression: it cannot be read here, so say what it holds."
            )
            out.append(Decision("server", "Server", note, "text", self.id, type_path("server")))
            out.append(
                Decision("database", "Database", note, "text", self.id, type_path("database"))
            )
        proposed_auth = _auth_of(tp, read or {})
        out.append(
            Decision(
                "authenticationType",
                "Authentication type",
                "How the recommended shape signs in; proposed from the connection string "
                "and the service principal or credential properties.",
                "choice",
                self.id,
                type_path("authenticationType"),
                choices=AUTH_TYPES,
                proposed=proposed_auth,
                required=proposed_auth is None,
            )
        )
        auth = answers.get("authenticationType") or proposed_auth
        if auth == "SQL":
            user = (read or {}).get("user")
            if not user:
                out.append(
                    Decision(
                        "userName",
                        "User name",
                        "SQL authentication needs the user name.",
                        "text",
                        self.id,
                        type_path("userName"),
                    )
                )
            if tp.get("password") is None and tp.get("encryptedCredential") is None:
                out.append(
                    Decision(
                        "password",
                        "Password",
                        "SQL authentication needs the password (as a secure string or a "
                        "Key Vault secret).",
                        "secret",
                        self.id,
                        type_path("password"),
                    )
                )
        return out

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        tp = _tp(properties)
        read = self._read(properties)
        before = tp.get("connectionString")
        if read is None:
            return [
                Finding(
                    self.id,
                    type_path("connectionString"),
                    shown(before),
                    "server, database and authenticationType instead of a connection string",
                    "drop the connection string; server and database as answered",
                    severity="warning",
                    dropped=True,
                )
            ]
        converted, dropped, _ = _converted(read)
        names = ", ".join(["server", *converted, "authenticationType"])
        extra = f"; dropped (no effect): {', '.join(dropped)}" if dropped else ""
        return [
            Finding(
                self.id,
                type_path("connectionString"),
                shown(before),
                "server, database and authenticationType instead of a connection string",
                f"read into {names}{extra}",
                dropped=True,
            )
        ]

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        tp = dict(_tp(properties_out))
        read = self._read(properties_out)
        new: dict[str, Any] = {}
        if read is not None:
            server = read.get("server", "")
            try:
                new["server"] = server_address(server).host if server else server
            except ConnectionStringError:
                new["server"] = server
            converted, _, _ = _converted(read)
            new.update(converted)
            if read.get("user"):
                new["userName"] = read["user"]
        for name in ("server", "database", "userName", "password"):
            if answers.get(name) is not None:
                new[name] = answers[name]
        auth = answers.get("authenticationType") or _auth_of(tp, read or {})
        if auth is not None:
            new["authenticationType"] = auth
        if auth != "SQL":
            new.pop("userName", None)
        tp.pop("connectionString", None)
        for name, value in tp.items():
            new.setdefault(name, value)
        ordered = {name: new[name] for name in ORDER if name in new}
        ordered.update({k: v for k, v in new.items() if k not in ordered})
        properties_out["typeProperties"] = ordered


UPGRADE = UpgradePath(
    from_version="legacy",
    to_version="recommended",
    rules=(ShapeRule(),),
    title="Convert Azure Synapse Analytics linked service: legacy → recommended shape",
)

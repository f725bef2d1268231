"""Reads a pasted connection URL or JDBC string into Spark linked-service values, as
Superset and Airflow let users paste one.

Understood: ``jdbc:hive2://host:port/db;key=value;...`` (Hive JDBC), ``hive2://``,
``hive://``, ``spark://``, ``sparksql://`` and ``databricks+pyhive://`` URLs (SQLAlchemy
style, query parameters after ``?``), and ``http(s)://host:port/path`` (the HTTP endpoint).
A user name is filled in; a password never is (it is said to be left out). What has no
linked-service property (the database, Kerberos, ZooKeeper discovery...) is listed in the
notes, never silently dropped.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from connectors.base import ConnectorVersion, PastedConnection
from connectors.formspec import field_specs

SCHEMES = ("jdbc:hive2", "hive2", "hive", "spark", "sparksql", "databricks+pyhive", "http", "https")
TRUE = {"true", "1", "yes", "on", "required"}
FALSE = {"false", "0", "no", "off"}
MAX_LENGTH = 4096


def _split(text: str) -> tuple[str, str, dict[str, str]]:
    """(scheme, the URL in a form urlsplit reads, the ;key=value and ?key=value parameters)."""
    text = text.strip()
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.:-]*?)://", text)
    if not match:
        raise ValueError(
            "Not a connection URL: expected e.g. jdbc:hive2://host:10001/default;"
            "transportMode=http;httpPath=cliservice;ssl=true"
        )
    scheme = match.group(1).lower()
    if scheme not in SCHEMES:
        raise ValueError(
            f"'{scheme}://' is not a Spark or Hive URL (understood: "
            + ", ".join(s + "://" for s in SCHEMES)
            + ")."
        )
    rest = text[match.end() :]
    parameters: dict[str, str] = {}
    rest, _, fragment = rest.partition("#")  # JDBC hive variables: not linked-service values
    if fragment:
        parameters["#"] = fragment
    if "?" in rest:
        rest, _, query = rest.partition("?")
        for key, value in parse_qsl(query.replace(";", "&"), keep_blank_values=True):
            parameters[key] = value
    if ";" in rest:
        rest, *pairs = rest.split(";")
        for pair in pairs:
            if pair.strip():
                key, _, value = pair.partition("=")
                parameters[key.strip()] = unquote(value.strip())
    return scheme, "x://" + rest, parameters


def _offered(version: ConnectorVersion) -> dict[str, tuple[str, ...]]:
    return {s.name: s.choices for s in field_specs(version)}


def parse_connection_url(version: ConnectorVersion, text: str) -> PastedConnection:
    """The values a pasted URL gives for this version, and notes on what it left out.

    Raises ValueError (a sentence) for text that is no Spark/Hive URL at all."""
    if len(text) > MAX_LENGTH:
        raise ValueError(f"A connection URL has at most {MAX_LENGTH} characters.")
    scheme, url, parameters = _split(text)
    parts = urlsplit(url)
    offered = _offered(version)
    values: dict[str, Any] = {}
    notes: list[str] = []
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ValueError("The port in the URL is not a number from 1 to 65535.") from None
    if not host:
        raise ValueError("The URL names no host.")
    values["host"] = host
    if port:
        values["port"] = port
    if parts.username:
        values["username"] = unquote(parts.username)
    if parts.password:
        notes.append("The password in the URL was left out: type it in the Password field.")
    lowered = {k.lower(): (k, v) for k, v in parameters.items()}

    def take(*names: str) -> str | None:
        for name in names:
            if name.lower() in lowered:
                return lowered.pop(name.lower())[1]
        return None

    path = parts.path.strip("/")
    transport = (take("transportMode") or "").lower()
    http_path = take("httpPath", "http_path")
    if scheme in ("http", "https"):
        transport, http_path = "http", http_path or path
        if scheme == "https":
            values["enableSsl"] = True
    elif scheme == "databricks+pyhive":
        transport = transport or "http"
        values.setdefault("enableSsl", True)
        if path:
            notes.append(f"Database '{path}' is not a linked-service property: a dataset names it.")
    elif path:
        notes.append(f"Database '{path}' is not a linked-service property: a dataset names it.")
    if transport:
        wanted = {"http": "HTTP", "binary": "Binary", "sasl": "SASL"}.get(transport)
        choices = offered.get("thriftTransportProtocol", ())
        if wanted in choices:
            values["thriftTransportProtocol"] = wanted
        else:
            notes.append(
                f"transportMode={transport}: version {version.version} offers only "
                + ", ".join(choices)
                + " as the Thrift transport protocol."
            )
    if http_path is not None:
        values["httpPath"] = http_path.lstrip("/") if http_path.strip("/") else http_path
    ssl = take("ssl", "useSSL", "enableSsl")
    if ssl is not None:
        if ssl.lower() in TRUE:
            values["enableSsl"] = True
        elif ssl.lower() in FALSE:
            values["enableSsl"] = False
        else:
            notes.append(f"ssl={ssl} is neither true nor false: Enable SSL left as it was.")
    user = take("user", "username")
    if user:
        values["username"] = user
    if take("password") is not None:
        notes.append("The password in the URL was left out: type it in the Password field.")
    auth = (take("auth") or "").lower()
    if "username" in values:
        choice = "UsernameAndPassword"
        if auth in ("nosasl", "none") and "Username" in offered.get("authenticationType", ()):
            choice = "Username"
        values["authenticationType"] = choice
    elif auth == "nosasl" and "Anonymous" in offered.get("authenticationType", ()):
        values["authenticationType"] = "Anonymous"
    for name in ("principal", "kerberosAuthType", "saslQop"):
        if take(name) is not None:
            notes.append(f"{name}: Kerberos is not offered by the Spark linked service; left out.")
    for name in ("sslTrustStore", "trustStorePassword", "sslTrustStorePassword"):
        if take(name) is not None:
            notes.append(
                f"{name}: a Java trust store has no linked-service property (version "
                f"{version.version} uses "
                + ("the system trust store" if version.version == "2.0" else "trustedCertPath")
                + "); left out."
            )
    if take("serviceDiscoveryMode", "zooKeeperNamespace") is not None:
        notes.append("ZooKeeper service discovery is not offered: name one server's host and port.")
    take("#")
    for key, value in lowered.values():
        notes.append(f"{key}={value} has no linked-service property; left out.")
    # Only what the version has: anything else is a note, not a silent drop.
    for name in list(values):
        if name not in offered:
            notes.append(f"{name} is not a property of version {version.version}; left out.")
            del values[name]
    return PastedConnection(values, notes)

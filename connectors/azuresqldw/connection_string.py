"""Reading an ADO.NET / SqlClient connection string (``Server=tcp:host,1433;Database=...``).

Keys are case-insensitive and have synonyms (``Data Source``, ``Initial Catalog``, ``UID``,
``PWD``); values may be quoted with ``"`` or ``'`` (a doubled quote inside is one quote).
"""

from __future__ import annotations

from dataclasses import dataclass

SYNONYMS = {
    "server": "server",
    "data source": "server",
    "address": "server",
    "addr": "server",
    "network address": "server",
    "database": "database",
    "initial catalog": "database",
    "user id": "user",
    "uid": "user",
    "user": "user",
    "password": "password",
    "pwd": "password",
    "encrypt": "encrypt",
    "trustservercertificate": "trustServerCertificate",
    "trust server certificate": "trustServerCertificate",
    "hostnameincertificate": "hostNameInCertificate",
    "host name in certificate": "hostNameInCertificate",
    "authentication": "authentication",
    "connection timeout": "connectTimeout",
    "connect timeout": "connectTimeout",
    "timeout": "connectTimeout",
    "pooling": "pooling",
}
DEFAULT_PORT = 1433


class ConnectionStringError(ValueError):
    pass


def parse(text: str) -> dict[str, str]:
    """key (canonical name, else lower-cased as written) -> value."""
    out: dict[str, str] = {}
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " ;\t":
            i += 1
        if i >= n:
            break
        eq = text.find("=", i)
        if eq < 0:
            raise ConnectionStringError(
                f"The connection string part {text[i:].strip()[:40]!r} has no '=' (key=value)."
            )
        key = " ".join(text[i:eq].split()).lower()
        i = eq + 1
        while i < n and text[i] == " ":
            i += 1
        if i < n and text[i] in "\"'":
            quote = text[i]
            i += 1
            value = []
            while True:
                if i >= n:
                    raise ConnectionStringError(f"The value of {key!r} has no closing {quote}.")
                if text[i] == quote:
                    if i + 1 < n and text[i + 1] == quote:
                        value.append(quote)
                        i += 2
                        continue
                    i += 1
                    break
                value.append(text[i])
                i += 1
            val = "".join(value)
            while i < n and text[i] != ";":
                i += 1
        else:
            end = text.find(";", i)
            end = n if end < 0 else end
            val = text[i:end].strip()
            i = end
        out[SYNONYMS.get(key, key)] = val
    return out


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int
    protocol: str = "tcp"


def server_address(server: str) -> ServerAddress:
    """``tcp:host,1433`` / ``host,port`` / ``host`` -> host and port."""
    text = server.strip()
    protocol = "tcp"
    if ":" in text.split(",")[0] and text.lower().split(":", 1)[0] in ("tcp", "np", "lpc"):
        protocol, text = text.split(":", 1)
        protocol = protocol.lower()
    host, _, port_text = text.partition(",")
    host = host.strip()
    if "\\" in host:
        raise ConnectionStringError(
            f"{server!r} names a SQL Server instance (host\\instance); Azure Synapse takes a "
            "host name and a port."
        )
    if not host:
        raise ConnectionStringError("The server has no host name.")
    port = DEFAULT_PORT
    if port_text.strip():
        if not port_text.strip().isdigit() or not 0 < int(port_text) < 65536:
            raise ConnectionStringError(f"The port of {server!r} is not a number from 1 to 65535.")
        port = int(port_text)
    return ServerAddress(host=host, port=port, protocol=protocol)

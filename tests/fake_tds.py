"""A fake SQL pool on 127.0.0.1 that speaks just enough MS-TDS for the connection test:
pre-login, TLS inside pre-login packets (or first, for TDS 8 strict), LOGIN7 answered with
LOGINACK or error 18456, and canned answers to the test's queries. It also misbehaves on
request (garbage, huge lengths, endless messages, a broken LOGINACK).

Written from MS-TDS (2.2.6.5 PRELOGIN, 2.2.6.4 LOGIN7, 2.2.7 tokens) independently of the
client in connectors/azuresqldw/tds.py, so that each checks the other.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.fake_server import FakeServer
from tests.fixture_secrets import SQL_POOL_PASSWORD

EOM = 0x01


@dataclass
class PoolBehaviour:
    user: str = "loader"
    password: str = SQL_POOL_PASSWORD
    database: str = "salesdw"
    encryption: int = 1  # ENCRYPT_ON; 0 OFF, 2 NOT_SUP, 3 REQ
    strict: bool = False
    engine_edition: int = 6
    exporter: int | None = 1
    permissions: tuple[str, ...] = ("CREATE TABLE", "ADMINISTER DATABASE BULK OPERATIONS")
    schema_permissions: tuple[str, ...] = ("ALTER", "INSERT")
    login_error_state: int = 8
    tables: tuple[str, ...] = ()
    """Tables that exist (as OBJECT_ID is asked about them: DATABASE.SCHEMA.TABLE)."""
    misbehave: str = ""
    """"", "garbage_prelogin", "huge_login_token", "endless", "garbage_loginack",
    "wrong_packet_type"."""
    seen_logins: list[dict[str, str]] = field(default_factory=list)
    seen_queries: list[str] = field(default_factory=list)


def header(kind: int, length: int, status: int = EOM) -> bytes:
    return struct.pack(">BBHHBB", kind, status, length + 8, 0, 1, 0)


def packet(kind: int, payload: bytes) -> bytes:
    return header(kind, len(payload)) + payload


def b_varchar(text: str) -> bytes:
    return bytes([len(text)]) + text.encode("utf-16-le")


def us_varchar(text: str) -> bytes:
    return struct.pack("<H", len(text)) + text.encode("utf-16-le")


def done() -> bytes:
    return b"\xfd" + struct.pack("<HHQ", 0, 0, 0)


def error_token(number: int, state: int, text: str) -> bytes:
    body = struct.pack("<IBB", number, state, 14) + us_varchar(text) + b_varchar("fakepool")
    body += b_varchar("") + struct.pack("<I", 1)
    return b"\xaa" + struct.pack("<H", len(body)) + body


def login_ack() -> bytes:
    body = b"\x01" + struct.pack(">I", 0x74000004) + b_varchar("Microsoft SQL Server")
    body += bytes([12, 0, 7, 208])  # 12.0.2000
    return b"\xad" + struct.pack("<H", len(body)) + body


def env_database(name: str) -> bytes:
    body = b"\x01" + b_varchar(name) + b_varchar("master")
    return b"\xe3" + struct.pack("<H", len(body)) + body


def int_result(value: int | None) -> bytes:
    meta = b"\x81" + struct.pack("<H", 1) + struct.pack("<IH", 0, 0) + b"\x26\x04" + b_varchar("")
    row = b"\xd1" + (b"\x00" if value is None else b"\x04" + struct.pack("<i", value))
    return meta + row + done()


def text_rows(values: tuple[str, ...]) -> bytes:
    meta = b"\x81" + struct.pack("<H", 1) + struct.pack("<IH", 0, 0)
    meta += (
        b"\xe7" + struct.pack("<H", 256) + b"\x09\x04\xd0\x00\x34" + b_varchar("permission_name")
    )
    rows = b"".join(b"\xd1" + struct.pack("<H", len(v) * 2) + v.encode("utf-16-le") for v in values)
    return meta + rows + done()


class _Conn:
    """One client connection: reads TDS packets from the socket or from TLS in TDS."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self.stop = stop
        self.buffer = b""
        self.tls: ssl.SSLObject | None = None
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()

    def _raw(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("client closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _plain(self, n: int) -> bytes:
        if self.tls is None:
            return self._raw(n)
        out = b""
        while len(out) < n:
            try:
                out += self.tls.read(n - len(out))
            except ssl.SSLWantReadError:
                chunk = self.buffer or self.sock.recv(65536)
                self.buffer = b""
                if not chunk:
                    raise ConnectionError("client closed") from None
                self.incoming.write(chunk)
        return out

    def message(self) -> tuple[int, bytes]:
        payload = b""
        while True:
            head = self._plain(8)
            kind, status, length = head[0], head[1], struct.unpack(">H", head[2:4])[0]
            payload += self._plain(length - 8)
            if status & EOM:
                return kind, payload

    def send(self, data: bytes) -> None:
        if self.tls is None:
            self.sock.sendall(data)
        else:
            self.tls.write(data)
            self.sock.sendall(self.outgoing.read())

    def tls_in_prelogin(self, ctx: ssl.SSLContext) -> None:
        tls = ctx.wrap_bio(self.incoming, self.outgoing, server_side=True)
        while True:
            kind, payload = self.message()
            assert kind == 0x12, kind
            self.incoming.write(payload)
            try:
                tls.do_handshake()
            except ssl.SSLWantReadError:
                self.sock.sendall(packet(0x12, self.outgoing.read()))
                continue
            pending = self.outgoing.read()
            if pending:
                self.sock.sendall(packet(0x12, pending))
            break
        self.tls = tls


def prelogin_answer(encryption: int) -> bytes:
    options = [
        (0, bytes([12, 0]) + struct.pack(">HH", 2000, 8)),
        (1, bytes([encryption])),
        (4, b"\x00"),
    ]
    offset = len(options) * 5 + 1
    head, data = b"", b""
    for token, value in options:
        head += struct.pack(">BHH", token, offset + len(data), len(value))
        data += value
    return head + b"\xff" + data


def parse_login7(payload: bytes) -> dict[str, str]:
    def field_at(index: int) -> bytes:
        offset, chars = struct.unpack_from("<HH", payload, 36 + 4 * index)
        return payload[offset : offset + chars * 2]

    password = bytes(((b ^ 0xA5) >> 4) | (((b ^ 0xA5) << 4) & 0xF0) for b in field_at(2))
    return {
        "user": field_at(1).decode("utf-16-le"),
        "password": password.decode("utf-16-le"),
        "database": field_at(8).decode("utf-16-le"),
        "tds_version": hex(struct.unpack_from("<I", payload, 4)[0]),
    }


def handler_for(behaviour: PoolBehaviour, server_ctx: ssl.SSLContext | None) -> Any:
    def handle(sock: socket.socket, stop: threading.Event) -> None:
        if behaviour.misbehave == "garbage_prelogin":
            sock.recv(65536)
            sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        conn = _Conn(sock, stop)
        if behaviour.strict:
            assert server_ctx is not None
            tls_sock = server_ctx.wrap_socket(sock, server_side=True)
            conn = _Conn(tls_sock, stop)  # type: ignore[arg-type]
        kind, _ = conn.message()
        assert kind == 0x12
        if behaviour.misbehave == "wrong_packet_type":
            conn.send(packet(0x01, b"\x00" * 16))
            return
        conn.send(packet(0x04, prelogin_answer(behaviour.encryption)))
        if not behaviour.strict and behaviour.encryption in (0, 1, 3):
            assert server_ctx is not None
            conn.tls_in_prelogin(server_ctx)
        kind, payload = conn.message()
        assert kind == 0x10, kind
        login = parse_login7(payload)
        behaviour.seen_logins.append(login)
        if behaviour.encryption == 0 and not behaviour.strict:
            conn.tls = None  # ENCRYPT_OFF: only the login was encrypted
        if behaviour.misbehave == "huge_login_token":
            conn.send(packet(0x04, b"\xae\x01" + struct.pack("<I", 0x7FFFFFFF) + b"\x00" * 8))
            _wait(sock, stop)
            return
        if behaviour.misbehave == "endless":
            try:
                while not stop.is_set():
                    conn.send(header(0x04, 4000, status=0) + b"\x00" * 4000)
            except OSError:
                return
            return
        if behaviour.misbehave == "garbage_loginack":
            conn.send(packet(0x04, b"\xad\xff\x7f\x01garbage"))
            _wait(sock, stop)
            return
        ok = (login["user"], login["password"]) == (behaviour.user, behaviour.password)
        if not ok:
            text = f"Login failed for user '{login['user']}'."
            conn.send(packet(0x04, error_token(18456, behaviour.login_error_state, text) + done()))
            return
        conn.send(packet(0x04, login_ack() + env_database(login["database"]) + done()))
        while not stop.is_set():
            try:
                kind, payload = conn.message()
            except (ConnectionError, OSError):
                return
            sql = payload[22:].decode("utf-16-le")
            behaviour.seen_queries.append(sql)
            conn.send(packet(0x04, answer(behaviour, sql)))

    return handle


def answer(behaviour: PoolBehaviour, sql: str) -> bytes:
    if sql == "SELECT 1":
        return int_result(1)
    if "EngineEdition" in sql:
        return int_result(behaviour.engine_edition)
    if "IS_ROLEMEMBER('db_exporter')" in sql:
        return int_result(behaviour.exporter)
    if "OBJECT_ID(" in sql:
        name = sql.split("N'", 1)[1].split("'", 1)[0]
        return int_result(1000 + len(name) if name in behaviour.tables else None)
    if "'DATABASE'" in sql:
        return text_rows(behaviour.permissions)
    if "'SCHEMA'" in sql:
        return text_rows(behaviour.schema_permissions)
    return error_token(208, 1, f"Invalid object name in {sql!r}.") + done()


def _wait(sock: socket.socket, stop: threading.Event) -> None:
    sock.settimeout(0.05)
    while not stop.is_set():
        try:
            if sock.recv(4096) == b"":
                return
        except TimeoutError:
            continue
        except OSError:
            return


def server_context(cert_pem: str, key_pem: str, *, strict: bool = False) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_pem, key_pem)
    if strict:
        ctx.set_alpn_protocols(["tds/8.0"])
    else:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def fake_pool(behaviour: PoolBehaviour, pki: Any) -> FakeServer:
    ctx = server_context(str(pki.server.cert_pem), str(pki.server.key_pem), strict=behaviour.strict)
    return FakeServer(handler_for(behaviour, ctx))

"""HttpTransport against a scripted HTTP peer: cookie sent back, one connection."""

from __future__ import annotations

import ipaddress
import socket
import threading

import pytest

from connectors.hiveserver2.errors import (
    HttpStatusError,
)
from connectors.hiveserver2.http_transport import HttpTransport
from connectors.net.deadline import Deadline
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.endpoint import open_tcp
from tests.fake_server import FakeServer


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        body += conn.recv(4096)
    return head


def _response(status: str, body: bytes, extra: str = "") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode() + body


def _transport(port: int) -> tuple[HttpTransport, list[DeadlineSocket]]:
    deadline = Deadline(5)
    opened: list[DeadlineSocket] = []

    def opener() -> DeadlineSocket:
        sock = open_tcp(
            ipaddress.ip_address("127.0.0.1"),
            port,
            connect_timeout=2,
            deadline=deadline,
        )
        opened.append(DeadlineSocket(sock, deadline, peer="fake"))
        return opened[-1]

    transport = HttpTransport(
        opener,
        host="127.0.0.1",
        port=port,
        path="/cliservice",
        username="u",
        password="p",
        max_body_bytes=1024,
    )
    return transport, opened


def test_cookie_is_sent_back_on_the_same_connection() -> None:
    seen: list[bytes] = []

    def handler(conn: socket.socket, stop: threading.Event) -> None:
        seen.append(_read_request(conn))
        conn.sendall(_response("200 OK", b"one", "Set-Cookie: hive.server2.auth=abc; Path=/\r\n"))
        seen.append(_read_request(conn))
        conn.sendall(_response("200 OK", b"two"))

    with FakeServer(handler) as server:
        transport, opened = _transport(server.port)
        transport.write(b"first")
        transport.flush()
        assert transport.read(10) == b"one"
        transport.write(b"second")
        transport.flush()
        assert transport.read(10) == b"two"
        transport.close()
    assert len(opened) == 1
    assert b"POST /cliservice HTTP/1.1" in seen[0]
    assert b"Authorization: Basic dTpw" in seen[0]
    assert b"Cookie:" not in seen[0]
    assert b"Cookie: hive.server2.auth=abc" in seen[1]


def test_error_status_carries_the_body() -> None:
    def handler(conn: socket.socket, stop: threading.Event) -> None:
        _read_request(conn)
        conn.sendall(_response("401 Unauthorized", b"Authentication failed for u"))

    with FakeServer(handler) as server:
        transport, _ = _transport(server.port)
        transport.write(b"x")
        with pytest.raises(HttpStatusError) as err:
            transport.flush()
        transport.close()
    assert err.value.status == 401
    assert "Authentication failed for u" in err.value.body

"""Tiny misbehaving servers on 127.0.0.1 for unit tests (no JVM needed)."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self

Handler = Callable[[socket.socket, threading.Event], None]


class FakeServer:
    """Accepts connections on 127.0.0.1 and runs ``handler`` for each one.

    The handler gets the connection and a stop event; it should return (or
    wait on the event) and never outlive the ``with`` block.
    """

    def __init__(self, handler: Handler, *, tls: ssl.SSLContext | None = None) -> None:
        self._handler = handler
        self._tls = tls
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self._listener.settimeout(0.1)
        self.port: int = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self.connections = 0

    def __enter__(self) -> Self:
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            if self._tls is not None:
                try:
                    conn = self._tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return
            self._handler(conn, self._stop)
        except OSError:
            pass
        finally:
            conn.close()


def silent(conn: socket.socket, stop: threading.Event) -> None:
    """Accept, read whatever comes, never answer."""
    conn.settimeout(0.05)
    while not stop.is_set():
        try:
            if conn.recv(4096) == b"":
                return
        except TimeoutError:
            continue


def replies(data: bytes, *, then_wait: bool = True) -> Handler:
    """Read the first request bytes, send ``data``, then wait (or close)."""

    def handler(conn: socket.socket, stop: threading.Event) -> None:
        conn.recv(65536)
        conn.sendall(data)
        if then_wait:
            silent(conn, stop)

    return handler


def sasl_complete_then(frame: bytes) -> Handler:
    """Complete SASL negotiation, then answer the first frame with ``frame``."""

    def handler(conn: socket.socket, stop: threading.Event) -> None:
        received = b""
        # START "PLAIN" (5 + 5 bytes) and OK with the PLAIN response.
        while len(received) < 10 or not _has_two_messages(received):
            chunk = conn.recv(4096)
            if not chunk:
                return
            received += chunk
        conn.sendall(b"\x05\x00\x00\x00\x00")  # COMPLETE, empty
        conn.recv(65536)  # the OpenSession frame
        conn.sendall(frame)
        silent(conn, stop)

    return handler


def _has_two_messages(data: bytes) -> bool:
    if len(data) < 5:
        return False
    first = 5 + int.from_bytes(data[1:5], "big")
    if len(data) < first + 5:
        return False
    return len(data) >= first + 5 + int.from_bytes(data[first + 1 : first + 5], "big")


def tls_server_context(cert_pem: str, key_pem: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_pem, key_pem)
    return ctx

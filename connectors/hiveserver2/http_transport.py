"""Thrift over HTTP POST, the way HiveServer2's ``http`` transport mode expects it.

Unlike ``thrift.transport.THttpClient`` this transport keeps one persistent
connection (re-opened through our own connector, so always to the address
that passed the policy check), checks the HTTP status, sends the server's
``hive.server2.auth`` cookie back, and caps the response body.
"""

from __future__ import annotations

import base64
import http.client
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie

from thrift.transport.TTransport import TTransportBase

from connectors.hiveserver2.errors import (
    FrameTooLarge,
    HttpStatusError,
    NotHttpReply,
)
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.errors import (
    MalformedReply,
    PeerClosed,
)

USER_AGENT = "Linkwright-connection-test/1.0"
_ERROR_BODY_LIMIT = 8 * 1024


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTPConnection that never resolves or connects by itself."""

    def __init__(self, host: str, port: int, opener: Callable[[], DeadlineSocket]) -> None:
        super().__init__(host, port)
        self._opener = opener
        self.opened = 0

    def connect(self) -> None:
        self.sock = self._opener()  # type: ignore[assignment]
        self.opened += 1


class HttpTransport(TTransportBase):
    """Each Thrift call is one POST of the buffered request to ``path``."""

    def __init__(
        self,
        opener: Callable[[], DeadlineSocket],
        *,
        host: str,
        port: int,
        path: str,
        username: str | None,
        password: str | None,
        max_body_bytes: int,
        first_socket: DeadlineSocket | None = None,
    ) -> None:
        self._conn = _PinnedConnection(host, port, opener)
        if first_socket is not None:
            self._conn.sock = first_socket  # type: ignore[assignment]
            self._conn.opened = 1
        self.path = path
        self.max_body_bytes = max_body_bytes
        self._auth = None
        if username is not None:
            token = f"{username}:{password or ''}".encode()
            self._auth = "Basic " + base64.b64encode(token).decode("ascii")
        self.cookies: dict[str, str] = {}
        self.requests = 0
        self.last_status: int | None = None
        self._out = bytearray()
        self._in = b""
        self._in_pos = 0

    @property
    def reply_limit(self) -> int:
        return self.max_body_bytes

    @property
    def broken(self) -> str:
        """Always "": after a refused reply the next call opens a new connection."""
        return ""

    def abandon_reply(self, why: str) -> None:
        """Nothing to do: the body was read whole (or the connection closed)."""

    @property
    def connections_opened(self) -> int:
        return self._conn.opened

    @property
    def wire(self) -> DeadlineSocket | None:
        return self._conn.sock  # type: ignore[return-value]

    def isOpen(self) -> bool:  # Thrift API name
        return True

    def open(self) -> None:
        """Connections are opened on demand by the pinned connection."""

    def close(self) -> None:
        self._conn.close()

    def write(self, buf: bytes) -> None:
        self._out += buf

    def read(self, sz: int) -> bytes:
        if self._in_pos >= len(self._in):
            raise MalformedReply(
                f"the HTTP response body ended after {len(self._in)} bytes, "
                "in the middle of a Thrift message"
            )
        chunk = self._in[self._in_pos : self._in_pos + sz]
        self._in_pos += len(chunk)
        return chunk

    def flush(self) -> None:
        body, self._out = bytes(self._out), bytearray()
        self._in, self._in_pos = b"", 0
        self.requests += 1
        headers = {
            "Content-Type": "application/x-thrift",
            "Accept": "application/x-thrift",
            "User-Agent": USER_AGENT,
        }
        if self._auth:
            headers["Authorization"] = self._auth
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self._conn.request("POST", self.path, body=body, headers=headers)
            response = self._conn.getresponse()
        except http.client.RemoteDisconnected as exc:
            peer = self._drop_connection()
            raise PeerClosed(
                "the server closed the connection without an HTTP response",
                peer_bytes=peer,
            ) from exc
        except http.client.BadStatusLine as exc:
            peer = self._drop_connection()
            raise NotHttpReply(
                f"the reply is not HTTP: {str(exc.args[0] if exc.args else '')[:80]!r}",
                peer_bytes=peer,
            ) from exc
        except http.client.HTTPException as exc:
            peer = self._drop_connection()
            raise NotHttpReply(f"malformed HTTP reply: {exc}", peer_bytes=peer) from exc
        except Exception:
            self._drop_connection()
            raise
        self.last_status = response.status
        self._remember_cookies(response)
        if response.status != 200:
            text = response.read(_ERROR_BODY_LIMIT).decode("utf-8", "replace").strip()
            self._conn.close()
            raise HttpStatusError(response.status, response.reason, text, path=self.path)
        self._in = self._read_body(response)

    def _read_body(self, response: http.client.HTTPResponse) -> bytes:
        declared = response.getheader("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            self._conn.close()
            raise FrameTooLarge(
                f"the HTTP response announces {declared} bytes; the limit is "
                f"{self.max_body_bytes} bytes",
                announced=int(declared),
                limit=self.max_body_bytes,
            )
        parts: list[bytes] = []
        total = 0
        while True:
            chunk = response.read(min(64 * 1024, self.max_body_bytes + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            parts.append(chunk)
            if total > self.max_body_bytes:
                self._conn.close()
                raise FrameTooLarge(
                    f"the HTTP response body went past {self.max_body_bytes} bytes (it "
                    "announced no Content-Length)",
                    announced=None,
                    limit=self.max_body_bytes,
                )
        return b"".join(parts)

    def _remember_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(header)
            except CookieError:
                continue
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    def _drop_connection(self) -> bytes:
        """Close the current connection; return the first bytes it received."""
        wire = self._conn.sock
        peer = bytes(wire.prefix) if isinstance(wire, DeadlineSocket) else b""
        self._conn.close()
        return peer

"""A socket wrapper whose every read and write is bounded by a :class:`Deadline`.

It also remembers the first bytes the peer sent, so that a failure further up
(a SASL header that makes no sense, an HTTP status line that is not HTTP) can
be explained by what was actually on the wire.
"""

from __future__ import annotations

import contextlib
import io
import socket
import ssl

from connectors.net.deadline import Deadline
from connectors.net.errors import (
    DeadlineExceeded,
    MalformedReply,
    PeerClosed,
)

PREFIX_BYTES = 64
_CHUNK = 64 * 1024


class DeadlineSocket:
    """Wraps a connected (optionally TLS) socket; all I/O respects the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline, *, peer: str) -> None:
        self.sock = sock
        self.deadline = deadline
        self.peer = peer
        self.prefix = bytearray()
        self.bytes_received = 0
        self.bytes_sent = 0

    # -- bookkeeping -------------------------------------------------------
    def _arm(self) -> None:
        self.sock.settimeout(self.deadline.io_timeout(waiting_for=self.peer))

    def _timed_out(self) -> DeadlineExceeded:
        return DeadlineExceeded(
            f"{self.peer} sent no answer within the {self.deadline.total_seconds:g} s deadline",
            peer_bytes=bytes(self.prefix),
        )

    def _record(self, data: bytes | memoryview) -> None:
        self.bytes_received += len(data)
        if len(self.prefix) < PREFIX_BYTES:
            self.prefix += bytes(data[: PREFIX_BYTES - len(self.prefix)])

    # -- I/O -----------------------------------------------------------------
    def sendall(self, data: bytes | bytearray | memoryview) -> None:
        self._arm()
        try:
            self.sock.sendall(data)
        except TimeoutError as exc:
            raise self._timed_out() from exc
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise PeerClosed(
                f"{self.peer} closed the connection while we were sending",
                peer_bytes=bytes(self.prefix),
            ) from exc
        except ssl.SSLError as exc:
            raise MalformedReply(
                f"TLS error while sending to {self.peer}: {exc}",
                peer_bytes=bytes(self.prefix),
            ) from exc
        self.bytes_sent += len(data)

    def recv_into(self, buffer: memoryview | bytearray) -> int:
        """Read at most ``len(buffer)`` bytes; returns 0 at end of stream."""
        self._arm()
        try:
            n = self.sock.recv_into(buffer)
        except TimeoutError as exc:
            raise self._timed_out() from exc
        except ConnectionResetError as exc:
            raise PeerClosed(
                f"{self.peer} reset the connection", peer_bytes=bytes(self.prefix)
            ) from exc
        except ssl.SSLError as exc:
            raise MalformedReply(
                f"TLS error while reading from {self.peer}: {exc}",
                peer_bytes=bytes(self.prefix),
            ) from exc
        if n:
            self._record(memoryview(buffer)[:n])
        return n

    def recv_some(self, limit: int) -> bytes:
        """Read between 1 and ``limit`` bytes, or raise :class:`PeerClosed`."""
        buf = bytearray(min(limit, _CHUNK))
        n = self.recv_into(buf)
        if n == 0:
            raise self._closed()
        return bytes(buf[:n])

    def recv_exact(self, size: int, *, what: str = "reply") -> bytes:
        """Read exactly ``size`` bytes. The caller must have bounded ``size``."""
        buf = bytearray(size)
        view = memoryview(buf)
        got = 0
        while got < size:
            n = self.recv_into(view[got:])
            if n == 0:
                raise self._closed(f" after {got} of {size} bytes of the {what}")
            got += n
        return bytes(buf)

    def _closed(self, detail: str = "") -> PeerClosed:
        seen = f" (it had sent {self.bytes_received} bytes)" if self.bytes_received else ""
        return PeerClosed(
            f"{self.peer} closed the connection{detail}{seen}",
            peer_bytes=bytes(self.prefix),
        )

    def capture_more(self, max_wait: float = 0.2) -> bytes:
        """Best effort, for diagnostics only: read what the peer has already sent
        (up to the prefix size, waiting at most ``max_wait``) and return the prefix."""
        missing = PREFIX_BYTES - len(self.prefix)
        wait = min(max_wait, self.deadline.remaining())
        if missing > 0 and wait > 0:
            try:
                self.sock.settimeout(wait)
                data = self.sock.recv(missing)
            except (OSError, ValueError):
                data = b""
            if data:
                self._record(data)
        return bytes(self.prefix)

    def makefile(self, mode: str = "rb", buffering: int | None = None) -> io.BufferedReader:
        """A read-only file object for :mod:`http.client`, deadline-bounded."""
        if "r" not in mode or "w" in mode:
            raise ValueError("DeadlineSocket.makefile only supports reading")
        return io.BufferedReader(_DeadlineReader(self), buffer_size=_CHUNK)

    def settimeout(self, timeout: float | None) -> None:
        """Ignored: timeouts come from the deadline (present for http.client)."""

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


class _DeadlineReader(io.RawIOBase):
    def __init__(self, owner: DeadlineSocket) -> None:
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._owner.recv_into(buffer)

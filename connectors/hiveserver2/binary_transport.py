"""Unframed Thrift over a plain (or TLS) socket: HiveServer2 ``NOSASL`` mode."""

from __future__ import annotations

from thrift.transport.TTransport import TTransportBase

from connectors.hiveserver2.errors import (
    FrameTooLarge,
)
from connectors.net.deadline_socket import DeadlineSocket


class UnframedTransport(TTransportBase):
    """Raw Thrift bytes with no framing at all.

    Because nothing announces the size of a reply, the number of bytes read
    per request is capped instead (``max_reply_bytes``); Thrift's own string
    and container limits on the protocol bound each individual allocation.
    Reads are buffered (one ``recv`` of up to 64 KiB, within the reply budget,
    serves the protocol's many small reads), so a reply costs a few system
    calls rather than one per field.
    """

    pipelined = True
    """The server answers a connection's requests in order, so several can be sent before
    the first reply is read (``HiveClient.get_infos``)."""

    def __init__(self, wire: DeadlineSocket, *, max_reply_bytes: int) -> None:
        self.wire = wire
        self.max_reply_bytes = max_reply_bytes
        self._out = bytearray()
        self._reply_budget = max_reply_bytes
        self._in = b""
        self._in_pos = 0
        self.broken = ""
        """Why no further call can use this connection ("" while it can)."""

    @property
    def reply_limit(self) -> int:
        return self.max_reply_bytes

    def abandon_reply(self, why: str) -> None:
        # The rest of the reply is still on the wire: the connection is out of step.
        self.broken = why

    def isOpen(self) -> bool:  # Thrift API name
        return True

    def open(self) -> None:
        """The socket is connected by the caller."""

    def close(self) -> None:
        self.wire.close()

    def write(self, buf: bytes) -> None:
        self._out += buf

    def flush(self) -> None:
        data, self._out = bytes(self._out), bytearray()
        # Bytes already received but not yet read count against the next reply,
        # exactly as when they were still waiting in the socket.
        self._reply_budget = self.max_reply_bytes - (len(self._in) - self._in_pos)
        self.wire.sendall(data)

    def read(self, sz: int) -> bytes:
        if self._in_pos >= len(self._in):
            if self._reply_budget <= 0:
                # The rest of the reply is left unread: the connection is out of step.
                self.broken = f"a reply went past the {self.max_reply_bytes:,}-byte cap"
                raise FrameTooLarge(
                    f"the reply went past {self.max_reply_bytes} bytes (binary NOSASL replies "
                    "announce no size)",
                    announced=None,
                    limit=self.max_reply_bytes,
                    peer_bytes=bytes(self.wire.prefix),
                )
            # Whatever the peer has sent, up to 64 KiB and never past the budget.
            self._in = self.wire.recv_some(self._reply_budget)
            self._in_pos = 0
            self._reply_budget -= len(self._in)
        chunk = self._in[self._in_pos : self._in_pos + sz]
        self._in_pos += len(chunk)
        return chunk

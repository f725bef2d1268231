"""Unframed Thrift over a plain (or TLS) socket: HiveServer2 ``NOSASL`` mode."""

from __future__ import annotations

from thrift.transport.TTransport import TTransportBase

from connectors.spark.hive.errors import FrameTooLarge
from connectors.spark.hive.wire import DeadlineSocket


class UnframedTransport(TTransportBase):
    """Raw Thrift bytes with no framing at all.

    Because nothing announces the size of a reply, the number of bytes read
    per request is capped instead (``max_reply_bytes``); Thrift's own string
    and container limits on the protocol bound each individual allocation.
    """

    def __init__(self, wire: DeadlineSocket, *, max_reply_bytes: int) -> None:
        self.wire = wire
        self.max_reply_bytes = max_reply_bytes
        self._out = bytearray()
        self._reply_budget = max_reply_bytes

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
        self._reply_budget = self.max_reply_bytes
        self.wire.sendall(data)

    def read(self, sz: int) -> bytes:
        if self._reply_budget <= 0:
            raise FrameTooLarge(
                f"the reply exceeded {self.max_reply_bytes} bytes",
                announced=self.max_reply_bytes + 1,
                limit=self.max_reply_bytes,
                peer_bytes=bytes(self.wire.prefix),
            )
        data = self.wire.recv_some(min(sz, self._reply_budget))
        self._reply_budget -= len(data)
        return data

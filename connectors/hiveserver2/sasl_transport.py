"""Thrift SASL transport (the framing HiveServer2 uses in binary SASL modes).

Negotiation messages are ``status (1 byte) | length (4 bytes, big endian) |
payload`` with status START=1, OK=2, BAD=3, ERROR=4, COMPLETE=5. The client
opens with START carrying the mechanism name, then OK carrying the initial
response; the server ends with COMPLETE (accepted), BAD (credentials refused)
or ERROR. Afterwards every Thrift message travels as a 4-byte big-endian length
followed by that many bytes (PLAIN offers no integrity layer, so no wrapping).
"""

from __future__ import annotations

import struct
from enum import IntEnum

from puresasl.client import SASLClient
from thrift.transport.TTransport import TTransportBase

from connectors.hiveserver2.errors import (
    FrameTooLarge,
    SaslRejected,
    SaslServerError,
)
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.errors import (
    MalformedReply,
)

_HEADER = struct.Struct(">BI")
_LENGTH = struct.Struct(">I")


class SaslStatus(IntEnum):
    START = 1
    OK = 2
    BAD = 3
    ERROR = 4
    COMPLETE = 5


class SaslTransport(TTransportBase):
    """SASL PLAIN negotiation followed by length-prefixed frames, all bounded."""

    pipelined = True
    """Frames are answered in the order sent (see ``UnframedTransport.pipelined``)."""

    def __init__(
        self,
        wire: DeadlineSocket,
        *,
        username: str,
        password: str,
        host: str,
        max_frame_bytes: int,
        max_negotiation_bytes: int = 64 * 1024,
        mechanism: str = "PLAIN",
    ) -> None:
        self.wire = wire
        self.username = username
        self.password = password
        self.host = host
        self.mechanism = mechanism
        self.max_frame_bytes = max_frame_bytes
        self.max_negotiation_bytes = max_negotiation_bytes
        self._out = bytearray()
        self._in = b""
        self._in_pos = 0
        self.negotiated = False
        self.broken = ""
        """Why no further call can use this connection ("" while it can)."""

    @property
    def reply_limit(self) -> int:
        return self.max_frame_bytes

    def abandon_reply(self, why: str) -> None:
        """Nothing to do: the frame was read whole, the next one starts in step."""

    # -- negotiation ---------------------------------------------------------
    def isOpen(self) -> bool:  # Thrift API name
        return self.negotiated

    def open(self) -> None:
        sasl = SASLClient(
            self.host,
            service="hive",
            mechanism=self.mechanism,
            username=self.username,
            password=self.password,
        )
        self._send_negotiation(SaslStatus.START, self.mechanism.encode("ascii"))
        self._send_negotiation(SaslStatus.OK, sasl.process() or b"")
        while True:
            status, payload = self._read_negotiation()
            if status == SaslStatus.COMPLETE:
                self.negotiated = True
                return
            if status == SaslStatus.OK:
                self._send_negotiation(SaslStatus.OK, sasl.process(payload) or b"")
                continue
            text = payload.decode("utf-8", "replace")
            if status == SaslStatus.BAD:
                raise SaslRejected(
                    f"the server refused the credentials (SASL BAD: {text})",
                    peer_bytes=bytes(self.wire.prefix),
                )
            if status == SaslStatus.ERROR:
                raise SaslServerError(
                    f"the server reported a SASL error: {text}",
                    peer_bytes=bytes(self.wire.prefix),
                )
            raise MalformedReply(
                f"unexpected SASL status {status} during negotiation",
                peer_bytes=bytes(self.wire.prefix),
            )

    def _send_negotiation(self, status: SaslStatus, payload: bytes) -> None:
        self.wire.sendall(_HEADER.pack(status, len(payload)) + payload)

    def _read_negotiation(self) -> tuple[int, bytes]:
        status, length = _HEADER.unpack(self.wire.recv_exact(_HEADER.size, what="SASL header"))
        if status not in tuple(SaslStatus) or status == SaslStatus.START:
            raise MalformedReply(
                f"the reply is not a SASL negotiation message (status byte {status})",
                peer_bytes=self.wire.capture_more(),
            )
        if length > self.max_negotiation_bytes:
            raise FrameTooLarge(
                f"SASL negotiation message of {length} bytes exceeds "
                f"{self.max_negotiation_bytes} bytes",
                announced=length,
                limit=self.max_negotiation_bytes,
                peer_bytes=bytes(self.wire.prefix),
            )
        payload = self.wire.recv_exact(length, what="SASL message") if length else b""
        return status, payload

    # -- framed data -----------------------------------------------------------
    def close(self) -> None:
        self.wire.close()

    def write(self, buf: bytes) -> None:
        self._out += buf

    def flush(self) -> None:
        data, self._out = bytes(self._out), bytearray()
        self.wire.sendall(_LENGTH.pack(len(data)) + data)

    def read(self, sz: int) -> bytes:
        if self._in_pos >= len(self._in):
            self._read_frame()
        chunk = self._in[self._in_pos : self._in_pos + sz]
        self._in_pos += len(chunk)
        return chunk

    def _read_frame(self) -> None:
        (length,) = _LENGTH.unpack(self.wire.recv_exact(_LENGTH.size, what="frame header"))
        # The check happens before any buffer for the frame exists.
        if length > self.max_frame_bytes:
            # The frame is left unread: the connection is out of step.
            self.broken = f"a frame of {length:,} bytes went past the cap"
            raise FrameTooLarge(
                f"the server announced a frame of {length} bytes; the limit is "
                f"{self.max_frame_bytes} bytes",
                announced=length,
                limit=self.max_frame_bytes,
                peer_bytes=bytes(self.wire.prefix),
            )
        self._in = self.wire.recv_exact(length, what="frame") if length else b""
        self._in_pos = 0

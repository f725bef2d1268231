"""Recognise what kind of server sent the first bytes of a reply."""

from __future__ import annotations

from enum import Enum


class PeerKind(str, Enum):
    HTTP = "http"
    TLS = "tls"
    SASL = "sasl"
    THRIFT_BINARY = "thrift-binary"
    UNKNOWN = "unknown"
    NOTHING = "nothing"


def classify(data: bytes) -> PeerKind:
    if not data:
        return PeerKind.NOTHING
    if data.startswith(b"HTTP/"):
        return PeerKind.HTTP
    # A TLS record: alert (21) or handshake (22), then version 3.x.
    if len(data) >= 2 and data[0] in (21, 22) and data[1] == 3:
        return PeerKind.TLS
    # A SASL negotiation header: status 2..5 then a 4-byte length. HiveServer2
    # answers a non-SASL client with ERROR (4) "Invalid status <n>".
    if len(data) >= 5 and data[0] in (2, 3, 4, 5) and data[1] == 0:
        return PeerKind.SASL
    # A strict binary Thrift message header: version 0x8001.
    if data[:2] == b"\x80\x01":
        return PeerKind.THRIFT_BINARY
    return PeerKind.UNKNOWN


def sasl_message(data: bytes) -> str:
    """The text of a SASL negotiation message held in ``data`` (best effort)."""
    if len(data) < 5:
        return ""
    length = int.from_bytes(data[1:5], "big")
    return data[5 : 5 + length].decode("utf-8", "replace")


def show(data: bytes, limit: int = 24) -> str:
    """Printable preview of raw bytes: text where printable, hex otherwise."""
    head = data[:limit]
    text = "".join(chr(b) if 32 <= b < 127 else f"\\x{b:02x}" for b in head)
    return text + ("..." if len(data) > limit else "")

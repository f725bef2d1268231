"""Recognising what answered from the first bytes of a reply (seen on the wire)."""

from __future__ import annotations

import pytest

from connectors.hiveserver2.peer_bytes import PeerKind, classify, sasl_message, show


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"HTTP/1.1 400 Illegal character CNTL=0x1\r\n", PeerKind.HTTP),
        (b"\x15\x03\x03\x00\x02\x02\x50", PeerKind.TLS),
        (b"\x04\x00\x00\x00\x13Invalid status -128", PeerKind.SASL),
        (b"\x03\x00\x00\x00\x1aError validating the login", PeerKind.SASL),
        (b"\x80\x01\x00\x02\x00\x00\x00\x0bOpenSession", PeerKind.THRIFT_BINARY),
        (b"\x07\x0a\x0d\x10", PeerKind.UNKNOWN),
        (b"", PeerKind.NOTHING),
    ],
)
def test_classify(data: bytes, kind: PeerKind) -> None:
    assert classify(data) == kind


def test_sasl_message_and_preview() -> None:
    data = b"\x04\x00\x00\x00\x11Invalid status 80"
    assert sasl_message(data) == "Invalid status 80"
    assert show(b"\x04AB", 2) == "\\x04A..."

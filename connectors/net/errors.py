"""Failures of a network operation that any connector's client can meet.

Every error keeps the first bytes the peer sent on the connection (when there
were any), because those bytes are usually the best clue to what is really
listening on the port: ``HTTP/1.1 400`` from a web server, a SASL ``ERROR``
header, a TLS alert record, a TDS packet, and so on. Each connector's advice
module turns them into plain-language advice; protocol-specific errors subclass
:class:`NetworkError` in the connector's own package.
"""

from __future__ import annotations


class NetworkError(Exception):
    """Base class for every failure of a client and its transports."""

    def __init__(self, message: str, *, peer_bytes: bytes = b"") -> None:
        super().__init__(message)
        self.message = message
        self.peer_bytes = peer_bytes


class DeadlineExceeded(NetworkError):
    """The peer sent nothing (or not enough) before the overall deadline."""


class ConnectTimeout(NetworkError):
    """The TCP connection was not established within the connect timeout."""


class PeerClosed(NetworkError):
    """The peer closed or reset the connection while we waited for a reply."""


class MalformedReply(NetworkError):
    """The peer answered, but not in the protocol we expected."""


class TlsHandshakeError(NetworkError):
    """The TLS handshake failed for a reason other than certificate checks."""

    def __init__(self, message: str, *, reason: str = "", peer_bytes: bytes = b"") -> None:
        super().__init__(message, peer_bytes=peer_bytes)
        self.reason = reason


class TlsConfigurationError(NetworkError):
    """The TLS settings cannot be applied (e.g. an unusable uploaded CA certificate)."""


class CertificateRejected(NetworkError):
    """The server certificate failed verification (chain, dates or host name)."""

    def __init__(self, message: str, *, verify_code: int = 0, verify_message: str = "") -> None:
        super().__init__(message)
        self.verify_code = verify_code
        self.verify_message = verify_message

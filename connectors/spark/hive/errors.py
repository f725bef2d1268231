"""Exceptions raised by the HiveServer2 client.

Every error keeps the first bytes the peer sent on the connection (when there
were any), because those bytes are usually the best clue to what is really
listening on the port: ``HTTP/1.1 400`` from Jetty, a SASL ``ERROR`` header, a
TLS alert record, and so on. :mod:`connectors.spark.advice` turns them into
plain-language advice.
"""

from __future__ import annotations


class HiveClientError(Exception):
    """Base class for every failure of the client and its transports."""

    def __init__(self, message: str, *, peer_bytes: bytes = b"") -> None:
        super().__init__(message)
        self.message = message
        self.peer_bytes = peer_bytes


class DeadlineExceeded(HiveClientError):
    """The peer sent nothing (or not enough) before the overall deadline."""


class ConnectTimeout(HiveClientError):
    """The TCP connection was not established within the connect timeout."""


class PeerClosed(HiveClientError):
    """The peer closed or reset the connection while we waited for a reply."""


class FrameTooLarge(HiveClientError):
    """A length announced by the peer exceeds the configured cap.

    Raised before any buffer of that size is allocated.
    """

    def __init__(
        self, message: str, *, announced: int, limit: int, peer_bytes: bytes = b""
    ) -> None:
        super().__init__(message, peer_bytes=peer_bytes)
        self.announced = announced
        self.limit = limit


class MalformedReply(HiveClientError):
    """The peer answered, but not in the protocol we expected."""


class TlsHandshakeError(HiveClientError):
    """The TLS handshake failed for a reason other than certificate checks."""

    def __init__(self, message: str, *, reason: str = "", peer_bytes: bytes = b"") -> None:
        super().__init__(message, peer_bytes=peer_bytes)
        self.reason = reason


class TlsConfigurationError(HiveClientError):
    """The TLS settings cannot be applied (e.g. an unusable uploaded CA certificate)."""


class CertificateRejected(HiveClientError):
    """The server certificate failed verification (chain, dates or host name)."""

    def __init__(self, message: str, *, verify_code: int = 0, verify_message: str = "") -> None:
        super().__init__(message)
        self.verify_code = verify_code
        self.verify_message = verify_message


class SaslRejected(HiveClientError):
    """SASL negotiation ended with status BAD (credentials refused)."""


class SaslServerError(HiveClientError):
    """SASL negotiation ended with status ERROR (server could not negotiate)."""


class HttpStatusError(HiveClientError):
    """The HTTP endpoint answered with a status other than 200."""

    def __init__(self, status: int, reason: str, body: str, *, path: str) -> None:
        super().__init__(f"HTTP {status} {reason} for POST {path}: {body[:300]}".rstrip(": "))
        self.status = status
        self.reason = reason
        self.body = body
        self.path = path


class NotHttpReply(HiveClientError):
    """The peer answered an HTTP request with something that is not HTTP."""


class ThriftApplicationError(HiveClientError):
    """The server answered with a Thrift ``TApplicationException``."""


class HiveStatusError(HiveClientError):
    """A TCLIService response carried an error ``TStatus``."""

    def __init__(self, call: str, message: str, *, sql_state: str | None = None) -> None:
        super().__init__(f"{call} failed: {message}")
        self.call = call
        self.sql_state = sql_state


class ExplainedProblem(HiveClientError):
    """The server answered, but the answer does not fit the request (a table that does not
    exist ...); ``change`` says what to do."""

    def __init__(self, message: str, *, change: str) -> None:
        super().__init__(message)
        self.change = change

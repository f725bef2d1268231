"""Exceptions raised by the HiveServer2 client beyond the generic network ones.

The generic failures (deadline, connect timeout, closed peer, malformed reply, TLS)
live in :mod:`connectors.net.errors`; every error here is a
:class:`~connectors.net.errors.NetworkError` too, and keeps the first bytes the peer
sent, which :mod:`connectors.hiveserver2.advice` turns into plain-language advice.
"""

from __future__ import annotations

from connectors.net.errors import NetworkError


class HiveClientError(NetworkError):
    """Base class for failures specific to HiveServer2 and its transports."""


class FrameTooLarge(HiveClientError):
    """A reply is larger than the configured cap: the length the peer announced
    (``announced``), or, where nothing announces it (binary NOSASL replies, HTTP bodies
    without Content-Length), None once the reply went past the cap.

    Raised before any buffer of that size is allocated.
    """

    def __init__(
        self, message: str, *, announced: int | None, limit: int, peer_bytes: bytes = b""
    ) -> None:
        super().__init__(message, peer_bytes=peer_bytes)
        self.announced = announced
        self.limit = limit


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


class RowsTooWide(ExplainedProblem):
    """The rows of a result came in a reply larger than the reply cap, even asked for in
    batches sized from the widest row seen (one row alone, when ``rows`` is 1)."""

    def __init__(self, cause: FrameTooLarge, *, rows: int, read: int) -> None:
        size = (
            f"the server announced {cause.announced:,} bytes"
            if cause.announced is not None
            else "the reply announced no size and was refused once past the cap"
        )
        which = "one row alone exceeds" if rows == 1 else f"the next {rows:,} rows exceed"
        super().__init__(
            f"FetchResults after {read:,} rows: {which} the {cause.limit:,}-byte reply cap; "
            f"{size}.",
            change="Preview fewer or narrower columns: a query can leave out the widest or "
            "shorten them (substr(column, 1, 1000)).",
        )
        self.announced = cause.announced
        self.limit = cause.limit

"""The TCLIService calls of the portal, on top of any Thrift transport.

Connection test: ``open_session``, ``server_name``/``server_version``,
``query_first_value``, ``close_session``.

Catalog and bounded queries (stable API, each on an open session; every read is bounded
by the transport's deadline and frame cap, and by the row and byte limits given)::

    client.schemas(pattern=None, limits=FetchLimits())            -> ResultSet
    client.tables(schema_pattern, table_pattern="%", limits=...)   -> ResultSet
    client.columns(schema, table, limits=...)                      -> ResultSet
    client.query(statement, limits=..., timeout_seconds=N)         -> ResultSet

``ResultSet`` (:mod:`connectors.hiveserver2.results`) has ``columns`` (name, server type),
``rows`` (tuples of Python values, None for NULL, decoded column by column from the
columnar TRowSet) and ``cut`` (why reading stopped before the end, or ""). ``query``
sends the statement as given: check it first with
:func:`connectors.spark.query_guard.check_read_only`.

Rows are fetched in batches small enough for a reply to stay within half the transport's
reply cap: sized from the column types when they bound a row (numbers, dates, VARCHAR(n)),
else one row first, then from the widest row read so far (on binary and SASL connections
that row is asked with the result's description, in one round trip). Rows of several
megabytes each are so read one or a few at a time; a single row wider than the cap fails with
:class:`~connectors.hiveserver2.errors.RowsTooWide`, naming the size the server announced.
A reply over the cap cannot be skipped on a binary connection (nothing else can be read
from it), so a batch is never asked for again smaller: it is sized before it is asked for.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from thrift.protocol.TBinaryProtocol import TBinaryProtocolAccelerated
from thrift.protocol.TProtocol import TProtocolException
from thrift.Thrift import TApplicationException
from thrift.transport.TTransport import (
    TBufferedTransport,
    TTransportBase,
    TTransportException,
)

from connectors.hiveserver2.errors import (
    FrameTooLarge,
    HiveStatusError,
    RowsTooWide,
    ThriftApplicationError,
)
from connectors.hiveserver2.gen.TCLIService import TCLIService
from connectors.hiveserver2.gen.TCLIService import ttypes as t
from connectors.hiveserver2.results import (
    ResultSet,
    announced_row_bytes,
    decode_columns,
    describe_columns,
    widest_row_bytes,
)
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.errors import (
    MalformedReply,
    NetworkError,
    PeerClosed,
)

PROTOCOL_V1 = t.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V1
PROTOCOL_V6 = t.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6
PROTOCOL_V10 = t.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10
PROTOCOL_V11 = t.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V11
_OK = (t.TStatusCode.SUCCESS_STATUS, t.TStatusCode.SUCCESS_WITH_INFO_STATUS)
_READ_BUFFER = 64 * 1024


def protocol_name(version: int) -> str:
    """``HIVE_CLI_SERVICE_PROTOCOL_V10`` -> ``V10``; unknown values stay numeric."""
    name = t.TProtocolVersion._VALUES_TO_NAMES.get(version)
    return name.rsplit("_", 1)[-1] if name else f"unknown ({version})"


@dataclass(frozen=True)
class FetchLimits:
    """How much of a result set is read: at most ``max_rows`` rows and about
    ``max_bytes`` bytes of values (each reply is also bounded by the frame cap)."""

    max_rows: int = 1000
    max_bytes: int = 4 * 1024 * 1024
    batch_rows: int = 1000


@runtime_checkable
class CappedTransport(Protocol):
    """A transport that refuses replies over ``reply_limit`` bytes; ``broken`` says why no
    further call can use its connection ("" while one can)."""

    @property
    def reply_limit(self) -> int: ...

    @property
    def broken(self) -> str: ...

    def abandon_reply(self, why: str) -> None:
        """The client reads no more of the current reply (``why``)."""


@dataclass(frozen=True)
class OpenedSession:
    handle: t.TSessionHandle
    server_protocol_version: int

    @property
    def protocol(self) -> str:
        return protocol_name(self.server_protocol_version)


class HiveClient:
    """Synchronous HiveServer2 client; each method is one or two round trips.

    Errors from the Thrift library are translated into the client's own
    exceptions so callers see one hierarchy.
    """

    def __init__(
        self,
        transport: TTransportBase,
        *,
        max_string_bytes: int,
        max_container_items: int = 100_000,
    ) -> None:
        self.transport = transport
        self.max_string_bytes = max_string_bytes
        # Replies are decoded by Thrift's C extension when it is installed (the pure-Python
        # decoder otherwise), with the same string and container limits; the buffer gives
        # it the readable transport it needs and never reads past what the peer sent.
        protocol = TBinaryProtocolAccelerated(
            TBufferedTransport(transport, rbuf_size=_READ_BUFFER),
            strictRead=True,
            strictWrite=True,
            string_length_limit=max_string_bytes,
            container_length_limit=max_container_items,
        )
        self._client = TCLIService.Client(protocol)
        self.session: OpenedSession | None = None
        self.identified_as: tuple[str, str] | None = None
        """(server name, version) as GetInfo answered on this session (``identify``)."""
        # Checked once: a runtime Protocol check costs more than a small call's decoding.
        self._capped: CappedTransport | None = (
            transport if isinstance(transport, CappedTransport) else None
        )
        capped = self._capped
        self.max_reply_bytes = capped.reply_limit if capped is not None else max_string_bytes

    # -- calls ---------------------------------------------------------------
    def open_session(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        client_protocol: int = PROTOCOL_V10,
        configuration: dict[str, str] | None = None,
    ) -> OpenedSession:
        req = t.TOpenSessionReq(
            client_protocol=client_protocol,
            username=username,
            password=password,
            configuration=configuration,
        )
        resp = self._call("OpenSession", self._client.OpenSession, req)
        _check(resp.status, "OpenSession")
        if resp.sessionHandle is None:
            raise MalformedReply("OpenSession succeeded but returned no session handle")
        self.session = OpenedSession(resp.sessionHandle, resp.serverProtocolVersion)
        return self.session

    def close_session(self) -> None:
        if self.session is None:
            return
        handle, self.session = self.session.handle, None
        resp = self._call("CloseSession", self._client.CloseSession, t.TCloseSessionReq(handle))
        _check(resp.status, "CloseSession")

    def get_info(self, info_type: int) -> str:
        req = t.TGetInfoReq(sessionHandle=self._handle(), infoType=info_type)
        return _info_value(self._call("GetInfo", self._client.GetInfo, req))

    def get_infos(self, *info_types: int) -> list[str]:
        """GetInfo of each type, in one round trip where the transport allows
        (:meth:`_in_one_round_trip`)."""
        handle = self._handle()
        calls = [("GetInfo", t.TGetInfoReq(sessionHandle=handle, infoType=it)) for it in info_types]
        return [_info_value(resp) for resp in self._in_one_round_trip(calls)]

    def _in_one_round_trip(self, calls: list[tuple[str, Any]]) -> list[Any]:
        """The replies to these (call name, request) pairs. On a transport that keeps a
        connection's replies in order (``pipelined``: binary, SASL) every request is sent
        before the first reply is read; elsewhere (HTTP: a POST each) one after the other.
        A failure that leaves a reply unread makes the connection unusable."""
        if not getattr(self.transport, "pipelined", False):
            return [self._call(name, getattr(self._client, name), req) for name, req in calls]
        for name, req in calls:
            self._call(name, getattr(self._client, "send_" + name), req)
        replies: list[Any] = []
        for name, _ in calls:
            receive = getattr(self._client, "recv_" + name)
            try:
                replies.append(self._call(name, lambda _req, read=receive: read(), None))
            except BaseException:
                unread = calls[len(replies) + 1 :]
                if unread and self._capped is not None:
                    self._capped.abandon_reply(f"the {unread[0][0]} reply was left unread")
                raise
        return replies

    def server_name(self) -> str:
        return self.get_info(t.TGetInfoType.CLI_SERVER_NAME)

    def server_version(self) -> str:
        return self.get_info(t.TGetInfoType.CLI_DBMS_VER)

    def identify(self) -> tuple[str, str]:
        """(server name, version) from GetInfo, asked once per client (both in one round
        trip where the transport allows: :meth:`get_infos`)."""
        if self.identified_as is None:
            name, version = self.get_infos(
                t.TGetInfoType.CLI_SERVER_NAME, t.TGetInfoType.CLI_DBMS_VER
            )
            self.identified_as = (name, version)
        return self.identified_as

    def query_first_value(
        self, statement: str, *, timeout_seconds: int = 0, close_operation: bool = True
    ) -> Any:
        """Run ``statement`` synchronously and return row 1, column 1: ExecuteStatement,
        one FetchResults (no GetResultSetMetadata) and CloseOperation. With
        ``close_operation=False`` the operation is left open for CloseSession to close
        (HiveServer2 closes every operation of a session it closes): one round trip less."""
        req = t.TExecuteStatementReq(
            sessionHandle=self._handle(),
            statement=statement,
            runAsync=False,
            queryTimeout=timeout_seconds,
        )
        resp = self._call("ExecuteStatement", self._client.ExecuteStatement, req)
        _check(resp.status, "ExecuteStatement")
        op = resp.operationHandle
        if op is None:
            raise MalformedReply("ExecuteStatement succeeded but returned no operation handle")
        try:
            value = self._fetch_first_value(op) if op.hasResultSet else None
        except BaseException:
            # Best effort: the original failure is the one worth reporting.
            with contextlib.suppress(NetworkError, OSError):
                self._close_operation(op)
            raise
        if close_operation:
            self._close_operation(op)
        return value

    # -- catalog and bounded queries -------------------------------------------
    def schemas(self, pattern: str | None = None, *, limits: FetchLimits) -> ResultSet:
        """GetSchemas: columns TABLE_SCHEM, TABLE_CATALOG."""
        req = t.TGetSchemasReq(sessionHandle=self._handle(), schemaName=pattern)
        resp = self._call("GetSchemas", self._client.GetSchemas, req)
        return self._read("GetSchemas", resp, limits)

    def tables(
        self,
        schema_pattern: str | None,
        table_pattern: str = "%",
        *,
        table_types: list[str] | None = None,
        limits: FetchLimits,
    ) -> ResultSet:
        """GetTables (SQL LIKE patterns): TABLE_CAT, TABLE_SCHEM, TABLE_NAME, TABLE_TYPE, ..."""
        req = t.TGetTablesReq(
            sessionHandle=self._handle(),
            schemaName=schema_pattern,
            tableName=table_pattern,
            tableTypes=table_types,
        )
        resp = self._call("GetTables", self._client.GetTables, req)
        return self._read("GetTables", resp, limits)

    def columns(self, schema: str, table: str, *, limits: FetchLimits) -> ResultSet:
        """GetColumns of one table (names matched literally): COLUMN_NAME, TYPE_NAME, ..."""
        req = t.TGetColumnsReq(
            sessionHandle=self._handle(),
            schemaName=like_literal(schema),
            tableName=like_literal(table),
            columnName="%",
        )
        resp = self._call("GetColumns", self._client.GetColumns, req)
        return self._read("GetColumns", resp, limits)

    def query(
        self,
        statement: str,
        *,
        limits: FetchLimits,
        timeout_seconds: int = 0,
        close_operation: bool = True,
    ) -> ResultSet:
        """Run one statement and read its result within ``limits``. With
        ``close_operation=False`` an operation read to its end is left for CloseSession to
        close (one round trip less; see :meth:`query_first_value`)."""
        executed = self.execute(statement, timeout_seconds)
        return self.fetch(executed, limits=limits, close_operation=close_operation)

    def execute(self, statement: str, timeout_seconds: int = 0) -> Any:
        """ExecuteStatement (synchronous); its reply, to give to :meth:`fetch`."""
        req = t.TExecuteStatementReq(
            sessionHandle=self._handle(),
            statement=statement,
            runAsync=False,
            queryTimeout=timeout_seconds,
        )
        return self._call("ExecuteStatement", self._client.ExecuteStatement, req)

    def fetch(
        self, executed: Any, *, limits: FetchLimits, close_operation: bool = True
    ) -> ResultSet:
        """The result of :meth:`execute` read within ``limits``; the operation is closed
        (unless ``close_operation`` is False: see :meth:`query`)."""
        return self._read("ExecuteStatement", executed, limits, close_operation=close_operation)

    def _read(
        self, call: str, resp: Any, limits: FetchLimits, *, close_operation: bool = True
    ) -> ResultSet:
        _check(resp.status, call)
        op = resp.operationHandle
        if op is None:
            raise MalformedReply(f"{call} succeeded but returned no operation handle")
        try:
            result = self._fetch_bounded(op, limits) if op.hasResultSet else ResultSet([])
        except BaseException:
            with contextlib.suppress(NetworkError, OSError):
                self._close_operation(op)
            raise
        if close_operation:
            self._close_operation(op)
        return result

    def result_columns(self, op: t.TOperationHandle) -> list[Any]:
        req = t.TGetResultSetMetadataReq(operationHandle=op)
        described = self._call("GetResultSetMetadata", self._client.GetResultSetMetadata, req)
        return _described(described)

    def _fetch_bounded(self, op: t.TOperationHandle, limits: FetchLimits) -> ResultSet:
        first: Any = None
        if getattr(self.transport, "pipelined", False):
            # The description and a first row in one round trip (a row's size is known
            # only once one is read, unless every column type bounds it).
            describe = t.TGetResultSetMetadataReq(operationHandle=op)
            calls = [("GetResultSetMetadata", describe), ("FetchResults", _fetch_next(op, 1))]
            try:
                described, first = self._in_one_round_trip(calls)
            except FrameTooLarge as exc:
                raise RowsTooWide(exc, rows=1, read=0) from exc
            result = ResultSet(_described(described))
        else:
            result = ResultSet(self.result_columns(op))
        width = len(result.columns)
        wanted = limits.max_rows + 1  # one more row tells whether there are more
        row_bytes = announced_row_bytes(result.columns)
        while len(result.rows) < wanted:
            if first is not None:
                fetched, ask, first = first, 1, None
            else:
                ask = self._batch_size(
                    min(limits.batch_rows, wanted - len(result.rows)),
                    row_bytes,
                    limits.max_bytes - result.bytes_read,
                )
                try:
                    fetched = self._call(
                        "FetchResults", self._client.FetchResults, _fetch_next(op, ask)
                    )
                except FrameTooLarge as exc:
                    raise RowsTooWide(exc, rows=ask, read=len(result.rows)) from exc
            _check(fetched.status, "FetchResults")
            columns, size = decode_columns(fetched.results, width)
            batch = list(zip(*columns, strict=True)) if width else []
            if not batch:
                break
            if result.bytes_read + size > limits.max_bytes:
                keep = _rows_within(batch, limits.max_bytes - result.bytes_read)
                result.rows.extend(batch[:keep])
                result.bytes_read += sum(_row_bytes(row) for row in batch[:keep])
                result.cut = (
                    f"stopped after {len(result.rows):,} rows: the values read reached "
                    f"the {limits.max_bytes:,}-byte cap"
                )
                return result
            result.rows.extend(batch)
            result.bytes_read += size
            if len(batch) < ask:
                break  # a Spark Thrift Server sends fewer rows than asked only at the end
            if len(result.rows) < wanted:  # the widest row sizes the next batch
                seen = widest_row_bytes(fetched.results, columns)
                row_bytes = seen if row_bytes is None else max(row_bytes, seen)
        if len(result.rows) > limits.max_rows:
            del result.rows[limits.max_rows :]
            result.cut = f"the first {limits.max_rows:,} rows are shown; the result has more"
        return result

    def _batch_size(self, most: int, row_bytes: int | None, bytes_left: int) -> int:
        """Rows to ask for next: at most ``most``, no more than half the reply cap holds at
        ``row_bytes`` a row (one row while that is unknown), nor many more than the
        ``bytes_left`` of the result's byte limit hold."""
        if row_bytes is None:
            return 1
        row_bytes = max(row_bytes, 1)
        fit = min(self.max_reply_bytes // 2 // row_bytes, max(bytes_left, 0) // row_bytes + 1)
        return max(1, min(most, fit))

    def _fetch_first_value(self, op: t.TOperationHandle) -> Any:
        fetched = self._call("FetchResults", self._client.FetchResults, _fetch_next(op, 1))
        _check(fetched.status, "FetchResults")
        return first_value(fetched.results)

    def _close_operation(self, op: t.TOperationHandle) -> None:
        req = t.TCloseOperationReq(op)
        closed = self._call("CloseOperation", self._client.CloseOperation, req)
        _check(closed.status, "CloseOperation")

    # -- helpers -------------------------------------------------------------
    def _handle(self) -> t.TSessionHandle:
        if self.session is None:
            raise RuntimeError("no open session")
        return self.session.handle

    def _is_string_limit(self, exc: Exception) -> bool:
        """Whether the decoder's size refusal is of a string (its message ends with the
        limit it applied: the string limit, or the container limit for a list)."""
        return str(exc).rstrip().endswith(f" {self.max_string_bytes}")

    def _value_too_long(self, name: str) -> FrameTooLarge:
        """The decoder refused a value longer than the cap (before reading it)."""
        why = f"a value in the {name} reply is longer than the {self.max_string_bytes:,}-byte cap"
        if self._capped is not None:
            self._capped.abandon_reply(why)
        return FrameTooLarge(
            f"{name}: {why}", announced=None, limit=self.max_string_bytes, peer_bytes=b""
        )

    def _peer_bytes(self) -> bytes:
        wire = getattr(self.transport, "wire", None)
        return wire.capture_more() if isinstance(wire, DeadlineSocket) else b""

    def _call(self, name: str, method: Any, req: Any) -> Any:
        broken = self._capped.broken if self._capped is not None else ""
        if broken:
            # The server ends the session when the connection closes.
            self.session = None
            raise PeerClosed(f"{name}: not sent: {broken}, so the connection is given up")
        try:
            return method(req)
        except TApplicationException as exc:
            raise ThriftApplicationError(f"{name}: the server answered: {exc.message}") from exc
        except (TProtocolException, TTransportException) as exc:
            too_long = (
                TTransportException.SIZE_LIMIT
                if isinstance(exc, TTransportException)
                else TProtocolException.SIZE_LIMIT
            )
            if exc.type == too_long and self._is_string_limit(exc):
                raise self._value_too_long(name) from exc
            if isinstance(exc, TTransportException):
                raise PeerClosed(
                    f"{name}: transport failure: {exc.message}",
                    peer_bytes=self._peer_bytes(),
                ) from exc
            raise MalformedReply(
                f"{name}: the reply is not valid Thrift: {exc.message}",
                peer_bytes=self._peer_bytes(),
            ) from exc
        except OverflowError as exc:
            # Thrift's C decoder refuses a string or list over its limit with this message.
            if str(exc).startswith("size exceeded specified limit") and self._is_string_limit(exc):
                raise self._value_too_long(name) from exc
            raise MalformedReply(
                f"{name}: the reply is not valid Thrift: {exc}", peer_bytes=self._peer_bytes()
            ) from exc
        except (EOFError, UnicodeDecodeError, TypeError, ValueError) as exc:
            raise MalformedReply(
                f"{name}: the reply is not valid Thrift: {exc}",
                peer_bytes=self._peer_bytes(),
            ) from exc


def like_literal(name: str) -> str:
    """A name as a LIKE pattern that matches only itself (``_``, ``%`` and ``\\`` escaped)."""
    return name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _row_bytes(row: tuple[Any, ...]) -> int:
    return sum(len(v) + 4 if isinstance(v, str | bytes) else 8 for v in row)


def _rows_within(rows: list[tuple[Any, ...]], budget: int) -> int:
    used = 0
    for index, row in enumerate(rows):
        used += _row_bytes(row)
        if used > budget:
            return index
    return len(rows)


def _fetch_next(op: t.TOperationHandle, rows: int) -> t.TFetchResultsReq:
    return t.TFetchResultsReq(
        operationHandle=op, orientation=t.TFetchOrientation.FETCH_NEXT, maxRows=rows
    )


def _described(resp: t.TGetResultSetMetadataResp) -> list[Any]:
    _check(resp.status, "GetResultSetMetadata")
    return describe_columns(resp.schema)


def _info_value(resp: t.TGetInfoResp) -> str:
    _check(resp.status, "GetInfo")
    value = resp.infoValue
    if value is None:
        return ""
    for attr in ("stringValue", "smallIntValue", "integerBitmask", "integerFlag", "lenValue"):
        got = getattr(value, attr)
        if got is not None:
            return str(got)
    return ""


def _check(status: t.TStatus | None, call: str) -> None:
    if status is None:
        raise MalformedReply(f"{call}: the reply carries no status")
    if status.statusCode not in _OK:
        raise HiveStatusError(
            call,
            status.errorMessage or f"status {status.statusCode}",
            sql_state=status.sqlState,
        )


def first_value(rowset: t.TRowSet | None) -> Any:
    """Row 1, column 1 of a row set in either the column (V6+) or row layout."""
    if rowset is None:
        return None
    if rowset.columns:
        column = rowset.columns[0]
        for attr in (
            "boolVal",
            "byteVal",
            "i16Val",
            "i32Val",
            "i64Val",
            "doubleVal",
            "stringVal",
            "binaryVal",
        ):
            typed = getattr(column, attr)
            if typed is None:
                continue
            if not typed.values:
                return None
            nulls = typed.nulls or b""
            if nulls and nulls[0] & 1:
                return None
            return typed.values[0]
        return None
    if rowset.rows:
        cell = rowset.rows[0].colVals[0]
        for attr in (
            "boolVal",
            "byteVal",
            "i16Val",
            "i32Val",
            "i64Val",
            "doubleVal",
            "stringVal",
        ):
            typed = getattr(cell, attr)
            if typed is not None:
                return typed.value
    return None

"""The TCLIService calls a connection test needs, on top of any Thrift transport."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.protocol.TProtocol import TProtocolException
from thrift.Thrift import TApplicationException
from thrift.transport.TTransport import TTransportBase, TTransportException

from connectors.spark.hive.errors import (
    HiveClientError,
    HiveStatusError,
    MalformedReply,
    PeerClosed,
    ThriftApplicationError,
)
from connectors.spark.hive.gen.TCLIService import TCLIService
from connectors.spark.hive.gen.TCLIService import ttypes as t
from connectors.spark.hive.wire import DeadlineSocket

PROTOCOL_V1 = t.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V1
PROTOCOL_V6 = t.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6
PROTOCOL_V10 = t.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10
PROTOCOL_V11 = t.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V11
_OK = (t.TStatusCode.SUCCESS_STATUS, t.TStatusCode.SUCCESS_WITH_INFO_STATUS)


def protocol_name(version: int) -> str:
    """``HIVE_CLI_SERVICE_PROTOCOL_V10`` -> ``V10``; unknown values stay numeric."""
    name = t.TProtocolVersion._VALUES_TO_NAMES.get(version)
    return name.rsplit("_", 1)[-1] if name else f"unknown ({version})"


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
        protocol = TBinaryProtocol(
            transport,
            strictRead=True,
            strictWrite=True,
            string_length_limit=max_string_bytes,
            container_length_limit=max_container_items,
        )
        self._client = TCLIService.Client(protocol)
        self.session: OpenedSession | None = None

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
        resp = self._call("GetInfo", self._client.GetInfo, req)
        _check(resp.status, "GetInfo")
        value = resp.infoValue
        if value is None:
            return ""
        for attr in (
            "stringValue",
            "smallIntValue",
            "integerBitmask",
            "integerFlag",
            "lenValue",
        ):
            got = getattr(value, attr)
            if got is not None:
                return str(got)
        return ""

    def server_name(self) -> str:
        return self.get_info(t.TGetInfoType.CLI_SERVER_NAME)

    def server_version(self) -> str:
        return self.get_info(t.TGetInfoType.CLI_DBMS_VER)

    def query_first_value(self, statement: str, *, timeout_seconds: int = 0) -> Any:
        """Run ``statement`` synchronously and return row 1, column 1."""
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
            with contextlib.suppress(HiveClientError, OSError):
                self._close_operation(op)
            raise
        self._close_operation(op)
        return value

    def _fetch_first_value(self, op: t.TOperationHandle) -> Any:
        fetch = t.TFetchResultsReq(
            operationHandle=op, orientation=t.TFetchOrientation.FETCH_NEXT, maxRows=1
        )
        fetched = self._call("FetchResults", self._client.FetchResults, fetch)
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

    def _peer_bytes(self) -> bytes:
        wire = getattr(self.transport, "wire", None)
        return wire.capture_more() if isinstance(wire, DeadlineSocket) else b""

    def _call(self, name: str, method: Any, req: Any) -> Any:
        try:
            return method(req)
        except TApplicationException as exc:
            raise ThriftApplicationError(f"{name}: the server answered: {exc.message}") from exc
        except TProtocolException as exc:
            raise MalformedReply(
                f"{name}: the reply is not valid Thrift: {exc.message}",
                peer_bytes=self._peer_bytes(),
            ) from exc
        except TTransportException as exc:
            raise PeerClosed(
                f"{name}: transport failure: {exc.message}",
                peer_bytes=self._peer_bytes(),
            ) from exc
        except (EOFError, UnicodeDecodeError) as exc:
            raise MalformedReply(
                f"{name}: the reply is not valid Thrift: {exc}",
                peer_bytes=self._peer_bytes(),
            ) from exc


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

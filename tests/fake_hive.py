"""A scriptable HiveServer2 (binary, NOSASL) on 127.0.0.1 for what a real Spark Thrift
Server cannot be made to do: a catalog reply of millions of rows, a fetch that stalls,
column buffers that contradict each other. Built on the generated Thrift processor.
``EXPLAIN EXTENDED`` (the plan check) is answered with the plan of a read
(:data:`READ_PLAN`)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.transport.TSocket import TSocket
from thrift.transport.TTransport import TBufferedTransport, TTransportException

from connectors.hiveserver2.gen.TCLIService import TCLIService
from connectors.hiveserver2.gen.TCLIService import ttypes as t

OK = t.TStatus(statusCode=t.TStatusCode.SUCCESS_STATUS)
Fetch = Callable[[int, int], t.TRowSet]
"""(call number from 0, maxRows asked) -> the row set to send."""


def _handle(guid: bytes = b"g" * 16) -> t.THandleIdentifier:
    return t.THandleIdentifier(guid=guid, secret=b"s" * 16)


EXPLAINED = _handle(b"e" * 16)
READ_PLAN = """== Parsed Logical Plan ==
'GlobalLimit 101
+- 'LocalLimit 101
   +- 'Project [*]
      +- 'UnresolvedRelation [t], [], false

== Analyzed Logical Plan ==
a: string
GlobalLimit 101
+- LocalLimit 101
   +- Project [a#1]
      +- SubqueryAlias spark_catalog.default.t
         +- Relation spark_catalog.default.t[a#1] parquet

== Optimized Logical Plan ==
GlobalLimit 101
+- LocalLimit 101
   +- Relation spark_catalog.default.t[a#1] parquet

== Physical Plan ==
CollectLimit 101
+- FileScan parquet spark_catalog.default.t[a#1]
"""
"""What a Spark Thrift Server answers to ``EXPLAIN EXTENDED`` of a preview of a table: the
plan check lets the scripted statement through."""


def string_columns(*columns: list[str]) -> t.TRowSet:
    return t.TRowSet(
        startRowOffset=0,
        rows=[],
        columns=[t.TColumn(stringVal=t.TStringColumn(values=c, nulls=b"")) for c in columns],
    )


def schema_of(*names: str, type_id: int = t.TTypeId.STRING_TYPE) -> t.TTableSchema:
    return t.TTableSchema(
        columns=[
            t.TColumnDesc(
                columnName=name,
                typeDesc=t.TTypeDesc(
                    types=[t.TTypeEntry(primitiveEntry=t.TPrimitiveTypeEntry(type=type_id))]
                ),
                position=i + 1,
            )
            for i, name in enumerate(names)
        ]
    )


class Handler:
    def __init__(self, schema: t.TTableSchema, fetch: Fetch) -> None:
        self.schema = schema
        self.fetch = fetch
        self.calls = 0
        self.closed_operations = 0
        self.explained = 0

    def _op(self, kind: int) -> t.TOperationHandle:
        return t.TOperationHandle(operationId=_handle(), operationType=kind, hasResultSet=True)

    def OpenSession(self, req: Any) -> Any:
        return t.TOpenSessionResp(
            status=OK,
            serverProtocolVersion=req.client_protocol,
            sessionHandle=t.TSessionHandle(sessionId=_handle()),
        )

    def CloseSession(self, req: Any) -> Any:
        return t.TCloseSessionResp(status=OK)

    server_name = "Spark SQL"
    """What GetInfo CLI_SERVER_NAME answers: a Spark server's, whose plans the fake answers."""

    def GetInfo(self, req: Any) -> Any:
        name = req.infoType == t.TGetInfoType.CLI_SERVER_NAME
        value = self.server_name if name else "0-fake"
        return t.TGetInfoResp(status=OK, infoValue=t.TGetInfoValue(stringValue=value))

    def ExecuteStatement(self, req: Any) -> Any:
        op = self._op(t.TOperationType.EXECUTE_STATEMENT)
        if req.statement.startswith("EXPLAIN EXTENDED "):
            self.explained += 1
            op.operationId = EXPLAINED
        return t.TExecuteStatementResp(status=OK, operationHandle=op)

    def GetTables(self, req: Any) -> Any:
        return t.TGetTablesResp(status=OK, operationHandle=self._op(t.TOperationType.GET_TABLES))

    def GetSchemas(self, req: Any) -> Any:
        return t.TGetSchemasResp(status=OK, operationHandle=self._op(t.TOperationType.GET_SCHEMAS))

    def GetColumns(self, req: Any) -> Any:
        return t.TGetColumnsResp(status=OK, operationHandle=self._op(t.TOperationType.GET_COLUMNS))

    def GetResultSetMetadata(self, req: Any) -> Any:
        return t.TGetResultSetMetadataResp(status=OK, schema=self.schema)

    def FetchResults(self, req: Any) -> Any:
        if req.operationHandle.operationId == EXPLAINED:
            plan = string_columns([READ_PLAN])
            return t.TFetchResultsResp(status=OK, hasMoreRows=False, results=plan)
        rowset = self.fetch(self.calls, req.maxRows)
        self.calls += 1
        return t.TFetchResultsResp(status=OK, hasMoreRows=False, results=rowset)

    def CloseOperation(self, req: Any) -> Any:
        self.closed_operations += 1
        return t.TCloseOperationResp(status=OK)


@contextmanager
def fake_hive(handler: Handler) -> Iterator[int]:
    """Serve ``handler`` on 127.0.0.1; yields the port. One connection at a time."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.1)
    stop = threading.Event()
    processor = TCLIService.Processor(handler)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            wrapped = TSocket()
            wrapped.setHandle(conn)
            transport = TBufferedTransport(wrapped)
            protocol = TBinaryProtocol(transport)
            try:
                while not stop.is_set():
                    processor.process(protocol, protocol)
            except (TTransportException, OSError, EOFError):
                pass
            finally:
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def stalls_after(first: t.TRowSet, seconds: float) -> Fetch:
    def fetch(call: int, max_rows: int) -> t.TRowSet:
        if call == 0:
            return first
        time.sleep(seconds)
        return string_columns([])

    return fetch

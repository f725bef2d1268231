"""Preview data and the table picker on a real Spark Thrift Server, with PyHive beside us.

Run: ``python -m bench.dataset_preview`` (``--no-write``: print only; or
``bash scripts/bench.sh``). It starts one ``binary-nosasl`` server through the tests'
ServerPool on 127.0.0.1, creates a table of 5,000 rows x 20 columns of mixed types (cached,
so the server's share is small and equal for both clients) and 5,000 global temporary views,
then in one run:

* **Preview, 1,000 rows x 20 columns, end to end** (the headline) -- ours: the portal's real
  path, the connector's ``live.preview`` as ``portal.datasets.preview`` calls it (table
  ``bench.mixed``, 1,000 rows, version 1.0, the portal's default options): address check,
  connect, OpenSession, server name and version, the plan check (``EXPLAIN EXTENDED`` of the
  statement, judged), the statement, its rows fetched and carried as interim types,
  CloseSession; PyHive: ``hive.connect``, ``cursor.execute``, ``cursor.fetchmany(1000)``,
  ``cursor.close()``, ``conn.close()``. Goal (issue 21): our median at most
  ``TARGET_RATIO`` of PyHive's. The Thrift calls of one run of each are counted.
* **Fetch only** (secondary): the wire path of a preview without the portal's stages
  (``HiveClient.query`` with the preview's limits, then every value carried as its interim
  type, ``connectors.hiveserver2.live.carry_rows``); its fetch (executed statement to rows in
  hand, where the clients differ) against PyHive's ``fetchmany``, goal at most
  ``TARGET_RATIO``; its connect to close beside it.
  The three runs (live preview, wire path, PyHive) alternate which goes first.
* **Decoding cost per cell**: one FetchResults reply of 1,000 x 20 captured as bytes and
  decoded again and again (Thrift decoding, columns to rows, interim formatting), divided
  by the 20,000 cells; PyHive's own decoding of the same bytes beside it.
* **Table picker on 5,000 tables**: ``connectors.hiveserver2.live.tables`` (a whole session with
  GetTables) and, separately, what the portal does after the server answered -- the first
  page built from the 5,000 rows and its fragment rendered. Goal: under 300 ms.

Results go to the section ``dataset_preview`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import socket
import sys
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

from thrift.protocol.TBinaryProtocol import TBinaryProtocol, TBinaryProtocolAccelerated
from thrift.transport.TTransport import TMemoryBuffer

from bench._report import Goal, machine_facts, markdown_table, median, p90, publish
from bench.hive_vs_pyhive import _counting
from connectors.base import TestOptions
from connectors.hiveserver2 import live
from connectors.hiveserver2.binary_transport import UnframedTransport
from connectors.hiveserver2.client import FetchLimits, HiveClient
from connectors.hiveserver2.diagnostics import Operation, run_connection_test
from connectors.hiveserver2.gen.TCLIService import ttypes as t
from connectors.hiveserver2.results import decode_columns
from connectors.net.deadline import Deadline
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.endpoint import open_tcp, resolve
from connectors.net_policy import AddressPolicy
from connectors.spark import CONNECTOR
from connectors.spark.flavour import FLAVOUR
from connectors.spark.settings import ClientLimits, settings_from_type_properties
from connectors.spark.type_mapping import column_type
from tests.spark_server import server_pool

HOST = "127.0.0.1"
SECTION = "dataset_preview"
TARGET_RATIO = 0.5
PICKER_GOAL_MS = 300.0
RUNS = 20
WARMUP = 5
ROWS = 1000
TABLES = 5000
POLICY = AddressPolicy(allow_loopback=True)
LIMITS = ClientLimits()
OPTIONS = TestOptions(address_policy=POLICY)
"""The portal's options (``portal.services.live.options``): its default connect timeout and
deadline, loopback allowed."""
QUERY = f"SELECT * FROM bench.mixed LIMIT {ROWS}"
COLUMNS = [
    ("c_bool", "id % 2 = 0"),
    ("c_byte", "CAST(id % 100 AS TINYINT)"),
    ("c_short", "CAST(id % 30000 AS SMALLINT)"),
    ("c_int", "CAST(id AS INT)"),
    ("c_long", "id * 1000003"),
    ("c_float", "CAST(id / 7 AS FLOAT)"),
    ("c_double", "id / 13.0D"),
    ("c_dec", "CAST(id / 3 AS DECIMAL(12,3))"),
    ("c_date", "date_add(DATE'2024-01-01', CAST(id % 365 AS INT))"),
    ("c_ts", "timestamp_seconds(1700000000 + id)"),
    ("c_ntz", "CAST(timestamp_seconds(1700000000 + id) AS TIMESTAMP_NTZ)"),
    ("c_str", "concat('name-', id)"),
    ("c_str2", "repeat('x', CAST(id % 40 AS INT))"),
    ("c_bin", "CAST(concat('b', id) AS BINARY)"),
    ("c_arr", "array(id, id + 1)"),
    ("c_map", "map('k', id)"),
    ("c_struct", "named_struct('a', id, 'b', 'text')"),
    ("c_null", "CASE WHEN id % 3 = 0 THEN NULL ELSE id END"),
    ("c_ym", "make_ym_interval(1, CAST(id % 12 AS INT))"),
    ("c_dt", "make_dt_interval(1, 2, 3, 4.5)"),
]


def _setup(port: int) -> None:
    settings = settings_from_type_properties("1.0", _tp(port), None)
    statements = [
        "CREATE DATABASE IF NOT EXISTS bench",
        "CREATE TABLE IF NOT EXISTS bench.mixed USING parquet AS SELECT "
        + ", ".join(f"{expr} AS {name}" for name, expr in COLUMNS)
        + " FROM range(5000)",
        "CACHE TABLE bench.mixed",
    ]

    def work(client: HiveClient, deadline: Deadline) -> None:
        for sql in statements:
            client.query(sql, limits=FetchLimits(), timeout_seconds=600)
        for i in range(TABLES):
            client.query(
                f"CREATE OR REPLACE GLOBAL TEMP VIEW picker_{i:05d} AS SELECT {i} AS id",
                limits=FetchLimits(),
                timeout_seconds=60,
            )

    report = run_connection_test(
        settings,
        address_policy=POLICY,
        limits=ClientLimits(deadline_s=1800),
        operation=Operation("set up", work),
    )
    if report.first_failure is not None:
        raise RuntimeError(f"set-up failed: {report.first_failure}")


def _tp(port: int) -> dict[str, Any]:
    return {
        "host": HOST,
        "port": port,
        "serverType": "SparkThriftServer",
        "thriftTransportProtocol": "Binary",
        "authenticationType": "Anonymous",
    }


# -- the two clients -------------------------------------------------------------------
PREVIEW_LIMITS = FetchLimits(max_rows=ROWS, max_bytes=live.PREVIEW_MAX_BYTES, batch_rows=ROWS + 1)


EXECUTE_MS: list[float] = []
"""Each run of :func:`ours`: its ExecuteStatement round trip (the server runs the statement)."""


def ours(port: int, fetch_ms: list[float] | None = None) -> int:
    """The preview's wire path; ``fetch_ms`` gets the time from the executed statement to
    the formatted rows (GetResultSetMetadata, FetchResults, decoding, formatting)."""
    deadline = Deadline(LIMITS.deadline_s)
    address = resolve(HOST, port, policy=POLICY, deadline=deadline).allowed[0]
    sock = open_tcp(address, port, connect_timeout=LIMITS.connect_timeout_s, deadline=deadline)
    wire = DeadlineSocket(sock, deadline, peer=f"{HOST}:{port}")
    transport = UnframedTransport(wire, max_reply_bytes=LIMITS.max_frame_bytes)
    try:
        client = HiveClient(transport, max_string_bytes=LIMITS.max_frame_bytes)
        client.open_session(client_protocol=LIMITS.client_protocol)
        sent = time.perf_counter()
        executed = client.execute(QUERY, int(deadline.remaining()))
        started = time.perf_counter()
        EXECUTE_MS.append((started - sent) * 1000)
        got = client.fetch(executed, limits=PREVIEW_LIMITS)
        types = [column_type(c.type_name, "2.0") for c in got.columns]
        rows = live.carry_rows(got.rows, types)
        if fetch_ms is not None:
            fetch_ms.append((time.perf_counter() - started) * 1000)
        client.close_session()
    finally:
        transport.close()
    return len(rows)


def live_preview(port: int, fetch_ms: list[float] | None = None) -> int:
    """The portal's preview of the table, end to end (``fetch_ms`` is not filled: the
    stages are the connector's)."""
    catalog = CONNECTOR.live
    assert catalog is not None
    table = catalog.table_of({"schema": "bench", "table": "mixed"})
    request = catalog.preview_request(table=table, query=None, rows=ROWS)
    report = catalog.preview(CONNECTOR.version("1.0"), _tp(port), OPTIONS, request)
    if not report["ok"]:
        raise RuntimeError(f"live preview failed: {report.get('stages') or report}")
    return int(report["result"]["row_count"])


def pyhive(port: int, fetch_ms: list[float] | None = None) -> int:
    from pyhive import hive

    conn = hive.connect(HOST, port, auth="NOSASL")
    try:
        cursor = conn.cursor()
        cursor.execute(QUERY)
        started = time.perf_counter()
        rows = cursor.fetchmany(ROWS)
        cursor.close()  # CloseOperation, as our fetch closes the operation
        if fetch_ms is not None:
            fetch_ms.append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return len(rows)


def _timed(run: Callable[..., int], port: int, fetch_ms: list[float]) -> float:
    gc.collect()
    started = time.perf_counter()
    got = run(port, fetch_ms)
    elapsed = (time.perf_counter() - started) * 1000
    if got != ROWS:
        raise RuntimeError(f"{run.__name__} read {got} rows, not {ROWS}")
    return elapsed


# -- decoding per cell ------------------------------------------------------------------
def _captured_reply(port: int) -> tuple[bytes, list[Any]]:
    """One FetchResults reply of ROWS rows as the bytes of the struct, and the columns."""
    captured: dict[str, Any] = {}
    settings = settings_from_type_properties("1.0", _tp(port), None)

    def work(client: HiveClient, deadline: Deadline) -> None:
        resp = client._client.ExecuteStatement(  # noqa: SLF001 - benchmark internals
            t.TExecuteStatementReq(sessionHandle=client.session.handle, statement=QUERY)  # type: ignore[union-attr]
        )
        op = resp.operationHandle
        captured["columns"] = client.result_columns(op)
        fetched = client._client.FetchResults(  # noqa: SLF001
            t.TFetchResultsReq(operationHandle=op, orientation=0, maxRows=ROWS)
        )
        buffer = TMemoryBuffer()
        fetched.write(TBinaryProtocol(buffer))
        captured["bytes"] = buffer.getvalue()

    report = run_connection_test(
        settings, address_policy=POLICY, operation=Operation("capture", work)
    )
    if report.first_failure is not None:
        raise RuntimeError(f"capture failed: {report.first_failure}")
    return captured["bytes"], captured["columns"]


def decode_ours(data: bytes, columns: list[Any]) -> int:
    reply = t.TFetchResultsResp()
    reply.read(TBinaryProtocolAccelerated(TMemoryBuffer(data)))
    decoded, _ = decode_columns(reply.results, len(columns))
    types = [column_type(c.type_name, "2.0") for c in columns]
    rows = live.carry_rows(list(zip(*decoded, strict=True)), types)
    return len(rows) * len(columns)


def decode_pyhive(data: bytes, columns: list[Any]) -> int:
    from pyhive import hive
    from TCLIService import ttypes as pt

    reply = pt.TFetchResultsResp()
    reply.read(TBinaryProtocol(TMemoryBuffer(data)))
    cols = [hive._unwrap_column(col) for col in reply.results.columns]  # noqa: SLF001
    rows = list(zip(*cols, strict=True))
    return len(rows) * len(columns)


def per_cell_us(run: Callable[[bytes, list[Any]], int], data: bytes, cols: list[Any]) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        cells = run(data, cols)
        samples.append((time.perf_counter() - started) * 1e6 / cells)
    return median(samples)


# -- table picker -------------------------------------------------------------------------
def picker(port: int) -> tuple[list[float], int]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.template.loader import render_to_string

    version = CONNECTOR.version("1.0")
    options = TestOptions(address_policy=POLICY, deadline_s=60)
    whole = []
    total = 0
    for _ in range(WARMUP + RUNS):
        started = time.perf_counter()
        report = live.tables(FLAVOUR, version, _tp(port), options, schema="global_temp", limit=50)
        html = render_to_string(
            "datasets/_tables.html", {"report": report, "what": "tables", "schemas": []}
        )
        done = time.perf_counter()
        if not report["ok"] or "picker_00000" not in html:
            raise RuntimeError(f"table picker failed: {report.get('stages')}")
        total = report["result"]["total"]
        whole.append((done - started) * 1000)
    return whole[WARMUP:], total


def _page_after_answer_ms(port: int) -> list[float]:
    """The portal's work once the 5,000 rows are read: filter, sort, first page, render."""
    import django

    django.setup()
    from django.template.loader import render_to_string

    from connectors.hiveserver2.results import ResultColumn, ResultSet

    names = [f"picker_{i:05d}" for i in range(TABLES)]
    got = ResultSet(
        [
            ResultColumn(n, "STRING")
            for n in ("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE")
        ],
        [("spark", "global_temp", n, "VIEW") for n in reversed(names)],
    )
    samples = []
    for _ in range(WARMUP + RUNS):
        started = time.perf_counter()
        result = live.page_of_tables(got, schema="global_temp", search="", offset=0, limit=50)
        html = render_to_string(
            "datasets/_tables.html",
            {"report": {"ok": True, "result": result}, "what": "tables", "schemas": []},
        )
        samples.append((time.perf_counter() - started) * 1000)
        assert "picker_00049" in html
    return samples[WARMUP:]


def _calls(run: Callable[..., int], port: int) -> tuple[list[str], int]:
    """The Thrift calls of one untimed run (both clients write through TBinaryProtocol),
    and its round trips: the times a read from the socket follows a send."""
    sent = [False]
    round_trips = [0]
    sendall, send = socket.socket.sendall, socket.socket.send
    recv, recv_into = socket.socket.recv, socket.socket.recv_into

    def sending(method: Any) -> Any:
        def wrapped(self: socket.socket, *args: Any) -> Any:
            sent[0] = True
            return method(self, *args)

        return wrapped

    def receiving(method: Any) -> Any:
        def wrapped(self: socket.socket, *args: Any) -> Any:
            round_trips[0] += sent[0]
            sent[0] = False
            return method(self, *args)

        return wrapped

    with (
        _counting() as (calls, _),
        mock.patch.object(socket.socket, "sendall", sending(sendall)),
        mock.patch.object(socket.socket, "send", sending(send)),
        mock.patch.object(socket.socket, "recv", receiving(recv)),
        mock.patch.object(socket.socket, "recv_into", receiving(recv_into)),
    ):
        run(port)
    return list(calls), round_trips[0]


def _calls_text(counted_run: tuple[list[str], int]) -> str:
    calls, round_trips = counted_run
    counted: dict[str, int] = {}
    for name in calls:
        counted[name] = counted.get(name, 0) + 1
    return f"{len(calls)} in {round_trips} round trips: " + ", ".join(
        name if n == 1 else f"{name} x{n}" for name, n in counted.items()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    args = parser.parse_args(argv)
    with server_pool() as pool:
        server = pool.get("binary-nosasl")
        port = server.port
        print(f"binary-nosasl on {HOST}:{port}; setting up...", flush=True)
        set_up = time.perf_counter()
        _setup(port)
        set_up_s = time.perf_counter() - set_up
        live_calls, pyhive_calls = _calls(live_preview, port), _calls(pyhive, port)
        for _ in range(WARMUP):
            live_preview(port)
            ours(port)
            pyhive(port)
        EXECUTE_MS.clear()
        live_ms: list[float] = []
        ours_ms: list[float] = []
        pyhive_ms: list[float] = []
        ours_fetch: list[float] = []
        pyhive_fetch: list[float] = []
        unused: list[float] = []
        contestants = [
            (live_preview, live_ms, unused),
            (ours, ours_ms, ours_fetch),
            (pyhive, pyhive_ms, pyhive_fetch),
        ]
        for i in range(RUNS):
            shift = i % len(contestants)  # rotate who goes first
            for run, into, fetched in contestants[shift:] + contestants[:shift]:
                into.append(_timed(run, port, fetched))
            print(
                f"  run {i + 1}/{RUNS}: live preview {live_ms[-1]:.1f} ms, wire path "
                f"{ours_ms[-1]:.1f} ms, PyHive {pyhive_ms[-1]:.1f} ms",
                flush=True,
            )
        data, cols = _captured_reply(port)
        ours_cell = per_cell_us(decode_ours, data, cols)
        pyhive_cell = per_cell_us(decode_pyhive, data, cols)
        whole, total = picker(port)
        after = _page_after_answer_ms(port)
        startup = pool.startup_times()
    live_ratio = median(live_ms) / median(pyhive_ms)
    ratio = median(ours_fetch) / median(pyhive_fetch)
    whole_ratio = median(ours_ms) / median(pyhive_ms)
    goals = [
        Goal.at_most(
            f"preview 1,000 x 20 end to end: the portal's live.preview at most "
            f"{TARGET_RATIO:g} of PyHive's connect + execute + fetchmany(1000) + close "
            "(issue 21)",
            median(live_ms),
            median(pyhive_ms),
            TARGET_RATIO,
            "ms",
            reference_label="PyHive",
        ),
        Goal.at_most(
            f"preview 1,000 x 20, fetch only: ours at most {TARGET_RATIO:g} of PyHive's fetchmany",
            median(ours_fetch),
            median(pyhive_fetch),
            TARGET_RATIO,
            "ms",
            reference_label="PyHive",
        ),
        Goal.under(
            f"table picker on {total:,} tables: first page under {PICKER_GOAL_MS:g} ms after "
            "the server answers",
            median(after),
            PICKER_GOAL_MS,
            "ms",
        ),
    ]
    live_goal, fetch_goal, picker_goal = goals
    facts = machine_facts(["pyspark", "thrift", "PyHive"])
    text = "\n".join(
        [
            "## Dataset preview and table picker",
            "",
            "Generated by `python -m bench.dataset_preview` (part of `bash scripts/bench.sh`).",
            "",
            markdown_table(["machine", "value"], [[k, v] for k, v in facts]),
            "",
            f"One `binary-nosasl` Spark Thrift Server (start-up {startup}, set-up "
            f"{set_up_s:.0f} s): `bench.mixed`, 5,000 rows x 20 columns of mixed types "
            "(boolean, tinyint, smallint, int, bigint, float, double, decimal, date, timestamp, "
            "timestamp_ntz, two strings, binary, array, map, struct, a third NULLs, both "
            f"intervals), cached; {TABLES:,} global temporary views. PyHive's query: `{QUERY}`. "
            f"{WARMUP} warm-up runs of each, then {RUNS} timed runs each of the live preview, "
            "the wire path and PyHive, rotating which goes first, `gc.collect()` before each.",
            "",
            "### Preview of 1,000 rows x 20 columns, end to end (ms)",
            "",
            "Ours is the portal's path: the Spark connector's `live.preview` of the table "
            "`bench.mixed`, 1,000 rows, version 1.0, as `portal.datasets.preview` calls it "
            "(the portal's audit row and rate limit aside): address check, connect, "
            "OpenSession, server name and version, the plan check (`EXPLAIN EXTENDED` of "
            "the statement, judged: it stays, issue 18), the statement "
            "``SELECT * FROM `bench`.`mixed` LIMIT 1001``, its rows carried as interim types "
            "and its column types as Import schema names them, CloseSession. PyHive: "
            "`hive.connect`, `cursor.execute`, `fetchmany(1000)`, `cursor.close()`, "
            "`conn.close()`. Thrift calls and round trips (a read from the socket after a send) "
            "counted in one untimed run of each.",
            "",
            markdown_table(
                ["client", "median", "p90", "Thrift calls"],
                [
                    [
                        "ours: live.preview (the portal's path)",
                        f"{median(live_ms):.1f}",
                        f"{p90(live_ms):.1f}",
                        _calls_text(live_calls),
                    ],
                    [
                        "PyHive: connect + execute + fetchmany(1000) + close",
                        f"{median(pyhive_ms):.1f}",
                        f"{p90(pyhive_ms):.1f}",
                        _calls_text(pyhive_calls),
                    ],
                ],
            ),
            "",
            f"Ratio of medians **{live_ratio:.2f}** (issue 21's goal ≤ {TARGET_RATIO}): "
            + ("met." if live_goal.met else "**missed**.")
            + " The server's work (the statement, and for ours its EXPLAIN) is most of "
            "either figure: the statement's ExecuteStatement alone (the server parses, plans "
            f"and runs it; our client, median of {RUNS}) takes **{median(EXECUTE_MS):.1f} ms**, "
            f"{median(EXECUTE_MS) / median(pyhive_ms):.2f} of PyHive's whole; the goal's bound "
            f"is {TARGET_RATIO * median(pyhive_ms):.1f} ms. A client that must run the "
            "statement cannot go below the server's time for it.",
            "",
            "### Fetch only, 1,000 rows x 20 columns (ms)",
            "",
            "The wire path of a preview without the portal's stages (`HiveClient.query` with "
            "the preview's limits, no plan check): its fetch, from the executed statement to "
            "the rows in hand (GetResultSetMetadata, FetchResults, decoding and interim "
            "formatting), against PyHive's `fetchmany(1000)` and `cursor.close()`; connect "
            "to close beside it.",
            "",
            markdown_table(
                ["client", "fetch median", "fetch p90", "connect to close median", "p90"],
                [
                    [
                        "ours (HiveClient + interim formatting)",
                        f"{median(ours_fetch):.1f}",
                        f"{p90(ours_fetch):.1f}",
                        f"{median(ours_ms):.1f}",
                        f"{p90(ours_ms):.1f}",
                    ],
                    [
                        "PyHive (execute + fetchmany(1000))",
                        f"{median(pyhive_fetch):.1f}",
                        f"{p90(pyhive_fetch):.1f}",
                        f"{median(pyhive_ms):.1f}",
                        f"{p90(pyhive_ms):.1f}",
                    ],
                ],
            ),
            "",
            f"Fetch: ratio of medians **{ratio:.2f}** (goal ≤ {TARGET_RATIO}): "
            + ("met." if fetch_goal.met else "**missed**.")
            + f" Connect to close: {whole_ratio:.2f}.",
            "",
            f"### Decoding cost per cell (µs, one captured 1,000 x 20 reply, median of {RUNS})",
            "",
            markdown_table(
                ["decoder", "µs per cell"],
                [
                    [
                        "ours: Thrift C decoder (fastbinary), columns to rows, interim formatting",
                        f"{ours_cell:.2f}",
                    ],
                    [
                        "PyHive: pure-Python Thrift decoder, `_unwrap_column`, rows",
                        f"{pyhive_cell:.2f}",
                    ],
                ],
            ),
            "",
            f"### Table picker on {total:,} tables (ms)",
            "",
            markdown_table(
                ["measure", "median", "p90"],
                [
                    [
                        "whole call: session, GetTables, read all rows, first page, fragment",
                        f"{median(whole):.1f}",
                        f"{p90(whole):.1f}",
                    ],
                    [
                        "after the server answered: filter, sort, first page of 50, fragment",
                        f"{median(after):.1f}",
                        f"{p90(after):.1f}",
                    ],
                ],
            ),
            "",
            f"Goal: first page under {PICKER_GOAL_MS:g} ms after the server answers: "
            + ("met." if picker_goal.met else "**missed**."),
        ]
    )
    return publish(SECTION, text, write=not args.no_write, goals=goals)


if __name__ == "__main__":
    sys.exit(main())

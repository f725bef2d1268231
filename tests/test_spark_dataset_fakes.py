"""Catalog and preview against a scripted HiveServer2 for what a real server cannot be made
to do: a 10-million-row catalog reply, a stall mid-fetch, contradicting column buffers."""

from __future__ import annotations

import time
from typing import Any

from connectors.base import TestOptions
from connectors.hiveserver2 import live
from connectors.hiveserver2.gen.TCLIService import ttypes as t
from connectors.hiveserver2.live import PreviewRequest
from connectors.spark import CONNECTOR
from connectors.spark.flavour import FLAVOUR
from tests.fake_hive import Handler, fake_hive, schema_of, stalls_after, string_columns
from tests.helpers import LOOPBACK_POLICY

V1 = CONNECTOR.version("1.0")
TABLE_COLUMNS = ("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS")


def _tp(port: int) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": port,
        "serverType": "SparkThriftServer",
        "thriftTransportProtocol": "Binary",
        "authenticationType": "Anonymous",
    }


def _options(deadline: float = 20.0) -> TestOptions:
    return TestOptions(address_policy=LOOPBACK_POLICY, connect_timeout_s=2, deadline_s=deadline)


def _failed(report: dict[str, Any]) -> dict[str, Any]:
    assert not report["ok"]
    return next(s for s in report["stages"] if s["status"] == "failed")


def _table_batch(call: int, size: int = 10_000) -> t.TRowSet:
    names = [f"t{call:04d}_{i:05d}" for i in range(size)]
    return string_columns(["spark"] * size, ["big"] * size, names, ["TABLE"] * size, [""] * size)


def test_a_catalog_of_ten_million_tables_is_read_only_up_to_the_cap() -> None:
    # The server ignores maxRows and would send 1,000 batches of 10,000 rows.
    handler = Handler(
        schema_of(*TABLE_COLUMNS),
        lambda call, _: _table_batch(call) if call < 1000 else string_columns([], [], [], [], []),
    )
    with fake_hive(handler) as port:
        started = time.monotonic()
        report = live.tables(FLAVOUR, V1, _tp(port), _options(), schema="big", limit=50)
        elapsed = time.monotonic() - started
    assert report["ok"], report["stages"]
    result = report["result"]
    assert len(result["tables"]) == 50 and result["more"]
    assert result["cut"], "the cut is said"
    assert handler.calls <= 12, "reading stopped at the cap, not at the end of the catalog"
    assert elapsed < 20


def test_a_reply_with_more_items_than_the_container_cap_is_refused() -> None:
    handler = Handler(schema_of("TABLE_SCHEM", "TABLE_CATALOG"), lambda *_: _huge())
    with fake_hive(handler) as port:
        report = live.schemas(FLAVOUR, V1, _tp(port), _options())
    failed = _failed(report)
    assert failed["name"] == "GetSchemas"
    assert "100000" in failed["detail"]  # the container cap, C or pure-Python decoder


def _huge() -> t.TRowSet:
    many = ["x"] * 150_000
    return string_columns(many, many)


def test_a_preview_whose_fetch_stalls_ends_at_the_deadline() -> None:
    def stall(call: int, max_rows: int) -> t.TRowSet:
        time.sleep(3)
        return string_columns([])

    handler = Handler(schema_of("id", type_id=t.TTypeId.INT_TYPE), stall)
    with fake_hive(handler) as port:
        started = time.monotonic()
        report = live.preview(
            FLAVOUR, V1, _tp(port), _options(deadline=1.5), PreviewRequest(query="SELECT id FROM t")
        )
        elapsed = time.monotonic() - started
    failed = _failed(report)
    assert failed["name"] == "Preview query"
    assert "deadline" in failed["detail"]
    assert "result" not in report
    assert elapsed < 10  # the deadline (1.5 s) ends it: a wide margin for a loaded machine


def test_a_stall_in_the_middle_of_a_catalog_read_discards_the_rows_read_so_far() -> None:
    # 10,000 table names arrive (a whole batch), then the server goes silent.
    handler = Handler(schema_of(*TABLE_COLUMNS), stalls_after(_table_batch(0), 3))
    with fake_hive(handler) as port:
        started = time.monotonic()
        report = live.tables(FLAVOUR, V1, _tp(port), _options(deadline=1.5), schema="big")
        elapsed = time.monotonic() - started
    failed = _failed(report)
    assert failed["name"] == "GetTables" and "deadline" in failed["detail"]
    assert "result" not in report and handler.calls == 2
    assert elapsed < 10  # the deadline (1.5 s) ends it: a wide margin for a loaded machine


def test_column_buffers_of_different_lengths_are_a_malformed_reply() -> None:
    broken = t.TRowSet(
        startRowOffset=0,
        rows=[],
        columns=[
            t.TColumn(i32Val=t.TI32Column(values=[1, 2, 3], nulls=b"")),
            t.TColumn(stringVal=t.TStringColumn(values=["a"], nulls=b"")),
        ],
    )
    handler = Handler(schema_of("a", "b"), lambda *_: broken)
    with fake_hive(handler) as port:
        report = live.preview(
            FLAVOUR, V1, _tp(port), _options(), PreviewRequest(query="SELECT a, b FROM t")
        )
    failed = _failed(report)
    assert failed["name"] == "Preview query"
    assert "differ in length" in failed["detail"]
    assert handler.closed_operations == 1, "the operation is still closed"
    assert handler.explained == 1, "the statement was judged by its plan first"


def test_nulls_come_from_the_bitmap_least_significant_bit_first() -> None:
    rows = t.TRowSet(
        startRowOffset=0,
        rows=[],
        columns=[
            t.TColumn(i64Val=t.TI64Column(values=list(range(10)), nulls=bytes([0b00000101, 0b10])))
        ],
    )
    handler = Handler(
        schema_of("n", type_id=t.TTypeId.BIGINT_TYPE),
        lambda call, _: rows if call == 0 else string_columns([]),
    )
    handler.fetch = lambda call, _: (
        rows
        if call == 0
        else t.TRowSet(
            startRowOffset=0,
            rows=[],
            columns=[t.TColumn(i64Val=t.TI64Column(values=[], nulls=b""))],
        )
    )
    with fake_hive(handler) as port:
        report = live.preview(
            FLAVOUR, V1, _tp(port), _options(), PreviewRequest(query="SELECT n FROM t")
        )
    assert report["ok"], report["stages"]
    values = [row[0] for row in report["result"]["rows"]]
    assert values == [None, 1, None, 3, 4, 5, 6, 7, 8, None]
    assert report["result"]["columns"][0]["source_type"] == "LongType"


def test_a_column_type_the_table_does_not_know_is_shown_raw_as_unknown() -> None:
    rows = string_columns(["x"])
    handler = Handler(
        schema_of("u", type_id=t.TTypeId.USER_DEFINED_TYPE),
        lambda call, _: rows if call == 0 else string_columns([]),
    )
    with fake_hive(handler) as port:
        report = live.preview(
            FLAVOUR, V1, _tp(port), _options(), PreviewRequest(query="SELECT u FROM t")
        )
    assert report["ok"], report["stages"]
    column = report["result"]["columns"][0]
    assert column["source_type"] == "USER_DEFINED" and column["interim_type"] == "unknown"
    assert report["result"]["rows"] == [["x"]]

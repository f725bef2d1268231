"""SparkObject datasets against real Spark Thrift Servers: catalog, Import schema, preview."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from thrift.protocol.TBinaryProtocol import TBinaryProtocol

from connectors.base import TestOptions
from connectors.hiveserver2 import live
from connectors.hiveserver2.binary_transport import UnframedTransport
from connectors.hiveserver2.live import PreviewRequest, TableRef
from connectors.spark import CONNECTOR
from connectors.spark.flavour import FLAVOUR
from tests.spark_catalog import (
    ALL_TYPES,
    BIG_ROWS,
    OPTIONS,
    ensure_catalog,
    type_properties,
    with_password,
)
from tests.spark_server import ServerPool

V1 = "binary-nosasl"
V2 = "http-custom"


def _server(spark_pool: ServerPool, mode: str) -> tuple[Any, dict[str, Any]]:
    server = spark_pool.get(mode)
    ensure_catalog(server)
    version, tp, password = type_properties(server)
    return CONNECTOR.version(version), with_password(tp, password)


def _ok(report: dict[str, Any]) -> dict[str, Any]:
    failed = [s for s in report.get("stages", []) if s["status"] == "failed"]
    assert report["ok"], failed or report
    return report["result"]


@pytest.mark.spark(V1)
def test_the_schema_list_has_every_schema(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V1)
    result = _ok(live.schemas(FLAVOUR, version, tp, OPTIONS))
    assert {"default", "sales", "lw_other", "global_temp"} <= set(result["schemas"])


@pytest.mark.spark(V1)
def test_the_table_list_marks_views_and_pages(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V1)
    result = _ok(live.tables(FLAVOUR, version, tp, OPTIONS, schema="sales"))
    names = [(t["name"], t["view"]) for t in result["tables"]]
    assert names == [
        ("all_types", False),
        ("big", False),
        ("empty_t", False),
        ("odd_names", False),
        ("v_types", True),
    ]
    first = _ok(live.tables(FLAVOUR, version, tp, OPTIONS, schema="sales", limit=2))
    second = _ok(live.tables(FLAVOUR, version, tp, OPTIONS, schema="sales", offset=2, limit=2))
    assert [t["name"] for t in first["tables"]] == ["all_types", "big"]
    assert first["more"] and first["total"] == 5
    assert [t["name"] for t in second["tables"]] == ["empty_t", "odd_names"]


@pytest.mark.spark(V1)
def test_the_table_search_matches_its_text_literally(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V1)
    found = _ok(live.tables(FLAVOUR, version, tp, OPTIONS, schema="sales", search="_T"))
    assert [t["name"] for t in found["tables"]] == ["all_types", "empty_t", "v_types"]
    assert (
        _ok(live.tables(FLAVOUR, version, tp, OPTIONS, schema="sales", search="%"))["tables"] == []
    )
    spaced = _ok(live.tables(FLAVOUR, version, tp, OPTIONS, schema="global_temp", search="my v"))
    assert spaced["tables"] == [{"schema": "global_temp", "name": "my view", "view": True}]


@pytest.mark.spark(V1)
def test_import_schema_gives_every_seed_type_under_version_1(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V1)
    result = _ok(live.columns(FLAVOUR, version, tp, OPTIONS, table=TableRef("sales", "all_types")))
    assert [c["name"] for c in result["columns"]] == [name for name, _, _ in ALL_TYPES]
    interim = {c["name"]: (c["source_type"], c["interim_type"]) for c in result["columns"]}
    assert interim["c_ts"] == ("TimestampType", "DateTime")
    assert interim["c_byte"] == ("ByteType", "Int16")
    assert interim["c_ntz"] == ("TimestampNTZType", "DateTime")
    assert interim["c_ym"] == ("YearMonthIntervalType", "Not supported")
    assert interim["c_dt"] == ("DayTimeIntervalType", "Not supported")
    assert interim["c_map"] == ("MapType", "String")
    schema = {e["name"]: e for e in result["schema"]}
    assert schema["c_dec"] == {"name": "c_dec", "type": "decimal", "precision": 10, "scale": 2}
    assert schema["c_int"] == {"name": "c_int", "type": "int"}


@pytest.mark.spark(V2)
def test_import_schema_under_version_2_uses_its_interim_types(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V2)
    result = _ok(live.columns(FLAVOUR, version, tp, OPTIONS, table=TableRef("sales", "all_types")))
    interim = {c["name"]: c["interim_type"] for c in result["columns"]}
    assert interim["c_ts"] == "DateTimeOffset"
    assert interim["c_byte"] == "Sbyte"
    assert interim["c_ym"] == interim["c_dt"] == "String"
    assert all(c["supported"] for c in result["columns"])


@pytest.mark.spark(V1)
def test_a_table_preview_names_its_column_types_as_import_schema_does_without_get_columns(
    spark_pool: ServerPool,
) -> None:
    version, tp = _server(spark_pool, V1)
    calls: list[str] = []
    waits = [0, 0]  # round trips; whether a request was sent since the last reply was read
    begin, flush, read = (
        TBinaryProtocol.writeMessageBegin,
        UnframedTransport.flush,
        UnframedTransport.read,
    )

    def counted_begin(self: TBinaryProtocol, name: str, kind: int, seqid: int) -> None:
        calls.append(name)
        begin(self, name, kind, seqid)

    def counted_flush(self: UnframedTransport) -> None:
        waits[1] = 1
        flush(self)

    def counted_read(self: UnframedTransport, size: int) -> bytes:
        waits[0], waits[1] = waits[0] + waits[1], 0
        return read(self, size)

    for table in ("all_types", "v_types", "odd_names"):
        ref = TableRef("sales", table)
        imported = _ok(live.columns(FLAVOUR, version, tp, OPTIONS, table=ref))["columns"]
        calls.clear()
        waits[:] = [0, 0]
        with (
            mock.patch.object(TBinaryProtocol, "writeMessageBegin", counted_begin),
            mock.patch.object(UnframedTransport, "flush", counted_flush),
            mock.patch.object(UnframedTransport, "read", counted_read),
        ):
            report = live.preview(FLAVOUR, version, tp, OPTIONS, PreviewRequest(table=ref))
        assert _ok(report)["columns"] == imported
        # GetColumns is not asked; CloseSession closes both operations.
        assert calls[:8] == [
            "OpenSession",
            "GetInfo",  # server name and version: one round trip
            "GetInfo",
            "ExecuteStatement",  # EXPLAIN EXTENDED, the plan check
            "FetchResults",
            "ExecuteStatement",
            "GetResultSetMetadata",  # with the first row: one round trip
            "FetchResults",
        ], table
        assert set(calls[8:-1]) <= {"FetchResults"} and calls[-1] == "CloseSession", calls
        assert waits[0] == len(calls) - 2, calls
        info = next(s for s in report["stages"] if s["name"] == "Server name and version")
        assert info["detail"] == "Spark SQL 3.5.3"


@pytest.mark.spark(V2)
def test_preview_carries_values_as_the_interim_types_do(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V2)
    result = _ok(
        live.preview(
            FLAVOUR, version, tp, OPTIONS, PreviewRequest(table=TableRef("sales", "all_types"))
        )
    )
    assert result["version"] == "2.0"
    names = [c["name"] for c in result["columns"]]
    values, nulls = (dict(zip(names, row, strict=True)) for row in result["rows"])
    assert set(nulls.values()) == {None}
    assert values["c_bool"] is True and values["c_byte"] == -5 and values["c_long"] == 9000000000
    assert values["c_date"] == "2024-01-31T00:00:00"
    assert values["c_ts"].startswith("2024-01-31T12:34:56.789") and values["c_ts"].endswith(
        "+00:00"
    )
    assert values["c_ntz"] == "2024-01-31T01:02:03"
    assert values["c_dec"] == "12.34"
    assert values["c_binary"] == "0xCAFE"
    assert values["c_string"] == "héllo"
    assert values["c_array"] == "[1,2]"
    assert values["c_struct"] == '{"a":1,"b":"x"}'
    assert values["c_map"] == '{"k":1}'
    assert "1-2" in values["c_ym"] and "3 04:05:06" in values["c_dt"]
    assert result["cut"] == ""


@pytest.mark.spark(V1)
def test_under_version_1_interval_values_are_not_carried(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V1)
    result = _ok(
        live.preview(
            FLAVOUR, version, tp, OPTIONS, PreviewRequest(table=TableRef("sales", "all_types"))
        )
    )
    names = [c["name"] for c in result["columns"]]
    values = dict(zip(names, result["rows"][0], strict=True))
    assert values["c_ym"] is None and values["c_dt"] is None
    assert values["c_ts"] == "2024-01-31T12:34:56.789"


@pytest.mark.spark(V1)
def test_preview_of_a_large_table_stops_at_the_rows_asked_and_says_so(
    spark_pool: ServerPool,
) -> None:
    version, tp = _server(spark_pool, V1)
    big = TableRef("sales", "big")
    first = _ok(live.preview(FLAVOUR, version, tp, OPTIONS, PreviewRequest(table=big)))
    assert first["row_count"] == 100 and "first 100 rows" in first["cut"]
    most = _ok(live.preview(FLAVOUR, version, tp, OPTIONS, PreviewRequest(table=big, rows=5000)))
    assert most["row_count"] == 1000 and "first 1,000 rows" in most["cut"]
    assert BIG_ROWS > 1000


@pytest.mark.spark(V1)
def test_preview_over_the_byte_cap_is_cut_and_says_so(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V1)
    request = PreviewRequest(table=TableRef("sales", "big"), rows=1000, max_bytes=20_000)
    result = _ok(live.preview(FLAVOUR, version, tp, OPTIONS, request))
    assert 0 < result["row_count"] < 1000
    assert "20,000-byte cap" in result["cut"]


@pytest.mark.spark(V1)
def test_preview_of_an_empty_table_has_columns_and_no_rows(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V1)
    result = _ok(
        live.preview(
            FLAVOUR, version, tp, OPTIONS, PreviewRequest(table=TableRef("sales", "empty_t"))
        )
    )
    assert [c["name"] for c in result["columns"]] == ["id"]
    assert result["rows"] == [] and result["cut"] == ""


@pytest.mark.spark(V1)
def test_names_with_spaces_and_backticks_are_read_and_previewed(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V1)
    odd = TableRef("sales", "odd_names")
    columns = _ok(live.columns(FLAVOUR, version, tp, OPTIONS, table=odd))
    assert [c["name"] for c in columns["columns"]] == ["a b", "we`ird"]
    rows = _ok(live.preview(FLAVOUR, version, tp, OPTIONS, PreviewRequest(table=odd)))["rows"]
    assert rows == [[1, "x"]]
    view = _ok(
        live.preview(
            FLAVOUR, version, tp, OPTIONS, PreviewRequest(table=TableRef("global_temp", "my view"))
        )
    )
    assert view["rows"] == [[1]]


@pytest.mark.spark(V1)
def test_a_preview_query_is_wrapped_and_limited(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V1)
    request = PreviewRequest(query="SELECT id FROM sales.big ORDER BY id -- first ones\n", rows=3)
    result = _ok(live.preview(FLAVOUR, version, tp, OPTIONS, request))
    assert result["rows"] == [[0], [1], [2]] and "first 3 rows" in result["cut"]


@pytest.mark.spark(V1)
def test_a_missing_table_fails_at_its_stage_with_advice(spark_pool: ServerPool) -> None:
    version, tp = _server(spark_pool, V1)
    report = live.columns(FLAVOUR, version, tp, OPTIONS, table=TableRef("sales", "nope"))
    assert not report["ok"] and "result" not in report
    failed = next(s for s in report["stages"] if s["status"] == "failed")
    assert failed["name"] == "GetColumns"
    assert "sales.nope does not exist" in failed["observed"]
    stages = [s["name"] for s in report["stages"]]
    assert stages[-2:] == ["GetColumns", "CloseSession"]
    preview = live.preview(
        FLAVOUR, version, tp, OPTIONS, PreviewRequest(table=TableRef("sales", "nope"))
    )
    failed = next(s for s in preview["stages"] if s["status"] == "failed")
    assert failed["name"] == "Preview query" and "TABLE_OR_VIEW_NOT_FOUND" in failed["detail"]


@pytest.mark.spark(V2)
def test_a_refused_password_gives_the_staged_diagnosis_instead_of_a_list(
    spark_pool: ServerPool,
) -> None:
    version, tp = _server(spark_pool, V2)
    report = live.tables(FLAVOUR, version, with_password(tp, "wrong"), OPTIONS, schema="sales")
    assert not report["ok"]
    failed = next(s for s in report["stages"] if s["status"] == "failed")
    assert failed["name"] == "Transport and authentication"
    assert [s["status"] for s in report["stages"] if s["name"] == "GetTables"] == ["skipped"]


def test_a_query_that_writes_is_refused_before_any_connection() -> None:
    def no_address(_: Any) -> str:
        raise AssertionError("the preview tried to connect")

    options = TestOptions(address_policy=no_address)
    tp = {"host": "127.0.0.1", "port": 1, "thriftTransportProtocol": "Binary"}
    report = live.preview(
        FLAVOUR, CONNECTOR.version("1.0"), tp, options, PreviewRequest(query="DROP TABLE sales.big")
    )
    assert not report["ok"] and "not 'DROP'" in report["refused"]
    assert report["stages"] == []

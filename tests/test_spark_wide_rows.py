"""Rows wider than the reply cap, read from real Spark Thrift Servers in each transport.

The table ``lw_wide.rows`` has rows of about 3 MB (a 3,000,000-character column); the
client's reply cap is set to a few megabytes, so asking for the rows a preview asks for at
once (its batch) would take one reply of about 18 MB.
"""

from __future__ import annotations

from typing import Any

import pytest

from connectors.hiveserver2 import live
from connectors.hiveserver2.client import FetchLimits, HiveClient
from connectors.hiveserver2.diagnostics import Operation, Stage, StageStatus, TestReport
from connectors.hiveserver2.diagnostics import run_connection_test as run_test
from connectors.hiveserver2.live import PreviewRequest, TableRef
from connectors.hiveserver2.results import ResultSet
from connectors.net.deadline import Deadline
from connectors.spark import CONNECTOR
from connectors.spark.flavour import FLAVOUR
from connectors.spark.settings import ClientLimits, settings_from_type_properties
from tests.helpers import LOOPBACK_POLICY, describe
from tests.spark_catalog import OPTIONS, type_properties
from tests.spark_server import ServerPool, SparkThriftServer

WIDE = 3_000_000
ROWS = 6
SETUP = [
    "CREATE DATABASE IF NOT EXISTS lw_wide",
    "CREATE TABLE IF NOT EXISTS lw_wide.rows USING parquet AS SELECT id, "
    f"repeat('x', {WIDE}) AS wide, repeat('é', 100) AS narrow FROM range({ROWS})",
]
PREVIEW = f"SELECT * FROM lw_wide.rows ORDER BY id LIMIT {ROWS}"
# As live.preview asks: every row (and one more) in one batch, at most 64 MB of values.
PREVIEW_LIMITS = FetchLimits(max_rows=ROWS, max_bytes=64 << 20, batch_rows=ROWS + 1)

TRANSPORTS = ["binary-nosasl", "binary-sasl-none", "http-custom"]
_ready: set[int] = set()


def linked_service(server: SparkThriftServer) -> tuple[str, dict[str, Any], str | None]:
    """(version, typeProperties, password) for the server, in its own transport."""
    version, tp, password = type_properties(server)
    if server.mode.authentication == "NONE":
        tp = {**tp, "thriftTransportProtocol": "SASL"}
    return version, tp, password


def run(spark_pool: ServerPool, mode: str, cap: int) -> TestReport:
    """The preview's query on the wide table, with the reply cap at ``cap`` bytes."""
    server = spark_pool.get(mode)
    version, tp, password = linked_service(server)
    settings = settings_from_type_properties(version, tp, password)

    def setup(client: HiveClient, deadline: Deadline) -> None:
        for statement in SETUP:
            client.query(statement, limits=FetchLimits(), timeout_seconds=240)

    if server.port not in _ready:
        made = run_test(
            settings,
            address_policy=LOOPBACK_POLICY,
            limits=ClientLimits(deadline_s=300),
            operation=Operation("create the wide table", setup),
        )
        assert made.ok, describe(made)
        _ready.add(server.port)
    limits = ClientLimits(deadline_s=120, max_frame_bytes=cap, max_http_body_bytes=cap)
    return run_test(
        settings,
        address_policy=LOOPBACK_POLICY,
        limits=limits,
        operation=Operation("Preview query", preview),
    )


def preview(client: HiveClient, deadline: Deadline) -> ResultSet:
    return client.query(PREVIEW, limits=PREVIEW_LIMITS, timeout_seconds=120)


@pytest.mark.spark(*TRANSPORTS)
@pytest.mark.parametrize("mode", TRANSPORTS)
def test_rows_wider_than_the_reply_cap_are_read_a_few_at_a_time(
    spark_pool: ServerPool, mode: str
) -> None:
    report = run(spark_pool, mode, 8 << 20)
    assert report.ok, describe(report)
    result: ResultSet = report.result
    assert [row[0] for row in result.rows] == list(range(ROWS))
    assert all(len(row[1]) == WIDE and row[2] == "é" * 100 for row in result.rows)
    assert result.cut == ""


@pytest.mark.spark(*TRANSPORTS)
@pytest.mark.parametrize("mode", TRANSPORTS)
def test_a_row_wider_than_the_cap_fails_naming_its_size_and_what_to_change(
    spark_pool: ServerPool, mode: str
) -> None:
    cap = 2 << 20
    report = run(spark_pool, mode, cap)
    failed = report.first_failure
    assert failed is not None and failed.name == "Preview query", describe(report)
    assert failed.observed is not None and failed.change is not None
    assert f"one row alone exceeds the {cap:,}-byte reply cap" in failed.observed, failed.observed
    if mode == "binary-sasl-none":  # a SASL frame announces its length
        assert "the server announced 3,0" in failed.observed, failed.observed
    assert f"{cap + 1:,}" not in failed.observed and str(cap + 1) not in failed.observed
    assert "substr(" in failed.change
    # A binary connection cannot skip the refused reply: it is given up, and the server
    # ends the session with it. Over HTTP the next request goes on a new connection.
    closed = StageStatus.PASSED if mode == "http-custom" else StageStatus.SKIPPED
    assert report.stage(Stage.CLOSE_SESSION).status == closed, describe(report)


@pytest.mark.spark("binary-nosasl")
def test_a_preview_of_the_wide_table_shows_the_rows_its_byte_cap_holds_and_says_so(
    spark_pool: ServerPool,
) -> None:
    run(spark_pool, "binary-nosasl", 8 << 20)  # the table exists
    version, tp, _ = linked_service(spark_pool.get("binary-nosasl"))
    request = PreviewRequest(table=TableRef("lw_wide", "rows"))
    report = live.preview(FLAVOUR, CONNECTOR.version(version), tp, OPTIONS, request)
    assert report["ok"], report["stages"]
    result = report["result"]
    assert result["row_count"] == 1 and len(result["rows"][0][1]) == WIDE
    assert f"the {live.PREVIEW_MAX_BYTES:,}-byte cap" in result["cut"]

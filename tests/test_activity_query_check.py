"""Checking activity queries on a real Spark Thrift Server: EXPLAIN parses and plans them,
errors come back with the server's message and position; the guard refuses before any
network."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.base import TestOptions
from connectors.net_policy import AddressPolicy
from connectors.spark import CONNECTOR
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

OPTIONS = TestOptions(address_policy=AddressPolicy(allow_loopback=True), deadline_s=60)


def http_login(port: int) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": port,
        "thriftTransportProtocol": "HTTP",
        "authenticationType": "UsernameAndPassword",
        "username": CUSTOM_USER,
        "password": {"type": "SecureString", "value": CUSTOM_PASSWORD},
        "httpPath": "cliservice",
        "enableSsl": False,
    }


def check(spark_pool: ServerPool, sql: str) -> dict[str, Any]:
    port = spark_pool.get("http-custom").port
    return CONNECTOR.query_tools.check_query(
        CONNECTOR.version("2.0"), http_login(port), sql, OPTIONS
    )


@pytest.mark.spark("http-custom")
def test_a_good_query_is_planned_by_the_server(spark_pool: ServerPool) -> None:
    report = check(spark_pool, "SELECT id, id * 2 AS twice FROM range(10) WHERE id > 3")
    assert report["ok"], report
    assert "Range" in report["plan"]


@pytest.mark.spark("http-custom")
def test_a_syntax_error_comes_back_with_the_server_message_and_position(
    spark_pool: ServerPool,
) -> None:
    report = check(spark_pool, "SELECT id FROM range(3) WHERE id >")
    assert not report["ok"]
    print(report)
    assert "PARSE_SYNTAX_ERROR" in report["message"] or "Syntax error" in report["message"]
    assert report["line"] == 1 and report["column"] is not None


@pytest.mark.spark("http-custom")
def test_a_missing_table_comes_back_with_the_server_message_and_position(
    spark_pool: ServerPool,
) -> None:
    report = check(spark_pool, "SELECT * FROM no_such_table_here")
    print(report)
    assert not report["ok"]
    assert "no_such_table_here" in report["message"]
    assert (report["line"], report["column"]) == (1, 15)


@pytest.mark.spark("http-custom")
def test_a_missing_column_comes_back_with_the_server_message_and_position(
    spark_pool: ServerPool,
) -> None:
    report = check(spark_pool, "SELECT id, nope FROM range(3)")
    print(report)
    assert not report["ok"]
    assert "nope" in report["message"]
    assert (report["line"], report["column"]) == (1, 12)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1; SELECT 2",
        "DROP TABLE x",
        "INSERT INTO t SELECT 1",
        "SELECT 1; -- and more",
        "SELECT 'unterminated",
        "SELECT '" + "x" * (1 << 20) + "'",
    ],
)
def test_the_guard_refuses_before_any_network(sql: str) -> None:
    unreachable = {**http_login(9), "host": "192.0.2.1"}  # never contacted
    denied = TestOptions(address_policy=AddressPolicy(allow_private=False), deadline_s=0.01)
    report = CONNECTOR.query_tools.check_query(CONNECTOR.version("2.0"), unreachable, sql, denied)
    assert not report["ok"]
    assert "failed" not in report["message"]


def preview(spark_pool: ServerPool, sql: str, **kwargs: Any) -> dict[str, Any]:
    preview_query = CONNECTOR.query_tools.preview_query

    port = spark_pool.get("http-custom").port
    return preview_query(CONNECTOR.version("2.0"), http_login(port), sql, OPTIONS, **kwargs)


EVERY_TYPE = """SELECT
  true AS b, CAST(1 AS TINYINT) AS tiny, CAST(2 AS SMALLINT) AS small, 3 AS i,
  CAST(4 AS BIGINT) AS big, CAST(1.5 AS FLOAT) AS f, CAST(2.5 AS DOUBLE) AS d,
  DATE'2024-05-02' AS day, TIMESTAMP'2024-05-02 10:11:12' AS ts, 'text' AS s,
  CAST('ab' AS BINARY) AS bin, CAST(12.34 AS DECIMAL(10,2)) AS dec,
  array(1, 2) AS arr, named_struct('a', 1) AS st, map('k', 'v') AS m,
  INTERVAL '1-2' YEAR TO MONTH AS ym, INTERVAL '1 02:03:04' DAY TO SECOND AS dt"""


@pytest.mark.spark("http-custom")
def test_a_preview_shows_every_data_type_with_its_interim_type(spark_pool: ServerPool) -> None:
    report = preview(spark_pool, EVERY_TYPE)
    assert report["ok"], report
    interim = {c["name"]: c["interim_type"] for c in report["columns"]}
    assert interim == {
        "b": "Boolean", "tiny": "Sbyte", "small": "Int16", "i": "Int32", "big": "Int64",
        "f": "Single", "d": "Double", "day": "DateTime", "ts": "DateTimeOffset",
        "s": "String", "bin": "Byte[]", "dec": "Decimal", "arr": "String", "st": "String",
        "m": "String", "ym": "String", "dt": "String",
    }  # fmt: skip
    assert len(report["rows"]) == 1
    # TIMESTAMP_NTZ travels as TIMESTAMP in a Thrift result set: a query's column cannot
    # tell it apart (the dataset's catalog columns can, see test_spark_dataset_live).


@pytest.mark.spark("http-custom")
def test_a_lookup_first_row_preview_gives_first_row(spark_pool: ServerPool) -> None:
    report = preview(spark_pool, "SELECT id, id * 2 AS twice FROM range(5)", first_row_only=True)
    assert report["ok"], report
    assert '"firstRow": {' in report["output"] and '"twice": 0' in report["output"]
    assert report["warnings"] == []


@pytest.mark.spark("http-custom")
def test_a_lookup_of_all_rows_gives_count_and_value(spark_pool: ServerPool) -> None:
    report = preview(spark_pool, "SELECT id FROM range(30)", first_row_only=False)
    assert report["ok"], report
    assert '"count": 30' in report["output"]
    assert "the first 20 of 30 items" in report["output"]
    assert report["warnings"] == []


@pytest.mark.spark("http-custom")
def test_a_lookup_of_more_than_5000_rows_warns_as_adf_would_fail(spark_pool: ServerPool) -> None:
    report = preview(spark_pool, "SELECT id FROM range(6000)", first_row_only=False)
    assert report["ok"], report
    assert any("more than 5,000 rows" in w for w in report["warnings"])


@pytest.mark.spark("http-custom")
def test_a_lookup_output_over_4_mb_warns_as_adf_would_fail(spark_pool: ServerPool) -> None:
    report = preview(
        spark_pool, "SELECT id, repeat('x', 2000) AS pad FROM range(3000)", first_row_only=False
    )
    assert report["ok"], report
    assert any("larger than 4 MB" in w for w in report["warnings"]), report["warnings"]


@pytest.mark.spark("http-custom")
def test_a_preview_of_a_missing_column_gives_the_position_in_the_query(
    spark_pool: ServerPool,
) -> None:
    report = preview(spark_pool, "SELECT id, nope FROM range(3)")
    assert not report["ok"]
    assert "nope" in report["message"]
    assert (report["line"], report["column"]) == (1, 12)

"""Checking activity queries on a real Spark Thrift Server: EXPLAIN parses and plans them,
errors come back with the server's message and position; the guard refuses before any
network."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.base import TestOptions
from connectors.net_policy import AddressPolicy
from connectors.spark import CONNECTOR
from connectors.spark.activity_queries import check_query
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
    return check_query(CONNECTOR.version("2.0"), http_login(port), sql, OPTIONS)


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
    report = check_query(CONNECTOR.version("2.0"), unreachable, sql, denied)
    assert not report["ok"]
    assert "failed" not in report["message"]

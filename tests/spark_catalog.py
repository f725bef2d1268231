"""A catalog for the dataset tests, created on a real Spark Thrift Server once per server.

Schemas ``sales`` and ``lw_other``; in ``sales``: ``all_types`` (a column of every Spark
type of the seed's "Data type mapping for Spark" table, one row of values and one of
NULLs), ``empty_t``, ``big`` (100,000 rows), ``odd_names`` (column names with a space
and a backtick), the view ``v_types``; in ``global_temp``: the view ``my view``.
"""

from __future__ import annotations

import threading
from typing import Any

from connectors.base import TestOptions
from connectors.hiveserver2.client import FetchLimits, HiveClient
from connectors.hiveserver2.diagnostics import Operation, run_connection_test
from connectors.net.deadline import Deadline
from connectors.spark.settings import ClientLimits, settings_from_type_properties
from tests.helpers import LOOPBACK_POLICY
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, HTTP_PATH, SparkThriftServer

ALL_TYPES = [
    ("c_bool", "BOOLEAN", "true"),
    ("c_byte", "TINYINT", "-5"),
    ("c_short", "SMALLINT", "300"),
    ("c_int", "INT", "70000"),
    ("c_long", "BIGINT", "9000000000"),
    ("c_float", "FLOAT", "1.5"),
    ("c_double", "DOUBLE", "2.25"),
    ("c_date", "DATE", "DATE'2024-01-31'"),
    ("c_ts", "TIMESTAMP", "TIMESTAMP'2024-01-31 12:34:56.789'"),
    ("c_string", "STRING", "'héllo'"),
    ("c_binary", "BINARY", "X'CAFE'"),
    ("c_dec", "DECIMAL(10,2)", "12.34"),
    ("c_array", "ARRAY<INT>", "array(1, 2)"),
    ("c_struct", "STRUCT<a: INT, b: STRING>", "named_struct('a', 1, 'b', 'x')"),
    ("c_map", "MAP<STRING, INT>", "map('k', 1)"),
    ("c_ntz", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ'2024-01-31 01:02:03'"),
    ("c_ym", "INTERVAL YEAR TO MONTH", "INTERVAL '1-2' YEAR TO MONTH"),
    ("c_dt", "INTERVAL DAY TO SECOND", "INTERVAL '3 04:05:06' DAY TO SECOND"),
]
BIG_ROWS = 100_000

SETUP_SQL = [
    "CREATE DATABASE IF NOT EXISTS sales",
    "CREATE DATABASE IF NOT EXISTS lw_other",
    "CREATE TABLE IF NOT EXISTS sales.all_types ("
    + ", ".join(f"{name} {sql_type}" for name, sql_type, _ in ALL_TYPES)
    + ") USING parquet",
    "INSERT OVERWRITE sales.all_types VALUES ("
    + ", ".join(value for _, _, value in ALL_TYPES)
    + "), ("
    + ", ".join("NULL" for _ in ALL_TYPES)
    + ")",
    "CREATE OR REPLACE VIEW sales.v_types AS SELECT c_int, c_ts FROM sales.all_types",
    "CREATE TABLE IF NOT EXISTS sales.empty_t (id INT) USING parquet",
    "CREATE TABLE IF NOT EXISTS sales.odd_names (`a b` INT, `we``ird` STRING) USING parquet",
    "INSERT OVERWRITE sales.odd_names VALUES (1, 'x')",
    f"CREATE TABLE IF NOT EXISTS sales.big USING parquet AS SELECT id, CAST(id AS STRING) AS s, "
    f"repeat('x', 100) AS pad FROM range({BIG_ROWS})",
    "CREATE TABLE IF NOT EXISTS lw_other.elsewhere (id INT) USING parquet",
    "CREATE OR REPLACE GLOBAL TEMP VIEW `my view` AS SELECT 1 AS `a b`",
]

_done: set[int] = set()
_lock = threading.Lock()


def type_properties(server: SparkThriftServer) -> tuple[str, dict[str, Any], str | None]:
    """(connector version, typeProperties, password) of a linked service for the server."""
    if server.mode.http:
        return (
            "2.0",
            {
                "host": "127.0.0.1",
                "port": server.port,
                "serverType": "SparkThriftServer",
                "thriftTransportProtocol": "HTTP",
                "authenticationType": "UsernameAndPassword",
                "username": CUSTOM_USER,
                "httpPath": HTTP_PATH,
                "enableSsl": False,
            },
            CUSTOM_PASSWORD,
        )
    if server.mode.authentication == "CUSTOM" and not server.mode.tls:
        # Binary SASL with the custom authenticator, as a 1.0 linked service names it.
        return (
            "1.0",
            {
                "host": "127.0.0.1",
                "port": server.port,
                "serverType": "SparkThriftServer",
                "thriftTransportProtocol": "SASL",
                "authenticationType": "UsernameAndPassword",
                "username": CUSTOM_USER,
            },
            CUSTOM_PASSWORD,
        )
    return (
        "1.0",
        {
            "host": "127.0.0.1",
            "port": server.port,
            "serverType": "SparkThriftServer",
            "thriftTransportProtocol": "Binary",
            "authenticationType": "Anonymous",
        },
        None,
    )


def with_password(tp: dict[str, Any], password: str | None) -> dict[str, Any]:
    if password is None:
        return tp
    return {**tp, "password": {"type": "SecureString", "value": password}}


OPTIONS = TestOptions(address_policy=LOOPBACK_POLICY, connect_timeout_s=5, deadline_s=60)


def ensure_catalog(server: SparkThriftServer) -> None:
    """Create the catalog on ``server`` (once per server and test session)."""
    with _lock:
        if server.port in _done:
            return
        version, tp, password = type_properties(server)
        settings = settings_from_type_properties(version, tp, password)

        def setup(client: HiveClient, deadline: Deadline) -> None:
            for statement in SETUP_SQL:
                client.query(statement, limits=FetchLimits(), timeout_seconds=240)

        report = run_connection_test(
            settings,
            address_policy=LOOPBACK_POLICY,
            limits=ClientLimits(deadline_s=300),
            operation=Operation("create the test catalog", setup),
        )
        failure = report.first_failure
        assert failure is None, f"{failure.name}: {failure.detail}"
        _done.add(server.port)

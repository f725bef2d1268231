"""Spark SQL as the shared HiveServer2 catalog, preview and query checks need it: the
read-only guard on Spark's own lexer, test values as Spark literals, the Spark types of the
seed's table, and the reader of a Spark server's plans (``EXPLAIN EXTENDED``,
:mod:`connectors.spark.plan_check`), for the servers that say they are Spark SQL."""

from __future__ import annotations

from typing import Any

from connectors.hiveserver2.client import HiveClient
from connectors.hiveserver2.dialect import Dialect, PlanReader
from connectors.spark import plan_check, plan_types, query_guard, query_values, type_mapping

SPARK_SERVER_NAMES = frozenset({"Spark SQL"})
"""What a Spark Thrift Server answers to GetInfo CLI_SERVER_NAME (pyspark 3.5.3 checked)."""


def _check(client: HiveClient, statement: str, timeout_seconds: int) -> Any:
    return plan_check.check_plan(client, statement, timeout_seconds=timeout_seconds)


SPARK_SQL_READER = PlanReader(
    name="Spark SQL's EXPLAIN EXTENDED (the analysed plan)",
    server_names=SPARK_SERVER_NAMES,
    explain_prefix=plan_check.EXPLAIN,
    check=_check,
    session_configuration=plan_check.SESSION_CONFIGURATION,
    verified="against the Spark Thrift Server of pyspark 3.5.3",
    output_types=plan_types.output_types,
)

SPARK_DIALECT = Dialect(
    type_label="Spark type",
    column_type=type_mapping.column_type,
    check_read_only=query_guard.check_read_only,
    refused=query_guard.QueryRefused,
    place_values=query_values.place_values,
    readers=(SPARK_SQL_READER,),
    upgrade=("1.0", "2.0"),
)

__all__ = ["SPARK_DIALECT", "SPARK_SERVER_NAMES", "SPARK_SQL_READER"]

"""Spark data types and the interim service types ADF uses for them, per connector version.

The table is the seed's "Data type mapping for Spark", kept verbatim beside this module in
``type-mapping.md`` and parsed from there: it is written once.

API (stable)::

    column_type("DECIMAL(10,2)", "2.0") -> ColumnType(
        server_type="DECIMAL(10,2)", source_type="DecimalType", interim_type="Decimal",
        supported=True, precision=10, scale=2, adf_type="decimal")
    spark_type_of(server_type) -> "DecimalType" | None        (None: unknown to the table)
    interim_type(spark_type, version) -> "Decimal" | "Not supported" | "unknown"
    MAPPING -> {spark_type: {"2.0": interim, "1.0": interim}}
    changes_between(spark_type, "1.0", "2.0") -> ("DateTime", "DateTimeOffset") | None

``server_type`` is the type as a Spark Thrift Server reports it (GetColumns TYPE_NAME,
e.g. ``int``, ``TIMESTAMP_NTZ``, ``ARRAY<STRUCT<a: INT>>``, ``INTERVAL DAY TO SECOND``)
or a result set's column type name (``INT_TYPE``); case does not matter.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from connectors.hiveserver2.types import NOT_SUPPORTED, UNKNOWN, ColumnType

TABLE_PATH = Path(__file__).with_name("type-mapping.md")

# The column headers of the seed table name the versions in this order.
_VERSION_COLUMNS = {"2.0": 1, "1.0": 2}

_SIMPLE: dict[str, str] = {
    "BOOLEAN": "BooleanType",
    "TINYINT": "ByteType",
    "BYTE": "ByteType",
    "SMALLINT": "ShortType",
    "SHORT": "ShortType",
    "INT": "IntegerType",
    "INTEGER": "IntegerType",
    "BIGINT": "LongType",
    "LONG": "LongType",
    "FLOAT": "FloatType",
    "REAL": "FloatType",
    "DOUBLE": "DoubleType",
    "DATE": "DateType",
    "TIMESTAMP": "TimestampType",
    "TIMESTAMP_LTZ": "TimestampType",
    "TIMESTAMP_NTZ": "TimestampNTZType",
    "STRING": "StringType",
    "CHAR": "StringType",
    "VARCHAR": "StringType",
    "BINARY": "BinaryType",
    "DECIMAL": "DecimalType",
    "DEC": "DecimalType",
    "NUMERIC": "DecimalType",
    "ARRAY": "ArrayType",
    "STRUCT": "StructType",
    "MAP": "MapType",
    # Result-set column types (TTypeId names without _TYPE).
    "INTERVAL_YEAR_MONTH": "YearMonthIntervalType",
    "INTERVAL_DAY_TIME": "DayTimeIntervalType",
}
_YEAR_MONTH_FIELDS = {"YEAR", "MONTH"}
_HEAD = re.compile(r"\s*([A-Za-z_]+)")
_DECIMAL_ARGS = re.compile(r"^\s*[A-Za-z]+\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)\s*$")


@cache
def _table() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for line in TABLE_PATH.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].endswith("Type"):
            continue
        rows[cells[0]] = {
            version: _clean(cells[index]) for version, index in _VERSION_COLUMNS.items()
        }
    return rows


def _clean(cell: str) -> str:
    cell = cell.rstrip(".").strip()
    return NOT_SUPPORTED if cell.lower() == "not supported" else cell


MAPPING = _table()


def spark_type_of(server_type: str) -> str | None:
    """The Spark data type of the seed's table for a type name the server reports."""
    text = (server_type or "").strip().upper()
    if text.endswith("_TYPE"):
        text = text[: -len("_TYPE")]
    if text.startswith("INTERVAL"):
        if text in _SIMPLE:
            return _SIMPLE[text]
        fields = set(re.findall(r"[A-Z]+", text[len("INTERVAL") :])) - {"TO"}
        if not fields:
            return None
        return "YearMonthIntervalType" if fields <= _YEAR_MONTH_FIELDS else "DayTimeIntervalType"
    m = _HEAD.match(text)
    return _SIMPLE.get(m.group(1)) if m else None


def interim_type(spark_type: str | None, version: str) -> str:
    """The interim service type under a connector version ("unknown" off the table)."""
    row = MAPPING.get(spark_type or "")
    if row is None:
        return UNKNOWN
    return row.get(version, UNKNOWN)


def changes_between(spark_type: str, old: str, new: str) -> tuple[str, str] | None:
    """(interim under ``old``, interim under ``new``) when they differ, else None."""
    before, after = interim_type(spark_type, old), interim_type(spark_type, new)
    return (before, after) if before != after else None


def column_type(
    server_type: str,
    version: str,
    *,
    precision: int | None = None,
    scale: int | None = None,
) -> ColumnType:
    """Everything shown about one column's type under a connector version."""
    spark = spark_type_of(server_type)
    head = _HEAD.match(server_type or "")
    adf = (head.group(1).lower() if head else "") or (server_type or "").lower()
    if spark == "DecimalType":
        m = _DECIMAL_ARGS.match(server_type)
        if m:
            precision = int(m.group(1))
            scale = int(m.group(2) or 0)
        else:
            # Spark's DECIMAL without arguments is DECIMAL(10,0).
            precision = 10 if precision is None else precision
            scale = 0 if scale is None else scale
    else:
        precision = scale = None
    if spark is None or spark in ("YearMonthIntervalType", "DayTimeIntervalType"):
        adf = (server_type or "").strip().lower()
    return ColumnType(
        server_type=server_type,
        source_type=spark,
        interim_type=interim_type(spark, version),
        adf_type=adf,
        precision=precision,
        scale=scale,
    )


__all__ = [
    "MAPPING",
    "NOT_SUPPORTED",
    "UNKNOWN",
    "ColumnType",
    "changes_between",
    "column_type",
    "interim_type",
    "spark_type_of",
]

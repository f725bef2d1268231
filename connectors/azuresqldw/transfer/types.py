"""Spark column types and the SQL pool column type the Spark connector creates for each.

The only documented rule (facts sheet 6.6) is that String columns become NVARCHAR(4000).
The rest follows the usual Spark JDBC / SQL Server mapping and is marked **assumed**: no
stored source gives the connector's full table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOCUMENTED = "documented"
ASSUMED = "assumed"

SIMPLE = {
    "string": ("NVARCHAR(4000)", DOCUMENTED, "strings longer than 4000 characters do not fit"),
    "boolean": ("BIT", ASSUMED, ""),
    "byte": ("SMALLINT", ASSUMED, ""),
    "tinyint": ("SMALLINT", ASSUMED, ""),
    "short": ("SMALLINT", ASSUMED, ""),
    "smallint": ("SMALLINT", ASSUMED, ""),
    "int": ("INT", ASSUMED, ""),
    "integer": ("INT", ASSUMED, ""),
    "long": ("BIGINT", ASSUMED, ""),
    "bigint": ("BIGINT", ASSUMED, ""),
    "float": ("REAL", ASSUMED, ""),
    "double": ("FLOAT", ASSUMED, ""),
    "date": ("DATE", ASSUMED, ""),
    "timestamp": ("DATETIME2(7)", ASSUMED, "time zone dropped (stored as UTC wall time)"),
    "timestamp_ntz": ("DATETIME2(7)", ASSUMED, ""),
    "binary": ("VARBINARY(8000)", ASSUMED, "values longer than 8000 bytes do not fit"),
}
COMPLEX = ("array", "map", "struct", "interval", "void", "null", "calendarinterval")
DECIMAL = re.compile(r"^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$")
CHARS = re.compile(r"^(char|varchar)\s*\(\s*(\d+)\s*\)$")


@dataclass(frozen=True)
class Mapping:
    column: str
    spark_type: str
    pool_type: str | None
    """None: the pool cannot take this column."""
    source: str
    note: str = ""

    @property
    def writable(self) -> bool:
        return self.pool_type is not None

    @property
    def loses_precision(self) -> bool:
        return bool(self.note) and self.writable

    def as_dict(self) -> dict[str, object]:
        return {
            "column": self.column,
            "spark_type": self.spark_type,
            "pool_type": self.pool_type,
            "source": self.source,
            "note": self.note,
            "writable": self.writable,
            "loses_precision": self.loses_precision,
        }


def map_column(column: str, spark_type: str) -> Mapping:
    text = " ".join(str(spark_type).strip().lower().split())
    if text in SIMPLE:
        pool, source, note = SIMPLE[text]
        return Mapping(column, spark_type, pool, source, note)
    if text == "decimal":
        text = "decimal(10,0)"
    match = DECIMAL.match(text)
    if match:
        precision, scale = int(match.group(1)), int(match.group(2))
        if precision > 38:
            return Mapping(
                column, spark_type, None, ASSUMED, "precision above 38: the pool cannot hold it"
            )
        return Mapping(column, spark_type, f"DECIMAL({precision},{scale})", ASSUMED)
    match = CHARS.match(text)
    if match:
        length = int(match.group(2))
        if length > 4000:
            return Mapping(
                column, spark_type, "NVARCHAR(4000)", DOCUMENTED, "longer than 4000: truncated"
            )
        return Mapping(column, spark_type, "NVARCHAR(4000)", DOCUMENTED, "")
    if text.split("<", 1)[0].split("(", 1)[0].split(" ", 1)[0] in COMPLEX:
        return Mapping(
            column,
            spark_type,
            None,
            ASSUMED,
            "nested and interval types cannot be written: flatten or cast to string first",
        )
    return Mapping(column, spark_type, None, ASSUMED, f"unknown Spark type {spark_type!r}")

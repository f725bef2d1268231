"""Result sets of the HiveServer2 protocol: column descriptions and columnar decoding.

Protocol V6+ servers (every Spark Thrift Server) send a ``TRowSet`` as a list of
``TColumn``: one typed list of values per column, plus a ``nulls`` bitmap in which bit
``i % 8`` of byte ``i // 8`` (least significant bit first) marks row ``i`` as NULL.
:func:`decode_columns` turns each into a Python list with ``None`` for NULL, column by
column, and checks that every column has the same number of rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from connectors.hiveserver2.gen.TCLIService import ttypes as t
from connectors.net.errors import (
    MalformedReply,
)

_TYPED = ("boolVal", "byteVal", "i16Val", "i32Val", "i64Val", "doubleVal", "stringVal", "binaryVal")
_FIXED_WIDTH = {"boolVal": 1, "byteVal": 1, "i16Val": 2, "i32Val": 4, "i64Val": 8, "doubleVal": 8}
# The most bytes a value of a column type takes in a reply (the 4-byte length of a text
# value included), where the type alone bounds it; a type not here has no bound.
_TYPE_BYTES = {
    "BOOLEAN": 1,
    "TINYINT": 1,
    "SMALLINT": 2,
    "INT": 4,
    "BIGINT": 8,
    "FLOAT": 8,
    "DOUBLE": 8,
    "NULL": 8,
    "DATE": 4 + 16,
    "TIMESTAMP": 4 + 40,
    "INTERVAL_YEAR_MONTH": 4 + 40,
    "INTERVAL_DAY_TIME": 4 + 40,
}
_SIZED = re.compile(r"(DECIMAL|VARCHAR|CHAR)\((\d+)")


@dataclass(frozen=True)
class ResultColumn:
    """One column of a result set as the server describes it."""

    name: str
    type_name: str
    """``INT``, ``DECIMAL(10,2)``, ``ARRAY`` ... (the TTypeId name without ``_TYPE``,
    with precision/scale or length when the server gives them)."""
    precision: int | None = None
    scale: int | None = None


@dataclass
class ResultSet:
    """Rows read within the limits; ``cut`` says why reading stopped early (or "")."""

    columns: list[ResultColumn]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    cut: str = ""
    bytes_read: int = 0

    def as_dicts(self) -> list[dict[str, Any]]:
        names = [c.name for c in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


def announced_row_bytes(columns: list[ResultColumn]) -> int | None:
    """The most bytes one row of ``columns`` can take in a reply, from the column types the
    server announced; None when a type does not bound its values (STRING, BINARY, nested
    types ...)."""
    total = 0
    for column in columns:
        sized = _SIZED.match(column.type_name)
        if sized:
            digits = int(sized.group(2))
            # A decimal's text: its digits, sign and point; text: 4 UTF-8 bytes a character.
            total += 4 + (digits + 2 if sized.group(1) == "DECIMAL" else 4 * digits)
        elif column.type_name in _TYPE_BYTES:
            total += _TYPE_BYTES[column.type_name]
        else:
            return None
    return total


def widest_row_bytes(rowset: t.TRowSet | None, columns: list[list[Any]]) -> int:
    """The most bytes one row of ``columns`` (decoded from ``rowset``) can have taken in the
    reply: the sum of each column's widest value, text counted as UTF-8 (its length when
    ASCII, else 4 bytes a character), each with its 4-byte length."""
    if rowset is None or not rowset.columns:
        return 0
    total = 0
    for column, values in zip(rowset.columns, columns, strict=True):
        attr, _ = typed_column(column)
        if attr in _FIXED_WIDTH:
            total += _FIXED_WIDTH[attr]
            continue
        present = list(filter(None, values))
        widest = max(map(len, present), default=0)
        if attr == "stringVal" and not all(map(str.isascii, present)):
            widest *= 4
        total += 4 + widest
    return total


def describe_columns(schema: t.TTableSchema | None) -> list[ResultColumn]:
    if schema is None or not schema.columns:
        return []
    described = []
    for desc in sorted(schema.columns, key=lambda d: d.position or 0):
        entry = desc.typeDesc.types[0].primitiveEntry if desc.typeDesc.types else None
        if entry is None:
            described.append(ResultColumn(desc.columnName, "UNKNOWN"))
            continue
        name = t.TTypeId._VALUES_TO_NAMES.get(entry.type, f"TYPE_{entry.type}")
        name = name.removesuffix("_TYPE")
        qualifiers = (entry.typeQualifiers.qualifiers or {}) if entry.typeQualifiers else {}
        precision = _qualifier(qualifiers, "precision")
        scale = _qualifier(qualifiers, "scale")
        length = _qualifier(qualifiers, "characterMaximumLength")
        if precision is not None:
            name = f"{name}({precision},{scale or 0})"
        elif length is not None:
            name = f"{name}({length})"
        described.append(ResultColumn(desc.columnName, name, precision, scale))
    return described


def _qualifier(qualifiers: dict[str, Any], key: str) -> int | None:
    value = qualifiers.get(key)
    return None if value is None else value.i32Value


def typed_column(column: t.TColumn) -> tuple[str, Any]:
    for attr in _TYPED:
        typed = getattr(column, attr)
        if typed is not None:
            return attr, typed
    raise MalformedReply("a result column carries no values of any known type")


def decode_column(column: t.TColumn) -> tuple[list[Any], int]:
    """(values with None for NULL, approximate bytes of the values)."""
    attr, typed = typed_column(column)
    values = typed.values
    if not isinstance(values, list):
        raise MalformedReply(f"a {attr} result column has no value list")
    nulls = typed.nulls or b""
    if any(nulls):
        values = list(values)
        count = len(values)
        for index, byte in enumerate(nulls):
            if not byte:
                continue
            base = index * 8
            for bit in range(8):
                if byte >> bit & 1 and base + bit < count:
                    values[base + bit] = None
    if attr in _FIXED_WIDTH:
        size = _FIXED_WIDTH[attr] * len(values)
    else:
        # filter(None, ...) drops the NULLs (and empty values, of length 0 anyway): C speed.
        size = sum(map(len, filter(None, values))) + 4 * len(values)
    return values, size


def decode_columns(rowset: t.TRowSet | None, width: int) -> tuple[list[list[Any]], int]:
    """Every column of a columnar row set, and the approximate size of its values."""
    if rowset is None:
        return [[] for _ in range(width)], 0
    if rowset.columns is None:
        if rowset.rows:
            raise MalformedReply(
                "the server sent row-based results; protocol V6 or later sends columns"
            )
        return [[] for _ in range(width)], 0
    if len(rowset.columns) != width:
        raise MalformedReply(
            f"the result has {len(rowset.columns)} columns, its description {width}"
        )
    decoded, total, lengths = [], 0, set()
    for column in rowset.columns:
        values, size = decode_column(column)
        decoded.append(values)
        total += size
        lengths.add(len(values))
    if len(lengths) > 1:
        raise MalformedReply(f"the result's columns differ in length: {sorted(lengths)}")
    return decoded, total

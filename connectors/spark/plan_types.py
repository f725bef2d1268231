"""A result's column types as GetColumns names them, read from the plan the preview's check
already holds, so a table preview needs no GetColumns round trip.

A Spark Thrift Server's result set metadata names some types only by their kind: a
``TIMESTAMP_NTZ`` column is ``TIMESTAMP`` there (and its interim type differs under version
2.0), ``ARRAY<INT>`` is ``ARRAY``, ``INTERVAL DAY TO SECOND`` is ``INTERVAL_DAY_TIME``. The
analysed plan of ``EXPLAIN EXTENDED`` (:mod:`connectors.spark.plan_check`) starts with the
statement's output, ``name: type`` for each column with Spark's ``simpleString`` of the type
(``c_ntz: timestamp_ntz, c_map: map<string,int>``); GetColumns gives ``DataType.sql``
(``TIMESTAMP_NTZ``, ``MAP<STRING, INT>``). API::

    output_types(plan, columns) -> ["INT", "TIMESTAMP_NTZ", "MAP<STRING, INT>", ...] | None

``columns`` are the result's (:class:`~connectors.hiveserver2.results.ResultColumn`); a
column whose metadata is already exact (numbers, ``DATE``, ``STRING``, ``BINARY``,
``DECIMAL(p,s)``, ``CHAR(n)``, ``VARCHAR(n)``) keeps it. None when the line does not read
as exactly these columns, in order, each of the kind its metadata says (the caller then asks
GetColumns). Two things the plan does not show: comments of struct fields (GetColumns adds
``COMMENT '...'`` inside ``STRUCT<...>``) and CHAR/VARCHAR inside an array, map or struct
(the plan, like the values, has ``STRING``): those type names are shorter than GetColumns';
their connector and interim types are the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from connectors.hiveserver2.results import ResultColumn

_EXACT = frozenset(
    {"BOOLEAN", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DATE", "STRING"}
    | {"BINARY"}
)
_SIZED = re.compile(r"(DECIMAL|CHAR|VARCHAR)\(\d+(,\d+)?\)")
# The metadata's kind of a column -> how its plan type must start.
_KIND = {
    "TIMESTAMP": ("timestamp",),
    "ARRAY": ("array<",),
    "MAP": ("map<",),
    "STRUCT": ("struct<",),
    "INTERVAL_YEAR_MONTH": ("interval year", "interval month"),
    "INTERVAL_DAY_TIME": ("interval day", "interval hour", "interval minute", "interval second"),
    "NULL": ("void",),
}
_ATOMIC = re.compile(
    r"(?:interval (?:year|month|day|hour|minute|second)(?: to (?:month|hour|minute|second))?"
    r"|boolean|tinyint|smallint|int|bigint|float|double|date|timestamp_ntz|timestamp|string"
    r"|binary|void|(?:decimal|char|varchar)\(\d+(?:,\d+)?\))(?![a-z0-9_])"
)
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]+")


class _Unread(ValueError):
    """The line does not read as the grammar below."""


def output_types(plan: Any, columns: Sequence[ResultColumn]) -> list[str] | None:
    """Each column's server type in GetColumns' form (see the module), or None."""
    if all(_exact(c.type_name) for c in columns):
        return [c.type_name for c in columns]
    line = getattr(plan, "output", "")
    try:
        read = _read_line(line, [c.name for c in columns])
    except _Unread:
        return None
    out = []
    for column, (simple, sql) in zip(columns, read, strict=True):
        if _exact(column.type_name):
            out.append(column.type_name)
        elif simple.startswith(_KIND.get(column.type_name, ())):
            out.append(sql)
        else:
            return None
    return out


def _exact(type_name: str) -> bool:
    return type_name in _EXACT or _SIZED.fullmatch(type_name) is not None


def _read_line(line: str, names: list[str]) -> list[tuple[str, str]]:
    """``name: type, name: type`` with these names: [(simpleString, sql)] per column."""
    at, read = 0, []
    for index, name in enumerate(names):
        head = ("" if index == 0 else ", ") + name + ": "
        if not line.startswith(head, at):
            raise _Unread
        start = at + len(head)
        sql, at = _type(line, start)
        read.append((line[start:at], sql))
    if at != len(line):
        raise _Unread
    return read


def _type(text: str, at: int) -> tuple[str, int]:
    """The type starting at ``at`` as ``DataType.sql`` writes it, and where it ends."""
    if text.startswith("array<", at):
        element, at = _type(text, at + len("array<"))
        return f"ARRAY<{element}>", _expect(text, at, ">")
    if text.startswith("map<", at):
        key, at = _type(text, at + len("map<"))
        value, at = _type(text, _expect(text, at, ","))
        return f"MAP<{key}, {value}>", _expect(text, at, ">")
    if text.startswith("struct<", at):
        at += len("struct<")
        fields: list[str] = []
        while not text.startswith(">", at):
            if fields:
                at = _expect(text, at, ",")
            colon = text.find(":", at)
            if colon < 0:
                raise _Unread
            name = text[at:colon]
            field_type, at = _type(text, colon + 1)
            fields.append(f"{_quoted(name)}: {field_type}")
        return "STRUCT<" + ", ".join(fields) + ">", at + 1
    found = _ATOMIC.match(text, at)
    if found is None:
        raise _Unread
    return found.group(0).upper(), found.end()


def _expect(text: str, at: int, what: str) -> int:
    if not text.startswith(what, at):
        raise _Unread
    return at + len(what)


def _quoted(name: str) -> str:
    """Spark's ``quoteIfNeeded`` of a struct field's name."""
    if _PLAIN_NAME.fullmatch(name) and not name.isdigit():
        return name
    return "`" + name.replace("`", "``") + "`"


__all__ = ["output_types"]

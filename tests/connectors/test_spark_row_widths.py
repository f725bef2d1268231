"""How wide a row of a HiveServer2 result can be: from the column types, and as read."""

from __future__ import annotations

from connectors.hiveserver2.gen.TCLIService import ttypes as t
from connectors.hiveserver2.results import (
    ResultColumn,
    announced_row_bytes,
    decode_columns,
    widest_row_bytes,
)


def test_types_that_bound_their_values_bound_the_row() -> None:
    columns = [
        ResultColumn("id", "BIGINT"),
        ResultColumn("flag", "BOOLEAN"),
        ResultColumn("price", "DECIMAL(10,2)", 10, 2),
        ResultColumn("code", "VARCHAR(5)"),
        ResultColumn("day", "DATE"),
    ]
    assert announced_row_bytes(columns) == 8 + 1 + (4 + 12) + (4 + 20) + 20


def test_a_string_or_nested_column_leaves_the_row_unbounded() -> None:
    for unbounded in ("STRING", "BINARY", "ARRAY", "MAP", "STRUCT", "UNKNOWN"):
        columns = [ResultColumn("id", "INT"), ResultColumn("x", unbounded)]
        assert announced_row_bytes(columns) is None, unbounded


def test_the_widest_row_sums_each_columns_widest_value_in_utf8_at_most() -> None:
    rowset = t.TRowSet(
        startRowOffset=0,
        rows=[],
        columns=[
            t.TColumn(i64Val=t.TI64Column(values=[1, 2, 3], nulls=b"")),
            t.TColumn(stringVal=t.TStringColumn(values=["ab", "abcdef", ""], nulls=b"\x04")),
            t.TColumn(stringVal=t.TStringColumn(values=["é", "x", "y"], nulls=b"")),
            t.TColumn(binaryVal=t.TBinaryColumn(values=[b"\x00" * 9, b"", b""], nulls=b"")),
        ],
    )
    columns, _ = decode_columns(rowset, 4)
    # 8 (BIGINT) + 4 + 6 (ASCII text) + 4 + 4 * 1 (non-ASCII: 4 bytes a character) + 4 + 9
    assert widest_row_bytes(rowset, columns) == 8 + 10 + 8 + 13


def test_an_empty_reply_has_no_width() -> None:
    assert widest_row_bytes(None, []) == 0

"""Preview rows as the interim service types carry them (connectors/spark/live.py
carry_rows): a column with nothing to change is left as it is, every other value is
converted; NULL stays NULL."""

from __future__ import annotations

import math

from connectors.hiveserver2.live import carry_rows
from connectors.spark.type_mapping import ColumnType, column_type


def types(*names: str, version: str = "2.0") -> list[ColumnType]:
    return [column_type(name, version) for name in names]


def test_infinities_and_nan_become_text_and_finite_floats_stay_numbers() -> None:
    rows = [(1.5, 2.5), (math.inf, None), (-math.inf, 0.0), (math.nan, 1e308), (None, 1e308)]
    carried = carry_rows(rows, types("double", "float"))
    assert [row[0] for row in carried] == [1.5, "inf", "-inf", "nan", None]
    assert [row[1] for row in carried] == [2.5, None, 0.0, 1e308, 1e308]  # sum overflows: kept


def test_text_the_decoder_left_as_bytes_is_decoded_or_base64() -> None:
    rows = [("plain",), (b"caf\xc3\xa9",), (b"\xff\xfe",), (None,)]
    assert [row[0] for row in carry_rows(rows, types("string"))] == [
        "plain", "café", "//4=", None,
    ]  # fmt: skip
    assert carry_rows([("a",), ("b",)], types("string")) == [["a"], ["b"]]


def test_dates_timestamps_and_binary_take_their_interim_form() -> None:
    rows = [("2024-01-02", "2024-01-02 03:04:05", "2024-01-02 03:04:05", b"\x01\xab")]
    [row] = carry_rows(rows, types("date", "timestamp", "timestamp_ntz", "binary"))
    assert row == [
        "2024-01-02T00:00:00", "2024-01-02T03:04:05+00:00", "2024-01-02T03:04:05", "0x01AB",
    ]  # fmt: skip

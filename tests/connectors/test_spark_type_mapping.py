"""The seed's "Data type mapping for Spark" table, as the connector reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.spark.type_mapping import (
    MAPPING,
    NOT_SUPPORTED,
    TABLE_PATH,
    UNKNOWN,
    changes_between,
    column_type,
    interim_type,
    spark_type_of,
)

# The Spark connector reference, vendored byte for byte from ../shared/seeds so that a clone
# with nothing beside it checks the table against it too.
SEED = Path(__file__).parent / "data" / "seeds" / "000_2da713b6a7225c28.txt"


def test_the_table_has_every_spark_type_of_the_seed() -> None:
    assert list(MAPPING) == [
        "BooleanType",
        "ByteType",
        "ShortType",
        "IntegerType",
        "LongType",
        "FloatType",
        "DoubleType",
        "DateType",
        "TimestampType",
        "StringType",
        "BinaryType",
        "DecimalType",
        "ArrayType",
        "StructType",
        "MapType",
        "TimestampNTZType",
        "YearMonthIntervalType",
        "DayTimeIntervalType",
    ]


def test_the_connector_keeps_the_seed_table_verbatim() -> None:
    assert TABLE_PATH.read_text(encoding="utf-8").strip() in SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("server_type", "spark", "v2", "v1"),
    [
        ("boolean", "BooleanType", "Boolean", "Boolean"),
        ("TINYINT", "ByteType", "Sbyte", "Int16"),
        ("smallint", "ShortType", "Int16", "Int16"),
        ("INT", "IntegerType", "Int32", "Int32"),
        ("bigint", "LongType", "Int64", "Int64"),
        ("FLOAT", "FloatType", "Single", "Single"),
        ("DOUBLE", "DoubleType", "Double", "Double"),
        ("DATE", "DateType", "DateTime", "DateTime"),
        ("TIMESTAMP", "TimestampType", "DateTimeOffset", "DateTime"),
        ("TIMESTAMP_NTZ", "TimestampNTZType", "DateTime", "DateTime"),
        ("STRING", "StringType", "String", "String"),
        ("VARCHAR(20)", "StringType", "String", "String"),
        ("BINARY", "BinaryType", "Byte[]", "Byte[]"),
        ("DECIMAL(10,2)", "DecimalType", "Decimal", "Decimal"),
        ("ARRAY<INT>", "ArrayType", "String", "String"),
        ("STRUCT<a: INT, b: MAP<STRING, INT>>", "StructType", "String", "String"),
        ("MAP<STRING,ARRAY<INT>>", "MapType", "String", "String"),
        ("INTERVAL YEAR TO MONTH", "YearMonthIntervalType", "String", NOT_SUPPORTED),
        ("INTERVAL MONTH", "YearMonthIntervalType", "String", NOT_SUPPORTED),
        ("INTERVAL DAY TO SECOND", "DayTimeIntervalType", "String", NOT_SUPPORTED),
        ("INTERVAL HOUR", "DayTimeIntervalType", "String", NOT_SUPPORTED),
        ("INTERVAL_DAY_TIME_TYPE", "DayTimeIntervalType", "String", NOT_SUPPORTED),
        ("TIMESTAMP_TYPE", "TimestampType", "DateTimeOffset", "DateTime"),
    ],
)
def test_each_server_type_maps_per_connector_version(
    server_type: str, spark: str, v2: str, v1: str
) -> None:
    assert spark_type_of(server_type) == spark
    assert column_type(server_type, "2.0").interim_type == v2
    assert column_type(server_type, "1.0").interim_type == v1


def test_a_type_the_table_does_not_know_keeps_its_raw_name_and_is_unknown() -> None:
    col = column_type("GEOGRAPHY(4326)", "2.0")
    assert col.source_type is None
    assert col.source_type_label == "GEOGRAPHY(4326)"
    assert col.interim_type == UNKNOWN
    assert not col.supported
    assert interim_type(None, "2.0") == UNKNOWN
    assert column_type("", "1.0").interim_type == UNKNOWN


def test_decimals_carry_precision_and_scale() -> None:
    col = column_type("decimal(38,18)", "2.0")
    assert (col.adf_type, col.precision, col.scale) == ("decimal", 38, 18)
    assert (column_type("DECIMAL", "2.0").precision, column_type("DECIMAL", "2.0").scale) == (
        10,
        0,
    )
    assert column_type("INT", "2.0").precision is None


def test_the_upgrade_changes_are_timestamps_bytes_and_intervals() -> None:
    changed = {t: changes_between(t, "1.0", "2.0") for t in MAPPING}
    assert {t: c for t, c in changed.items() if c} == {
        "ByteType": ("Int16", "Sbyte"),
        "TimestampType": ("DateTime", "DateTimeOffset"),
        "YearMonthIntervalType": (NOT_SUPPORTED, "String"),
        "DayTimeIntervalType": (NOT_SUPPORTED, "String"),
    }

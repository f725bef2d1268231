"""The read-only query check runs before any network: what it accepts and refuses."""

from __future__ import annotations

import pytest

from connectors.spark.query_guard import (
    MAX_QUERY_BYTES,
    QueryRefused,
    check_read_only,
    refusal,
)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "select * from default.t limit 10",
        "  SELECT a FROM t;  \n",
        "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
        "VALUES (1, 'a'), (2, 'b')",
        "(SELECT 1) UNION ALL (SELECT 2)",
        "SELECT 'a;b', \"DROP TABLE t\" FROM t",
        "SELECT `insert`, `we``ird; name` FROM `my db`.`my table`",
        "SELECT 1 -- DROP TABLE t; nothing here\n",
        "SELECT /* a /* nested */ DELETE */ 1",
        "SELECT replace(name, 'a', 'b') FROM t",
        "SELECT * FROM a JOIN b USING (id)",
        "SELECT 'it\\'s' AS s",
        "SELECT transform(array(1, 2), x -> x + 1)",
    ],
)
def test_a_single_read_only_query_is_accepted(sql: str) -> None:
    assert refusal(sql) is None


def test_the_statement_to_send_has_no_trailing_semicolon() -> None:
    assert check_read_only("SELECT 1 ;\n") == "SELECT 1"


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("SELECT 1; SELECT 2", "Only one statement"),
        ("SELECT 1; -- and a comment", "Only one statement"),
        ("SELECT 1;;", "Only one statement"),
        ("DROP TABLE t", "not 'DROP'"),
        ("INSERT INTO t VALUES (1)", "not 'INSERT'"),
        ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "INSERT is not allowed"),
        ("SELECT * FROM t WHERE x = 1 UNION SELECT 1; DELETE FROM t", "Only one statement"),
        ("CREATE OR REPLACE VIEW v AS SELECT 1", "not 'CREATE'"),
        ("SET spark.sql.x=1", "not 'SET'"),
        ("USE other", "not 'USE'"),
        ("FROM t INSERT INTO u SELECT *", "not 'FROM'"),
        ("SELECT TRANSFORM(a) USING 'cat' FROM t", "Script transforms"),
        ("SELECT reflect('java.lang.Runtime', 'getRuntime')", "reflect() calls Java"),
        ("SELECT java_method ('x', 'y')", "java_method() calls Java"),
        ("SELECT 'open", "string opened here"),
        ('SELECT "open', "string opened here"),
        ("SELECT `open FROM t", "name opened here"),
        ("SELECT 1 /* open /* nested */", "comment opened here"),
        ("", "empty"),
        ("  -- only a comment\n /* and another */ ", "empty"),
        (";", "empty"),
        ("SELECT 1\x00", "NUL"),
    ],
)
def test_anything_else_is_refused_with_a_reason(sql: str, words: str) -> None:
    with pytest.raises(QueryRefused) as caught:
        check_read_only(sql)
    assert words in str(caught.value)


def test_the_refusal_names_the_line_and_column() -> None:
    with pytest.raises(QueryRefused) as caught:
        check_read_only("SELECT a\nFROM t;\n  DELETE FROM t")
    assert (caught.value.line, caught.value.column) == (2, 7)
    assert "line 2, column 7" in str(caught.value)


def test_a_text_over_one_megabyte_is_refused_before_it_is_read() -> None:
    sql = "SELECT '" + "x" * MAX_QUERY_BYTES + "'"
    with pytest.raises(QueryRefused) as caught:
        check_read_only(sql)
    assert "1 MB" in caught.value.message
    # Multi-byte characters count in bytes, not characters.
    assert refusal("SELECT '" + "é" * (MAX_QUERY_BYTES // 2) + "'") is not None


def test_a_text_that_is_not_a_string_is_refused() -> None:
    assert refusal(None) == "A query is text."  # type: ignore[arg-type]


def test_a_long_harmless_query_is_checked_quickly() -> None:
    sql = "SELECT " + ", ".join(f"c{i}" for i in range(50_000)) + " FROM t"
    assert len(sql) < MAX_QUERY_BYTES
    assert check_read_only(sql).endswith("FROM t")

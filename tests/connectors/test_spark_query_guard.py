"""The read-only query check runs before any network: what it accepts and refuses."""

from __future__ import annotations

import pytest

from connectors.spark.query_guard import (
    MAX_QUERY_BYTES,
    QueryRefused,
    check_read_only,
    refusal,
)
from tests.hostile_queries import CLASSES, HOSTILE, LEGITIMATE


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


@pytest.mark.parametrize(("name", "sql", "kind"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_every_hostile_query_is_refused_before_any_network(name: str, sql: str, kind: str) -> None:
    assert refusal(sql) is not None


@pytest.mark.parametrize(("name", "sql"), LEGITIMATE, ids=[q[0] for q in LEGITIMATE])
def test_legitimate_queries_pass(name: str, sql: str) -> None:
    assert refusal(sql) is None


def test_the_hostile_corpus_has_several_spellings_of_every_class() -> None:
    assert len(HOSTILE) >= 60
    for kind in CLASSES:
        assert sum(1 for h in HOSTILE if h[2] == kind) >= 4, kind


@pytest.mark.parametrize(
    ("sql", "words", "where"),
    [
        ("SELECT 1 --\r; DROP TABLE t", "Only one statement", (1, 13)),
        ("SELECT r'\\'; DROP TABLE t; --'", "Only one statement", (1, 12)),
        ("SELECT 1 /* /*+ */; DROP TABLE t", "Only one statement", (1, 19)),
        ("SELECT 1\u037e DROP TABLE t", "GREEK QUESTION MARK) looks like ';' but is not", (1, 9)),
        ("SELECT 1 \uff1b", "not a statement separator", (1, 10)),
        ("SELECT '${env:HOME}'", "Spark replaces ${...}", (1, 9)),
        ("SELECT 1 AS a -- ${x}\n", "Spark replaces ${...}", (1, 18)),
        ("SELECT é", "U+00E9", (1, 8)),
        ("SELECT TRANSFORM(a) USING r'id' FROM t", "TRANSFORM ... USING", (1, 8)),
        ("SELECT * FROM (MAP a USING 'id') t", "MAP ... USING", (1, 16)),
        ("SELECT x FROM t USING 'id'", "USING 'command'", (1, 17)),
        ("SELECT `REFLECT`('a', 'b')", "reflect() calls Java", (1, 8)),
        ("SELECT x.java_method ('a', 'b')", "java_method() calls Java", (1, 10)),
        ("SELECT Try_Reflect('a', 'b')", "try_reflect() calls Java", (1, 8)),
        ("SELECT identifier('reflect')('a')", "IDENTIFIER(...)", (1, 8)),
        ("SELECT * FROM csv.`/etc/passwd`", "through the csv source", (1, 15)),
        ("SELECT * FROM json.passwd", "through the json source", (1, 15)),
        ("SELECT * FROM foo.`s3a://bucket/x`", "path or URI", (1, 15)),
        ("SELECT * FROM `a.b.Format`.`x`", "data source class", (1, 15)),
        ("\u017fET x=1", "not 'SET'", (1, 1)),
        ("WITH x AS (SELECT 1) \u0131nsert \u0131nto t SELECT 1", "INSERT is not allowed", (1, 22)),
        ("SELECT 1 FROM t\nWHERE a = 'open", "string opened here with '", (2, 11)),
    ],
)
def test_each_rule_says_what_and_where(sql: str, words: str, where: tuple[int, int]) -> None:
    with pytest.raises(QueryRefused) as caught:
        check_read_only(sql)
    assert words in caught.value.message
    assert (caught.value.line, caught.value.column) == where


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT transform(array(1), x -> x) AS t FROM t",
        "SELECT map(1, 2), reduce(array(1), 0, (a, x) -> a + x)",
        "SELECT reflect FROM t",
        "SELECT t.csv FROM t",
        "SELECT a.b FROM `db`.`t` a",
        "SELECT '$' || '{x}'",
        "SELECT 'reflect(1)', \"java_method(\" -- reflect(\n",
        "SELECT * FROM t /* csv.`/etc/passwd` */",
    ],
)
def test_words_of_the_rules_in_other_roles_pass(sql: str) -> None:
    assert refusal(sql) is None


def test_the_statement_to_send_has_no_trailing_comment() -> None:
    assert check_read_only("-- lead\nSELECT 1 -- c\\\n;\n") == "-- lead\nSELECT 1"
    assert check_read_only("SELECT 1 /* x */") == "SELECT 1"

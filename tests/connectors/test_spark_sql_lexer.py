"""The Spark SQL lexer: each fact of Spark 3.5's grammar it follows (the differential test
in tests/test_spark_lexer_differential.py holds it to Spark's own lexer and parser)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.spark.sql_lexer import (
    BLOCK_COMMENT,
    HINT_END,
    HINT_START,
    LINE_COMMENT,
    NUMBER,
    OPERATOR,
    QUOTED_NAME,
    SEMICOLON,
    STRING,
    UNRECOGNIZED,
    WORD,
    lex,
    position,
    quote_name,
    quote_string,
)


def kinds(sql: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in lex(sql)]


def test_a_query_is_cut_into_words_numbers_operators_and_literals() -> None:
    assert kinds("SELECT a, 1 FROM t;") == [
        (WORD, "SELECT"),
        (WORD, "a"),
        (OPERATOR, ","),
        (NUMBER, "1"),
        (WORD, "FROM"),
        (WORD, "t"),
        (SEMICOLON, ";"),
    ]


@pytest.mark.parametrize(
    ("sql", "text", "value"),
    [
        ("'it\\'s'", "'it\\'s'", "it's"),
        ('"say \\"hi\\""', '"say \\"hi\\""', 'say "hi"'),
        ("'a\nb'", "'a\nb'", "a\nb"),
        ("'\\\nx'", "'\\\nx'", "\nx"),
        ("r'\\d+'", "r'\\d+'", "\\d+"),
        ('R"C:\\"', 'R"C:\\"', "C:\\"),
        ("'\\u00e9\\U0001F600'", "'\\u00e9\\U0001F600'", "é\U0001f600"),
        ("'\\uD83D\\uDE00'", "'\\uD83D\\uDE00'", "\U0001f600"),
        ("'\\012\\0\\b\\n\\r\\t\\Z'", "'\\012\\0\\b\\n\\r\\t\\Z'", "\n\x00\b\n\r\t\x1a"),
        ("'\\%\\_\\q\\\\'", "'\\%\\_\\q\\\\'", "\\%\\_q\\"),
        ("'\\08'", "'\\08'", "\x008"),
    ],
)
def test_a_string_literal_ends_and_reads_as_spark_reads_it(sql: str, text: str, value: str) -> None:
    (token,) = lex(sql)
    assert (token.kind, token.text, token.value) == (STRING, text, value)


def test_a_raw_string_ends_at_its_first_quote_whatever_backslash_is_before_it() -> None:
    tokens = lex("SELECT r'\\'; DROP TABLE t; --'")
    assert [t.kind for t in tokens] == [
        WORD,
        STRING,
        SEMICOLON,
        WORD,
        WORD,
        WORD,
        SEMICOLON,
        LINE_COMMENT,
    ]
    assert (tokens[1].raw, tokens[1].quote, tokens[1].value) == (True, "'", "\\")


def test_an_r_not_followed_by_a_closed_string_is_a_word() -> None:
    assert kinds("rr'x'") == [(WORD, "rr"), (STRING, "'x'")]
    tokens = lex("r'x")
    assert [(t.kind, t.closed) for t in tokens] == [(WORD, True), (STRING, False)]


def test_adjacent_literals_are_separate_tokens_and_two_quotes_are_two_literals() -> None:
    assert [t.value for t in lex("'a''b' \"c\"")] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("sql", "comment", "after"),
    [
        ("--a\nb", "--a\n", "b"),
        ("--a\rb", "--a\r", "b"),
        ("--a\r\nb", "--a\r\n", "b"),
        ("--a\\\nb\nc", "--a\\\nb\n", "c"),
        ("--a\\\r\nb", "--a\\\r\n", "b"),
        ("--a\\\\\nb", "--a\\\\\nb", None),
        ("--a", "--a", None),
    ],
)
def test_a_line_comment_ends_at_cr_or_lf_unless_a_backslash_continues_it(
    sql: str, comment: str, after: str | None
) -> None:
    tokens = lex(sql)
    assert (tokens[0].kind, tokens[0].text) == (LINE_COMMENT, comment)
    assert [t.text for t in tokens[1:]] == ([after] if after else [])


def test_block_comments_nest_and_a_hint_start_inside_one_does_not() -> None:
    assert kinds("/* a /* b */ c */ x") == [(BLOCK_COMMENT, "/* a /* b */ c */"), (WORD, "x")]
    assert kinds("/* /*+ */ x") == [(BLOCK_COMMENT, "/* /*+ */"), (WORD, "x")]
    (unclosed,) = lex("/* /* */ x")
    assert (unclosed.kind, unclosed.closed) == (BLOCK_COMMENT, False)
    assert kinds("/**/x") == [(BLOCK_COMMENT, "/**/"), (WORD, "x")]


def test_a_hint_is_code_between_its_start_and_end() -> None:
    assert kinds("/*+ REPARTITION(2) */") == [
        (HINT_START, "/*+"),
        (WORD, "REPARTITION"),
        (OPERATOR, "("),
        (NUMBER, "2"),
        (OPERATOR, ")"),
        (HINT_END, "*/"),
    ]


def test_a_backquoted_name_doubles_its_backticks() -> None:
    (token,) = lex("`we``ird; -- name`")
    assert (token.kind, token.value) == (QUOTED_NAME, "we`ird; -- name")
    assert lex("`open")[0].closed is False


@pytest.mark.parametrize(
    ("sql", "texts"),
    [
        (
            "1L 2S 3Y 1.5F 2D 3BD 1e3 .5 2.",
            ["1L", "2S", "3Y", "1.5F", "2D", "3BD", "1e3", ".5", "2."],
        ),
        ("2.3W", ["2", ".", "3W"]),
        ("1e5x", ["1e5x"]),
        ("1.2.3", ["1.2", ".3"]),
        ("2.5e", ["2", ".", "5e"]),
        ("1\u017f", ["1\u017f"]),
    ],
)
def test_numbers_take_the_longest_match_a_decimal_only_before_a_non_word_character(
    sql: str, texts: list[str]
) -> None:
    assert [t.text for t in lex(sql)] == texts


def test_dotless_i_and_long_s_are_letters_to_spark() -> None:
    tokens = lex("\u017felect \u0131nsert")
    assert [(t.kind, t.upper) for t in tokens] == [(WORD, "SELECT"), (WORD, "INSERT")]


@pytest.mark.parametrize("char", ["\u037e", "\uff1b", "é", "$", "{", "\\", "\f", "\xa0", "@"])
def test_a_character_spark_has_no_token_for_is_unrecognized(char: str) -> None:
    assert kinds(f"a{char}b") == [(WORD, "a"), (UNRECOGNIZED, char), (WORD, "b")]


def test_an_unclosed_quote_is_one_token_to_the_end() -> None:
    for sql, kind in (("x 'a\\'", STRING), ('x "a', STRING), ("x `a", QUOTED_NAME)):
        token = lex(sql)[-1]
        assert (token.kind, token.closed, token.end) == (kind, False, len(sql))


def test_positions_count_lines_at_lf() -> None:
    assert position("a\nbc\rd", 5) == (2, 4)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["'", '"']))
def test_a_quoted_value_reads_back_as_the_same_value(value: str, quote: str) -> None:
    (token,) = lex(quote_string(value, quote))
    assert (token.kind, token.closed, token.value) == (STRING, True, value)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_a_quoted_name_reads_back_as_the_same_name(name: str) -> None:
    (token,) = lex(quote_name(name))
    assert (token.kind, token.value) == (QUOTED_NAME, name)


def test_a_megabyte_of_columns_is_lexed_in_one_pass() -> None:
    sql = "SELECT " + ", ".join(f"c{i} /* x */ AS 'a''b'" for i in range(20_000))
    tokens = lex(sql)
    assert len(tokens) == 1 + 20_000 * 6 - 1

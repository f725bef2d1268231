"""Test values go into a Spark query as literals, never as SQL: in every place a value can
land (a string of either quote, a raw string, a backquoted name, a comment of either kind,
code), no value ends a literal or a comment or adds SQL."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.activity_parts import evaluate_query
from connectors.expression_eval import Piece, Scope, ValueRefused, evaluate_traced
from connectors.spark.query_guard import refusal
from connectors.spark.query_values import place_values
from connectors.spark.sql_lexer import QUOTED_NAME, STRING, lex

P = "@{pipeline().parameters.p}"
NASTY = [
    "x' OR '1'='1",
    'say "hi"',
    "back\\slash\\",
    "*/ DROP TABLE t /*",
    "-- rest",
    "line\nbreak",
    "carriage\rreturn",
    "; DROP TABLE t; --",
    "\u037e SELECT 1",
    "\uff1b",
    "`tick`",
    "r'raw'",
    "${env:HOME}",
    "\x00\x01\x7f",
    "é\u2028\U0001f600",
]


def placed(template: str, value: Any) -> str:
    traced = evaluate_traced(template, Scope(pipeline_parameters={"p": value}))
    return place_values(traced.text, traced.pieces)


def code(sql: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in lex(sql) if t.is_code]


@pytest.mark.parametrize("value", NASTY)
@pytest.mark.parametrize("quote", ["'", '"'])
def test_in_a_string_literal_a_value_is_escaped_for_its_quote(value: str, quote: str) -> None:
    sql = placed(f"SELECT {quote}a{P}b{quote} AS v", value)
    tokens = [t for t in lex(sql) if t.is_code]
    assert [t.kind for t in tokens] == ["word", STRING, "word", "word"]
    assert tokens[1].value == f"a{value}b"
    assert refusal(sql) is None  # NUL, ${ and the look-alikes of ';' all stay in the literal


@pytest.mark.parametrize("value", NASTY)
def test_in_a_backquoted_name_a_value_doubles_its_backticks(value: str) -> None:
    sql = placed(f"SELECT 1 AS `c_{P}`", value)
    tokens = [t for t in lex(sql) if t.is_code]
    assert tokens[-1].kind == QUOTED_NAME and tokens[-1].value == f"c_{value}"


@pytest.mark.parametrize("value", NASTY)
def test_in_code_a_text_is_one_string_literal(value: str) -> None:
    sql = placed(f"SELECT {P} AS v FROM t", value)
    tokens = [t for t in lex(sql) if t.is_code]
    assert [t.kind for t in tokens] == ["word", STRING, "word", "word", "word", "word"]
    assert tokens[1].value == value
    assert refusal(sql) is None


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (5, "5"),
        (-3, "(-3)"),
        (1.5, "1.5"),
        (1e20, "1e+20"),
        (True, "true"),
        (False, "false"),
        ("sales", "`sales`"),
        ("db.sales", "`db`.`sales`"),
        ("_x.y_1", "`_x`.`y_1`"),
        ("5", "'5'"),
        ("db.sales; DROP TABLE t", "'db.sales; DROP TABLE t'"),
        ("a b", "'a b'"),
        ([1, "x"], "'[1,\"x\"]'"),
    ],
)
def test_in_code_a_value_is_a_literal_of_its_type(value: Any, written: str) -> None:
    assert placed(f"SELECT * FROM t WHERE a = {P}", value) == f"SELECT * FROM t WHERE a = {written}"


def test_a_negative_number_after_a_minus_does_not_start_a_comment() -> None:
    sql = placed("@concat('SELECT a-', string(pipeline().parameters.p), ' FROM t')", -3)
    assert sql == "SELECT a-(-3) FROM t"
    assert ("word", "FROM") in code(sql)


@pytest.mark.parametrize(
    ("template", "value", "reason"),
    [
        (f"SELECT 1 -- {P}\nFROM t", "x\nDROP", "could end the -- comment"),
        (f"SELECT 1 -- {P}\nFROM t", "x\rDROP", "could end the -- comment"),
        (f"SELECT 1 -- {P}\nFROM t", "x\\", "could end the -- comment"),
        (f"SELECT 1 /* {P} */ FROM t", "*/ DROP", "/* comment"),
        (f"SELECT 1 /* {P} */ FROM t", "/* open", "/* comment"),
        (f"SELECT 1 /*{P} */", "/x", "/* comment"),
        (f"SELECT 1 /* {P}/ */", "x*", "/* comment"),
        (f"SELECT r'{P}'", "it's", "ends the raw string"),
        (f'SELECT R"{P}"', 'say "x"', "ends the raw string"),
        (f"SELECT 'a\\{P}'", "x", "follows a backslash"),
        (f"SELECT x{P}", 5, "would join the text next to it"),
        (f"SELECT 1.{P}", 5, "would join the text next to it"),
        (f"SELECT `a`{P}", "b", "would join the text next to it"),
    ],
)
def test_a_value_that_could_end_its_comment_or_literal_is_refused_with_the_reason(
    template: str, value: Any, reason: str
) -> None:
    with pytest.raises(ValueRefused) as caught:
        placed(template, value)
    assert reason in caught.value.message
    assert caught.value.message.startswith("The value of pipeline().parameters.p ")
    assert caught.value.line == 1 and caught.value.column > 1


@pytest.mark.parametrize("value", ["harmless", "a;b -- c", "x ' y", "'", "\\n"])
def test_a_value_that_cannot_end_its_comment_stays_in_it(value: str) -> None:
    assert code(placed(f"SELECT 1 -- {P}\nFROM t", value)) == code("SELECT 1 FROM t")
    assert code(placed(f"SELECT 1 /* {P} */ FROM t", value)) == code("SELECT 1 FROM t")


def test_values_through_functions_keep_where_they_came_from() -> None:
    scope = Scope(pipeline_parameters={"t": "db.sales", "w": "it's"}, variables={"c": "a, b"})
    query = (
        "@concat('SELECT ', variables('c'), ' FROM ', toLower(pipeline().parameters.t), "
        "' WHERE s = ''', replace(pipeline().parameters.w, 'i', 'I'), ''' AND n = ', "
        "string(length(pipeline().parameters.w)))"
    )
    traced = evaluate_traced(query, scope)
    assert place_values(traced.text, traced.pieces) == (
        "SELECT 'a, b' FROM `db`.`sales` WHERE s = 'It\\'s' AND n = 4"
    )


def test_only_the_values_are_literals_the_expression_stays_sql() -> None:
    sql = placed("@concat('SELECT a, b FROM t WHERE c = ', pipeline().parameters.p)", "x")
    assert sql == "SELECT a, b FROM t WHERE c = `x`"


def test_evaluate_query_puts_values_in_with_the_connectors_literals() -> None:
    query = {"value": f"SELECT * FROM t WHERE d = '{P}'", "type": "Expression"}
    values = {("pipeline", "p"): "x'; DROP TABLE t; --"}
    assert (
        evaluate_query(query, values, place=None)
        == "SELECT * FROM t WHERE d = 'x'; DROP TABLE t; --'"
    )
    assert (
        evaluate_query(query, values, place=place_values)
        == "SELECT * FROM t WHERE d = 'x\\'; DROP TABLE t; --'"
    )


def test_a_text_without_values_is_left_as_it_is() -> None:
    assert place_values("SELECT 'a' -- x", ()) == "SELECT 'a' -- x"


TEMPLATES = [
    f"SELECT 'a{P}b' AS v",
    f'SELECT "a{P}b" AS v',
    f"SELECT r'a{P}b' AS v",
    f'SELECT R"a{P}b" AS v',
    f"SELECT `a{P}b` AS v",
    f"SELECT {P} AS v",
    f"SELECT 1 AS v -- {P}\n",
    f"SELECT 1 AS v /* {P} */",
    f"SELECT /*+ REPARTITION({P}) */ 1 AS v",
]
TRICKY = st.lists(
    st.one_of(
        st.sampled_from(["'", '"', "`", "\\", "*/", "/*", "--", "\n", "\r", ";", "\u037e", "r'"]),
        st.text(max_size=3),
    ),
    max_size=10,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(TEMPLATES), st.one_of(TRICKY, st.integers(), st.booleans()))
def test_any_value_either_is_refused_or_leaves_the_statement_as_a_harmless_value_would(
    template: str, value: Any
) -> None:
    stand_in = ("x" if value else "") if isinstance(value, str) else value
    harmless = code(placed(template, stand_in))
    try:
        sql = placed(template, value)
    except ValueRefused:
        return
    ours = code(sql)
    literal = {STRING: "literal", QUOTED_NAME: "literal"}
    assert [literal.get(k, k) for k, _ in ours] == [literal.get(k, k) for k, _ in harmless], sql
    changed = [i for i, (a, b) in enumerate(zip(ours, harmless, strict=True)) if a != b]
    assert all(ours[i][0] in literal for i in changed), sql


def test_pieces_say_which_value_and_what_kind() -> None:
    traced = evaluate_traced(
        "a@{pipeline().parameters.n}b@{item().x}",
        Scope(pipeline_parameters={"n": 2}, item={"x": "y"}),
    )
    assert traced.pieces == (
        Piece(1, 2, (("pipeline", "n"),), "number"),
        Piece(3, 4, (("item", "x"),), "text"),
    )

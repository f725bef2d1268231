"""ADF expressions evaluated with values given here (connectors.expression_eval)."""

from __future__ import annotations

import re

import pytest

from connectors.expression_eval import (
    FUNCTIONS,
    NOT_HERE,
    CannotEvaluate,
    ExpressionError,
    MissingValue,
    Scope,
    as_text,
    evaluate,
    evaluate_all,
    referenced,
)

LS = Scope(linked_service={"host": "spark.example.com", "port": 443, "env": "Prod", "n": "42"})


def test_a_plain_string_is_itself():
    assert evaluate("spark.example.com", LS) == "spark.example.com"
    assert evaluate("a @ b", LS) == "a @ b"
    assert evaluate(" @x", LS) == " @x"


def test_a_double_at_sign_escapes_a_literal_at():
    assert evaluate("@@", LS) == "@"
    assert evaluate("@@{linkedService().host}", LS) == "@{linkedService().host}"


def test_non_string_values_are_returned_as_they_are():
    assert evaluate(443, LS) == 443
    assert evaluate(True, LS) is True
    assert evaluate(None, LS) is None


def test_a_linked_service_parameter_is_read_whole_with_its_type():
    assert evaluate("@linkedService().host", LS) == "spark.example.com"
    assert evaluate("@linkedService().port", LS) == 443


def test_interpolation_always_gives_a_string():
    assert evaluate("@{linkedService().port}", LS) == "443"
    assert evaluate("spark-@{toLower(linkedService().env)}.example.com", LS) == (
        "spark-prod.example.com"
    )
    assert evaluate("@{linkedService().host}:@{linkedService().port}", LS) == (
        "spark.example.com:443"
    )


def test_an_escaped_interpolation_inside_text_stays_literal():
    assert evaluate("Answer is: @@{linkedService().n} @{linkedService().n}", LS) == (
        "Answer is: @{linkedService().n} 42"
    )


def test_a_closing_brace_inside_a_quoted_text_does_not_end_the_interpolation():
    assert evaluate("x@{concat('}', linkedService().env)}y", LS) == "x}Prody"


def test_the_expression_object_form_is_evaluated_like_the_string_form():
    value = {"type": "Expression", "value": "@concat('h-', linkedService().env)"}
    assert evaluate(value, LS) == "h-Prod"


def test_concat_and_string_functions():
    assert evaluate("@concat('a', 'b', linkedService().port)", LS) == "ab443"
    assert evaluate("@toUpper('abc')", LS) == "ABC"
    assert evaluate("@trim('  x  ')", LS) == "x"
    assert evaluate("@replace('a-b-c', '-', '.')", LS) == "a.b.c"
    assert evaluate("@substring('hello', 1, 3)", LS) == "ell"
    assert evaluate("@substring('hello', 2)", LS) == "llo"
    assert evaluate("@string(linkedService().port)", LS) == "443"
    assert evaluate("@int(linkedService().n)", LS) == 42
    assert evaluate("@float('1.5')", LS) == 1.5
    assert evaluate("@bool('true')", LS) is True
    assert evaluate("@length('abc')", LS) == 3
    assert evaluate("@split('a,b', ',')", LS) == ["a", "b"]
    assert evaluate("@join(split('a,b', ','), ';')", LS) == "a;b"
    assert evaluate("@startsWith('Hello', 'he')", LS) is True
    assert evaluate("@indexOf('Hello', 'L')", LS) == 2


def test_a_quote_is_written_twice_inside_a_text():
    assert evaluate("@concat('it''s', '')", LS) == "it's"


def test_coalesce_if_and_equals():
    scope = Scope(linked_service={"a": None, "b": "x"})
    assert evaluate("@coalesce(linkedService().a, linkedService().b, 'z')", scope) == "x"
    assert evaluate("@if(equals(linkedService().b, 'x'), 'yes', 'no')", scope) == "yes"
    assert evaluate("@if(equals(1, 2), 'yes', 'no')", scope) == "no"
    assert evaluate("@equals(1, '1')", scope) is False
    assert evaluate("@and(true, not(false))", scope) is True
    assert evaluate("@or(false, greater(2, 1))", scope) is True


def test_if_evaluates_only_the_branch_it_takes():
    assert evaluate("@if(true, 'ok', utcnow())", LS) == "ok"


def test_arithmetic():
    assert evaluate("@add(1, 2)", LS) == 3
    assert evaluate("@sub(1, -2)", LS) == 3
    assert evaluate("@mul(2, 1.5)", LS) == 3.0
    assert evaluate("@div(7, 2)", LS) == 3
    assert evaluate("@mod(7, 2)", LS) == 1
    with pytest.raises(ExpressionError, match="division by zero"):
        evaluate("@div(1, 0)", LS)


def test_function_and_parameter_names_are_matched_regardless_of_case():
    assert evaluate("@CONCAT('a', LinkedService().HOST)", LS) == "aspark.example.com"
    assert evaluate("@tolower('A')", LS) == "a"


def test_pipeline_parameters_variables_item_and_dataset_scopes():
    scope = Scope(
        pipeline_parameters={"day": "2026-12-01"},
        variables={"table": "sales"},
        item={"name": "orders", "n": 3},
        dataset={"folder": "raw"},
    )
    query = "SELECT * FROM @{variables('table')} WHERE day = '@{pipeline().parameters.day}'"
    assert evaluate(query, scope) == "SELECT * FROM sales WHERE day = '2026-12-01'"
    assert evaluate("@item().name", scope) == "orders"
    assert evaluate("@item()['n']", scope) == 3
    assert evaluate("@dataset().folder", scope) == "raw"
    assert evaluate("@{item()}", Scope(item="x")) == "x"
    assert evaluate("@linkedService()['host']", LS) == "spark.example.com"


def test_property_access_into_objects_and_arrays():
    scope = Scope(item={"cols": ["a", "b"], "inner": {"k": "v"}})
    assert evaluate("@item().cols[1]", scope) == "b"
    assert evaluate("@item().inner.k", scope) == "v"
    assert evaluate("@item()?.missing", scope) is None
    with pytest.raises(ExpressionError, match="no property 'missing'"):
        evaluate("@item().missing", scope)
    with pytest.raises(ExpressionError, match="outside the 2 items"):
        evaluate("@item().cols[5]", scope)


def test_a_parameter_without_a_value_is_a_missing_value_naming_it():
    with pytest.raises(MissingValue) as caught:
        evaluate("@{linkedService().hostName}", LS)
    assert caught.value.scope == "linkedService"
    assert caught.value.name == "hostName"
    assert "linkedService().hostName" in str(caught.value)
    with pytest.raises(MissingValue, match=r"pipeline\(\)\.parameters\.day"):
        evaluate("@pipeline().parameters.day", Scope())
    with pytest.raises(MissingValue, match=r"variables\('x'\)"):
        evaluate("@variables('x')", Scope())
    with pytest.raises(MissingValue, match=r"item\(\)"):
        evaluate("@item().name", Scope())


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("@utcnow()", "utcNow"),
        ("@formatDateTime(utcnow(), 'yyyy-MM-dd')", "formatDateTime"),
        ("@{activity('Lookup1').output.firstRow.x}", "activity"),
        ("@guid()", "guid"),
        ("@frobnicate('x')", "frobnicate"),
        ("@pipeline().RunId", "pipeline().RunId"),
    ],
)
def test_what_cannot_be_evaluated_here_is_named(text, what):
    with pytest.raises(CannotEvaluate) as caught:
        evaluate(text, LS)
    assert caught.value.what == what
    assert "give the value" in str(caught.value)
    assert not isinstance(caught.value, MissingValue)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@concat('a'", "Expected ',' or ')'"),
        ("@concat('a)", "not closed"),
        ("@host", "neither a function call"),
        ("@{linkedService().host", "Expected '}'"),
        ("@concat('a') extra", "after the expression"),
        ("@", "ends where a value was expected"),
        ("@toLower()", "takes 1 argument"),
        ("@substring('abc', 2, 5)", "beyond the text"),
        ("@int('x1')", "not a whole number"),
        ("@toLower(1)", "needs a text, not a number"),
        ("@if('x', 1, 2)", "boolean condition"),
        ("@pipeline()", "read a parameter"),
        ("@json('[" + "7" * 5000 + "]')", "has 5,000 digits: at most 4,300 are accepted"),
        ("@json('" + "[" * 100 + "')", "more than 64 levels deep"),
        ("@json('[NaN]')", "NaN at line 1, column 2 is not a JSON number"),
        ("@int('" + "7" * 5000 + "')", "not a whole number"),
    ],
)
def test_a_malformed_expression_is_an_expression_error_saying_why(text, message):
    with pytest.raises(ExpressionError, match=re.escape(message)) as caught:
        evaluate(text, LS)
    assert not isinstance(caught.value, CannotEvaluate)


def test_a_deeply_nested_expression_is_refused_not_a_crash():
    text = "@" + "concat(" * 200 + "'a'" + ")" * 200
    with pytest.raises(ExpressionError, match="nests deeper"):
        evaluate(text, LS)


def test_referenced_lists_each_scope_and_name_once_in_order():
    text = (
        "@{linkedService().host}-@{pipeline().parameters.day}-@{variables('v')}"
        "-@{item().name}-@{dataset().folder}-@{linkedService().host}-@{item()}"
    )
    assert referenced(text) == [
        ("linkedService", "host"),
        ("pipeline", "day"),
        ("variables", "v"),
        ("item", "name"),
        ("dataset", "folder"),
        ("item", ""),
    ]
    assert referenced("@concat(linkedService()['a'], toLower(linkedService().b))") == [
        ("linkedService", "a"),
        ("linkedService", "b"),
    ]
    assert referenced("plain") == []
    assert referenced("@@{linkedService().x}") == []
    assert referenced({"type": "Expression", "value": "@linkedService().p"}) == [
        ("linkedService", "p")
    ]


def test_referenced_raises_on_a_malformed_expression():
    with pytest.raises(ExpressionError):
        referenced("@concat(")


def test_evaluate_all_evaluates_every_expression_in_a_tree():
    tree = {
        "host": "@{linkedService().host}",
        "port": "@linkedService().port",
        "nested": [{"type": "Expression", "value": "@toUpper(linkedService().env)"}, 1],
        "plain": "x",
    }
    assert evaluate_all(tree, LS) == {
        "host": "spark.example.com",
        "port": 443,
        "nested": ["PROD", 1],
        "plain": "x",
    }


def test_as_text_writes_values_as_interpolation_does():
    assert as_text(None) == ""
    assert as_text(True) == "True"
    assert as_text(3.0) == "3"
    assert as_text({"a": 1}) == '{"a":1}'


def test_every_listed_function_is_either_evaluated_or_refused_with_a_reason():
    assert {
        "concat",
        "toLower",
        "toUpper",
        "trim",
        "replace",
        "substring",
        "string",
        "int",
        "coalesce",
        "if",
        "equals",
    } <= set(FUNCTIONS)
    assert "formatDateTime" in NOT_HERE and "utcNow" in NOT_HERE
    assert not set(FUNCTIONS) & set(NOT_HERE)


def test_traced_evaluation_says_which_characters_came_from_which_value() -> None:
    from connectors.expression_eval import Piece, evaluate_traced

    scope = Scope(
        pipeline_parameters={"t": " Db.Sales ", "n": 7, "flag": True},
        variables={"v": "ab"},
        item={"name": "x"},
    )
    traced = evaluate_traced(
        "@concat(trim(pipeline().parameters.t), '|', toUpper(variables('v')), '|', "
        "substring(item().name, 0, 1), '|', string(pipeline().parameters.n), '|', "
        "string(pipeline().parameters.flag), '|', string(add(pipeline().parameters.n, 1)), '|', "
        "if(pipeline().parameters.flag, 'yes', 'no'), '|', "
        "replace('SELECT T', 'T', item().name))",
        scope,
    )
    assert traced.value == "Db.Sales|AB|x|7|True|8|yes|SELECx x"
    assert [(p.start, p.end, p.sources, p.kind) for p in traced.pieces] == [
        (0, 8, (("pipeline", "t"),), "text"),
        (9, 11, (("variables", "v"),), "text"),
        (12, 13, (("item", "name"),), "text"),
        (14, 15, (("pipeline", "n"),), "number"),
        (16, 20, (("pipeline", "flag"),), "boolean"),
        (21, 22, (("pipeline", "n"),), "number"),
        (32, 33, (("item", "name"),), "text"),
        (34, 35, (("item", "name"),), "text"),
    ]
    assert evaluate_traced("SELECT 1").pieces == ()
    assert evaluate_traced("@{item().name}", scope).pieces == (
        Piece(0, 1, (("item", "name"),), "text"),
    )

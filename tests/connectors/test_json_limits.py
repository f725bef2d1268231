"""The depth check reads JSON text as the parser would: brackets in strings do not count."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.json_limits import (
    MAX_JSON_DEPTH,
    JsonRefused,
    NotJson,
    NumberRefused,
    TooDeep,
    check_depth,
    loads,
)

tricky_text = st.text(alphabet='[]{}"\\ a\n', max_size=8)
values = st.recursive(
    st.none() | st.integers() | tricky_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
    max_leaves=10,
)


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def wrapped(value: Any, levels: int) -> Any:
    for level in range(levels):
        value = [value] if level % 2 else {"[{": value}
    return value


@settings(max_examples=200, deadline=None)
@given(value=values, levels=st.integers(min_value=0, max_value=MAX_JSON_DEPTH + 3))
def test_json_is_refused_exactly_when_it_nests_deeper_than_the_limit(
    value: Any, levels: int
) -> None:
    document = wrapped(value, levels)
    text = json.dumps(document, indent=1 if levels % 3 else None)
    if depth(document) > MAX_JSON_DEPTH:
        with pytest.raises(TooDeep):
            check_depth(text)
    else:
        assert loads(text) == document


def test_the_refusal_says_where_the_limit_was_passed() -> None:
    text = "[\n" + "[" * MAX_JSON_DEPTH + "]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(TooDeep) as refused:
        check_depth(text)
    assert str(refused.value) == (
        f"The JSON nests objects and arrays more than {MAX_JSON_DEPTH} levels deep "
        f"(the limit is {MAX_JSON_DEPTH}): line 2, column {MAX_JSON_DEPTH}."
    )


def test_a_million_open_brackets_are_refused_without_recursion() -> None:
    with pytest.raises(TooDeep):
        loads("[" * 1_000_000)


@pytest.mark.parametrize(
    ("text", "refused", "where"),
    [
        ('{"a": "7777 in a string", "b": [\n  ' + "7" * 4301 + "]}", NumberRefused, (2, 3)),
        ("[-" + "9" * 4301 + "]", NumberRefused, (1, 2)),
        ('{"NaN": "NaN", "n": NaN}', NumberRefused, (1, 21)),
        ("[1, Infinity]", NumberRefused, (1, 5)),
        ('["1e999", 1e999]', NumberRefused, (1, 11)),
        ('{"a": 1,\n "b": }', NotJson, (2, 7)),
    ],
)
def test_text_the_parser_would_refuse_or_misread_is_refused_where_it_is(
    text: str, refused: type[Exception], where: tuple[int, int]
) -> None:
    with pytest.raises(refused) as caught:
        loads(text)
    assert isinstance(caught.value, JsonRefused) and isinstance(caught.value, ValueError)
    assert (caught.value.lineno, caught.value.colno) == where
    assert f"line {where[0]}, column {where[1]}" in str(caught.value)


def test_numbers_at_the_limits_are_read() -> None:
    assert loads("[" + "7" * 4300 + ", 1.5e308, -0.0]") == [int("7" * 4300), 1.5e308, -0.0]
    assert loads('"' + "7" * 5000 + '"') == "7" * 5000

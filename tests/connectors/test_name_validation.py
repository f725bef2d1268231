"""A name the quick check accepts is one the common ``name`` schema accepts too."""

from __future__ import annotations

import pytest

from connectors.validation import _PLAIN_NAME, _name_validator, _problems, validate_name

PLAIN = ["a", "Z", "_", "0", "LS_Spark-prod 2", "a b", "x" * 260, "A-", "_-_ -_", "DS_0001"]
NOT_PLAIN = ["", " a", "a ", "-a", "a.b", "a/b", "a\tb", "é", "x" * 261, "a\n", "a#", "a:b"]


@pytest.mark.parametrize("name", PLAIN)
def test_a_plain_name_is_one_the_schema_accepts(name: str) -> None:
    assert _PLAIN_NAME.fullmatch(name)
    assert _problems(_name_validator(), name, ()) == []
    assert validate_name(name) == []


@pytest.mark.parametrize("name", NOT_PLAIN)
def test_any_other_name_is_checked_by_the_schema(name: str) -> None:
    assert not _PLAIN_NAME.fullmatch(name)
    expected = [p.message for p in _problems(_name_validator(), name, ())]
    assert [p.message for p in validate_name(name)] == expected

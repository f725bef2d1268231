"""The document walkers (secure strings, masking, diff) give the same answers at any depth.

Each property wraps a small random document in thousands of objects and arrays (built
in a loop: Python's own ``==`` and ``json`` would hit the recursion limit on them) and
compares the walker's answer with a simple recursive expectation on the small document.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.diff import diff
from connectors.problems import json_path
from connectors.secrets import (
    MASK,
    SECURE_STRING,
    map_secure_strings,
    masked,
    masked_secret_paths,
    secure_strings,
)

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=6)
secrets = st.fixed_dictionaries(
    {"type": st.just(SECURE_STRING), "value": st.text(max_size=6) | st.just(MASK)}
)
small_documents = st.recursive(
    scalars | secrets,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["a", "b", "type", "value", "x y"]), inner, max_size=4)
    ),
    max_leaves=12,
)
# How to wrap: a key (an object level) or None (an array level), repeated to the depth.
levels = st.lists(st.sampled_from(["a", "typeProperties", "x y", None]), min_size=1, max_size=4)
depths = st.integers(min_value=0, max_value=5000)
DEEP = settings(max_examples=25, deadline=None)


def wrapped(document: Any, pattern: list[str | None], depth: int) -> Any:
    """``document`` inside ``depth`` objects/arrays, outermost first along ``pattern``."""
    for level in reversed(_keys(pattern, depth)):
        document = [document] if isinstance(level, int) else {level: document}
    return document


def _keys(pattern: list[str | None], depth: int) -> list[str | int]:
    return [
        0 if pattern[i % len(pattern)] is None else str(pattern[i % len(pattern)])
        for i in range(depth)
    ]


def unwrapped(document: Any, pattern: list[str | None], depth: int) -> Any:
    """The inside of :func:`wrapped`, checking every level holds exactly the one child."""
    for key in _keys(pattern, depth):
        if isinstance(key, int):
            assert isinstance(document, list) and len(document) == 1
        else:
            assert isinstance(document, dict) and list(document) == [key]
        document = document[key]
    return document


def expected_secure_strings(node: Any, path: tuple[str | int, ...] = ()) -> list[Any]:
    if isinstance(node, dict) and node.get("type") == SECURE_STRING and "value" in node:
        return [(path, node)]
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    return [found for k, v in items for found in expected_secure_strings(v, (*path, k))]


def expected_masked(node: Any) -> Any:
    if isinstance(node, dict) and node.get("type") == SECURE_STRING and "value" in node:
        return {"type": SECURE_STRING, "value": MASK}
    if isinstance(node, dict):
        return {k: expected_masked(v) for k, v in node.items()}
    if isinstance(node, list):
        return [expected_masked(v) for v in node]
    return node


@DEEP
@given(document=small_documents, pattern=levels, depth=depths)
def test_secure_strings_are_found_at_any_depth_with_their_full_path(
    document: Any, pattern: list[str | None], depth: int
) -> None:
    prefix = tuple(_keys(pattern, depth))
    found = list(secure_strings(wrapped(document, pattern, depth)))
    assert found == [((*prefix, *p), s) for p, s in expected_secure_strings(document)]


@DEEP
@given(document=small_documents, pattern=levels, depth=depths)
def test_masking_at_any_depth_replaces_exactly_the_secret_values(
    document: Any, pattern: list[str | None], depth: int
) -> None:
    shown = unwrapped(masked(wrapped(document, pattern, depth)), pattern, depth)
    assert shown == expected_masked(document)


@DEEP
@given(document=small_documents, pattern=levels, depth=depths)
def test_mapping_at_any_depth_calls_the_change_in_document_order(
    document: Any, pattern: list[str | None], depth: int
) -> None:
    seen: list[Any] = []

    def numbered(secret: dict[str, Any]) -> int:
        seen.append(secret)
        return len(seen)

    mapped = unwrapped(
        map_secure_strings(wrapped(document, pattern, depth), numbered), pattern, depth
    )
    assert seen == [s for _, s in expected_secure_strings(document)]
    assert list(secure_strings(mapped)) == []


@DEEP
@given(document=small_documents, pattern=levels, depth=depths)
def test_masked_secret_paths_at_any_depth_are_json_paths_under_properties(
    document: Any, pattern: list[str | None], depth: int
) -> None:
    prefix = tuple(_keys(pattern, depth))
    paths = masked_secret_paths(wrapped(document, pattern, depth))
    assert paths == [
        json_path(("properties", *prefix, *p))
        for p, s in expected_secure_strings(document)
        if s["value"] == MASK
    ]


def _secrets_equal(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.get("value") == b.get("value")


@DEEP
@given(old=small_documents, new=small_documents, pattern=levels, depth=depths)
def test_diff_at_any_depth_equals_the_diff_of_the_insides_under_the_prefix(
    old: Any, new: Any, pattern: list[str | None], depth: int
) -> None:
    prefix = tuple(_keys(pattern, depth))
    deep = diff(wrapped(old, pattern, depth), wrapped(new, pattern, depth), _secrets_equal)
    assert deep == diff(old, new, _secrets_equal, prefix)
    assert diff(wrapped(old, pattern, depth), wrapped(old, pattern, depth), _secrets_equal) == []


def test_a_secret_five_thousand_levels_down_is_masked_and_reported_by_its_path() -> None:
    secret = {"type": SECURE_STRING, "value": "s3cret"}
    document = wrapped({"password": secret}, ["typeProperties", None], 5000)
    [(path, found)] = list(secure_strings(document))
    assert found is secret and len(path) == 5001 and path[-1] == "password"
    bottom = unwrapped(masked(document), ["typeProperties", None], 5000)
    assert bottom == {"password": {"type": SECURE_STRING, "value": MASK}}
    changes = diff(
        document,
        wrapped({"password": {**secret, "value": "other"}}, ["typeProperties", None], 5000),
        _secrets_equal,
    )
    assert [(c.kind, c.secret) for c in changes] == [("changed", True)]
    assert changes[0].path.endswith("[0].password") and changes[0].path.count("[0]") == 2500

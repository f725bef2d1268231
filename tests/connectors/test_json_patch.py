"""connectors.json_patch: a changed document written into its file, changing only the lines
of what changed, in every layout the repositories hold."""

from __future__ import annotations

import copy
import difflib
import json
import random
from typing import Any

import pytest

from connectors.file_style import detect_style, render
from connectors.form_edits import kept_as_written
from connectors.json_patch import patched, same_json
from tests.connectors.repository_builders import STYLES

DOCUMENT: dict[str, Any] = {
    "name": "SqlPool",
    "properties": {
        "parameters": {"DBName": {"type": "string", "defaultValue": "salesdw"}},
        "annotations": [],
        "type": "AzureSqlDW",
        "typeProperties": {"server": "contoso.sql.azuresynapse.net", "connectTimeout": "30"},
        "connectVia": {"referenceName": "ir", "type": "IntegrationRuntimeReference"},
    },
    "type": "Microsoft.DataFactory/factories/linkedservices",
}


def hunks(before: bytes, after: bytes) -> int:
    diff = difflib.unified_diff(
        before.decode("utf-8-sig").splitlines(), after.decode("utf-8-sig").splitlines(), n=0
    )
    return sum(1 for line in diff if line.startswith("@@"))


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.describe())
def test_one_changed_value_changes_one_line_in_every_style(style: Any) -> None:
    raw = render(DOCUMENT, style)
    after = copy.deepcopy(DOCUMENT)
    after["properties"]["typeProperties"]["connectTimeout"] = "60"
    out = patched(raw, after)
    assert json.loads(out.decode("utf-8-sig")) == after
    assert detect_style(out) == style
    if style.indent is not None:
        assert hunks(raw, out) == 1
        assert len(out.splitlines()) == len(raw.splitlines())


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.describe())
def test_keys_in_another_order_are_no_change_and_a_new_key_goes_among_its_siblings(
    style: Any,
) -> None:
    raw = render(DOCUMENT, style)
    properties = {"description": "Sales", **DOCUMENT["properties"]}
    reordered = {"type": DOCUMENT["type"], "name": "SqlPool", "properties": properties}
    out = patched(raw, reordered)
    assert same_json(json.loads(out.decode("utf-8-sig")), reordered)
    text = out.decode("utf-8-sig")
    assert text.index('"description"') < text.index('"parameters"') < text.index('"annotations"')
    if style.indent is not None:
        assert hunks(raw, out) == 1


def test_removed_members_go_with_their_commas_and_lists_grow_and_shrink() -> None:
    raw = render(DOCUMENT, STYLES[0])
    after = copy.deepcopy(DOCUMENT)
    del after["properties"]["parameters"]
    del after["properties"]["connectVia"]
    after["properties"]["annotations"] = ["nightly", {"team": "sales"}]
    out = patched(raw, after)
    assert same_json(json.loads(out), after)
    shorter = copy.deepcopy(after)
    shorter["properties"]["annotations"] = []
    assert same_json(json.loads(patched(out, shorter)), shorter)


def test_same_json_tells_json_types_apart() -> None:
    assert not same_json(1, True) and not same_json(1, 1.0) and not same_json("1", 1)
    assert same_json({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]})
    assert same_json({"a": 1, "b": 2}, {"b": 2, "a": 1})


def _random_value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth <= 0 or roll < 0.4:
        return rng.choice([0, 1, -3.5, True, False, None, "x", "ünï", "a\nb", "@{p}"])
    if roll < 0.7:
        return {f"k{n}": _random_value(rng, depth - 1) for n in range(rng.randint(0, 4))}
    return [_random_value(rng, depth - 1) for _ in range(rng.randint(0, 3))]


def _mutated(rng: random.Random, value: Any) -> Any:
    if isinstance(value, dict) and value and rng.random() < 0.7:
        out = dict(value)
        key = rng.choice(list(out))
        action = rng.random()
        if action < 0.2:
            del out[key]
        elif action < 0.4:
            out[f"new{rng.randint(0, 99)}"] = _random_value(rng, 2)
        else:
            out[key] = _mutated(rng, out[key])
        if rng.random() < 0.2:
            out = dict(reversed(list(out.items())))
        return out
    if isinstance(value, list) and value and rng.random() < 0.7:
        out_list = list(value)
        index = rng.randrange(len(out_list))
        action = rng.random()
        if action < 0.2:
            out_list.pop()
        elif action < 0.4:
            out_list.append(_random_value(rng, 2))
        else:
            out_list[index] = _mutated(rng, out_list[index])
        return out_list
    return _random_value(rng, 2)


@pytest.mark.parametrize("seed", range(40))
def test_any_change_in_any_style_reads_back_as_the_new_document(seed: int) -> None:
    rng = random.Random(seed)
    before = {"name": "r", "properties": _random_value(rng, 4) or {"x": 1}}
    after = _mutated(rng, before)
    for style in STYLES:
        raw = render(before, style)
        out = patched(raw, after)
        assert same_json(json.loads(out.decode("utf-8-sig")), after), (style, raw, after)
        if same_json(before, after):
            assert out == raw


def test_a_form_keeps_what_it_showed_as_the_file_wrote_it() -> None:
    stored = {"parameters": {"p": {"type": "string"}}, "typeProperties": {"port": "443"}}
    untouched = {
        "annotations": [],
        "typeProperties": {"port": 443},
        "parameters": {"p": {"type": "String"}},
    }
    edited = copy.deepcopy(untouched)
    edited["description"] = "typed"
    edited["parameters"]["q"] = {"type": "Int"}
    merged = kept_as_written(stored, untouched, edited)
    assert merged == {
        "parameters": {"p": {"type": "string"}, "q": {"type": "Int"}},
        "typeProperties": {"port": "443"},
        "description": "typed",
    }
    secret = {"type": "SecureString", "value": "**********"}
    kept = kept_as_written(
        {"password": {"type": "SecureString", "secretId": 4}},
        {"password": secret},
        {"password": secret},
    )
    assert kept == {"password": secret}, "the mask, which the save resolves"

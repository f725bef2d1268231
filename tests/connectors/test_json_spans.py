"""Where a value sits in a JSON text: the span json.loads would read the value from, the
last of duplicate keys winning, however the keys are spelled."""

from __future__ import annotations

import json
from typing import Any

import pytest

from connectors.json_spans import JsonText, SpanNotFound, value_span

TEXTS = [
    '{"a": 1, "b": [1, {"c": 2}], "a": {"x": [3]}, "d": {"y": 1}, "d": 2}',
    '{"a": {"x": 1}, "\\u0061": {"x": 2}}',
    '{"a": {"x": 1}, "b": {"a": 5}}',
    '{"a": {"x": 1}, "a": {"y": 2}}',
    '{"a/": {"x": 1}, "a\\/": {"x": 2}}',
    '{"a\\n": {"x": 1}, "a\\n": {"x": 2}}',
    '\t{\n\t"p": {"acts": [{"n": 1}, {"n": 2}, {"n": 3}]},\n\t"q": "\\u00e9"\n}',
]
PATHS: list[tuple[Any, ...]] = [
    ("a",), ("a", "x"), ("a", "x", 0), ("a", "y"), ("b", 1, "c"), ("d", "y"), ("z",),
    ("b", 5), ("a/", "x"), ("a\n", "x"), ("p", "acts", 1), ("p", "acts", 1, "n"),
]  # fmt: skip


def _loaded_at(text: str, path: tuple[Any, ...]) -> Any:
    value: Any = json.loads(text)
    for key in path:
        if isinstance(key, int):
            if not isinstance(value, list) or key >= len(value):
                raise LookupError(key)
        elif not isinstance(value, dict) or key not in value:
            raise LookupError(key)
        value = value[key]
    return value


@pytest.mark.parametrize("text", TEXTS)
def test_the_span_found_holds_what_json_loads_reads_there(text: str) -> None:
    for path in PATHS:
        try:
            expected = _loaded_at(text, path)
        except LookupError:
            with pytest.raises(SpanNotFound):
                value_span(text, path)
            continue
        start, end = value_span(text, path)
        assert json.loads(text[start:end]) == expected, path


def test_one_activity_of_a_large_pipeline_is_found_among_its_neighbours() -> None:
    activities = [{"name": f"A{n}", "typeProperties": {"q": f"SELECT {n}"}} for n in range(300)]
    text = json.dumps({"name": "P", "properties": {"activities": activities}}, indent="\t")
    start, end = value_span(text, ("properties", "activities", 150))
    assert json.loads(text[start:end]) == activities[150]


@pytest.mark.parametrize("text", [*TEXTS, '{"a": NaN, "b": {"x": [1, NaN]}}', '[1, {"a": 2}]'])
def test_a_json_text_reads_each_value_as_json_loads_of_the_whole_does(text: str) -> None:
    paths = [*PATHS, ("b", "x", 1), ("b", "x"), (0,), (1, "a"), ("a", 0), ("q", 0)]
    for path in paths:
        stored = JsonText(text)
        try:
            expected = _loaded_at(text, path)
        except LookupError:
            with pytest.raises(LookupError):
                stored.value(path)
            assert stored.get(path, "none") == "none"
            continue
        assert json.dumps(stored.value(path)) == json.dumps(expected), path
        assert json.dumps(stored.get(path)) == json.dumps(expected), path


def test_a_json_text_reads_one_activity_without_the_others() -> None:
    activities = [{"name": f"A{n}", "typeProperties": {"q": f"SELECT {n}"}} for n in range(300)]
    stored = JsonText(json.dumps({"activities": activities, "parameters": {"p": 1}}))
    assert stored.value(("activities", 150)) == activities[150]
    assert stored.get(("parameters",)) == {"p": 1}
    assert stored.get(("variables",)) is None
    assert stored.span(("activities", 150)) == value_span(stored.text, ("activities", 150))
    assert not stored._whole  # found and read by its span: the whole never parsed


def test_a_text_with_unique_keys_is_not_read_after_the_value() -> None:
    """What ``json.dumps`` writes has no key twice: the key written again further on (an
    inner activity list of a later ForEach) is not looked for, nor the rest read."""
    document = {"p": {"acts": [{"n": 1}, {"t": {"acts": [{"n": 2}]}}]}, "q": [1]}
    text = json.dumps(document)
    broken = text[: text.index('[{"n": 2}')] + "]]]"  # the rest is not even JSON
    for candidate in (text, broken):
        stored = JsonText(candidate, unique_keys=True)
        assert stored.value(("p", "acts", 0)) == {"n": 1}
    with pytest.raises(SpanNotFound):
        value_span(broken, ("p", "acts", 0))  # the key written again: the rest is read


def test_a_key_written_again_further_in_is_checked_without_reading_the_text_before_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A later ForEach has its own "acts": the text after the value is read on to its
    enclosing objects' ends (the last of duplicate keys would win), but what comes before
    the value is read once."""
    import connectors.json_spans as spans

    acts = [{"n": i, "t": {"acts": [{"n": -i}]}} for i in range(10)]
    text = json.dumps({"p": {"acts": acts, "v": 1}, "q": 2}, indent="\t")
    read_from: list[int] = []
    scan = spans._SCAN

    def counted(text: str, at: int) -> Any:
        read_from.append(at)
        return scan(text, at)

    monkeypatch.setattr(spans, "_SCAN", counted)
    start, end = value_span(text, ("p", "acts", 5))
    assert json.loads(text[start:end]) == acts[5]
    before = [at for at in read_from if at < start]
    assert len(before) == len(set(before)) == 5  # each earlier activity, once
    # Written again at that level, further on: the last one wins, as in json.loads.
    again = text[: text.rindex("}")].rstrip() + ',\n"p": {"acts": [1, 2, 3, 4, 5, 6]}}'
    assert json.loads(again[slice(*value_span(again, ("p", "acts", 5)))]) == 6
    missing = text[: text.rindex("}")].rstrip() + ',\n"p": {"acts": []}}'
    with pytest.raises(SpanNotFound):
        value_span(missing, ("p", "acts", 5))

"""Where a value sits in a JSON text: the character span of the value at a path.

Used to replace one part of a stored file (one activity of a pipeline) while every other
character stays as it was. Duplicate keys resolve to the last one, as ``json.loads`` does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

_WHITESPACE = re.compile(r"[ \t\n\r]*")


class SpanNotFound(LookupError):
    pass


def _skip_ws(text: str, at: int) -> int:
    found = _WHITESPACE.match(text, at)
    return found.end() if found else at


def _string_end(text: str, at: int) -> tuple[str, int]:
    value, end = json.decoder.scanstring(text, at + 1)  # type: ignore[attr-defined]
    return str(value), int(end)


_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # C where CPython has it


_VALUE_STARTS = frozenset('"{[-tfn0123456789')
"""How a JSON value starts (NaN and Infinity, which Python's scanner reads, are none)."""


def _value_end(text: str, at: int) -> int:
    """The end of the value starting at ``at`` (no leading whitespace): the standard
    library's scanner reads it (in C), so skipping a large value costs no Python loop."""
    if text[at : at + 1] not in _VALUE_STARTS:
        raise SpanNotFound(f"Not valid JSON at character {at}.")
    try:
        _, end = _SCAN(text, at)
    except (StopIteration, ValueError) as exc:
        raise SpanNotFound(f"Not valid JSON at character {at}.") from exc
    return int(end)


def value_span(
    text: str, path: Sequence[str | int], *, unique_keys: bool = False
) -> tuple[int, int]:
    """``(start, end)`` of the value at ``path`` in the JSON ``text``. The text before the
    value is read once (by the standard library's scanner, in C); the text after it is
    only searched for the path's keys, unless one of them may be written again there
    (then it is read too, and the last of duplicate keys wins, as in ``json.loads``).
    ``unique_keys``: the caller knows no object of ``text`` has a key twice (``json.dumps``
    wrote it), so the text after the value is not even searched."""
    at, path = _skip_ws(text, 0), tuple(path)
    try:
        # Each key's first occurrence: what json.loads takes too, unless the key is written
        # again further on (the last one wins), which can only be after the value found.
        start, end, _ = _descend(text, at, path, need_end=False, first=True)
    except SpanNotFound:
        # (perhaps only a later value of a key holds the rest of the path)
        start, end, _ = _descend(text, at, path, need_end=False)
        return start, end
    if unique_keys or not _may_repeat(text, end, path):
        return start, end
    return _last_written(text, end, path, (start, end))


def _last_written(
    text: str, after: int, path: tuple[str | int, ...], span: tuple[int, int]
) -> tuple[int, int]:
    """``span``, the value at ``path`` where each key's first occurrence leads (it ends at
    ``after``), or where a later occurrence of one of the keys leads (the last one wins):
    the text after the value is read on from there, each enclosing object or array to its
    end, innermost first; the text before it is not read again."""
    found: tuple[int, int] | SpanNotFound = span
    at = after
    for level in range(len(path) - 1, -1, -1):
        key, rest = path[level], path[level + 1 :]
        at = _skip_ws(text, at)
        while text[at : at + 1] == ",":
            at = _skip_ws(text, at + 1)
            if isinstance(key, str):
                if text[at : at + 1] != '"':
                    raise SpanNotFound(f"Not valid JSON at character {at}.")
                name, at = _string_end(text, at)
                at = _skip_ws(text, at)
                if text[at : at + 1] != ":":
                    raise SpanNotFound(f"Not valid JSON at character {at}.")
                at = _skip_ws(text, at + 1)
                if name == key:
                    found, at = _member_value(text, at, rest)
                    at = _skip_ws(text, at)
                    continue
            at = _skip_ws(text, _value_end(text, at))
        if text[at : at + 1] != ("]" if isinstance(key, int) else "}"):
            raise SpanNotFound(f"Not valid JSON at character {at}.")
        at += 1
    if isinstance(found, SpanNotFound):
        raise found
    return found


def _member_value(
    text: str, at: int, rest: tuple[str | int, ...]
) -> tuple[tuple[int, int] | SpanNotFound, int]:
    """The span of the value at ``rest`` under the member value starting at ``at`` (or why
    there is none), and where that member value ends."""
    try:
        start, end, after = _descend(text, at, rest, need_end=True)
    except SpanNotFound as exc:
        return exc, _value_end(text, at)
    return (start, end), after


def _may_repeat(text: str, after: int, path: tuple[str | int, ...]) -> bool:
    """Whether a key of ``path`` may be written again after ``after``: it is, in its own
    spelling (a string followed by a colon), or an escape could spell it (``\\u``
    anywhere after, or a key that has a character written escaped)."""
    # A one-character search first: it is fast where the two-character one is not.
    if text.find("\\", after) != -1 and text.find("\\u", after) != -1:
        return True
    for key in path:
        if isinstance(key, str):
            quoted = json.dumps(key, ensure_ascii=False)
            if "\\" in quoted or "/" in key or _key_written(text, quoted, after):
                return True
    return False


def _key_written(text: str, quoted: str, after: int) -> bool:
    """Whether the string ``quoted`` is written as a key after ``after`` (a quote after a
    backslash is inside a string, and a string not followed by a colon is no key)."""
    at = text.find(quoted, after)
    while at != -1:
        if text[at - 1] != "\\" and text.startswith(":", _skip_ws(text, at + len(quoted))):
            return True
        at = text.find(quoted, at + 1)
    return False


_COMMA = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")


def _skip_items(text: str, at: int, count: int) -> int:
    """Where item ``count`` of an array starts, its first item (or its ``]``) at ``at``:
    the items before it are skipped by the standard library's scanner, in a loop kept
    short (a large pipeline's activities are hundreds)."""
    if count < 0 or text[at : at + 1] == "]":
        raise SpanNotFound(f"No item {count}.")
    comma = _COMMA.match
    for _ in range(count):
        found = comma(text, _value_end(text, at))
        if found is None:  # the array ends (or is not valid JSON) before the item
            raise SpanNotFound(f"No item {count}.")
        at = found.end()
    return at


def _descend(
    text: str, at: int, path: tuple[str | int, ...], *, need_end: bool, first: bool = False
) -> tuple[int, int, int]:
    """(start, end) of the value at ``path`` under the value starting at ``at``, and where
    that value ends (-1 when not ``need_end`` and an array's end was not needed).
    ``first``: an object's first member of a key is taken (and the rest left unread)."""
    if not path:
        end = _value_end(text, at)
        return at, end, end
    key, rest = path[0], path[1:]
    char = text[at : at + 1]
    if isinstance(key, int):
        if char != "[":
            raise SpanNotFound(f"No array where item {key} was expected.")
        at = _skip_items(text, _skip_ws(text, at + 1), key)
        start, end, item_end = _descend(text, at, rest, need_end=need_end, first=first)
        if not need_end:
            return start, end, -1
        at = _skip_ws(text, item_end)
        while text[at : at + 1] == ",":
            at = _skip_ws(text, _value_end(text, _skip_ws(text, at + 1)))
        if text[at : at + 1] != "]":
            raise SpanNotFound(f"Not valid JSON at character {at}.")
        return start, end, at + 1
    if char != "{":
        raise SpanNotFound(f"No object where key {key!r} was expected.")
    at = _skip_ws(text, at + 1)
    found_or_not: tuple[int, int] | SpanNotFound | None = None
    while text[at : at + 1] == '"':
        name, at = _string_end(text, at)
        at = _skip_ws(text, _skip_ws(text, at) + 1)
        if name == key and first:
            return _descend(text, at, rest, need_end=False, first=True)[:2] + (-1,)
        if name == key:
            # The last of duplicate keys wins, as in json.loads: the rest is read on.
            found_or_not, at = _member_value(text, at, rest)
        else:
            at = _value_end(text, at)
        at = _skip_ws(text, at)
        if text[at : at + 1] == ",":
            at = _skip_ws(text, at + 1)
    if found_or_not is None:
        raise SpanNotFound(f"No key {key!r}.")
    if isinstance(found_or_not, SpanNotFound):
        raise found_or_not
    return found_or_not[0], found_or_not[1], at + 1


class JsonText:
    """A JSON text read only where asked: the value at a path is found (:func:`value_span`:
    only the text before it is skipped, by the standard library's scanner) and parsed alone,
    so a small value of a large text costs the small value and what comes before it, and
    nothing is kept of the rest. Found spans are remembered. Each value reads as it does in
    ``json.loads`` of the whole text (which :meth:`whole` is, read once when asked).
    ``unique_keys``: no object of ``text`` has a key twice (:func:`value_span`)."""

    def __init__(self, text: str, *, unique_keys: bool = False) -> None:
        self.text = text
        self.unique_keys = unique_keys
        self._spans: dict[tuple[str | int, ...], tuple[int, int]] = {}
        self._whole: list[Any] = []

    def span(self, path: Sequence[str | int]) -> tuple[int, int]:
        """:func:`value_span` of ``path`` (remembered): SpanNotFound when there is none."""
        key = tuple(path)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = value_span(self.text, key, unique_keys=self.unique_keys)
        return found

    def value(self, path: Sequence[str | int]) -> Any:
        """The value at ``path``: LookupError when there is none."""
        try:
            start, end = self.span(path)
        except SpanNotFound:
            if "NaN" not in self.text and "Infinity" not in self.text:
                raise  # in JSON the span finder reads, there is no value there
            # Perhaps a constant the span finder does not read (NaN): the whole says.
            node = self.whole()
            for key in path:
                node = _child(node, key)
            return node
        return json.loads(self.text[start:end])

    def get(self, path: Sequence[str | int], default: Any = None) -> Any:
        """The value at ``path``, ``default`` when there is none."""
        try:
            return self.value(path)
        except LookupError:
            return default

    def whole(self) -> Any:
        """``json.loads`` of the text, read once."""
        if not self._whole:
            self._whole.append(json.loads(self.text))
        return self._whole[0]


def _child(node: Any, key: str | int) -> Any:
    """``node[key]`` where ``node`` is an object (``key`` a name) or an array (an index);
    LookupError otherwise, as where :func:`value_span` finds no value."""
    if isinstance(key, int) and isinstance(node, list):
        return node[key]
    if isinstance(key, str) and isinstance(node, dict):
        return node[key]
    raise LookupError(f"No value at {key!r}.")


def line_indent(text: str, at: int) -> str:
    """The whitespace that starts the line holding character ``at``."""
    start = text.rfind("\n", 0, at) + 1
    found = _WHITESPACE.match(text, start)
    indent = found.group(0) if found else ""
    return indent.replace("\r", "").replace("\n", "")[: max(0, at - start)]


def container_at(text: str, path: Sequence[str | int]) -> int:
    """Where the object or array at ``path`` starts (its ``{`` or ``[``)."""
    at = value_span(text, path)[0]
    if text[at : at + 1] not in ("{", "["):
        raise SpanNotFound("No object or array at that path.")
    return at


def members(text: str, at: int) -> list[tuple[str | int, int, int, int]]:
    """The members of the object or array starting at ``at``: (key or index, where the
    member starts -- its key's quote for an object --, where its value starts, where it
    ends), in file order (duplicate keys each listed)."""
    char = text[at : at + 1]
    closing = "}" if char == "{" else "]"
    found: list[tuple[str | int, int, int, int]] = []
    at = _skip_ws(text, at + 1)
    index = 0
    while text[at : at + 1] != closing:
        start = at
        key: str | int = index
        if char == "{":
            key, at = _string_end(text, at)
            at = _skip_ws(text, _skip_ws(text, at) + 1)
        end = _value_end(text, at)
        found.append((key, start, at, end))
        at = _skip_ws(text, end)
        if text[at : at + 1] == ",":
            at = _skip_ws(text, at + 1)
        elif text[at : at + 1] != closing:
            raise SpanNotFound(f"Not valid JSON at character {at}.")
        index += 1
    return found


def closing_at(text: str, at: int) -> int:
    """Where the object or array starting at ``at`` closes (its ``}`` or ``]``)."""
    return _value_end(text, at) - 1

"""Editing one member of a JSON file while every other character stays as it was.

JSON config files, ARM parameter files and edited resource files
(:mod:`connectors.json_patch`) are edited entry by entry: the value of one entry
replaced, one entry added at the end of its object or array or before another member
(indented like its siblings), one removed with its comma. Positions (line, column) of
values are given for findings.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from connectors.file_style import FileStyle, detect_style
from connectors.json_spans import closing_at, container_at, line_indent, members, value_span


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of character ``offset``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _render(
    value: Any, text: str, at: int, inline: bool = False, style: FileStyle | None = None
) -> str:
    """``value`` as JSON laid out like the file around ``at`` (its indent and newlines);
    on one line when ``inline`` (its neighbours are). ``style``: the whole file's, when
    ``text`` is only a part of it (otherwise found from ``text``)."""
    style = style or detect_style(text.encode("utf-8"))
    ascii_only = style.ascii_only
    if inline or style.indent is None or not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=ascii_only, separators=(", ", ": "))
    rendered = json.dumps(value, indent=style.indent or "  ", ensure_ascii=ascii_only)
    base = line_indent(text, at)
    return rendered.replace("\n", style.newline + base)


def replace_value(
    text: str, path: Sequence[str | int], value: Any, *, style: FileStyle | None = None
) -> str:
    start, end = value_span(text, path)
    inline = text[start] in "{[" and "\n" not in text[start:end]
    return text[:start] + _render(value, text, start, inline, style) + text[end:]


def append(
    text: str,
    path: Sequence[str | int],
    value: Any,
    key: str | None = None,
    *,
    style: FileStyle | None = None,
) -> str:
    """Add ``value`` at the end of the array at ``path``, or as member ``key`` of the object
    there; the separator and indentation copied from the members before it."""
    at = container_at(text, path)
    close = closing_at(text, at)
    existing = members(text, at)
    head = "" if key is None else json.dumps(key, ensure_ascii=False) + ": "
    if existing:
        _, last_start, _, last_end = existing[-1]
        if len(existing) >= 2:
            gap_start = existing[-2][3]
            gap = text[gap_start:last_start]
            gap = gap[gap.index(",") + 1 :] if "," in gap else " "
        else:
            gap = text[at + 1 : existing[0][1]] or " "
        member = head + _render(value, text, last_start, "\n" not in gap, style)
        return text[:last_end] + "," + gap + member + text[last_end:]
    inner = text[at + 1 : close]
    newline = "\r\n" if "\r\n" in text else "\n"
    if newline in inner or "\n" in text:
        style = style or detect_style(text.encode("utf-8"))
        unit = style.indent or "  "
        base = line_indent(text, at)
        member = head + _render(value, text, at, style=style).replace(newline, newline + unit)
        return text[: at + 1] + newline + base + unit + member + newline + base + text[close:]
    return text[: at + 1] + head + _render(value, text, at, style=style) + text[close:]


def insert_before(
    text: str,
    path: Sequence[str | int],
    key: str,
    value: Any,
    before: str,
    *,
    style: FileStyle | None = None,
) -> str:
    """Add member ``key`` to the object at ``path`` just before its member ``before``,
    separated and indented as that member is."""
    at = container_at(text, path)
    existing = members(text, at)
    position = _position(existing, before)
    start = existing[position][1]
    gap_start = existing[position - 1][3] if position > 0 else at + 1
    gap = text[gap_start:start]
    gap = gap[gap.index(",") + 1 :] if "," in gap else gap
    inline = "\n" not in gap
    member = json.dumps(key, ensure_ascii=False) + ": " + _render(value, text, start, inline, style)
    return text[:start] + member + "," + (gap or " ") + text[start:]


def remove(text: str, path: Sequence[str | int]) -> str:
    """Remove the member or item at ``path`` with the comma that joined it."""
    *parent, last = path
    at = container_at(text, parent)
    existing = members(text, at)
    position = _position(existing, last)
    _, start, _, end = existing[position]
    if len(existing) == 1:
        return text[: at + 1] + text[closing_at(text, at) :]
    if position > 0:
        previous_end = existing[position - 1][3]
        return text[:previous_end] + text[end:]
    return text[:start] + text[existing[1][1] :]


def _position(existing: list[tuple[str | int, int, int, int]], key: str | int) -> int:
    """The index among ``existing`` of the member named ``key`` (the last of duplicates)."""
    if isinstance(key, int):
        return key
    matches = [n for n, member in enumerate(existing) if member[0] == key]
    if not matches:
        raise KeyError(key)
    return matches[-1]


def value_position(text: str, path: Sequence[str | int]) -> tuple[int, int]:
    """(line, column) where the value at ``path`` starts."""
    return line_column(text, value_span(text, path)[0])


class Positions:
    """Where every value down to ``depth`` levels starts in a JSON text, found in one pass
    (a file of thousands of entries asks for each entry's place)."""

    def __init__(self, text: str, depth: int = 3) -> None:
        self.text = text
        self._starts: dict[tuple[str | int, ...], int] = {}
        self._lines = [0] + [n + 1 for n, char in enumerate(text) if char == "\n"]
        at = len(text) - len(text.lstrip())
        self._index(at, (), depth)

    def _index(self, at: int, path: tuple[str | int, ...], depth: int) -> None:
        self._starts[path] = at
        if depth == 0 or self.text[at : at + 1] not in ("{", "["):
            return
        for key, _, value_start, _ in members(self.text, at):
            # The last of duplicate keys wins, as in json.loads.
            self._index(value_start, (*path, key), depth - 1)

    def of(self, path: Sequence[str | int]) -> tuple[int, int]:
        """(line, column) where the value at ``path`` starts."""
        offset = self._starts.get(tuple(path))
        if offset is None:
            offset = value_span(self.text, path)[0]
        line = bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1


__all__ = [
    "Positions",
    "append",
    "insert_before",
    "line_column",
    "remove",
    "replace_value",
    "value_position",
]

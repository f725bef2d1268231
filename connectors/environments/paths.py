"""The property paths of azure.datafactory.tools config files, read and followed.

A path names a property relative to the resource's ``properties`` (``typeProperties.url``)
or from the document's root (``$.properties.typeProperties.url``); ``+`` before it adds the
property and ``-`` removes it. Segments are joined by ``.``; a name that is not a plain
word is quoted (``globalParameters.'GP-String'.value``); an array item is taken by index
(``activities[0]``) or, when every item has a ``name``, by that name
(``activities["Copy Data"]``). The tool evaluates the path as PowerShell member access,
so names ignore case and anything else (``typeProperties:baseUrl``) is its error ADFT0010.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

ROOT = "$.properties."
_WORD = re.compile(r"[A-Za-z0-9_]+")
_INDEX = re.compile(r"\[\s*(\d+)\s*\]")
_KEY = re.compile(r"""\[\s*(?:'((?:[^']|'')*)'|"((?:[^"`]|`.)*)")\s*\]""")
_QUOTED = re.compile(r"""'((?:[^']|'')*)'|"((?:[^"`]|`.)*)\"""")


class Action(StrEnum):
    UPDATE = "update"
    ADD = "add"
    REMOVE = "remove"


class PathError(ValueError):
    """A path the tool cannot evaluate: ``offset`` is where in the path text it goes wrong."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Segment:
    key: str | int
    by_name: bool = False
    """``["name"]``: an array item by its ``name`` (or an object's key)."""
    offset: int = 0

    def __str__(self) -> str:
        if isinstance(self.key, int):
            return f"[{self.key}]"
        if self.by_name:
            return f'["{self.key}"]'
        return self.key if _WORD.fullmatch(self.key) else f"'{self.key}'"


@dataclass(frozen=True)
class PropertyPath:
    text: str
    """The path as written, prefix included."""
    action: Action
    segments: tuple[Segment, ...]

    def display(self, upto: int | None = None) -> str:
        """``properties.a.b[0]`` (the first ``upto`` segments)."""
        out = "properties"
        for segment in self.segments[:upto]:
            shown = str(segment)
            out += shown if shown.startswith("[") else "." + shown
        return out


def parse_path(text: str, action: Action | None = None) -> PropertyPath:
    """Read a path as the tool does. ``action`` comes from the JSON form's ``action``; in a
    CSV file it is the ``+``/``-`` prefix. Raises PathError."""
    at = 0
    if action is None:
        action = Action.UPDATE
        if text.startswith("+"):
            action, at = Action.ADD, 1
        elif text.startswith("-"):
            action, at = Action.REMOVE, 1
    if text.startswith(ROOT, at):
        at += len(ROOT)
    elif text.startswith("$", at):
        raise PathError(
            f"A path from the document's root starts with '{ROOT}' (the tool changes "
            "only what is under properties).",
            at,
        )
    segments = _segments(text, at)
    return PropertyPath(text, action, tuple(segments))


def _segments(text: str, at: int) -> list[Segment]:
    segments: list[Segment] = []
    expect_name = True
    while at < len(text):
        if text[at] == "[":
            found = _INDEX.match(text, at)
            if found is not None:
                segments.append(Segment(int(found.group(1)), offset=at))
                at, expect_name = found.end(), False
                continue
            key = _KEY.match(text, at)
            if key is None:
                raise PathError('An item is taken as [0] or ["its name"].', at)
            name = key.group(1).replace("''", "'") if key.group(1) is not None else key.group(2)
            segments.append(Segment(name, by_name=True, offset=at))
            at, expect_name = key.end(), False
            continue
        if not expect_name:
            if text[at] != ".":
                raise PathError(
                    f"'{text[at]}' cannot follow a name here: segments are joined by '.'.", at
                )
            at += 1
            expect_name = True
            continue
        word = _WORD.match(text, at)
        quoted = _QUOTED.match(text, at)
        if word is not None:
            segments.append(Segment(word.group(0), offset=at))
            at = word.end()
        elif quoted is not None:
            name = (
                quoted.group(1).replace("''", "'")
                if quoted.group(1) is not None
                else quoted.group(2)
            )
            segments.append(Segment(name, offset=at))
            at = quoted.end()
        elif text[at] == ".":
            raise PathError("An empty name between two dots.", at)
        else:
            raise PathError(
                f"'{text[at]}' cannot stand in a name: quote a name such as 'GP-String', "
                "and join segments with '.'.",
                at,
            )
        expect_name = False
    if expect_name:
        raise PathError("The path ends without a property name.", at)
    return segments


class Missing(LookupError):
    """The path does not reach a value: ``depth`` segments matched first."""

    def __init__(self, message: str, depth: int) -> None:
        super().__init__(message)
        self.depth = depth


def _names(node: dict[str, Any]) -> str:
    names = list(node)
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"(it has: {shown})" if names else "(it is empty)"


def _member(node: dict[str, Any], key: str) -> str | None:
    """The key of ``node`` that ``key`` names, ignoring case as PowerShell does."""
    if key in node:
        return key
    folded = key.casefold()
    return next((k for k in node if k.casefold() == folded), None)


def _item_named(items: list[Any], name: str) -> int | None:
    if not items or not all(isinstance(i, dict) and "name" in i for i in items):
        return None
    folded = name.casefold()
    return next((n for n, item in enumerate(items) if str(item["name"]).casefold() == folded), None)


def _step(node: Any, segment: Segment, path: PropertyPath, depth: int) -> tuple[Any, str | int]:
    """The child of ``node`` that ``segment`` names, and its actual key or index."""
    where = path.display(depth)
    if isinstance(segment.key, int):
        if not isinstance(node, list):
            raise Missing(f"{where} is not an array, so it has no item [{segment.key}].", depth)
        if segment.key >= len(node):
            raise Missing(f"{where} has {len(node)} item(s); there is no [{segment.key}].", depth)
        return node[segment.key], segment.key
    if isinstance(node, list) and segment.by_name:
        index = _item_named(node, segment.key)
        if index is None:
            names = ", ".join(str(i.get("name")) for i in node if isinstance(i, dict))
            raise Missing(
                f"{where} has no item named '{segment.key}' (items: {names or 'none'}).", depth
            )
        return node[index], index
    if not isinstance(node, dict):
        kind = "an array" if isinstance(node, list) else "not an object"
        raise Missing(f"{where} is {kind}, so it has no property '{segment.key}'.", depth)
    key = _member(node, segment.key)
    if key is None:
        raise Missing(f"{where} has no property '{segment.key}' {_names(node)}.", depth)
    return node[key], key


def locate(properties: Any, path: PropertyPath) -> tuple[str | int, ...]:
    """The actual keys and indexes the path reaches in ``properties`` (raises Missing)."""
    node, keys = properties, []
    for depth, segment in enumerate(path.segments):
        node, key = _step(node, segment, path, depth)
        keys.append(key)
    return tuple(keys)


def get(properties: Any, keys: tuple[str | int, ...]) -> Any:
    node = properties
    for key in keys:
        node = node[key]
    return node


def add_target(properties: Any, path: PropertyPath) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Where ``+path`` adds its property: (the keys of the object it goes in that exist
    already, the keys created from there, the added property's last). The tool adds along
    property names, creating each missing object; raises Missing when the property exists
    already or a step on the way is not an object."""
    node = properties
    existing: list[str] = []
    for depth, segment in enumerate(path.segments):
        if isinstance(segment.key, int) or segment.by_name:
            raise Missing(
                f"The tool adds along property names only; {segment} cannot be added to.", depth
            )
        if not isinstance(node, dict):
            raise Missing(f"{path.display(depth)} is not an object to add to.", depth)
        key = _member(node, segment.key)
        if key is None:
            rest = tuple(str(s.key) for s in path.segments[depth:])
            return tuple(existing), rest
        node = node[key]
        existing.append(key)
    raise Missing(
        f"{path.display()} exists already: change it without '+' (the tool refuses to add "
        "a property twice).",
        len(path.segments) - 1,
    )


__all__ = [
    "Action",
    "Missing",
    "PathError",
    "PropertyPath",
    "Segment",
    "add_target",
    "get",
    "locate",
    "parse_path",
]

"""A problem found in a definition: where it is (a JSON path) and what to do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    """JSONPath of the offending value, e.g. ``$.properties.typeProperties.port``."""
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def json_path(parts: Iterable[str | int]) -> str:
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            out += f"['{escaped}']"
    return out


PathLink = tuple[str | int, "PathLink"] | None
"""A JSON path built while walking a document: (last key, the parent's link). Walkers
extend it in constant time at any depth; :func:`path_parts` turns it into a tuple."""


def path_parts(link: PathLink, prefix: tuple[str | int, ...] = ()) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    while link is not None:
        key, link = link
        parts.append(key)
    return (*prefix, *reversed(parts))

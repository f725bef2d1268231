"""Where a JSON path's value sits in a JSON text: its line, for errors shown at their line
(the JSON editor), found without a second parser."""

from __future__ import annotations

import json
import re

_SEGMENT = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def segments(path: str) -> list[str | int]:
    """``$.properties.typeProperties.port`` -> ["properties", "typeProperties", "port"]."""
    if not path.startswith("$"):
        return []
    out: list[str | int] = []
    for key, index in _SEGMENT.findall(path[1:]):
        out.append(int(index) if index else key)
    return out


def line_of(text: str, path: str) -> int | None:
    """The 1-based line where the value at ``path`` is written in ``text`` (the line of its
    key; of the nearest written ancestor for a missing one), or None for ``$`` itself."""
    position, found = 0, None
    for segment in segments(path):
        if isinstance(segment, int):
            continue  # array items: stay at the array's key (close enough to see)
        key = json.dumps(segment, ensure_ascii=False)
        at = text.find(key + ":", position)
        if at < 0:
            at = _find_key(text, key, position)
        if at < 0:
            break
        position, found = at, at
    return None if found is None else text.count("\n", 0, found) + 1


def _find_key(text: str, key: str, start: int) -> int:
    match = re.compile(re.escape(key) + r"\s*:").search(text, start)
    return match.start() if match else -1

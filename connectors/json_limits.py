"""What Linkwright accepts as input text: how deep JSON may nest, which characters text
may hold. Checked where input arrives (API bodies, imported files, form fields), once.

* JSON nested deeper than :data:`MAX_JSON_DEPTH` objects and arrays is refused: no ADF
  linked service comes near it, and refusing it before parsing keeps every later step
  (schema validation, the secret walkers, exports) far from any recursion limit.
* Control characters (U+0000-U+001F, U+007F-U+009F) are refused in names, filters and
  path segments, and all but tab, line feed and carriage return in other text:
  PostgreSQL cannot store U+0000, and none of them belongs in a name or a header.
"""

from __future__ import annotations

import json
import re
from typing import Any

from connectors.schema_store import common_def

MAX_JSON_DEPTH = 64
"""Objects and arrays nested in one another, counting the outermost one."""

TOO_DEEP = (
    f"The JSON nests objects and arrays more than {MAX_JSON_DEPTH} levels deep "
    f"(the limit is {MAX_JSON_DEPTH})"
)

_SPECIAL = re.compile(r'[\[\]{}"\\]')
_DEPTH_CHANGE = {"[": 1, "{": 1, "]": -1, "}": -1}

# The common schema's own rules for names and for descriptions (free text).
CONTROL_CHARACTERS = re.compile(common_def("name")["not"]["pattern"])
CONTROL_IN_TEXT = re.compile(common_def("description")["not"]["pattern"])


class TooDeep(ValueError):
    """JSON text nested deeper than :data:`MAX_JSON_DEPTH`; ``position`` is where."""

    def __init__(self, text: str, position: int) -> None:
        line = text.count("\n", 0, position) + 1
        column = position - text.rfind("\n", 0, position)
        super().__init__(f"{TOO_DEEP}: line {line}, column {column}.")
        self.position = position


def check_depth(text: str) -> None:
    """Raise :class:`TooDeep` if ``text`` nests brackets deeper than the limit.

    One pass, no recursion; brackets inside strings do not count. Invalid JSON is left to
    the parser.
    """
    depth, position, in_string = 0, 0, False
    while found := _SPECIAL.search(text, position):
        char, position = found.group(), found.end()
        if char == "\\":
            position += 1 if in_string else 0  # an escape: skip the escaped character
        elif char == '"':
            in_string = not in_string
        elif not in_string:
            depth += _DEPTH_CHANGE[char]
            if depth > MAX_JSON_DEPTH:
                raise TooDeep(text, found.start())


def loads(text: str) -> Any:
    """``json.loads`` that refuses JSON nested deeper than :data:`MAX_JSON_DEPTH`."""
    check_depth(text)
    return json.loads(text)


def control_character_problem(text: str, *, multiline: bool = False) -> str | None:
    """A sentence naming the first control character in ``text``, or None if it has none.
    ``multiline`` text (a comment, a description) may hold tabs and line breaks."""
    found = (CONTROL_IN_TEXT if multiline else CONTROL_CHARACTERS).search(text)
    if found is None:
        return None
    allowed = " other than tabs and line breaks" if multiline else ""
    return f"Control characters{allowed} are not accepted here (found U+{ord(found.group()):04X})."

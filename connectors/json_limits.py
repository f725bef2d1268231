"""What Linkwright accepts as input text: which JSON it reads, which characters text may
hold. Checked where input arrives (API bodies, imported files, editors, form fields), once.

* Every JSON text is read by :func:`loads`, which refuses, saying where (line, column):
  text that is not JSON; JSON nested deeper than :data:`MAX_JSON_DEPTH` objects and arrays
  (no ADF definition comes near it, and refusing it before parsing keeps every later step
  -- schema validation, the secret walkers, exports -- far from any recursion limit); and
  numbers Python cannot hold as written: an integer of more digits than the interpreter
  converts (4,300), a number too large for a double, NaN and Infinity (not JSON).
* Control characters (U+0000-U+001F, U+007F-U+009F) are refused in names, filters and
  path segments, and all but tab, line feed and carriage return in other text:
  PostgreSQL cannot store U+0000, and none of them belongs in a name or a header.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable
from itertools import accumulate
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


class JsonRefused(ValueError):
    """JSON text Linkwright does not read; the message says why and where (line, column)."""

    def __init__(self, message: str, text: str = "", position: int | None = None) -> None:
        self.position = position
        self.lineno: int | None = None
        self.colno: int | None = None
        if position is not None:
            self.lineno = text.count("\n", 0, position) + 1
            self.colno = position - text.rfind("\n", 0, position)
        super().__init__(message.replace("{where}", f"line {self.lineno}, column {self.colno}"))


class NotJson(JsonRefused):
    """Not JSON at all (what ``json.loads`` refuses)."""

    def __init__(self, error: json.JSONDecodeError) -> None:
        super().__init__(f"Not valid JSON at {{where}}: {error.msg}.", error.doc, error.pos)


class PastLimit(JsonRefused):
    """JSON, but past what Linkwright reads: nested too deep, or a number it cannot hold."""


class TooDeep(PastLimit):
    """JSON text nested deeper than :data:`MAX_JSON_DEPTH`; ``position`` is where."""

    def __init__(self, text: str, position: int) -> None:
        super().__init__(f"{TOO_DEEP}: {{where}}.", text, position)


class NumberRefused(PastLimit):
    """A number Python cannot hold as written (see the module)."""


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _deepest_at_most(text: str) -> int:
    """The deepest nesting of ``text``'s brackets outside its strings, read by the regular
    expression engine (in C): exact for JSON; past an unterminated string it counts the
    brackets :func:`check_depth` would skip, so it is never below the exact figure. A text
    with no more opening brackets than the limit (most files) is not searched at all: its
    count of them is such a figure."""
    opening = text.count("{") + text.count("[")
    if opening <= MAX_JSON_DEPTH:
        return opening
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if len(brackets) <= MAX_JSON_DEPTH:
        return len(brackets)
    return max(accumulate(map(_DEPTH_CHANGE.__getitem__, brackets)), default=0)


def check_depth(text: str) -> None:
    """Raise :class:`TooDeep` if ``text`` nests brackets deeper than the limit.

    One pass, no recursion; brackets inside strings do not count. Invalid JSON is left to
    the parser. A text whose brackets, counted in C, stay within the limit is not walked.
    """
    if _deepest_at_most(text) <= MAX_JSON_DEPTH:
        return
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
    """The value of a JSON text, or :class:`JsonRefused` saying why not and where."""
    check_depth(text)
    try:
        return json.loads(text, parse_constant=_constant, parse_float=_float)
    except json.JSONDecodeError as exc:
        raise NotJson(exc) from None
    except _Unreadable as exc:
        refused = exc.token
        position = _position_of(text, lambda token: token == refused)
        raise NumberRefused(exc.message, text, position) from None
    except ValueError as exc:  # an integer past the interpreter's digit limit
        limit = sys.get_int_max_str_digits()
        position = _position_of(text, lambda token: _is_integer(token) and _digits(token) > limit)
        if position is None:  # pragma: no cover - json.loads raises no other ValueError
            raise JsonRefused(f"Not valid JSON: {exc}.") from None
        digits = _digits(_TOKENS.match(text, position).group())  # type: ignore[union-attr]
        raise NumberRefused(
            f"The whole number at {{where}} has {digits:,} digits: at most {limit:,} are accepted.",
            text,
            position,
        ) from None


class _Unreadable(Exception):
    """Raised by the parser's hooks: ``token`` as written, and what to say of it."""

    def __init__(self, token: str, message: str) -> None:
        super().__init__(message)
        self.token, self.message = token, message


def _constant(token: str) -> Any:
    raise _Unreadable(token, f"{token} at {{where}} is not a JSON number.")


def _float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise _Unreadable(token, "The number at {where} is too large (at most about 1.8e308).")
    return value


# Strings are matched whole, so that nothing inside one is taken for a number.
_TOKENS = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*"'  # a string
    r"|-?(?:Infinity|[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)|NaN",  # a number
    re.DOTALL,
)


def _position_of(text: str, wanted: Callable[[str], bool]) -> int | None:
    """Where the first number outside strings that is ``wanted`` starts. Only called once the
    parser refused that number: the text before it is valid JSON, so tokens are in step."""
    for found in _TOKENS.finditer(text):
        token = found.group()
        if token[0] != '"' and wanted(token):
            return found.start()
    return None


def _is_integer(token: str) -> bool:
    return token.lstrip("-").isdigit()


def _digits(token: str) -> int:
    return len(token.lstrip("-"))


def json_float(text: str) -> float:
    """``float(text)`` when JSON can hold it; ValueError for NaN and the infinities (which
    ``float`` reads, and JSON has not: the API could not even answer with them)."""
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a number JSON can hold")
    return number


def control_character_problem(
    text: str, *, multiline: bool = False, where: str = "here"
) -> str | None:
    """A sentence naming the first control character in ``text``, or None if it has none.
    ``multiline`` text (a comment, a description) may hold tabs and line breaks."""
    found = (CONTROL_IN_TEXT if multiline else CONTROL_CHARACTERS).search(text)
    if found is None:
        return None
    allowed = " other than tabs and line breaks" if multiline else ""
    character = f"U+{ord(found.group()):04X}"
    return f"Control characters{allowed} are not accepted {where} (found {character})."

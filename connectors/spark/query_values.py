"""Test values put into a Spark query as literals, never as SQL (issue 18, point 3).

A Copy/Lookup query may be an ADF expression (``@concat(...)``, ``@{pipeline().parameters.p}``
inside text); the portal evaluates it with the values the user gives for a check or a
preview (:func:`connectors.expression_eval.evaluate_traced`), which says which pieces of
the resulting text came from those values. :func:`place_values` rewrites each piece by
what Spark's lexer (:mod:`connectors.spark.sql_lexer`) finds at the spot where it lands in
the text before it (earlier values already placed):

- inside a quoted string literal: the value escaped for that quote (``\\'``, ``\\"``,
  ``\\\\``; control characters and ``$`` as ``\\uXXXX``, so that Spark's ``${...}``
  substitution finds nothing), so it cannot end the literal. A raw string (``r'...'``)
  has no escapes: a value holding its quote is refused, and so is a value right after a
  backslash of a string (the backslash would escape it);
- inside a backquoted name: its backticks doubled;
- inside a comment: refused when it could end the comment (a ``--`` comment: CR, LF, or a
  trailing backslash that would carry it over the next line; a ``/*`` comment: ``*/`` or
  ``/*``, counting the characters on either side), else as it is;
- in code: a number becomes a numeric literal (a negative one in parentheses, so that
  ``a-@{n}`` is not ``a--3``, a comment), a boolean ``true`` / ``false``, a text a quoted,
  escaped string literal, except a plain (dotted) name such as ``sales`` or ``db.sales``,
  which becomes backquoted names (`````db`.`sales`````): ADF users put table names in
  parameters, a name cannot run anything, and the read-only guard and the server's plan
  check judge what it names. (A parameter's value typed in a form is text; the portal
  reads it as its declared type, Int, Float or Bool, first.)

The result is then cut into tokens again and every value checked to be where it was put:
inside the same literal or comment, or in code as tokens of its own, not joined to the
text next to it (``x@{v}``: refused, put a space or an operator between them). Anything
else raises :class:`connectors.expression_eval.ValueRefused` naming the value, the reason
and the line and column in the evaluated text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from connectors.expression_eval import Piece, ValueRefused, describe_reference
from connectors.spark.sql_lexer import (
    BLOCK_COMMENT,
    LINE_COMMENT,
    NUMBER,
    OPERATOR,
    QUOTED_NAME,
    STRING,
    WORD,
    Token,
    escape_string,
    lex,
    position,
    quote_name,
    quote_string,
)

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMERAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_PENDING_ESCAPE = re.compile(r"(?:[^\\]|\\.)*\\", re.DOTALL)
_PROBE = "\x01"  # no token but UNRECOGNIZED starts with it, and it ends nothing

CODE = "code"


@dataclass(frozen=True)
class _Spot:
    """What Spark's lexer is in where a value lands: ``kind`` is CODE, STRING,
    QUOTED_NAME, LINE_COMMENT or BLOCK_COMMENT."""

    kind: str
    quote: str = ""
    raw: bool = False
    after_backslash: bool = False


@dataclass(frozen=True)
class _Placed:
    start: int
    end: int
    spot: _Spot
    piece: Piece
    expected: str  # code: the kind of token the value became


def _spot(prefix: str) -> _Spot:
    """Where the lexer is at the end of ``prefix``: a character put there is in code, or
    inside the string, name or comment that is open there."""
    at = len(prefix)
    tokens = lex(prefix + _PROBE)
    holder = next((t for t in reversed(tokens) if t.start < at < t.end), None)
    if holder is None or holder.kind not in (STRING, QUOTED_NAME, LINE_COMMENT, BLOCK_COMMENT):
        return _Spot(CODE)
    index = tokens.index(holder)
    before = tokens[index - 1] if index else None
    if (
        holder.kind == STRING
        and not holder.closed
        and before is not None
        and before.text in ("r", "R")
        and before.end == holder.start
    ):  # r' not closed yet: a raw string once the text after the value closes it
        return _Spot(STRING, holder.quote, raw=True)
    if holder.kind == STRING and not holder.raw:
        body = prefix[holder.start + 1 :]
        pending = _PENDING_ESCAPE.fullmatch(body) is not None
        return _Spot(STRING, holder.quote, after_backslash=pending)
    return _Spot(holder.kind, holder.quote, holder.raw)


def _who(piece: Piece) -> str:
    names = [describe_reference(scope, name) for scope, name in piece.sources]
    return "the value of " + " and ".join(names) if names else "a value"


def _refused(text: str, at: int, piece: Piece, reason: str) -> ValueRefused:
    line, column = position(text, at)
    who = _who(piece)
    return ValueRefused(f"{who[0].upper()}{who[1:]} {reason}", line=line, column=column)


def _in_code(value: str, piece: Piece) -> tuple[str, str]:
    """The literal a value becomes in code, and the kind of its first token."""
    if piece.kind == "number" and _NUMERAL.fullmatch(value):
        return (f"({value})", OPERATOR) if value.startswith("-") else (value, NUMBER)
    if piece.kind == "boolean" and value in ("True", "False"):
        return value.lower(), WORD
    if _PLAIN_NAME.fullmatch(value):
        return ".".join(quote_name(part) for part in value.split(".")), QUOTED_NAME
    return quote_string(value), STRING


def _placed(spot: _Spot, value: str, before: str, after: str, piece: Piece) -> tuple[str, str]:
    """``value`` as written at ``spot`` (``before``/``after``: the characters around it),
    and the kind of token it starts in code; raises a reason string as ValueError."""
    if spot.kind == STRING:
        if spot.after_backslash:
            raise ValueError("follows a backslash inside a string literal, which would escape it")
        if spot.raw:
            if spot.quote in value:
                raise ValueError(
                    f"holds the quote {spot.quote}, which ends the raw string (r{spot.quote}"
                    f"...{spot.quote}) it is put in: a raw string has no escapes; write the "
                    "string without r"
                )
            return value, STRING
        return escape_string(value, spot.quote), STRING
    if spot.kind == QUOTED_NAME:
        return value.replace("`", "``"), QUOTED_NAME
    if spot.kind == LINE_COMMENT:
        if "\n" in value or "\r" in value or value.endswith("\\"):
            raise ValueError("could end the -- comment it is put in (a line break or a final \\)")
        return value, LINE_COMMENT
    if spot.kind == BLOCK_COMMENT:
        around = before[-1:] + value + after[:1]
        if "*/" in around or "/*" in around:
            raise ValueError("could end or open a /* comment where it is put (*/ or /*)")
        return value, BLOCK_COMMENT
    return _in_code(value, piece)


def place_values(text: str, pieces: Sequence[Piece]) -> str:
    """``text`` with each piece that came from a given value rewritten as a Spark literal
    of its own (see the module's docstring); raises :class:`ValueRefused`."""
    out: list[str] = []
    placed: list[_Placed] = []
    written = 0  # length of "".join(out)
    cursor = 0
    for piece in pieces:
        out.append(text[cursor : piece.start])
        written += piece.start - cursor
        prefix = "".join(out)
        spot = _spot(prefix)
        value = text[piece.start : piece.end]
        try:
            replacement, expected = _placed(spot, value, prefix, text[piece.end :], piece)
        except ValueError as exc:
            raise _refused(prefix, written, piece, str(exc)) from None
        placed.append(_Placed(written, written + len(replacement), spot, piece, expected))
        out.append(replacement)
        written += len(replacement)
        cursor = piece.end
    out.append(text[cursor:])
    result = "".join(out)
    if placed:
        _check_in_place(result, placed)
    return result


def _check_in_place(result: str, placed: list[_Placed]) -> None:
    """Every value is where it was put: inside its literal or comment, or whole tokens
    of the expected kind in code."""
    tokens = lex(result)
    starts = [t.start for t in tokens]
    for item in placed:
        first = max(bisect.bisect_right(starts, item.start) - 1, 0)
        around = [t for t in tokens[first:] if t.start < max(item.end, item.start + 1)]
        around = [t for t in around if t.end > item.start]
        if not _fits(item, around):
            raise _refused(
                result,
                item.start,
                item.piece,
                "would join the text next to it: put a space or an operator between them",
            )


def _fits(item: _Placed, around: list[Token]) -> bool:
    if item.spot.kind != CODE:
        return (
            len(around) == 1
            and around[0].kind == item.spot.kind
            and around[0].start < item.start
            and (item.end < around[0].end or not around[0].closed or around[0].kind == LINE_COMMENT)
        )
    return (
        bool(around)
        and around[0].start == item.start
        and around[-1].end == item.end
        and around[0].kind == item.expected
    )


__all__ = ["place_values"]

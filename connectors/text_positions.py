"""Positions in a query as typed, from positions in the text that ran.

A query with ``@{...}`` interpolations is evaluated before it is checked: a server's error
names a line and column of the evaluated text. The user reads the text as typed, so a
position is carried back: in text that the evaluation copied unchanged it moves with that
text; inside a substituted value it points at the start of the expression that gave it.
"""

from __future__ import annotations


def offset_of(text: str, line: int, column: int) -> int:
    """The 0-based offset of a 1-based line and column in ``text`` (clamped to the text)."""
    lines = text.split("\n")
    line = min(max(line, 1), len(lines))
    start = sum(len(part) + 1 for part in lines[: line - 1])
    return min(start + max(column, 1) - 1, len(text))


def line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a 0-based offset in ``text``."""
    before = text[: max(offset, 0)]
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def segments(typed: str) -> list[tuple[int, int, bool]]:
    """``typed`` cut into (start, end, is an ``@{...}`` interpolation) pieces; a quoted
    ``'...'`` inside an interpolation may hold braces."""
    pieces: list[tuple[int, int, bool]] = []
    literal = index = 0
    while index < len(typed):
        if typed.startswith("@{", index):
            end = _interpolation_end(typed, index + 2)
            if literal < index:
                pieces.append((literal, index, False))
            pieces.append((index, end, True))
            literal = index = end
        else:
            index += 2 if typed.startswith("@@", index) else 1
    if literal < len(typed):
        pieces.append((literal, len(typed), False))
    return pieces


def _interpolation_end(text: str, index: int) -> int:
    depth, quoted = 1, False
    while index < len(text):
        char = text[index]
        if quoted:
            quoted = char != "'"
        elif char == "'":
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(text)


def typed_position(typed: str, sent: str, line: int, column: int) -> tuple[int, int]:
    """The line and column in ``typed`` of a line and column in ``sent`` (its evaluation):
    text copied unchanged moves with it; a place in a substituted value is the start of
    the interpolation that gave it."""
    if typed == sent:
        return line, column
    target = offset_of(sent, line, column)
    pieces = segments(typed)
    sent_at = 0
    for number, (start, end, interpolation) in enumerate(pieces):
        if interpolation:
            following = next((p for p in pieces[number + 1 :] if not p[2]), None)
            value_end = (
                sent.find(_literal(typed, following), sent_at)
                if following is not None
                else len(sent)
            )
            value_end = len(sent) if value_end < 0 else value_end
            if sent_at <= target < value_end:
                return line_column(typed, start)
            sent_at = value_end
            continue
        length = len(_literal(typed, (start, end, False)))
        if sent_at <= target < sent_at + length:
            return line_column(typed, start + target - sent_at)
        sent_at += length
    return line_column(typed, len(typed))


def _literal(typed: str, piece: tuple[int, int, bool]) -> str:
    return typed[piece[0] : piece[1]].replace("@@", "@")

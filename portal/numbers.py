"""Whole numbers typed by a client (revision numbers, ids): only what a database column
can hold is a number at all. SQLite overflows past 2**63 - 1, and ``str.isdigit`` also
says yes to digits ``int`` refuses (``"²"``)."""

from __future__ import annotations

MAX_DB_INTEGER = 2**63 - 1


def whole_number(text: object) -> int | None:
    """``text`` as an int if it is ASCII digits from 0 to :data:`MAX_DB_INTEGER`, else None."""
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if number <= MAX_DB_INTEGER else None


class DatabaseInteger:
    """Path converter for the pages' ids and revision numbers: one too large for the
    database matches no URL (a 404), instead of overflowing in the query."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = whole_number(value)
        if number is None:
            raise ValueError(value)  # Django: no match
        return number

    def to_url(self, value: int) -> str:
        return str(value)

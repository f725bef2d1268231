"""Three-part SQL pool table names (``database.schema.table``) as the designer takes them."""

from __future__ import annotations

import re
from dataclasses import dataclass

PART = re.compile(r"^[A-Za-z_][A-Za-z0-9_@$#]*$")
MAX_PART = 128


class NameError_(ValueError):
    """A name the designer cannot use, with the reason (field-level message)."""


@dataclass(frozen=True)
class TableName:
    database: str
    schema: str
    table: str

    def __str__(self) -> str:
        return f"{self.database}.{self.schema}.{self.table}"

    @property
    def two_part(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def bracketed(self) -> str:
        return f"[{self.schema}].[{self.table}]"


def check_part(text: str, what: str) -> str:
    if text.startswith("@"):
        raise NameError_(
            f"The {what} {text!r} is an ADF expression; the notebook code needs the name "
            "itself: type it."
        )
    if not text:
        raise NameError_(f"The {what} is empty.")
    if any(c in text for c in "[]\"'`"):
        raise NameError_(
            f"The {what} {text!r} holds brackets or quotes: type the plain name (letters, "
            "digits, _ @ $ #), without [ ] or quotes."
        )
    if len(text) > MAX_PART:
        raise NameError_(f"The {what} {text!r} is longer than {MAX_PART} characters.")
    if not PART.match(text):
        raise NameError_(
            f"The {what} {text!r} is not a plain SQL name (a letter or _ first, then "
            "letters, digits, _ @ $ #): the Spark connector takes such names only."
        )
    return text


def parse_table(text: str) -> TableName:
    text = (text or "").strip()
    if text.startswith("@"):
        raise NameError_(
            f"The table {text!r} is an ADF expression; the designer needs the name itself."
        )
    if any(c in text for c in "[]\"'`"):
        raise NameError_(
            f"The table {text!r} holds brackets or quotes: write DATABASE.SCHEMA.TABLE with "
            "plain names; names with dots, brackets or quotes inside cannot be used."
        )
    parts = text.split(".")
    if len(parts) != 3:
        raise NameError_(
            f"The table {text!r} has {len(parts)} part(s): write all three, "
            "DATABASE.SCHEMA.TABLE (for example salesdw.dbo.Sales)."
        )
    database, schema, table = (
        check_part(p, w) for p, w in zip(parts, ("database", "schema", "table"), strict=True)
    )
    return TableName(database, schema, table)

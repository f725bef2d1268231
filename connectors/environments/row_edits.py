"""A config file's rows edited as a table: each row's cells as the table shows them, and
the edits of a table applied to the file, changing only the records of the rows that
changed (every other byte kept: comments, blank lines, quoting, line endings, a BOM).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from connectors.environments.config_csv import COLUMNS, ConfigCsv, ConfigRow, Record

CELLS = COLUMNS
"""``type``, ``name``, ``path``, ``value``: a row's cells in the table."""


@dataclass(frozen=True)
class TableRow:
    """A row of a CSV config as the table shows it."""

    index: int
    """The record's position in the file (what an edit names)."""
    line: int
    last_line: int
    """The record's last line (a quoted value may span lines)."""
    cells: dict[str, str]
    editable: bool
    """False for a row the table cannot show as one-line cells (a value over several
    lines, more than four columns): it is kept as it is and edited in the file."""


@dataclass(frozen=True)
class RowEdit:
    """What the table says of one row: an existing row (``index``) with its cells, deleted
    or not, or a new row (``index`` None)."""

    index: int | None
    cells: dict[str, str]
    delete: bool = False

    @property
    def blank(self) -> bool:
        return not any(v.strip() for v in self.cells.values())


def table_rows(config: ConfigCsv) -> list[TableRow]:
    return [_table_row(row) for row in config.rows()]


@dataclass(frozen=True)
class KeptLine:
    """A record the table shows as written: the header, a comment."""

    line: int
    last_line: int
    text: str


def kept_lines(config: ConfigCsv) -> list[KeptLine]:
    rows = {row.index for row in config.rows()}
    return [
        KeptLine(record.line, _last_line(record), record.raw.rstrip("\r\n"))
        for index, record in enumerate(config.records)
        if index not in rows and not record.blank
    ]


def _last_line(record: Record) -> int:
    body = record.raw.rstrip("\r\n")
    return record.line + body.count("\n") + body.count("\r") - body.count("\r\n")


def _table_row(row: ConfigRow) -> TableRow:
    cells = {column: row.text(column) or "" for column in CELLS}
    record = row.record
    last_line = _last_line(record)
    editable = len(record.cells) <= len(CELLS) and not any(
        "\n" in v or "\r" in v for v in cells.values()
    )
    return TableRow(row.index, record.line, last_line, cells, editable)


def fingerprint(raw: bytes) -> str:
    """What a table was made from: an edit of another state of the file is refused."""
    return hashlib.sha256(raw).hexdigest()[:32]


@dataclass
class Applied:
    changed: list[int]
    """The lines (in the file as it was) of the rows whose cells changed."""
    removed: list[int]
    """The lines (as it was) of the rows removed."""
    added: int
    placed: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Where each edit's row is in the file as it is now (first and last line), by the
    edit's position in the list, for the rows changed or added."""

    def edit_at(self, line: int) -> int | None:
        """The position of the edit whose row holds ``line`` (None: no edited row)."""
        return next((e for e, (a, b) in self.placed.items() if a <= line <= b), None)

    @property
    def nothing(self) -> bool:
        return not (self.changed or self.removed or self.added)

    def summary(self) -> str:
        parts = []
        if self.changed:
            parts.append(f"{_count(self.changed, 'row')} changed (line {_lines(self.changed)})")
        if self.removed:
            parts.append(f"{_count(self.removed, 'row')} removed (line {_lines(self.removed)})")
        if self.added:
            parts.append(f"{self.added} row{'' if self.added == 1 else 's'} added")
        return ", ".join(parts) or "no change"


def _count(items: list[int], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _lines(lines: list[int]) -> str:
    return ", ".join(str(n) for n in lines)


class UnknownRow(LookupError):
    """An edit names a row the file does not have (it changed meanwhile)."""


def apply_edits(config: ConfigCsv, edits: list[RowEdit]) -> Applied:
    """Apply the table's edits to ``config``: a changed cell rewrites its row's record
    (its other cells as written), a deleted row's record goes, a new row is added at the
    end; a row the table cannot edit is left as it is. Raises UnknownRow."""
    rows = {row.index: row for row in table_rows(config)}
    applied = Applied([], [], 0)
    removals: list[int] = []
    records: dict[int, Record] = {}
    for position, edit in enumerate(edits):
        if edit.index is None:
            continue
        row = rows.get(edit.index)
        if row is None:
            raise UnknownRow(f"The file has no row at record {edit.index}.")
        if edit.delete:
            removals.append(edit.index)
            applied.removed.append(row.line)
            continue
        if not row.editable:
            continue
        changes = {
            c: edit.cells[c] for c in CELLS if c in edit.cells and edit.cells[c] != row.cells[c]
        }
        if changes:
            config.set_cells(edit.index, **changes)
            applied.changed.append(row.line)
            records[position] = config.records[edit.index]
    for index in sorted(removals, reverse=True):
        config.remove_row(index)
    for position, edit in enumerate(edits):
        if edit.index is None and not edit.blank and not edit.delete:
            added = config.add_row(*(edit.cells.get(c, "") for c in CELLS))
            records[position] = config.records[added]
            applied.added += 1
    line = 1
    by_record = {id(record): position for position, record in records.items()}
    for record in config.records:
        raw = record.raw
        breaks = raw.count("\n") + raw.count("\r") - raw.count("\r\n")
        breaks = max(1, breaks + (0 if raw.endswith(("\n", "\r")) else 1))
        placed = by_record.get(id(record))
        if placed is not None:
            applied.placed[placed] = (line, line + breaks - 1)
        line += breaks
    return applied


__all__ = [
    "KeptLine",
    "kept_lines",
    "CELLS",
    "Applied",
    "RowEdit",
    "TableRow",
    "UnknownRow",
    "apply_edits",
    "fingerprint",
    "table_rows",
]

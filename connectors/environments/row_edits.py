"""A config file's rows edited as a table: each row's cells as the table shows them, and
the edits of a table applied to the file, changing only the records of the rows that
changed (every other byte kept: comments, blank lines, quoting, line endings, a BOM), in
either form of azure.datafactory.tools config files (CSV rows, JSON entries).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from connectors.environments.config_csv import (
    COLUMNS,
    ConfigCsv,
    ConfigRow,
    Record,
    parse_config_csv,
)
from connectors.environments.config_json import ConfigJson, entries, parse_config_json
from connectors.environments.files import Format
from connectors.json_edit import line_column
from connectors.json_spans import value_span

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


def _row(rows: dict[int, TableRow], index: int) -> TableRow:
    row = rows.get(index)
    if row is None:
        raise UnknownRow(f"The file has no row {index} (it changed meanwhile).")
    return row


def _changed(row: TableRow, edit: RowEdit) -> dict[str, str]:
    """The cells the edit gives another value than the row's."""
    return {c: edit.cells[c] for c in CELLS if c in edit.cells and edit.cells[c] != row.cells[c]}


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
        row = _row(rows, edit.index)
        if edit.delete:
            removals.append(edit.index)
            applied.removed.append(row.line)
            continue
        if not row.editable:
            continue
        changes = _changed(row, edit)
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


# --- the JSON form: {"<object name>": [{"name": path, "value": ..., "action": ...}]} ------
#
# Its table has the same four cells, the first being the entry's action (update, add,
# remove) rather than a type: the object name is looked up among every kind.


def json_table_rows(config: ConfigJson) -> list[TableRow]:
    """The entries the tool reads, as rows (``index``: the entry's position among them)."""
    items, _ = entries(config)
    rows = []
    for position, item in enumerate(items):
        first, last = _entry_lines(config.text, item.object_name, item.index)
        cells = {"type": item.action, "name": item.object_name, "path": item.path}
        cells["value"] = item.value
        editable = not any("\n" in v or "\r" in v for v in cells.values())
        rows.append(TableRow(position, first, last, cells, editable))
    return rows


def _entry_lines(text: str, object_name: str, index: int) -> tuple[int, int]:
    start, end = value_span(text, [object_name, index])
    return line_column(text, start)[0], line_column(text, max(start, end - 1))[0]


def apply_json_edits(config: ConfigJson, edits: list[RowEdit]) -> Applied:
    """The table's edits applied to a JSON config, entry by entry (every other character
    kept): a changed cell rewrites that member of its entry, a deleted entry goes (its
    object too when it was the last), a new entry goes at the end of its object (the
    object made at the end of the file when new); an entry moved to another object name
    is removed from its own and added to the other. Raises UnknownRow."""
    items, _ = entries(config)
    rows = {row.index: row for row in json_table_rows(config)}
    applied = Applied([], [], 0)
    removals: list[tuple[str, int]] = []
    additions: list[tuple[int, dict[str, str]]] = []
    tags: dict[str, list[int | None]] = {
        name: [None] * len(entries_of)
        for name, entries_of in config.document().items()
        if isinstance(entries_of, list)
    }
    for position, edit in enumerate(edits):
        if edit.index is None:
            if not edit.blank and not edit.delete:
                additions.append((position, {c: edit.cells.get(c, "") for c in CELLS}))
            continue
        row = _row(rows, edit.index)
        item = items[edit.index]
        if edit.delete:
            removals.append((item.object_name, item.index))
            applied.removed.append(row.line)
            continue
        if not row.editable:
            continue
        changes = _changed(row, edit)
        if not changes:
            continue
        applied.changed.append(row.line)
        if "name" in changes:  # moved to another object
            removals.append((item.object_name, item.index))
            additions.append((position, {**row.cells, **changes}))
            continue
        members = {"type": "action", "path": "name", "value": "value"}
        config.set_entry(
            item.object_name, item.index, **{members[c]: v for c, v in changes.items()}
        )
        tags[item.object_name][item.index] = position
    for object_name, index in sorted(removals, key=lambda r: r[1], reverse=True):
        config.remove_entry(object_name, index)
        del tags[object_name][index]
    for position, cells in additions:
        config.add_entry(cells["name"], cells["path"], cells["value"], cells["type"] or "update")
        tags.setdefault(cells["name"], []).append(position)
        if edits[position].index is None:
            applied.added += 1
    for object_name, tagged in tags.items():
        for index, tag in enumerate(tagged):
            if tag is not None:
                applied.placed[tag] = _entry_lines(config.text, object_name, index)
    return applied


# --- either form ------------------------------------------------------------------------

EDITABLE = (Format.ADFTOOLS_CSV, Format.ADFTOOLS_JSON)
"""The files edited as a table (an ARM parameter file is edited in the repository)."""


def any_kind(format_: Format) -> bool:
    """Whether a row's name is looked up among every kind (the JSON form: its first cell
    is the entry's action, not a type)."""
    return format_ is Format.ADFTOOLS_JSON


def rows_of(format_: Format, path: str, raw: bytes) -> tuple[list[TableRow], list[KeptLine]]:
    """The file's rows, and its lines shown as written (raises NotText)."""
    if format_ is Format.ADFTOOLS_JSON:
        config_json = parse_config_json(path, raw)
        try:
            return json_table_rows(config_json), []
        except ValueError:  # not JSON: no rows (the check says why, at its line)
            return [], []
    config = parse_config_csv(path, raw)
    return table_rows(config), kept_lines(config)


def edited(format_: Format, path: str, raw: bytes, edits: list[RowEdit]) -> tuple[bytes, Applied]:
    """The file with the table's edits (raises NotText, UnknownRow)."""
    if format_ is Format.ADFTOOLS_JSON:
        config_json = parse_config_json(path, raw)
        try:
            applied = apply_json_edits(config_json, edits)
        except ValueError as exc:
            raise UnknownRow(f"The file is not a JSON config to edit as rows: {exc}") from None
        return config_json.to_bytes(), applied
    config = parse_config_csv(path, raw)
    applied = apply_edits(config, edits)
    return config.to_bytes(), applied


__all__ = [
    "Applied",
    "CELLS",
    "EDITABLE",
    "KeptLine",
    "RowEdit",
    "TableRow",
    "UnknownRow",
    "any_kind",
    "apply_edits",
    "apply_json_edits",
    "edited",
    "fingerprint",
    "json_table_rows",
    "kept_lines",
    "rows_of",
    "table_rows",
]

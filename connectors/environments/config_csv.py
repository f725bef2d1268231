"""azure.datafactory.tools CSV config files (``deployment/config-<stage>.csv``), kept byte
for byte: every record keeps its exact text, so an unedited file writes back as it was
read, and an edit rewrites the one row it changes.

The dialect, as the tool reads it (PowerShell's ``ConvertFrom-Csv``): a header
``type,name,path,value``; fields separated by commas; a field that starts with ``"`` is
quoted (``""`` is a quote inside it, and it may span lines); a quote inside an unquoted
field is an ordinary character; a row whose ``type`` starts with ``#`` is a comment; blank
lines are skipped. The tool's own checks of the file (ADFT0020 to ADFT0025) are made here,
each at its row and field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from connectors.environments.findings import Finding, Where, error, warning
from connectors.environments.text import NotText, decode, encode
from connectors.kinds import KINDS

HEADER = ("type", "name", "path", "value")
COLUMNS = HEADER
_SUPPORTED = (
    "integrationRuntime", "pipeline", "dataset", "dataflow", "linkedService", "trigger",
    "factory", "managedVirtualNetwork", "managedPrivateEndpoint", "credential",
)  # fmt: skip
"""The ``type`` values the tool accepts (its ``ADF_FOLDERS``), compared ignoring case."""
SUPPORTED_TYPES = {t.casefold(): t for t in _SUPPORTED if t in KINDS}
_PLAIN = re.compile(r"[A-Za-z0-9_.:/\[\]$+\-@*]*")


@dataclass(frozen=True)
class Cell:
    text: str
    """The field's value (quotes removed, ``""`` read as ``"``)."""
    raw: str
    """As written."""
    line: int
    column: int
    """1-based character column where the field starts."""

    @property
    def quoted(self) -> bool:
        return self.raw.startswith('"')


@dataclass
class Record:
    raw: str
    """The record's exact text, its line ending included."""
    line: int
    cells: list[Cell] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not self.raw.strip()

    @property
    def comment(self) -> bool:
        return bool(self.cells) and self.cells[0].text.startswith("#")

    def cell(self, index: int) -> Cell | None:
        return self.cells[index] if index < len(self.cells) else None


@dataclass
class ConfigRow:
    """A row that changes the resources: its cells and where each one is."""

    index: int
    """The record's position in the file (``ConfigCsv.records``)."""
    record: Record

    def text(self, column: str) -> str | None:
        cell = self.record.cell(COLUMNS.index(column))
        return None if cell is None else cell.text

    def where(self, path: str, column: str = "") -> Where:
        if not column:
            return Where(path, self.record.line)
        index = COLUMNS.index(column)
        cell = self.record.cell(index)
        if cell is None:
            last = self.record.cells[-1] if self.record.cells else None
            end = (last.column + len(last.raw)) if last is not None else 1
            return Where(path, self.record.line, end, column)
        return Where(path, cell.line, cell.column, column)


@dataclass
class ConfigCsv:
    path: str
    records: list[Record]
    bom: bool = False
    newline: str = "\r\n"

    def to_bytes(self) -> bytes:
        return encode("".join(r.raw for r in self.records), self.bom)

    @property
    def header(self) -> Record | None:
        return next((r for r in self.records if not r.blank), None)

    def rows(self) -> Iterator[ConfigRow]:
        """Every row after the header that is neither blank nor a comment."""
        header = self.header
        for index, record in enumerate(self.records):
            if record is header or record.blank or record.comment:
                continue
            yield ConfigRow(index, record)

    # --- edits: each rewrites only the record it concerns -------------------------------

    def set_cells(self, index: int, **changes: str) -> None:
        """Change cells of the row at ``index`` (``type=``, ``name=``, ``path=``,
        ``value=``); its other cells keep their exact text, the line its ending."""
        record = self.records[index]
        ending = _split_ending(record.raw)[1]
        raws = [c.raw for c in record.cells]
        wanted = max(COLUMNS.index(column) for column in changes) + 1
        raws += [""] * (wanted - len(raws))
        for column, value in changes.items():
            position = COLUMNS.index(column)
            was_quoted = position < len(record.cells) and record.cells[position].quoted
            raws[position] = render_cell(value, quote=was_quoted)
        self.records[index] = _parse_record(",".join(raws) + ending, record.line)

    def add_row(self, type_: str, name: str, path: str, value: str) -> int:
        """A new row at the end; returns its index. A file without a final newline gets
        one before the new row (the only change to the rest of the file)."""
        if self.records and not _split_ending(self.records[-1].raw)[1]:
            last = self.records[-1]
            self.records[-1] = _parse_record(last.raw + self.newline, last.line)
        line = sum(r.raw.count("\n") for r in self.records) + 1
        text = ",".join(render_cell(v) for v in (type_, name, path, value)) + self.newline
        self.records.append(_parse_record(text, line))
        return len(self.records) - 1

    def remove_row(self, index: int) -> None:
        del self.records[index]


def _split_ending(raw: str) -> tuple[str, str]:
    if raw.endswith("\r\n"):
        return raw[:-2], "\r\n"
    if raw.endswith(("\n", "\r")):
        return raw[:-1], raw[-1]
    return raw, ""


def render_cell(value: str, *, quote: bool = False) -> str:
    """A field as written in a config file: bare when it can be, else quoted."""
    if not quote and value and _PLAIN.fullmatch(value) and not value.startswith("#"):
        return value
    return '"' + value.replace('"', '""') + '"'


def parse_config_csv(path: str, raw: bytes) -> ConfigCsv:
    """Read a config file's records (raises NotText when it is not UTF-8)."""
    text, bom = decode(raw)
    records: list[Record] = []
    line = 1
    for chunk in _record_texts(text):
        records.append(_parse_record(chunk, line))
        line += chunk.count("\n") or (1 if chunk.endswith("\r") else 0)
    newline = "\r\n" if "\r\n" in text else "\n"
    return ConfigCsv(path, records, bom, newline)


def _record_texts(text: str) -> Iterator[str]:
    """The file cut into records: at each line ending outside quotes, the ending kept."""
    start = at = 0
    quoted = False
    field_start = True
    while at < len(text):
        char = text[at]
        if quoted:
            if char == '"':
                if text.startswith('""', at):
                    at += 2
                    continue
                quoted = False
            at += 1
            continue
        if char == '"' and field_start:
            quoted = True
        elif char in "\r\n":
            end = at + (2 if text.startswith("\r\n", at) else 1)
            yield text[start:end]
            start = at = end
            field_start = True
            continue
        field_start = char == ","
        at += 1
    if start < len(text):
        yield text[start:]


def _parse_record(raw: str, line: int) -> Record:
    body, _ = _split_ending(raw)
    record = Record(raw, line)
    if not body.strip():
        return record
    at = 0
    column = 1
    cell_line = line
    while True:
        start, start_line, start_column = at, cell_line, column
        if body.startswith('"', at):
            value, at = _quoted(body, at)
        else:
            end = body.find(",", at)
            end = len(body) if end < 0 else end
            value, at = body[at:end], end
        raw_cell = body[start:at]
        record.cells.append(Cell(value, raw_cell, start_line, start_column))
        breaks = raw_cell.count("\n")
        cell_line += breaks
        column = (len(raw_cell) - raw_cell.rfind("\n")) if breaks else column + len(raw_cell)
        if at >= len(body):
            return record
        at += 1  # the comma
        column += 1


def _quoted(body: str, at: int) -> tuple[str, int]:
    """A quoted field from ``at``: (its value, where it ends). Text after the closing quote
    and before the next comma belongs to the value, as the tool reads it."""
    out: list[str] = []
    at += 1
    while at < len(body):
        char = body[at]
        if char == '"':
            if body.startswith('""', at):
                out.append('"')
                at += 2
                continue
            at += 1
            end = body.find(",", at)
            end = len(body) if end < 0 else end
            out.append(body[at:end])
            return "".join(out), end
        out.append(char)
        at += 1
    return "".join(out), at


def check_structure(config: ConfigCsv) -> list[Finding]:
    """The tool's own checks of the file, each at its row: the header (ADFT0020), an empty
    type, name or path (ADFT0021, ADFT0023, ADFT0024), an unsupported type (ADFT0022), too
    many columns (ADFT0025), and an empty value (a warning, except for a removal)."""
    found: list[Finding] = []
    header = config.header
    if header is None:
        return [
            error(
                Where(config.path, 1),
                "The file is empty: it needs the header type,name,path,value.",
                "ADFT0020",
            )
        ]
    names = [c.text for c in header.cells]
    if [n.casefold() for n in names] != list(HEADER):
        found.append(
            error(
                Where(config.path, header.line, 1),
                "The header must be type,name,path,value (four columns, in that order).",
                "ADFT0020",
            )
        )
    rows = list(config.rows())
    if not rows:
        found.append(warning(Where(config.path, header.line), "The config file has no rows."))
    for row in rows:
        found.extend(_row_structure(config.path, row))
    return found


def _row_structure(path: str, row: ConfigRow) -> list[Finding]:
    found: list[Finding] = []
    cells = row.record.cells
    if len(cells) > len(COLUMNS):
        extra = cells[len(COLUMNS)]
        found.append(
            error(
                Where(path, extra.line, extra.column, "value"),
                f"The row has {len(cells)} columns; a row has four: type,name,path,value "
                "(quote a value that holds a comma).",
                "ADFT0025",
            )
        )
    type_ = row.text("type") or ""
    if not type_:
        found.append(error(row.where(path, "type"), "The type is empty.", "ADFT0021"))
    elif type_.casefold() not in SUPPORTED_TYPES:
        supported = ", ".join(SUPPORTED_TYPES.values())
        found.append(
            error(
                row.where(path, "type"),
                f"Type '{type_}' is not supported (types: {supported}).",
                "ADFT0022",
            )
        )
    if not row.text("name"):
        found.append(error(row.where(path, "name"), "The name is empty.", "ADFT0023"))
    path_text = row.text("path")
    if not path_text:
        found.append(error(row.where(path, "path"), "The path is empty.", "ADFT0024"))
    if not row.text("value") and not (path_text or "").startswith("-"):
        found.append(
            warning(
                row.where(path, "value"),
                "The value is empty (only a text property can be set to an empty value).",
            )
        )
    return found


__all__ = [
    "COLUMNS",
    "SUPPORTED_TYPES",
    "Cell",
    "ConfigCsv",
    "ConfigRow",
    "NotText",
    "Record",
    "check_structure",
    "parse_config_csv",
    "render_cell",
]

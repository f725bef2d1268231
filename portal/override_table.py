"""An override file's rows as the Editor's table: each row's cells, the findings at it,
and what its name and path cells complete from (the factory's resources of its type, the
property paths of their schemas: :mod:`connectors.environments.completion`); the table's
form read back as edits. Read-only: the write is :func:`portal.services.environments.
save_rows`'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from connectors.environments import Base, Finding
from connectors.environments.completion import property_paths, resource_names
from connectors.environments.config_csv import SUPPORTED_TYPES
from connectors.environments.config_json import ACTIONS
from connectors.environments.files import Format
from connectors.environments.row_edits import CELLS, RowEdit, any_kind, fingerprint, rows_of
from connectors.environments.text import NotText
from portal.environment_matrix import FileRows, override_rows
from portal.environments import check_factory
from portal.models import Environment, EnvironmentFile
from portal.services.environments import editable

TYPES = list(SUPPORTED_TYPES.values())
_ROW_KEY = re.compile(r"(row|new)-(\d+)-type")


@dataclass
class RowView:
    key: str
    """The row's form prefix: ``row-<record index>`` or ``new-<n>``."""
    index: int | None
    line: int
    cells: dict[str, str]
    editable: bool = True
    findings: list[Finding] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    delete: bool = False
    text: str = ""
    """A line shown as written (the header, a comment): not a row to edit."""

    @property
    def unknown_type(self) -> bool:
        return self.cells["type"] not in TYPES


@dataclass
class FileTable:
    path: str
    format: str
    read_from: str
    rows: list[RowView]
    file_findings: list[Finding]
    types: list[str] = field(default_factory=lambda: TYPES)
    revision: int = 1
    any_kind: bool = False
    """The JSON form: the first cell is the entry's action, the name any kind's."""
    message: str = ""
    error: str = ""


def completions(
    base: Base, type_: str, name: str, any_kind: bool = False
) -> tuple[list[str], list[str]]:
    """(the names a row of ``type_`` completes from, the paths of what ``name`` names);
    every kind's for a row of the JSON form (``any_kind``)."""
    if any_kind:
        return resource_names(base, None), property_paths(base, None, name)
    kind = SUPPORTED_TYPES.get(type_.casefold())
    if kind is None:
        return [], []
    return resource_names(base, kind), property_paths(base, kind, name)


def new_row(base: Base, number: int, any_kind: bool = False) -> RowView:
    values = dict.fromkeys(CELLS, "")
    names, paths = completions(base, "", "", any_kind)
    return RowView(f"new-{number}", None, 0, values, names=names, paths=paths)


def file_table(file: EnvironmentFile, base: Base, findings: list[Finding]) -> FileTable:
    """``file``'s rows with the findings at each one (the others about the file)."""
    raw = bytes(file.data)
    mine = [f for f in findings if f.where.file == file.path]
    format_ = Format(file.format)
    json_form = any_kind(format_)
    try:
        rows, kept_lines = rows_of(format_, file.path, raw)
    except NotText:
        rows, kept_lines = [], []
    views: list[RowView] = []
    placed: set[int] = set()

    def findings_at(first: int, last: int) -> list[Finding]:
        at = [f for f in mine if first <= f.where.line <= last]
        placed.update(id(f) for f in at)
        return at

    for row in rows:
        names, paths = completions(base, row.cells["type"], row.cells["name"], json_form)
        at = findings_at(row.line, row.last_line)
        views.append(
            RowView(
                f"row-{row.index}", row.index, row.line, row.cells, row.editable, at, names, paths
            )
        )
    for kept in kept_lines:
        at = findings_at(kept.line, kept.last_line)
        views.append(RowView("", None, kept.line, {}, False, at, text=kept.text))
    views.sort(key=lambda v: v.line)
    views.append(new_row(base, 0, json_form))
    whole = [f for f in mine if id(f) not in placed]
    table = FileTable(file.path, file.get_format_display(), fingerprint(raw), views, whole)
    table.revision = file.revision
    if json_form:
        table.types, table.any_kind = list(ACTIONS), True
    return table


def override_page(
    environment: Environment, *, tables: bool
) -> tuple[list[FileRows], list[Finding]]:
    """The overrides page: each file line by line (the Readers' view), with the table of
    its rows when ``tables`` (an Editor) and the file is edited as one."""
    checked = check_factory(environment.factory, only=environment.name)
    files, elsewhere = override_rows(environment, checked)
    if tables:
        kept = {f.path: f for f in EnvironmentFile.objects.filter(environment=environment)}
        for shown in files:
            file = kept.get(shown.path)
            if file is not None and editable(file):
                shown.table = file_table(file, checked.base, shown.findings)
    return files, elsewhere


def edits_from(form: Mapping[str, str]) -> tuple[list[RowEdit], list[str]]:
    """The table's form as edits, and each edit's row key (in the same order)."""
    edits: list[RowEdit] = []
    keys: list[str] = []
    for name in form:
        found = _ROW_KEY.fullmatch(name)
        if found is None:
            continue
        key = f"{found.group(1)}-{found.group(2)}"
        cells = {c: form.get(f"{key}-{c}", "") for c in CELLS}
        index = int(found.group(2)) if found.group(1) == "row" else None
        edits.append(RowEdit(index, cells, delete=bool(form.get(f"{key}-delete"))))
        keys.append(key)
    return edits, keys


def submitted_table(
    table: FileTable,
    base: Base,
    edits: list[RowEdit],
    keys: list[str],
    at_edit: Mapping[int, list[Finding]],
) -> FileTable:
    """The table as it was submitted (not saved), with the refusals at their rows; a
    refused value is not shown again (it is a secret in clear)."""
    submitted = {
        key: (position, edit) for position, (edit, key) in enumerate(zip(edits, keys, strict=True))
    }
    rows: list[RowView] = []
    for shown in table.rows:
        if shown.text or shown.key not in submitted:
            rows.append(shown)
            continue
        position, edit = submitted.pop(shown.key)
        rows.append(_submitted_row(base, shown, position, edit, at_edit, table.any_kind))
    for key, (position, edit) in submitted.items():
        blank = RowView(key, None, 0, {})
        rows.append(_submitted_row(base, blank, position, edit, at_edit, table.any_kind))
    table.rows = rows
    table.file_findings = [*table.file_findings, *at_edit.get(-1, [])]
    return table


def _submitted_row(
    base: Base,
    shown: RowView,
    position: int,
    edit: RowEdit,
    at_edit: Mapping[int, list[Finding]],
    json_form: bool,
) -> RowView:
    refused = list(at_edit.get(position, []))
    cells = dict(edit.cells)
    if refused:
        cells["value"] = ""
    names, paths = completions(base, cells["type"], cells["name"], json_form)
    return RowView(
        shown.key,
        edit.index,
        shown.line,
        cells,
        shown.editable,
        refused or shown.findings,
        names,
        paths,
        edit.delete,
    )


__all__ = [
    "TYPES",
    "FileTable",
    "RowView",
    "completions",
    "edits_from",
    "file_table",
    "new_row",
    "override_page",
    "submitted_table",
]

"""Environments' writes: an override file's rows edited as a table, written back as a new
revision of the file with its audit row, in one transaction.

The file changes only in the records of the rows that changed (:mod:`connectors.
environments.row_edits`); a secret written in clear in an edited row is refused with the
reason (the one rule of :mod:`connectors.environments.secret_values`), and nothing is
written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from connectors.environments import Finding, Format, OverrideFile
from connectors.environments.check import read_file
from connectors.environments.effective import Workspace
from connectors.environments.row_edits import (
    EDITABLE,
    Applied,
    RowEdit,
    UnknownRow,
    edited,
    fingerprint,
)
from connectors.environments.text import NotText
from portal import audit
from portal.environments import base_of
from portal.models import AuditEvent, EnvironmentFile, EnvironmentFileRevision
from portal.services.actor import Actor

_WHERE = {"ui": "", "api": "API, ", "cli": "command line, "}
STALE = (
    "The file changed since this table was read (another edit was saved): reload it and "
    "make your changes again."
)


class RowsRefused(Exception):
    """The table's edits were not written: ``message`` says why, ``at_edit`` holds the
    findings of the edits that were refused (by the edit's position)."""

    def __init__(self, message: str, at_edit: dict[int, list[Finding]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.at_edit = at_edit or {}


@dataclass
class RowsSaved:
    file: EnvironmentFile
    applied: Applied
    revision: int | None
    """The new revision's number (None: nothing changed, nothing written)."""
    notes: list[str] = field(default_factory=list)


def editable(file: EnvironmentFile) -> bool:
    """Whether the file's rows are edited as a table."""
    return Format(file.format) in EDITABLE


def save_rows(
    actor: Actor, file: EnvironmentFile, edits: list[RowEdit], *, read_from: str
) -> RowsSaved:
    """Write the table's ``edits`` to ``file`` (read as the state whose fingerprint is
    ``read_from``): a new revision and its audit row. Raises :class:`RowsRefused`."""
    if not editable(file):
        raise RowsRefused(f"{file.get_format_display()} files are edited in the repository.")
    with transaction.atomic():
        locked = EnvironmentFile.objects.select_for_update().get(pk=file.pk)
        environment = locked.environment
        current = bytes(locked.data)
        if fingerprint(current) != read_from:
            raise RowsRefused(STALE)
        try:
            data, applied = edited(Format(locked.format), locked.path, current, edits)
        except (NotText, UnknownRow) as exc:
            raise RowsRefused(str(exc)) from None
        if applied.nothing:
            return RowsSaved(locked, applied, None)
        base = base_of(locked.factory)
        findings = read_file(
            OverrideFile(locked.path, Format(locked.format), data),
            base,
            Workspace(base),
            environment=environment.name,
            variables=environment.token_values,
            parameters=[],
        )
        refused = [f for f in findings if f.clear_secret]
        if refused:
            at_edit: dict[int, list[Finding]] = {}
            for finding in refused:
                position = applied.edit_at(finding.where.line)
                at_edit.setdefault(-1 if position is None else position, []).append(finding)
            raise RowsRefused(
                "Not saved: a secret in an override is a Key Vault reference or an "
                "environment token, never a clear value.",
                at_edit,
            )
        if not locked.revisions.exists():
            EnvironmentFileRevision.objects.create(
                file=locked, number=locked.revision, data=current, detail="as imported"
            )
        number = locked.revision + 1
        detail = applied.summary()
        EnvironmentFileRevision.objects.create(
            file=locked, number=number, data=data, detail=detail, author=_author(actor)
        )
        locked.data = data
        locked.revision = number
        locked.save(update_fields=["data", "revision", "updated_at"])
        audit.record(
            AuditEvent.Action.EDIT,
            actor=actor,
            factory=locked.factory,
            name=locked.path[:260],
            revision=number,
            detail=f"{_WHERE[actor.origin]}environment {environment.name}, {locked.path}: {detail}",
        )
    return RowsSaved(locked, applied, number)


def _author(actor: Actor) -> object:
    return actor.user if actor.signed_in else None


__all__ = ["STALE", "RowsRefused", "RowsSaved", "editable", "save_rows"]

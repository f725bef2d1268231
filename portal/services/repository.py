"""Repository actions: import a repository or loose resource files, export a factory or one
resource. Each takes the actor and writes its audit row in the transaction of its work
(:mod:`portal.imports` reads and writes the files)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from django.db import transaction

from portal import audit, imports
from portal.imports import ImportOutcome, RepositoryImport
from portal.models import AuditEvent, Factory, Resource
from portal.services.actor import Actor

__all__ = ["export_factory", "export_resource", "import_files", "import_repository"]

_WHERE = {"ui": "", "api": "API, ", "cli": "command line, "}


def import_repository(
    actor: Actor,
    factory: Factory,
    source: Path | bytes | IO[bytes],
    *,
    label: str,
    replace: bool = False,
    skip_bad_files: bool = False,
    pedantic: bool = False,
) -> RepositoryImport:
    """Import a repository (a folder, or a zip's bytes or seekable file) into ``factory``:
    one audit row for the whole import (each resource's revision names its file), in the
    same transaction. ``pedantic`` adds key-order advice to the report. Raises
    :class:`portal.imports.RepositoryRefused` before anything is read."""
    with transaction.atomic():
        result = imports.import_repository(
            source,
            user=actor.user,
            factory=factory,
            replace=replace,
            skip_bad_files=skip_bad_files,
            pedantic=pedantic,
        )
        if result.ok:
            audit.record(
                AuditEvent.Action.IMPORT,
                actor=actor,
                factory=factory,
                name=label[:260],
                detail=f"{_WHERE[actor.origin]}repository {label}: {result.summary()}",
            )
    return result


def import_files(
    actor: Actor,
    factory: Factory,
    files: list[tuple[str, bytes]],
    *,
    replace: bool = False,
    pedantic: bool = False,
) -> tuple[bool, list[ImportOutcome]]:
    """Import loose resource files (all or nothing), one audit row per resource."""
    with transaction.atomic():
        ok, outcomes = imports.import_documents(
            files, user=actor.user, replace=replace, factory=factory, pedantic=pedantic
        )
        if ok:
            for outcome in outcomes:
                audit.record(
                    AuditEvent.Action.IMPORT,
                    actor=actor,
                    resource=outcome.resource,
                    detail=f"{_WHERE[actor.origin]}from {outcome.source}"
                    + (" (replaced)" if outcome.replaced else ""),
                )
    return ok, outcomes


def export_factory(
    actor: Actor, factory: Factory, write: Callable[[Iterable[tuple[str, bytes]]], int]
) -> int:
    """Every file of the factory's repository, as an export writes it, handed to ``write``
    one at a time in path order (a zip or a folder takes them as they come; the export
    never holds them all); returns ``write``'s count of files. Audited once written."""
    with transaction.atomic():
        count = write(imports.iter_export(factory))
    audit.record(
        AuditEvent.Action.EXPORT,
        actor=actor,
        factory=factory,
        name=factory.name,
        detail=f"{_WHERE[actor.origin]}repository of factory '{factory.name}' ({count} files)",
    )
    return count


def export_resource(actor: Actor, resource: Resource) -> tuple[str, bytes]:
    """One resource's file (its path and bytes, the stored bytes when unedited), audited."""
    path, data = imports.export_entry(resource)
    audit.record(
        AuditEvent.Action.EXPORT, actor=actor, resource=resource, detail=_WHERE[actor.origin]
    )
    return path, data

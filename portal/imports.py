"""Importing ADF linked-service files: all of them or none of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from connectors.adf_format import parse_linked_service
from connectors.problems import Problem
from portal.definitions import DefinitionInvalid, StaleRevision, save_definition
from portal.models import LinkedService, Revision


@dataclass
class ImportOutcome:
    source: str
    name: str | None = None
    linked_service: LinkedService | None = None
    replaced: bool = False
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    conflict: bool = False
    """Another writer changed the linked service while this import ran."""


class _Rollback(Exception):
    pass


def import_documents(
    files: list[tuple[str, bytes]], *, user: Any, replace: bool = False, comment: str = ""
) -> tuple[bool, list[ImportOutcome]]:
    """Import every file or none. Returns (all imported, one outcome per file)."""
    outcomes: list[ImportOutcome] = []
    seen: dict[str, str] = {}
    for source, raw in files:
        outcome = ImportOutcome(source=source)
        outcomes.append(outcome)
        if len(raw) > settings.IMPORT_MAX_FILE_BYTES:
            limit = settings.IMPORT_MAX_FILE_BYTES // 1024
            outcome.problems.append(Problem("$", f"The file is larger than {limit} KiB."))
            continue
        parsed = parse_linked_service(raw, source)
        outcome.name, outcome.warnings = parsed.name, parsed.warnings
        outcome.problems.extend(parsed.problems)
        if parsed.name:
            key = LinkedService.key_for(parsed.name)
            if key in seen:
                outcome.problems.append(
                    Problem("$.name", f"'{parsed.name}' is also defined in {seen[key]}.")
                )
            seen[key] = source
        outcome._parsed = parsed  # type: ignore[attr-defined]
    if any(o.problems for o in outcomes):
        return False, outcomes
    try:
        with transaction.atomic():
            for outcome in outcomes:
                _import_one(outcome, user=user, replace=replace, comment=comment)
            if any(o.problems for o in outcomes):
                raise _Rollback
    except _Rollback:
        for outcome in outcomes:
            outcome.linked_service = None
        return False, outcomes
    return True, outcomes


def _import_one(outcome: ImportOutcome, *, user: Any, replace: bool, comment: str) -> None:
    parsed = outcome._parsed  # type: ignore[attr-defined]
    existing = LinkedService.objects.filter(name_key=LinkedService.key_for(parsed.name)).first()
    if existing is not None and (not replace or existing.deleted_at is not None):
        why = "is deleted (restore or purge it first)" if existing.deleted_at else "exists already"
        hint = "" if existing.deleted_at else "; choose replace to import it as a new revision"
        outcome.problems.append(Problem("$.name", f"'{existing.name}' {why}{hint}."))
        return
    try:
        result = save_definition(
            user=user,
            name=parsed.name,
            properties=parsed.properties,
            action=Revision.Action.IMPORT,
            comment=comment or f"Imported from {Path(outcome.source).name}",
            instance=existing,
        )
    except DefinitionInvalid as exc:
        outcome.problems.extend(exc.problems)
        return
    except StaleRevision as exc:
        outcome.conflict = True
        outcome.problems.append(
            Problem(
                "$.name",
                f"'{exc.current.name}' changed while this import ran (now revision "
                f"{exc.current.revision}); nothing was imported: import again.",
            )
        )
        return
    outcome.linked_service = result.linked_service
    outcome.replaced = existing is not None


def files_from_paths(paths: list[str]) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Files named on a command line: JSON files, or folders in ADF git layout."""
    found: list[tuple[str, bytes]] = []
    problems: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            folder = path / "linkedService" if (path / "linkedService").is_dir() else path
            files = sorted(folder.glob("*.json"))
            if not files:
                problems.append(f"{path}: no .json files (expected linkedService/<name>.json)")
            found.extend((str(f), f.read_bytes()) for f in files)
        elif path.is_file():
            found.append((str(path), path.read_bytes()))
        else:
            problems.append(f"{path}: no such file or folder")
    return found, problems

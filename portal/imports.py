"""Import and export of resources of every kind: the one service UI, API and CLI use.

:func:`import_documents` takes ``(path, bytes)`` pairs (a path in ADF's git layout, or any
name) and imports every file into one factory, or none of them. A file's kind comes from
its document ``type``, else from its folder, else it is a linked service (files from
before kinds). A linked service of a type the connector registry has a form for is read
and checked by its connector; every other resource is kept as a document with its
envelope checked. Each revision keeps the path and the exact bytes it was imported from.

:func:`export_file` and :func:`export_archive` write resources as ADF Studio's git
integration does (secure strings masked).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction

from connectors.adf_format import parse_linked_service
from connectors.documents import document_of, envelope_problems
from connectors.kinds import (
    KINDS,
    LINKED_SERVICE,
    ResourceKind,
    kind_for_document_type,
    kind_for_folder,
)
from connectors.problems import Problem
from connectors.references import references_in
from connectors.registry import has_form
from portal.definitions import DefinitionInvalid, save_definition
from portal.models import Factory, Resource, Revision


@dataclass
class ImportOutcome:
    source: str
    name: str | None = None
    kind: ResourceKind = LINKED_SERVICE
    resource: Resource | None = None
    replaced: bool = False
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict, repr=False)
    raw: bytes = field(default=b"", repr=False)


class _Rollback(Exception):
    pass


def kind_of_file(source: str, document: Any) -> ResourceKind:
    """The kind of an imported file: its ``type``, else its folder, else a linked service."""
    kind = kind_for_document_type(document.get("type")) if isinstance(document, dict) else None
    if kind is not None:
        return kind
    folder = str(PurePosixPath(source.replace("\\", "/")).parent)
    for candidate in KINDS.values():
        if folder == candidate.folder or folder.endswith("/" + candidate.folder):
            return candidate
    return kind_for_folder(folder) or LINKED_SERVICE


def _read(outcome: ImportOutcome, raw: bytes) -> None:
    """Fill ``outcome`` from the file's bytes: its kind, name, properties and problems."""
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        outcome.problems.append(Problem("$", f"The file is not UTF-8 text ({exc.reason})."))
        return
    except json.JSONDecodeError as exc:
        outcome.problems.append(
            Problem("$", f"Not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.")
        )
        return
    outcome.kind = kind_of_file(outcome.source, document)
    properties = document.get("properties") if isinstance(document, dict) else None
    if outcome.kind is LINKED_SERVICE and (
        not isinstance(properties, dict) or has_form(LINKED_SERVICE.name, properties.get("type"))
    ):
        parsed = parse_linked_service(raw, outcome.source)
        outcome.name, outcome.warnings = parsed.name, parsed.warnings
        outcome.problems.extend(parsed.problems)
        outcome.properties = parsed.properties
        return
    outcome.problems.extend(envelope_problems(outcome.kind, document))
    name = document.get("name") if isinstance(document, dict) else None
    outcome.name = name if isinstance(name, str) else None
    outcome.properties = properties if isinstance(properties, dict) else {}


def import_documents(
    files: list[tuple[str, bytes]],
    *,
    user: Any,
    replace: bool = False,
    comment: str = "",
    factory: Factory | None = None,
) -> tuple[bool, list[ImportOutcome]]:
    """Import every file into ``factory`` (default: the default factory), or none.

    Returns (all imported, one outcome per file, in the order given). A reference to a
    resource neither in the factory nor among the files is a warning.
    """
    factory = factory or Factory.default()
    outcomes: list[ImportOutcome] = []
    seen: dict[tuple[str, str], str] = {}
    for source, raw in files:
        outcome = ImportOutcome(source=source, raw=raw)
        outcomes.append(outcome)
        if len(raw) > settings.IMPORT_MAX_FILE_BYTES:
            limit = settings.IMPORT_MAX_FILE_BYTES // 1024
            outcome.problems.append(Problem("$", f"The file is larger than {limit} KiB."))
            continue
        _read(outcome, raw)
        if outcome.name:
            key = (outcome.kind.name, Resource.key_for(outcome.name))
            if key in seen:
                outcome.problems.append(
                    Problem("$.name", f"'{outcome.name}' is also defined in {seen[key]}.")
                )
            seen[key] = source
    if any(o.problems for o in outcomes):
        return False, outcomes
    _warn_broken_references(outcomes, factory, set(seen))
    try:
        with transaction.atomic():
            for outcome in outcomes:
                _import_one(outcome, factory, user=user, replace=replace, comment=comment)
            if any(o.problems for o in outcomes):
                raise _Rollback
    except _Rollback:
        for outcome in outcomes:
            outcome.resource = None
        return False, outcomes
    return True, outcomes


def _warn_broken_references(
    outcomes: list[ImportOutcome], factory: Factory, imported: set[tuple[str, str]]
) -> None:
    wanted = {
        (r.kind.name, Resource.key_for(r.name))
        for o in outcomes
        for r in references_in(o.properties)
    }
    existing = set(
        Resource.objects.live()
        .filter(factory=factory, name_key__in={key for _, key in wanted})
        .values_list("kind", "name_key")
    )
    for outcome in outcomes:
        for reference in references_in(outcome.properties):
            key = (reference.kind.name, Resource.key_for(reference.name))
            if key not in imported and key not in existing:
                outcome.warnings.append(
                    f"{reference.path}: {reference.kind.title.lower()} '{reference.name}' "
                    f"is not in factory '{factory.name}' (a broken reference)."
                )


def _import_one(
    outcome: ImportOutcome, factory: Factory, *, user: Any, replace: bool, comment: str
) -> None:
    name = outcome.name or ""
    existing = Resource.objects.filter(
        factory=factory, kind=outcome.kind.name, name_key=Resource.key_for(name)
    ).first()
    if existing is not None and (not replace or existing.deleted_at is not None):
        why = "is deleted (restore or purge it first)" if existing.deleted_at else "exists already"
        hint = "" if existing.deleted_at else "; choose replace to import it as a new revision"
        outcome.problems.append(Problem("$.name", f"'{existing.name}' {why}{hint}."))
        return
    try:
        result = save_definition(
            user=user,
            name=name,
            properties=outcome.properties,
            action=Revision.Action.IMPORT,
            comment=comment or f"Imported from {Path(outcome.source).name}",
            instance=existing,
            factory=factory,
            kind=outcome.kind.name,
            source_path=outcome.source,
            source_bytes=outcome.raw,
        )
    except DefinitionInvalid as exc:
        outcome.problems.extend(exc.problems)
        return
    outcome.resource = result.resource
    outcome.replaced = existing is not None


def export_file(resource: Resource) -> str:
    """One resource exactly as ADF Studio's git integration writes it (secrets masked)."""
    kind = KINDS[resource.kind]
    document = document_of(
        kind, resource.name, resource.properties, workspace=resource.factory.is_workspace
    )
    return json.dumps(document, indent="\t", ensure_ascii=False)


def export_path(resource: Resource) -> str:
    return KINDS[resource.kind].git_path(resource.name)


def export_archive(resources: Iterable[Resource]) -> bytes:
    """A zip of resources in ADF's git layout (secrets masked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for resource in resources:
            archive.writestr(export_path(resource), export_file(resource).encode())
    return buffer.getvalue()


def export_directory(resources: Iterable[Resource], root: Path) -> int:
    """Write resources under ``root`` in ADF's git layout; returns how many."""
    count = 0
    for resource in resources:
        target = root / export_path(resource)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(export_file(resource), "utf-8")
        count += 1
    return count


def files_from_paths(paths: list[str]) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Files named on a command line: JSON files, or folders in ADF git layout (every
    kind's folder is read; a folder without them is read as a folder of JSON files)."""
    found: list[tuple[str, bytes]] = []
    problems: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            folders = [path / k.folder for k in KINDS.values() if (path / k.folder).is_dir()]
            files = [f for folder in folders for f in sorted(folder.glob("*.json"))]
            if not folders:
                files = sorted(path.glob("*.json"))
            if not files:
                problems.append(f"{path}: no .json files (expected linkedService/<name>.json)")
            found.extend((str(f), f.read_bytes()) for f in files)
        elif path.is_file():
            found.append((str(path), path.read_bytes()))
        else:
            problems.append(f"{path}: no such file or folder")
    return found, problems

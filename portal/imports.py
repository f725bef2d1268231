"""Import and export of resources of every kind: the one service UI, API and CLI use.

:func:`import_documents` takes ``(path, bytes)`` pairs (a path in ADF's git layout, or any
name) and imports every file into one factory, or none of them. A file's kind comes from
its document ``type``, else from its folder, else it is a linked service (files from
before kinds). A linked service of a type the connector registry has a form for is read
and checked by its connector; every other resource is kept as a document with its
envelope checked. Each revision keeps the path and the exact bytes it was imported from,
but for any secret written in clear in them, which is masked (the secret itself is sealed
with the definition; see :class:`portal.models.SourceBytesField`).

:func:`export_file` and :func:`export_archive` write resources as ADF Studio's git
integration does (secure strings masked).

:func:`import_repository` and :func:`export_repository` take in and give back a whole
repository (a folder or a zip of its root) byte for byte, through ``connectors.adf_repository``;
its override files become the factory's environments (:mod:`portal.environments`). A file
that is no resource is kept as is and given back exactly, sealed at rest when it holds a
secret in clear (:class:`portal.models.KeptBytesField`).
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from connectors import json_limits
from connectors.adf_format import parse_linked_service
from connectors.adf_repository import (
    ReportLine,
    Status,
    read_repository,
    unedited_bytes,
)
from connectors.adf_repository import RepositoryFile as ReadFile
from connectors.documents import document_of, envelope_problems
from connectors.edited_files import edited_bytes
from connectors.external_references import resolved_outside
from connectors.kinds import (
    KINDS,
    LINKED_SERVICE,
    ResourceKind,
    kind_for_document_type,
    kind_for_folder,
)
from connectors.problems import Problem
from connectors.references import Reference, references_in
from connectors.registry import has_form
from connectors.repository_layout import place
from connectors.secrets import masked
from portal import start_up
from portal.definitions import (
    DefinitionInvalid,
    NewDefinition,
    StaleRevision,
    create_definitions,
    save_definition,
)
from portal.environments import keep_files
from portal.models import (
    EnvironmentFile,
    Factory,
    MaskedBytes,
    RepositoryFile,
    Resource,
    Revision,
)
from portal.postgres_values import results_in_binary


@dataclass(slots=True)
class ImportOutcome:
    """One file imported (or not): what its report says. A repository's import keeps one
    per file, so it holds no more: the resource's key, not the resource (:attr:`resource`
    reads it when asked for)."""

    source: str
    name: str | None = None
    kind: ResourceKind = LINKED_SERVICE
    pk: int | None = None
    """The imported resource's primary key; None when nothing was imported."""
    replaced: bool = False
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Information, no problem: references the service resolves outside the repository."""
    problems: list[Problem] = field(default_factory=list)
    conflict: bool = False
    """Another writer changed the resource while this import ran."""
    properties: dict[str, Any] = field(default_factory=dict, repr=False)
    raw: bytes = field(default=b"", repr=False)
    held: Resource | None = field(default=None, repr=False, compare=False)
    """The imported resource, when the caller keeps it (``keep_resources``) or once read."""

    @property
    def imported(self) -> bool:
        return self.pk is not None

    @property
    def resource(self) -> Resource | None:
        """The imported resource (read by its key, once, when not kept)."""
        if self.pk is None:
            return None
        if self.held is None:
            self.held = Resource.objects.select_related("factory").get(pk=self.pk)
        return self.held

    def imported_as(self, resource: Resource, keep: bool) -> None:
        self.pk, self.held = resource.pk, resource if keep else None

    def forget(self) -> None:
        """Nothing was imported after all (the transaction rolled back)."""
        self.pk = self.held = None


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


def _read(outcome: ImportOutcome, raw: bytes, pedantic: bool = False) -> None:
    """Fill ``outcome`` from the file's bytes: its kind, name, properties and problems
    (``pedantic``: and the advice of ADF Studio's key order)."""
    try:
        document = json_limits.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        outcome.problems.append(Problem("$", f"The file is not UTF-8 text ({exc.reason})."))
        return
    except json_limits.JsonRefused as exc:
        outcome.problems.append(Problem("$", str(exc)))
        return
    outcome.kind = kind_of_file(outcome.source, document)
    properties = document.get("properties") if isinstance(document, dict) else None
    if outcome.kind is LINKED_SERVICE and (
        not isinstance(properties, dict) or has_form(LINKED_SERVICE.name, properties.get("type"))
    ):
        parsed = parse_linked_service(raw, outcome.source, pedantic=pedantic)
        outcome.name, outcome.warnings = parsed.name, parsed.warnings
        outcome.problems.extend(parsed.problems)
        outcome.properties = parsed.properties
        return
    outcome.problems.extend(envelope_problems(outcome.kind, document))
    name = document.get("name") if isinstance(document, dict) else None
    outcome.name = name if isinstance(name, str) else None
    outcome.properties = properties if isinstance(properties, dict) else {}


def import_documents(
    files: Iterable[tuple[str, bytes]],
    *,
    user: Any,
    replace: bool = False,
    comment: str = "",
    factory: Factory | None = None,
    pedantic: bool = False,
    keep_resources: bool = True,
) -> tuple[bool, list[ImportOutcome]]:
    """Import every file into ``factory`` (default: the default factory), or none.

    Returns (all imported, one outcome per file, in the order given). Every file is
    checked in the one pass, whatever the others' errors: its own problems, a name taken
    in the factory, its references. A reference to a resource neither in the factory nor
    among the files is a warning (a note when the service resolves it outside the
    repository, see ``connectors.external_references``). ``pedantic``: key-order advice.

    The files are read, checked and written :data:`IMPORT_CHUNK` at a time in the one
    transaction (rolled back when any file has a problem): a chunk's parsed documents are
    let go once it is written, so memory follows the chunk, not the repository; each
    outcome keeps only what its report says (and its references to names no file read so
    far defines, until one does), and its resource's key, not the resource, unless
    ``keep_resources``. The collector does not walk all that again and again meanwhile: it
    collects after each chunk (:func:`portal.start_up.collector_between_chunks`).
    """
    factory = factory or Factory.default()
    outcomes: list[ImportOutcome] = []
    pending = _Pending()
    seen: dict[tuple[str, str], str] = {}
    try:
        with transaction.atomic(), start_up.collector_between_chunks():
            for chunk in _chunks(files, IMPORT_CHUNK):
                read = [_read_checked(source, raw, seen, pedantic) for source, raw in chunk]
                pending.add(read, seen)
                readable = [o for o in read if not o.problems]
                _write(readable, factory, user, replace, comment, keep_resources)
                for outcome in read:  # written (or refused): the document is not needed now
                    outcome.properties, outcome.raw = _NO_PROPERTIES, b""
                outcomes += read
                del chunk, read, readable
                start_up.collect_chunk()
            _check_references(pending, factory, seen)
            if any(o.problems for o in outcomes):
                raise _Rollback
    except _Rollback:
        for outcome in outcomes:
            outcome.forget()
        return False, outcomes
    return True, outcomes


_NO_PROPERTIES: dict[str, Any] = {}
"""An imported outcome's properties once written (never changed: one for all)."""


IMPORT_CHUNK = 500
"""Files read, checked and written at a time by :func:`import_documents`."""


def _chunks(files: Iterable[tuple[str, bytes]], size: int) -> Iterable[list[tuple[str, bytes]]]:
    chunk: list[tuple[str, bytes]] = []
    for pair in files:
        chunk.append(pair)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _read_checked(
    source: str, raw: bytes, seen: dict[tuple[str, str], str], pedantic: bool
) -> ImportOutcome:
    """One file read and checked on its own, and its name against the files before it."""
    outcome = ImportOutcome(source=source, raw=raw)
    if len(raw) > settings.IMPORT_MAX_FILE_BYTES:
        limit = settings.IMPORT_MAX_FILE_BYTES // 1024
        outcome.problems.append(Problem("$", f"The file is larger than {limit} KiB."))
        return outcome
    _read(outcome, raw, pedantic)
    if outcome.name:
        outcome.name = sys.intern(outcome.name)  # the repository's reading holds it too
        key = (outcome.kind.name, _key(outcome.name))
        if key in seen:
            outcome.problems.append(
                Problem("$.name", f"'{outcome.name}' is also defined in {seen[key]}.")
            )
        seen[key] = source
    return outcome


def _key(name: str) -> str:
    """:meth:`Resource.key_for`, the name itself when the same (one string held, not two)."""
    key = Resource.key_for(name)
    return name if key == name else key


def _write(
    readable: list[ImportOutcome],
    factory: Factory,
    user: Any,
    replace: bool,
    comment: str,
    keep: bool,
) -> None:
    """Write the readable files of a chunk: a name taken in the factory or a value the
    schema refuses is found here (and the whole import rolled back by the caller)."""
    existing = _existing(readable, factory)
    new = []
    for outcome in readable:
        key = (outcome.kind.name, Resource.key_for(outcome.name or ""))
        if key in existing:
            _import_one(
                outcome,
                existing[key],
                factory,
                user=user,
                replace=replace,
                comment=comment,
                keep=keep,
            )
        else:
            new.append(outcome)
    _create_new(new, factory, user=user, comment=comment, keep=keep)


class _Pending:
    """The references of the files read so far to names no file read so far defines, in
    the files' order: each file walked once, and a reference let go as soon as a file
    defining its name is read (most are: only the broken ones are kept to the end)."""

    def __init__(self) -> None:
        self.references: dict[int, tuple[ImportOutcome, Reference]] = {}
        self.by_name: dict[tuple[str, str], list[int]] = {}
        self.count = 0

    def add(self, read: list[ImportOutcome], seen: dict[tuple[str, str], str]) -> None:
        for outcome in read:
            if outcome.name:  # defined now: the references kept to it are resolved
                for number in self.by_name.pop((outcome.kind.name, _key(outcome.name)), ()):
                    del self.references[number]
        for outcome in read:
            for reference in references_in(outcome.properties):
                key = (reference.kind.name, _key(reference.name))
                if key not in seen:
                    number = self.count = self.count + 1
                    self.by_name.setdefault(key, []).append(number)
                    self.references[number] = (outcome, reference)


def _check_references(
    pending: _Pending, factory: Factory, imported: dict[tuple[str, str], str]
) -> None:
    """A warning (or a note, see ``connectors.external_references``) on each file for each
    of its references to a resource neither among the files nor in the factory."""
    wanted = {key for _, key in pending.by_name}
    existing = set(
        Resource.objects.live()
        .filter(factory=factory, name_key__in=wanted)
        .values_list("kind", "name_key")
    )
    for outcome, reference in pending.references.values():
        key = (reference.kind.name, Resource.key_for(reference.name))
        if key in imported or key in existing:
            continue
        what = f"{reference.path}: {reference.kind.title.lower()} '{reference.name}'"
        outside = resolved_outside(reference.kind.name, reference.name)
        if outside is not None:
            outcome.notes.append(f"{what} is an external reference ({outside}).")
        else:
            outcome.warnings.append(
                f"{what} is not in factory '{factory.name}' (a broken reference)."
            )


_LOOKUP_BATCH = 500


def _existing(outcomes: list[ImportOutcome], factory: Factory) -> dict[tuple[str, str], Resource]:
    """The factory's resources (deleted ones too) that the files name, by (kind, name key):
    one query per few hundred names instead of one per file."""
    keys = sorted({Resource.key_for(o.name or "") for o in outcomes})
    found: dict[tuple[str, str], Resource] = {}
    for start in range(0, len(keys), _LOOKUP_BATCH):
        rows = Resource.objects.filter(
            factory=factory, name_key__in=keys[start : start + _LOOKUP_BATCH]
        ).select_related("factory")
        for resource in rows:
            found[(resource.kind, resource.name_key)] = resource
    return found


def _create_new(
    outcomes: list[ImportOutcome], factory: Factory, *, user: Any, comment: str, keep: bool
) -> None:
    """Create the resources whose names are new in the factory, all at once."""
    entries = [
        NewDefinition(
            name=o.name or "",
            properties=o.properties,
            kind=o.kind.name,
            comment=comment or f"Imported from {Path(o.source).name}",
            source_path=o.source,
            source_bytes=o.raw,
        )
        for o in outcomes
    ]
    results = create_definitions(entries, user=user, action=Revision.Action.IMPORT, factory=factory)
    for outcome, result in zip(outcomes, results, strict=True):
        if isinstance(result, list):
            outcome.problems.extend(result)
        else:
            resource = result.resource
            outcome.imported_as(_without_definition(resource) if keep else resource, keep)


def _without_definition(resource: Resource) -> Resource:
    """The same row with its definition left unread (read again when asked for): an import
    keeps one resource per file, and the definitions are most of a repository's size."""
    names = [f.attname for f in Resource._meta.concrete_fields if f.attname != "definition"]
    light = Resource.from_db(resource._state.db, names, [getattr(resource, n) for n in names])
    light.factory = resource.factory  # already known: no query
    return light


def _import_one(
    outcome: ImportOutcome,
    existing: Resource,
    factory: Factory,
    *,
    user: Any,
    replace: bool,
    comment: str,
    keep: bool,
) -> None:
    """Import a file whose name the factory has already: a new revision with ``replace``."""
    name = outcome.name or ""
    if not replace or existing.deleted_at is not None:
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
    outcome.imported_as(result.resource, keep)
    outcome.replaced = True


def export_file(resource: Resource) -> str:
    """One resource exactly as ADF Studio's git integration writes it (secrets masked)."""
    return document_text(resource.kind, resource.name, resource.properties, resource.factory)


def document_text(kind: str, name: str, properties: dict[str, Any], factory: Factory) -> str:
    """A definition (saved or not) as ADF Studio's git integration writes it (secrets
    masked): the text the export writes and the JSON editor opens."""
    document = document_of(KINDS[kind], name, properties, workspace=factory.is_workspace)
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


# --- Whole repositories (a folder or a zip of its root), byte for byte -------------------


@dataclass
class RepositoryImport:
    """Importing a repository: one or more report lines per file, in the repository's order."""

    ok: bool
    """Everything asked for was imported (with skip_bad_files: every good file)."""
    report: list[ReportLine]
    outcomes: list[ImportOutcome]
    """The resources imported (empty when nothing was)."""
    skipped: list[str] = field(default_factory=list)
    """The bad files skipped: kept as is, and exported unchanged."""

    def summary(self) -> str:
        imported = sum(1 for o in self.outcomes if o.imported)
        if not self.ok:
            bad = len({line.path for line in self.report if line.status is Status.ERROR})
            return f"Nothing imported: {bad} file(s) with errors."
        skipped = set(self.skipped)
        kept = {line.path for line in self.report if line.status is Status.KEPT} - skipped
        also = (
            f", {len(skipped)} bad file(s) skipped (kept as is, exported unchanged)"
            if skipped
            else ""
        )
        return f"{imported} resource(s) imported, {len(kept)} file(s) kept as is{also}."


SKIPPED = "skipped for its errors: kept as is and exported unchanged"


class _Refused(Exception):
    pass


def import_repository(
    source: Path | bytes | IO[bytes],
    *,
    user: Any,
    factory: Factory | None = None,
    replace: bool = False,
    skip_bad_files: bool = False,
    pedantic: bool = False,
) -> RepositoryImport:
    """Import the root of an ADF or Synapse git repository (a folder, or a zip: its bytes
    or a seekable binary file of them, which need not be held in memory) into ``factory``
    in one transaction, each resource with the path and exact bytes it came from; the
    files that are not resources are kept as is (and exported back).

    Every file is checked in one pass, whatever the errors of others. When any file has an
    error nothing is imported (every file's line says so), unless ``skip_bad_files``: then
    every other file is, and the bad ones are kept as is (exported unchanged).
    ``pedantic``: key-order advice too. Raises RepositoryRefused (before anything is
    parsed) for unsafe input.
    """
    factory = factory or Factory.default()
    with start_up.collector_between_chunks():
        return _import_repository(source, user, factory, replace, skip_bad_files, pedantic)


def _import_repository(
    source: Path | bytes | IO[bytes],
    user: Any,
    factory: Factory,
    replace: bool,
    skip_bad_files: bool,
    pedantic: bool,
) -> RepositoryImport:
    repository = read_repository(source, keep_documents=False)
    bad = {f.path for f in repository.files if not f.ok}
    lines: dict[str, list[ReportLine]] = {}
    """The lines of the files whose report is more than reading them said: a file with
    errors, a file kept as is; an imported file's are written with the whole report."""
    todo: list[ReadFile] = []
    outcomes: list[ImportOutcome] = []
    done = refused = False
    try:
        with transaction.atomic():
            while True:
                todo = [f for f in repository.files if f.is_resource and f.path not in bad]
                done, outcomes = import_documents(
                    ((f.path, f.raw) for f in todo),
                    user=user,
                    replace=replace,
                    factory=factory,
                    pedantic=pedantic,
                    keep_resources=False,
                )
                failed = {o.source for o in outcomes if o.problems}
                for f, outcome in zip(todo, outcomes, strict=True):
                    if outcome.problems:
                        lines[f.path] = _report_of(outcome, f.lines or [], done)
                bad |= failed
                if done or not skip_bad_files or not failed:
                    break
            if not done or (bad and not skip_bad_files):
                raise _Refused
            kept = ((f.path, f.raw) for f in repository.files if not f.is_resource or f.path in bad)
            lines |= keep_files(factory, kept)
            read = {f.path: f.report for f in repository.files if f.path in bad}
            for path in bad:
                lines[path] = [*lines.get(path, read[path]), ReportLine(path, Status.KEPT, SKIPPED)]
            _forget_kept(factory, {o.source for o in outcomes})
    except _Refused:
        refused = True
    report = _repository_report(repository.files, todo, outcomes, lines, done)
    if refused:
        return RepositoryImport(False, [_not_imported(line) for line in report], [], [])
    return RepositoryImport(True, report, outcomes, sorted(bad))


def _repository_report(
    files: list[ReadFile],
    todo: list[ReadFile],
    outcomes: list[ImportOutcome],
    lines: dict[str, list[ReportLine]],
    done: bool,
) -> list[ReportLine]:
    """Every file's lines in the repository's order: those ``lines`` hold, else an
    imported file's (``todo``'s ``outcomes``, the last import tried), else its reading's."""
    imported = iter(zip(todo, outcomes, strict=True))  # in the files' order
    upcoming = next(imported, None)
    report: list[ReportLine] = []
    for f in files:
        outcome = None
        if upcoming is not None and upcoming[0] is f:
            outcome, upcoming = upcoming[1], next(imported, None)
        if f.path in lines:
            report += lines[f.path]
        elif outcome is not None:
            report += _report_of(outcome, f.lines or [], done)
        else:
            report += f.report
    return report


def _forget_kept(factory: Factory, imported: set[str]) -> None:
    """A file kept as is (a bad file skipped before) at a path now imported as a resource
    is the resource's now."""
    kept = RepositoryFile.objects.filter(factory=factory).values_list("path", flat=True)
    stale = [path for path in kept if path in imported]
    if stale:
        RepositoryFile.objects.filter(factory=factory, path__in=stale).delete()


def files_report(outcomes: list[ImportOutcome], ok: bool) -> list[ReportLine]:
    """The report lines of loose files imported by :func:`import_documents`, as a
    repository's: each file's status (imported, or not imported and why), its errors,
    warnings and notes."""
    lines = [line for o in outcomes for line in _report_of(o, [], ok)]
    return lines if ok else [_not_imported(line) for line in lines]


def _not_imported(line: ReportLine) -> ReportLine:
    """A good file's line when nothing was imported says so."""
    if line.status not in (Status.IMPORTED, Status.KEPT):
        return line
    return ReportLine(line.path, Status.NOT_IMPORTED, f"{line.message} (other files have errors)")


def _report_of(outcome: ImportOutcome, read: list[ReportLine], done: bool) -> list[ReportLine]:
    """The report lines of one resource file: its status first, then what reading it
    found, then the import's (each said once)."""
    path = outcome.source
    lines = [line for line in read if line.status is not Status.IMPORTED]
    lines += [ReportLine(path, Status.ERROR, p.message, p.path) for p in outcome.problems]
    for status, messages in ((Status.WARNING, outcome.warnings), (Status.NOTE, outcome.notes)):
        for text in messages:
            where, _, message = text.partition(": ")
            if where.startswith("$") and message:
                lines.append(ReportLine(path, status, message, where))
            else:
                lines.append(ReportLine(path, status, text))
    if not outcome.problems:
        message = f"{outcome.kind.name} '{outcome.name}'"
        if done and outcome.replaced:
            message += " (replaced, as a new revision)"
        lines.insert(0, ReportLine(path, Status.IMPORTED, message))
    return list(dict.fromkeys(lines))


def export_repository(factory: Factory) -> list[tuple[str, bytes]]:
    """Every file of :func:`iter_export`, as a list (for a caller that needs them all)."""
    return list(iter_export(factory))


EXPORT_CHUNK = 200
"""How many files' bytes an export reads from the database at a time."""


def iter_export(factory: Factory) -> Iterator[tuple[str, bytes]]:
    """Every live resource of ``factory`` and every file kept as is, as ``(path, bytes)``
    in path order: an unedited imported resource is its original file at its original
    path; an edited one is re-serialised in its file's style; a new one in ADF Studio's, at
    ``<kind folder>/<name>.json``. A resource's secure strings are never written in clear;
    a file kept as is gives back exactly the bytes imported. Only each file's path is held
    for the whole export; the files themselves are read :data:`EXPORT_CHUNK` at a time."""
    index = _export_index(factory)
    for start in range(0, len(index), EXPORT_CHUNK):
        chunk = index[start : start + EXPORT_CHUNK]
        found = _export_chunk(factory, chunk)
        for path, source, key in chunk:
            yield path, found[source, key]


_RESOURCE, _KEPT, _ENVIRONMENT = "resource", "kept", "environment"


def _export_index(factory: Factory) -> list[tuple[str, str, int]]:
    """``(path, source, key)`` of every file an export writes, in path order: a resource's
    path is its imported file's while that still names it, else its kind's folder."""
    latest = Revision.objects.filter(resource=OuterRef("pk"), source_bytes__isnull=False).order_by(
        "-number"
    )
    rows = (
        Resource.objects.live()
        .filter(factory=factory)
        .annotate(imported_path=Subquery(latest.values("source_path")[:1]))
        .values_list("pk", "kind", "name", "imported_path")
    )
    index = []
    for pk, kind, name, imported_path in rows.iterator(chunk_size=2000):
        path = KINDS[kind].git_path(name)
        if imported_path and _names(imported_path, kind, name):
            path = imported_path
        index.append((path, _RESOURCE, pk))
    taken = {path for path, _, _ in index}
    kept = RepositoryFile.objects.filter(factory=factory).values_list("path", "pk")
    index += [(path, _KEPT, pk) for path, pk in kept if path not in taken]
    taken |= {path for path, _, _ in index}
    index += [
        (path, _ENVIRONMENT, pk)
        for path, pk in EnvironmentFile.objects.filter(factory=factory).values_list("path", "pk")
        if path not in taken
    ]
    return sorted(index)


def _export_chunk(
    factory: Factory, chunk: list[tuple[str, str, int]]
) -> dict[tuple[str, int], bytes]:
    """The bytes of one chunk of :func:`_export_index`'s files, by ``(source, key)``."""
    keys: dict[str, list[int]] = {}
    for _, source, key in chunk:
        keys.setdefault(source, []).append(key)
    found: dict[tuple[str, int], bytes] = {}
    if keys.get(_RESOURCE):
        resources = list(Resource.objects.filter(pk__in=keys[_RESOURCE]).select_related("factory"))
        sources = _import_sources(resources)
        for resource in resources:
            found[_RESOURCE, resource.pk] = _export_entry(resource, sources.get(resource.pk))[1]
    for source, model in ((_KEPT, RepositoryFile), (_ENVIRONMENT, EnvironmentFile)):
        if keys.get(source):
            rows = model.objects.filter(pk__in=keys[source]).values_list("pk", "data")
            found.update(((source, pk), bytes(data)) for pk, data in rows)
    return found


def export_entry(resource: Resource) -> tuple[str, bytes]:
    """One resource's ``(path, bytes)`` as :func:`export_repository` writes it."""
    return _export_entry(resource, _import_sources([resource]).get(resource.pk))


def stored_entry(resource: Resource) -> tuple[str, bytes]:
    """:func:`export_entry`, but a file the current revision holds comes as it is stored
    (:class:`MaskedBytes`: a :class:`portal.models.SourceBytesField` masks each secret in
    clear before it writes, so masking again would read the whole file for nothing)."""
    source = _import_sources([resource]).get(resource.pk)
    if source is not None and source[0] == resource.revision:
        return _entry_path(resource, source), MaskedBytes(source[2])
    return _export_entry(resource, source)


def _import_sources(resources: list[Resource]) -> dict[int, tuple[int, str | None, bytes]]:
    """Each resource's latest imported revision: (number, path, bytes). Only that one's
    bytes are read: every save of one activity keeps a whole file, and reading all of
    them would cost the resource's history, not its size."""
    found: dict[int, tuple[int, str | None, bytes]] = {}
    latest = (
        Revision.objects.filter(resource=OuterRef("resource_id"), source_bytes__isnull=False)
        .order_by("-number")
        .values("number")[:1]
    )
    rows = (
        Revision.objects.filter(resource__in=resources, number=Subquery(latest))
        .order_by("resource_id")
        .values_list("resource_id", "number", "source_path", "source_bytes")
    )
    # Many resources' bytes are read a chunk at a time; one resource's in one fetch, as
    # bytes (not as hexadecimal text twice as long: a large file's save reads its file).
    if len(resources) > 1:
        chunks: Iterable[tuple[int, int, str | None, Any]] = rows.iterator(chunk_size=500)
    else:
        with results_in_binary():
            chunks = list(rows)
    for resource_id, number, path, data in chunks:
        found[resource_id] = (number, path, bytes(data))
    return found


def _export_entry(
    resource: Resource, source: tuple[int, str | None, bytes] | None
) -> tuple[str, bytes]:
    path = _entry_path(resource, source)
    if source is None:
        return path, export_file(resource).encode()
    number, _, original = source
    if number == resource.revision:
        return path, unedited_bytes(original)
    document = _document_like(original, resource)
    return path, edited_bytes(document, original)


def _entry_path(resource: Resource, source: tuple[int, str | None, bytes] | None) -> str:
    """Where the resource's file is exported: the path it was imported from, if that path
    is still one of the resource (same kind and name), else the export's own."""
    if source is not None and source[1] and _is_path_of(source[1], resource):
        return source[1]
    return export_path(resource)


def _is_path_of(path: str, resource: Resource) -> bool:
    return _names(path, resource.kind, resource.name)


def _names(path: str, kind: str, name: str) -> bool:
    """Whether ``path`` is where a resource of ``kind`` named ``name`` may be kept."""
    placement = place(path)
    # ADF's names ignore case: a file named in another case than its resource (imported
    # with a warning) is still that resource's file.
    named = (placement.name_from_path or "").casefold() == name.casefold()
    return placement.kind == kind and named


def _document_like(original: bytes, resource: Resource) -> dict[str, Any]:
    """The resource's current name and properties (secrets masked, nothing added) in the
    original file's document (its other top-level keys kept)."""
    try:
        before = json.loads(original.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        before = None
    if not isinstance(before, dict):
        kind, workspace = KINDS[resource.kind], resource.factory.is_workspace
        return document_of(kind, resource.name, resource.properties, workspace=workspace)
    properties = masked(resource.properties)
    document = {**before, "name": resource.name, "properties": properties}
    if "properties" not in before and not properties:
        del document["properties"]  # a kind whose file may have none (a managed network)
    return document

"""A whole ADF or Synapse git repository, in and out, byte for byte.

``read_repository`` takes the repository's root (a folder, or the bytes of a zip of it)
and gives one ``RepositoryFile`` per file: its posix path and exact bytes, its kind (from
its folder, see ``repository_layout``), and for a resource the parsed JSON (dicts keep the
file's key order), its ``FileStyle``, and the report lines for that file. Files that are not
resources (``publish_config.json``, a README, ...) are kept as is, with a line saying so.

``export_bytes`` gives a resource's file back: exactly its original bytes when the document
is unchanged, otherwise the document re-serialised in the file's own style (ADF Studio's for
a new resource). Secure string values are never written in clear.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any
from zipfile import ZipInfo

from connectors import json_limits
from connectors.file_style import (
    BOM,
    STUDIO_STYLE,
    FileStyle,
    detect_style,
    render,
    shared_style,
)
from connectors.json_spans import SpanNotFound, value_span
from connectors.problems import json_path
from connectors.repository_layout import Placement, has_properties, place
from connectors.repository_source import (
    DEFAULT_LIMITS,
    Limits,
    RepositoryRefused,
    ZipMembers,
    read_folder,
    read_zip_members,
    safe_relative_path,
)
from connectors.secrets import (
    MASK,
    SECURE_STRING,
    is_clear_secret,
    is_secret_parameter,
    map_secure_strings,
    secure_strings,
)


class Status(StrEnum):
    IMPORTED = "imported"
    KEPT = "kept as is"
    NOT_IMPORTED = "not imported"
    """A good file of an import refused for other files' errors."""
    NOTE = "note"
    """Information, no problem: a reference the service resolves outside the repository."""
    WARNING = "warning"
    ERROR = "error"


_WORST_FIRST = (
    Status.ERROR,
    Status.WARNING,
    Status.NOT_IMPORTED,
    Status.KEPT,
    Status.IMPORTED,
    Status.NOTE,
)


@dataclass(frozen=True, slots=True)
class ReportLine:
    path: str
    status: Status
    message: str = ""
    json_path: str = ""

    def __str__(self) -> str:
        where = f" {self.json_path}:" if self.json_path else ""
        text = f" {self.message}" if self.message else ""
        return f"{self.path}: {self.status}:{where}{text}".rstrip(":")

    def as_dict(self) -> dict[str, str]:
        return {
            "file": self.path,
            "status": self.status.value,  # one string for all lines, not a copy each
            "path": self.json_path,
            "message": self.message,
        }


@dataclass(slots=True)
class RepositoryFile:
    """One file of a repository. A large repository has thousands: each holds only what
    its report needs (its bytes are read again from the zip when asked for, its document
    let go, its style one shared with the files written alike)."""

    path: str
    held: bytes | None
    """The file's bytes, or None when :attr:`raw` reads them again from their zip."""
    kind: str | None = None
    """The resource kind (``linkedService``, ``dataset``, ...); ``None`` when kept as is."""
    name: str | None = None
    document: dict[str, Any] | None = None
    style: FileStyle | None = None
    lines: list[ReportLine] | None = field(default=None, repr=False)
    """What reading the file found (None: nothing)."""
    listed: bool = field(default=False, repr=False)
    """Read with the repository and found nothing: :attr:`report` says it is imported."""
    zipped: ZipInfo | None = field(default=None, repr=False)
    zip: ZipMembers | None = field(default=None, repr=False)
    """Where :attr:`raw` reads the bytes again when not held."""

    @property
    def raw(self) -> bytes:
        """The file's bytes (read again from the zip when not held)."""
        if self.held is not None:
            return self.held
        assert self.zip is not None and self.zipped is not None
        return self.zip.read(self.zipped, self.path)

    @property
    def report(self) -> list[ReportLine]:
        """The file's report lines: its errors, warnings and notes, or that it is kept as
        is, or (read with its repository, nothing found) that it is imported."""
        if self.lines:
            return list(self.lines)
        if self.listed:
            return [ReportLine(self.path, Status.IMPORTED, f"{self.kind} '{self.name}'")]
        return []

    @property
    def is_resource(self) -> bool:
        return self.kind is not None

    @property
    def ok(self) -> bool:
        return not any(line.status is Status.ERROR for line in self.lines or ())

    @property
    def resource_type(self) -> str | None:
        properties = (self.document or {}).get("properties")
        value = properties.get("type") if isinstance(properties, dict) else None
        return value if isinstance(value, str) else None

    def add(self, line: ReportLine) -> None:
        if self.lines is None:
            self.lines = []
        self.lines.append(line)

    def error(self, message: str, where: str = "$") -> None:
        self.add(ReportLine(self.path, Status.ERROR, message, where))

    def warn(self, message: str, where: str = "") -> None:
        self.add(ReportLine(self.path, Status.WARNING, message, where))


@dataclass
class Repository:
    files: list[RepositoryFile]

    @property
    def resources(self) -> list[RepositoryFile]:
        return [f for f in self.files if f.is_resource]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    @property
    def report(self) -> list[ReportLine]:
        return [line for f in self.files for line in f.report]

    def counts(self) -> dict[str, int]:
        counts = {str(status): 0 for status in Status}
        for f in self.files:
            statuses = {line.status for line in f.report}
            worst = next(s for s in _WORST_FIRST if s in statuses)
            counts[str(worst)] += 1
        return counts


def read_repository(
    source: Path | bytes | IO[bytes],
    limits: Limits = DEFAULT_LIMITS,
    *,
    keep_documents: bool = True,
) -> Repository:
    """A repository root (folder) or a zip of it (its bytes, or a seekable binary file of
    them, read from while the repository is). Raises RepositoryRefused for unsafe input.
    ``keep_documents`` False: each file's parsed document is dropped once its envelope is
    checked (an import reads each file again as it saves it; holding every document of a
    large repository at once would only cost memory)."""
    if not isinstance(source, Path):
        members = read_zip_members(source, limits)
        return _parsed(
            parse_file(
                path,
                members.read(info, path),
                keep_document=keep_documents,
                zipped=(members, info),
            )
            for path, info in zip(members.paths, members.infos, strict=True)
        )
    return parse_repository(read_folder(source, limits), keep_documents=keep_documents)


def parse_repository(
    files: Iterable[tuple[str, bytes]], *, keep_documents: bool = True
) -> Repository:
    return _parsed(parse_file(path, raw, keep_document=keep_documents) for path, raw in files)


def _parsed(entries: Iterable[RepositoryFile]) -> Repository:
    parsed = list(entries)
    _report_duplicate_names(parsed)
    for f in parsed:
        f.listed = not f.lines  # its line is written when asked for, not held per file
    return Repository(parsed)


def parse_file(
    path: str,
    raw: bytes,
    *,
    keep_document: bool = True,
    zipped: tuple[ZipMembers, ZipInfo] | None = None,
) -> RepositoryFile:
    """One file read and its envelope checked. ``zipped`` (a zip member's): the bytes
    are let go once read, and read again from the zip when asked for (a large repository's
    files are not all held at once)."""
    path = safe_relative_path(path)
    placement = place(path)
    entry = RepositoryFile(path=path, held=raw, kind=placement.kind)
    _read_file(entry, raw, placement, keep_document)
    if zipped is not None:
        entry.held, (entry.zip, entry.zipped) = None, zipped
    return entry


def _read_file(
    entry: RepositoryFile, raw: bytes, placement: Placement, keep_document: bool
) -> None:
    path = entry.path
    if placement.kind is None:
        entry.add(ReportLine(path, Status.KEPT, placement.why_kept))
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        entry.error(f"The file is not UTF-8 text ({exc.reason} at byte {exc.start}).")
        return
    try:
        document = json_limits.loads(text)
    except json_limits.JsonRefused as exc:
        entry.error(str(exc))
        return
    entry.style = shared_style(detect_style(raw))
    _check_envelope(entry, raw, document, placement.name_from_path or "")
    if not keep_document:
        entry.document = None


def _check_envelope(entry: RepositoryFile, raw: bytes, document: Any, file_stem: str) -> None:
    if not isinstance(document, dict):
        entry.error("A resource file holds one JSON object with name and properties.")
        return
    entry.document = document
    name = document.get("name")
    if not isinstance(name, str) or not name:
        entry.error("The resource has no name.", "$.name")
    else:
        entry.name = sys.intern(name)  # one string with the import's own reading of it
        if name != file_stem and name.casefold() == file_stem.casefold():
            # ADF names ignore case: a file renamed on a case-insensitive disk is the same.
            entry.warn(
                f"The name '{name}' differs from the file name '{file_stem}.json' in case "
                "only; ADF names each file after its resource. Kept as written.",
                "$.name",
            )
        elif name != file_stem:
            entry.error(
                f"The name '{name}' differs from the file name '{file_stem}.json'; "
                "ADF names each file after its resource.",
                "$.name",
            )
    if "properties" not in document and not has_properties(entry.kind or ""):
        return
    if not isinstance(document.get("properties"), dict):
        entry.error("The resource has no properties object.", "$.properties")
        return
    if SECURE_STRING.encode() not in raw:
        return  # the common case, found without walking the document
    for where in clear_secret_paths(document):
        entry.warn("a secure string holds a value in clear; it is exported as the mask", where)


def clear_secret_paths(document: Any) -> list[str]:
    """JSON paths of secret values written in clear (not the mask) in a resource document."""
    return [json_path(secret) for secret, _ in _clear_secrets(document)]


Parts = tuple[str | int, ...]


def _clear_secrets(document: Any) -> list[tuple[Parts, Parts]]:
    """Each secret written in clear: (the secret's path, its clear value's path) -- a
    secure string and its ``value``, a SecureString parameter's ``defaultValue`` (twice).
    The mask, empty values and expressions are no secret in clear (:func:`is_clear_secret`)."""
    found: list[tuple[Parts, Parts]] = [
        (path, (*path, "value"))
        for path, secret in secure_strings(document)
        if "value" in secret and is_clear_secret(secret["value"])
    ]
    for name, default in _secret_parameter_defaults(document):
        if is_clear_secret(default):
            path = ("properties", "parameters", name, "defaultValue")
            found.append((path, path))
    return found


def _secret_parameter_defaults(document: Any) -> list[tuple[str, Any]]:
    properties = document.get("properties") if isinstance(document, dict) else None
    parameters = properties.get("parameters") if isinstance(properties, dict) else None
    if not isinstance(parameters, dict):
        return []
    return [
        (name, spec["defaultValue"])
        for name, spec in parameters.items()
        if is_secret_parameter(spec) and isinstance(spec.get("defaultValue"), str)
    ]


def masked_document(document: Any) -> Any:
    """The document as it may be written out: every secure string value, and every
    SecureString parameter default, is the mask."""
    out = map_secure_strings(document, lambda _s: {"type": SECURE_STRING, "value": MASK})
    for name, _default in _secret_parameter_defaults(out):
        parameter = out["properties"]["parameters"][name]
        out["properties"]["parameters"][name] = {**parameter, "defaultValue": MASK}
    return out


def _report_duplicate_names(files: list[RepositoryFile]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for f in files:
        if f.kind is None or f.name is None:
            continue
        key = (f.kind, f.name.casefold())
        if key in seen:
            f.error(f"'{f.name}' is also defined in {seen[key]} (names ignore case).", "$.name")
        else:
            seen[key] = f.path


def export_bytes(
    document: Any, *, original: bytes | None = None, style: FileStyle | None = None
) -> bytes:
    """A resource's file: ``original`` itself (any secret in clear masked) when ``document``
    is what it holds, secrets masked or not; else ``document`` in ``style`` (the original's
    when not given, ADF Studio's for a new resource), secrets masked."""
    if original is not None:
        before = _loads_or_none(original)
        if before is not None and masked_document(before) == masked_document(document):
            return without_clear_secrets(original)
        if style is None:
            style = detect_style(original)
    return render(masked_document(document), style or STUDIO_STYLE)


def unedited_bytes(original: bytes) -> bytes:
    """What an unedited imported file exports as: its own bytes, any secret in clear masked."""
    return without_clear_secrets(original)


def without_clear_secrets(raw: bytes) -> bytes:
    """``raw`` with each secret value written in clear (a secure string's ``value``, a
    SecureString parameter's ``defaultValue``) replaced by the mask, every other byte as
    it was: how an imported file's bytes are kept, and exported. Bytes that are not JSON,
    or hold no secret in clear, come back as they are; JSON that may hold a secure string
    and has a duplicate key (which could hide one) is written again in its own style
    without the duplicates, secrets masked."""
    read = _read_for_secrets(raw)
    if read is None:
        return raw
    text, document, duplicates = read
    secrets = _clear_secrets(document)
    if not secrets and not duplicates:
        return raw
    # An earlier value of a duplicate key has no path to mask it at.
    spans = None if duplicates else _spans(text, [value for _, value in secrets])
    if spans is None:
        return render(masked_document(document), detect_style(raw))
    mask = json.dumps(MASK)
    for start, end in spans:
        text = text[:start] + mask + text[end:]
    return (BOM if raw.startswith(BOM) else b"") + text.encode("utf-8")


def holds_clear_secret(raw: bytes) -> bool:
    """Whether ``raw`` may hold a secret written in clear: JSON with a secret value in clear
    (as :func:`without_clear_secrets` finds them) or a duplicate key that could hide one, or
    bytes that may name a secure string and cannot be read as JSON."""
    if not may_hold_secret(raw):
        return False
    read = _read_for_secrets(raw)
    if read is None:
        return True
    _text, document, duplicates = read
    return bool(duplicates) or bool(_clear_secrets(document))


def _read_for_secrets(raw: bytes) -> tuple[str, Any, list[str]] | None:
    """(text, document, duplicate keys) of bytes that may hold a secure string; None for
    any other, or bytes that are not UTF-8, not JSON or too deep to read."""
    if not may_hold_secret(raw):
        return None
    duplicates: list[str] = []
    try:
        text = raw[len(BOM) if raw.startswith(BOM) else 0 :].decode("utf-8")
        json_limits.check_depth(text)
        document = json.loads(text, object_pairs_hook=_noting_duplicates(duplicates))
    except ValueError:
        return None
    return text, document, duplicates


def _spans(text: str, paths: list[Parts]) -> list[tuple[int, int]] | None:
    """Where the values at ``paths`` are written, last first; None when one cannot be told
    (NaN, which Python reads and the span finder does not)."""
    try:
        return sorted((value_span(text, path) for path in paths), reverse=True)
    except SpanNotFound:
        return None


def may_hold_secret(raw: bytes) -> bool:
    """Whether ``raw`` may hold a secure string at all (``\\u`` escapes may spell one).
    Bytes that may not hold no secret in clear either, whatever JSON text they are a part
    of: a secure string, or a SecureString parameter, is one object, written whole inside
    them or not at all."""
    # (a one-byte search for the backslash first: the two-byte one is slow on a large file)
    return b"securestring" in raw.lower() or (b"\\" in raw and b"\\u" in raw)


def _noting_duplicates(found: list[str]) -> Any:
    def pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(pairs)
        if len(value) < len(pairs):
            found.append("duplicate")
        return value

    return pairs_to_dict


def _loads_or_none(raw: bytes) -> Any:
    try:
        return json_limits.loads(raw.decode("utf-8-sig"))
    except ValueError:  # UnicodeDecodeError and json_limits.JsonRefused
        return None


def write_folder(root: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Write ``(path, bytes)`` under ``root``; returns how many files were written."""
    count = 0
    for path, data in files:
        target = root / safe_relative_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        count += 1
    return count


def write_zip(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of ``(path, bytes)``, deflated, with a fixed timestamp (the same content gives
    the same zip)."""
    buffer = io.BytesIO()
    write_zip_to(files, buffer)
    return buffer.getvalue()


def write_zip_to(files: Iterable[tuple[str, bytes]], stream: IO[bytes]) -> int:
    """:func:`write_zip` into a seekable binary ``stream``, one file at a time (only the
    zip's directory is held); returns how many files were written."""
    count = 0
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files:
            info = zipfile.ZipInfo(safe_relative_path(path), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
            count += 1
    return count


def repository_files(repository: Repository) -> list[tuple[str, bytes]]:
    """Every file of a repository as read, for writing it back unchanged."""
    return [(f.path, f.raw) for f in repository.files]


__all__ = [
    "ReportLine",
    "Repository",
    "RepositoryFile",
    "RepositoryRefused",
    "Status",
    "clear_secret_paths",
    "export_bytes",
    "masked_document",
    "may_hold_secret",
    "parse_file",
    "parse_repository",
    "read_repository",
    "holds_clear_secret",
    "unedited_bytes",
    "without_clear_secrets",
    "repository_files",
    "write_folder",
    "write_zip",
    "write_zip_to",
]

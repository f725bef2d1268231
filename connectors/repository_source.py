"""Reading every file of a repository, from a folder or a zip, refusing unsafe input first.

Nothing is parsed and nothing is written before the whole input has passed: no ``..`` or
absolute path, no symbolic link, at most ``max_entries`` files, at most ``max_total_bytes``
uncompressed (the sizes a zip declares are checked first, and the bytes actually read
are counted too, so a zip that lies about its sizes is stopped as well), no single JSON
file over ``max_json_bytes``.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from connectors.json_limits import control_character_problem
from connectors.kinds import kind_for_folder

MB = 1024 * 1024
_T = TypeVar("_T")
_CHUNK = 1024 * 1024


class RepositoryRefused(Exception):
    """The input is refused as a whole; nothing was read into the portal."""


@dataclass(frozen=True)
class Limits:
    max_entries: int = 10_000
    max_total_bytes: int = 100 * MB
    max_json_bytes: int = 50 * MB


DEFAULT_LIMITS = Limits()


def _size(count: int) -> str:
    return f"{count:,} bytes ({count / MB:.1f} MB)"


def safe_relative_path(name: str) -> str:
    """``name`` as a clean posix path inside the repository, or RepositoryRefused."""
    unified = name.replace("\\", "/")
    if problem := control_character_problem(unified, where="in a file path"):
        raise RepositoryRefused(f"{name!r}: {problem}")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        raise RepositoryRefused(f"'{name}' is an absolute path; every path must be relative.")
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise RepositoryRefused(f"'{name}' climbs out of the repository with '..'.")
    if not parts:
        raise RepositoryRefused(f"'{name}' is not a file path.")
    clean = "/".join(parts)
    return name if clean == name else clean  # the one string, not a copy, per file held


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.total = 0

    def check_count(self, count: int) -> None:
        if count > self.limits.max_entries:
            raise RepositoryRefused(
                f"The repository has {count:,} files; at most "
                f"{self.limits.max_entries:,} are accepted."
            )

    def check_file(self, path: str, size: int) -> None:
        if path.endswith(".json") and size > self.limits.max_json_bytes:
            raise RepositoryRefused(
                f"'{path}' is {_size(size)}; a JSON file may be at most "
                f"{_size(self.limits.max_json_bytes)}."
            )

    def add(self, size: int) -> None:
        self.total += size
        if self.total > self.limits.max_total_bytes:
            raise RepositoryRefused(
                f"The repository is over {_size(self.limits.max_total_bytes)} uncompressed; "
                "nothing was imported."
            )


def _strip_common_folder(files: list[tuple[str, _T]]) -> list[tuple[str, _T]]:
    """A zip made of the repository's folder (``repo-main/linkedService/...``) reads as
    its root, when no file sits at the top and every file shares that one folder."""
    tops = {path.split("/", 1)[0] for path, _ in files}
    if len(tops) != 1 or any("/" not in path for path, _ in files):
        return files
    (top,) = tops
    if kind_for_folder(top) is not None:
        return files
    return [(path.split("/", 1)[1], data) for path, data in files]


class ZipMembers:
    """The files of a zip of a repository, checked: :attr:`paths` in zip order (the
    repository's root's), and :meth:`read` to decompress one again from the zip's bytes.
    Only the zip's directory (one ``ZipInfo`` a file) is held, not the files."""

    __slots__ = ("_archive", "infos", "paths")

    def __init__(
        self, archive: zipfile.ZipFile, paths: list[str], infos: list[zipfile.ZipInfo]
    ) -> None:
        self._archive, self.paths, self.infos = archive, paths, infos

    def __len__(self) -> int:
        return len(self.paths)

    def read(self, info: zipfile.ZipInfo, path: str) -> bytes:
        """A member read before (and found within the limits) read again: the same bytes,
        its CRC checked again by zipfile; the archive is the caller's bytes, never written."""
        budget = _Budget(Limits(max_total_bytes=info.file_size))
        return _read_entry(self._archive, info, path, budget)


def read_zip_members(data: bytes | IO[bytes], limits: Limits = DEFAULT_LIMITS) -> ZipMembers:
    """Every file in a zip of a repository (its bytes, or a seekable binary file of them),
    in zip order, once every file has passed the checks (each read in full and counted,
    then let go): :meth:`ZipMembers.read` gives a file's bytes, decompressed again from
    ``data`` at each call, so a caller holds one file's bytes at a time, not the
    repository's."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except zipfile.BadZipFile as exc:
        raise RepositoryRefused(f"Not a zip file ({exc}).") from exc
    budget = _Budget(limits)
    infos = archive.infolist()
    budget.check_count(len(infos))
    entries: list[tuple[str, zipfile.ZipInfo]] = []
    declared = 0
    for info in infos:
        path = safe_relative_path(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise RepositoryRefused(f"'{info.filename}' is a symbolic link.")
        if info.is_dir():
            continue
        budget.check_file(path, info.file_size)
        declared += info.file_size
        entries.append((path, info))
    if declared > limits.max_total_bytes:
        raise RepositoryRefused(
            f"The zip declares {_size(declared)} uncompressed; at most "
            f"{_size(limits.max_total_bytes)} are accepted."
        )
    seen: set[str] = set()
    for path, info in entries:
        if path in seen:
            raise RepositoryRefused(f"'{path}' is in the zip twice.")
        seen.add(path)
        _read_entry(archive, info, path, budget)  # counted (a zip may lie about sizes)
    del seen
    members = _strip_common_folder(entries)
    # Only what reading a member again needs is held (each file's ZipInfo, without its
    # time, extra field and comment; not the archive's list and table of them again).
    archive.filelist, archive.NameToInfo = [], {}
    for _, info in members:
        info.date_time, info.extra, info.comment = _NO_TIME, b"", b""
    return ZipMembers(archive, [path for path, _ in members], [info for _, info in members])


_NO_TIME = (1980, 1, 1, 0, 0, 0)


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, b: _Budget) -> bytes:
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                out += chunk
                b.add(len(chunk))
                b.check_file(path, len(out))
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise RepositoryRefused(f"'{path}' cannot be read from the zip ({exc}).") from exc
    return bytes(out)


def read_folder(root: Path, limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, bytes]]:
    """``(posix path, bytes)`` of every file under ``root``, sorted by path.

    ``.git`` is skipped (it is git's, not the repository's content).
    """
    if not root.is_dir():
        raise RepositoryRefused(f"{root} is not a folder.")
    budget = _Budget(limits)
    found: list[tuple[str, Path]] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        base = Path(folder)
        for d in dirs:
            if (base / d).is_symlink():
                raise RepositoryRefused(f"'{(base / d).relative_to(root)}' is a symbolic link.")
        for name in names:
            full = base / name
            relative = full.relative_to(root).as_posix()
            if full.is_symlink():
                raise RepositoryRefused(f"'{relative}' is a symbolic link.")
            found.append((relative, full))
            budget.check_count(len(found))
    found.sort()
    declared = 0
    for relative, full in found:
        size = full.stat().st_size
        budget.check_file(relative, size)
        declared += size
    if declared > limits.max_total_bytes:
        raise RepositoryRefused(
            f"The folder holds {_size(declared)}; at most "
            f"{_size(limits.max_total_bytes)} are accepted."
        )
    files = []
    for relative, full in found:
        data = full.read_bytes()
        budget.check_file(relative, len(data))
        budget.add(len(data))
        files.append((relative, data))
    return files


__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "RepositoryRefused",
    "ZipMembers",
    "read_folder",
    "read_zip_members",
    "safe_relative_path",
]

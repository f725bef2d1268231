import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from connectors.adf_repository import read_repository
from connectors.repository_source import MB, Limits, RepositoryRefused
from tests.connectors.repository_builders import as_zip, repository

RESOURCE = b'{"name": "a", "properties": {}}'


def _zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name",
    ["../linkedService/a.json", "linkedService/../../a.json", "..\\evil.json"],
)
def test_a_zip_entry_climbing_out_with_dot_dot_is_refused(name: str) -> None:
    with pytest.raises(RepositoryRefused, match="climbs out"):
        read_repository(_zip([("linkedService/a.json", RESOURCE), (name, RESOURCE)]))


@pytest.mark.parametrize("name", ["/etc/linkedService/a.json", "C:/adf/a.json", "\\abs.json"])
def test_a_zip_entry_with_an_absolute_path_is_refused(name: str) -> None:
    with pytest.raises(RepositoryRefused, match="absolute path"):
        read_repository(_zip([(name, RESOURCE)]))


def test_a_symbolic_link_in_a_zip_is_refused() -> None:
    link = zipfile.ZipInfo("linkedService/a.json")
    link.external_attr = (0o120777) << 16
    with pytest.raises(RepositoryRefused, match="symbolic link"):
        read_repository(_zip([(link, b"/etc/passwd")]))


def test_a_symbolic_link_in_a_folder_is_refused_file_or_folder(tmp_path: Path) -> None:
    (tmp_path / "linkedService").mkdir()
    (tmp_path / "linkedService" / "a.json").write_bytes(RESOURCE)
    os.symlink("/etc/hostname", tmp_path / "linkedService" / "b.json")
    with pytest.raises(RepositoryRefused, match="b.json' is a symbolic link"):
        read_repository(tmp_path)
    (tmp_path / "linkedService" / "b.json").unlink()
    os.symlink("/etc", tmp_path / "dataset")
    with pytest.raises(RepositoryRefused, match="'dataset' is a symbolic link"):
        read_repository(tmp_path)


def test_more_than_ten_thousand_entries_are_refused_before_reading_any() -> None:
    data = _zip([(f"pipeline/p{i}.json", b"") for i in range(10_001)])
    with pytest.raises(RepositoryRefused, match="10,001 files; at most 10,000"):
        read_repository(data)


def test_ten_thousand_entries_are_accepted() -> None:
    files = {f"README{i}.md": b"" for i in range(10_000)}
    assert len(read_repository(as_zip(files)).files) == 10_000


def test_a_zip_declaring_over_100_mb_uncompressed_is_refused() -> None:
    chunk = b"\0" * (26 * MB)
    data = _zip([(f"README{i}.md", chunk) for i in range(4)])
    assert len(data) < MB
    with pytest.raises(RepositoryRefused, match="declares 109,051,904 bytes"):
        read_repository(data)


def test_a_zip_lying_about_its_sizes_is_stopped_while_reading() -> None:
    data = bytearray(_zip([("README.md", b"\0" * 5000)]))
    # Rewrite the declared size (local header and central directory) to 10 bytes.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature)
        data[at + offset : at + offset + 4] = struct.pack("<I", 10)
    with pytest.raises(RepositoryRefused, match="README.md' cannot be read from the zip"):
        read_repository(bytes(data), Limits(max_total_bytes=100))


def test_a_folder_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_bytes(b"x" * 200)
    with pytest.raises(RepositoryRefused, match="holds 200 bytes"):
        read_repository(tmp_path, Limits(max_total_bytes=100))


def test_a_json_file_over_50_mb_is_refused_with_its_size() -> None:
    big = b" " * (50 * MB + 1)
    with pytest.raises(RepositoryRefused) as refused:
        read_repository(_zip([("pipeline/Big.json", big)]))
    assert str(refused.value) == (
        "'pipeline/Big.json' is 52,428,801 bytes (50.0 MB); a JSON file may be at most "
        "52,428,800 bytes (50.0 MB)."
    )


def test_a_json_file_over_the_limit_in_a_folder_is_refused_with_its_size(tmp_path: Path) -> None:
    (tmp_path / "pipeline").mkdir()
    (tmp_path / "pipeline" / "Big.json").write_bytes(b" " * 2000)
    with pytest.raises(RepositoryRefused, match="'pipeline/Big.json' is 2,000 bytes"):
        read_repository(tmp_path, Limits(max_json_bytes=1000))


def test_something_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(RepositoryRefused, match="Not a zip file"):
        read_repository(b"PK not really")


def test_a_refused_zip_refuses_before_parsing_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    import connectors.adf_repository as module

    def never(*_args: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(module, "parse_file", never)
    files = repository()
    files["../escape.json"] = RESOURCE
    with pytest.raises(RepositoryRefused):
        read_repository(as_zip(files))

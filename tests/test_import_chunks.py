"""A repository is imported a chunk of files at a time (memory follows the chunk, not the
repository): what one file says about another still holds across chunks."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest

from connectors.adf_repository import Status
from portal import imports
from portal.imports import export_repository, import_repository
from portal.models import Factory, Resource, Revision
from tests.connectors.repository_builders import as_zip


@pytest.fixture
def contoso(db: Any) -> Factory:
    return Factory.objects.create(name="contoso")


@pytest.fixture
def chunk_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "IMPORT_CHUNK", 2)


def _dataset(name: str, service: str) -> bytes:
    document = {
        "name": name,
        "properties": {
            "linkedServiceName": {"referenceName": service, "type": "LinkedServiceReference"},
            "type": "SparkObject",
            "typeProperties": {"table": name.lower(), "schema": "sales"},
        },
        "type": "Microsoft.DataFactory/factories/datasets",
    }
    return json.dumps(document, indent="\t").encode()


def _service(name: str) -> bytes:
    document = {
        "name": name,
        "properties": {
            "type": "Spark",
            "typeProperties": {
                "host": "spark.contoso.net",
                "port": 443,
                "serverType": "SparkThriftServer",
                "thriftTransportProtocol": "HTTP",
                "authenticationType": "Anonymous",
                "httpPath": "/sparkhive2",
                "enableSsl": True,
            },
        },
        "type": "Microsoft.DataFactory/factories/linkedservices",
    }
    return json.dumps(document, indent=4).encode()


def _files(count: int) -> dict[str, bytes]:
    """Datasets first (in the zip's order), the linked service they use last: a reference
    from the first chunk to a file of the last."""
    files = {
        f"dataset/Sales{i:02d}.json": _dataset(f"Sales{i:02d}", "SparkLast") for i in range(count)
    }
    files["linkedService/SparkLast.json"] = _service("SparkLast")
    return files


def test_a_reference_to_a_file_of_a_later_chunk_is_no_warning(
    contoso: Factory, editor: Any, chunk_of_two: None
) -> None:
    files = _files(5)
    result = import_repository(as_zip(files), user=editor, factory=contoso)
    assert result.ok, [str(line) for line in result.report]
    assert not [line for line in result.report if line.status is Status.WARNING]
    assert Resource.objects.filter(factory=contoso).count() == 6
    assert dict(export_repository(contoso)) == files


def test_a_reference_to_nothing_is_still_a_warning_on_its_own_file(
    contoso: Factory, editor: Any, chunk_of_two: None
) -> None:
    files = _files(4)
    files["dataset/Orphan.json"] = _dataset("Orphan", "Nowhere")
    result = import_repository(as_zip(files), user=editor, factory=contoso)
    assert result.ok
    warned = {line.path for line in result.report if line.status is Status.WARNING}
    assert warned == {"dataset/Orphan.json"}


def test_a_name_defined_twice_in_different_chunks_imports_nothing(
    contoso: Factory, editor: Any, chunk_of_two: None
) -> None:
    files = _files(4)
    files["dataset/zz_copy.json"] = _dataset("Sales00", "SparkLast")
    result = import_repository(as_zip(files), user=editor, factory=contoso)
    assert not result.ok
    errors = [line for line in result.report if line.status is Status.ERROR]
    assert {line.path for line in errors} == {"dataset/zz_copy.json"}
    assert "'Sales00' is also defined in dataset/Sales00.json (names ignore case)." in {
        line.message for line in errors
    }
    # The chunks written before the duplicate was read are rolled back with the rest.
    assert not Resource.objects.filter(factory=contoso).exists()
    assert not Revision.objects.filter(resource__factory=contoso).exists()


def test_skipping_a_bad_file_of_a_late_chunk_imports_every_other_file(
    contoso: Factory, editor: Any, chunk_of_two: None
) -> None:
    files = _files(4)
    files["dataset/zz_bad.json"] = b'{"name": "Bad", "properties": '
    result = import_repository(as_zip(files), user=editor, factory=contoso, skip_bad_files=True)
    assert result.ok
    assert result.skipped == ["dataset/zz_bad.json"]
    assert Resource.objects.filter(factory=contoso).count() == 5
    assert dict(export_repository(contoso)) == files


def test_an_imported_resource_read_after_the_import_is_its_whole_definition(
    contoso: Factory, editor: Any, chunk_of_two: None
) -> None:
    result = import_repository(as_zip(_files(3)), user=editor, factory=contoso)
    imported = {o.name: o.resource for o in result.outcomes}
    service = imported["SparkLast"]
    assert service is not None
    # The import let the definition go; asked for, it is read again, whole.
    assert service.properties["typeProperties"]["host"] == "spark.contoso.net"
    assert service.factory == contoso


def test_the_collector_is_paused_during_an_import_and_runs_again_after(
    contoso: Factory, chunk_of_two: None, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import collects after each chunk instead of letting the collector's passes walk
    all it has done so far, and leaves the collector as it found it, even when it fails."""
    from portal import start_up

    chunks: list[bool] = []
    collect = start_up.collect_chunk
    monkeypatch.setattr(
        start_up, "collect_chunk", lambda: (chunks.append(gc.isenabled()), collect())
    )
    files = {f"dataset/DS_{i}.json": _dataset(f"DS_{i}", "LS_0") for i in range(5)}
    assert gc.isenabled()
    assert import_repository(as_zip(files), user=editor, factory=contoso).ok
    assert chunks == [False, False, False] and gc.isenabled()
    files["dataset/bad.json"] = b"{"
    assert not import_repository(as_zip(files), user=editor, factory=contoso).ok
    assert gc.isenabled()
    gc.disable()
    try:  # a process that does not collect is left so
        assert not import_repository(as_zip(files), user=editor, factory=contoso).ok
        assert not gc.isenabled()
    finally:
        gc.enable()

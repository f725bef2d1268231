"""A factory is exported a chunk of files at a time, in path order: only the paths are held
for the whole export, and what comes out is what the whole export gave before, byte for
byte, resources edited since the import, new ones, kept files and environments included."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from connectors.adf_repository import Status, read_folder
from portal import imports
from portal.definitions import save_definition
from portal.imports import export_repository, import_repository, iter_export
from portal.models import Factory, Resource
from portal.roles import Role, grant
from tests.connectors.environments_data import ROOT


@pytest.fixture
def contoso(db: Any, editor: Any) -> Factory:
    """The environments' sample repository (resources, kept files, override files), one
    resource edited after the import and one created in the portal."""
    factory = Factory.objects.create(name="contoso")
    result = import_repository(ROOT, user=editor, factory=factory)
    assert result.ok, [str(line) for line in result.report if line.status is Status.ERROR]
    service = Resource.objects.filter(factory=factory, kind="linkedService").first()
    assert service is not None
    edited = {**service.properties, "description": "edited in the portal"}
    save_definition(user=editor, name=service.name, properties=edited, action="edit",
                    instance=service, based_on=service.revision, factory=factory)  # fmt: skip
    new = {"type": "Spark", "typeProperties": {"host": "spark.contoso.net", "port": 443,
           "thriftTransportProtocol": "Binary", "authenticationType": "Anonymous"}}  # fmt: skip
    save_definition(user=editor, name="AddedLater", properties=new, action="create",
                    factory=factory)  # fmt: skip
    return factory


def test_an_export_in_chunks_of_two_gives_what_one_chunk_gives(
    contoso: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = export_repository(contoso)
    monkeypatch.setattr(imports, "EXPORT_CHUNK", 2)
    assert export_repository(contoso) == whole
    assert [path for path, _ in whole] == sorted(path for path, _ in whole)
    originals = dict(read_folder(ROOT))
    assert {path for path, _ in whole} == set(originals) | {"linkedService/AddedLater.json"}
    exported = dict(whole)
    assert exported["dataset/DS_Sales.json"] == originals["dataset/DS_Sales.json"]
    assert exported["README.md"] == originals["README.md"]  # kept as is
    assert exported["deployment/config-prod.json"] == originals["deployment/config-prod.json"]


def test_an_export_reads_the_files_a_chunk_at_a_time(
    contoso: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "EXPORT_CHUNK", 2)
    files = iter_export(contoso)
    with CaptureQueriesContext(connection) as first:
        next(files)
    with CaptureQueriesContext(connection) as rest:
        remaining = list(files)
    assert len(remaining) >= 6
    # The paths (three queries) and the first chunk's bytes, then the rest chunk by chunk:
    # a chunk costs a few queries, however many files the factory holds.
    assert len(first) <= 3 + 4
    assert len(rest) <= 4 * (len(remaining) // 2 + 1)


def test_the_factory_zip_is_streamed_and_holds_every_file(
    contoso: Factory, editor: Any, editor_client: Client
) -> None:
    grant(editor, contoso, Role.READER)
    response = editor_client.get("/factories/contoso/export/")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="contoso.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    assert [(i.filename, archive.read(i)) for i in archive.infolist()] == export_repository(contoso)

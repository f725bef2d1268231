"""Azure Blob Storage and Data Lake Storage Gen2 files in the shapes real repositories hold
(tests/connectors/<package>/data, see SOURCES.md there) go into a factory through the
repository import and back out byte for byte: tab indentation, no trailing newline or one,
top-level type first or absent, annotations after typeProperties, encryptedCredential, Key
Vault references, parameters of type "string", connectVia, Synapse's document type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from portal.imports import export_repository, import_repository
from portal.models import Factory, Resource
from tests.connectors.repository_builders import as_zip

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "connectors"
FILES = sorted([*DATA.glob("azureblobstorage/data/*.json"), *DATA.glob("azureblobfs/data/*.json")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_file_is_imported_as_its_connector_and_exported_byte_for_byte(
    editor: Any, path: Path
) -> None:
    raw = path.read_bytes()
    name = json.loads(raw)["name"]
    files = {f"linkedService/{name}.json": raw}
    factory = Factory.objects.create(name="contoso")
    result = import_repository(as_zip(files), user=editor, factory=factory)
    assert result.ok, [str(line) for line in result.report]
    stored = Resource.objects.get(factory=factory, name=name)
    assert (stored.kind, stored.connector, stored.connector_version) == (
        "linkedService",
        json.loads(raw)["properties"]["type"],
        "current",
    )
    assert dict(export_repository(factory)) == files

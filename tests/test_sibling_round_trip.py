"""Hive and Impala linked services in the shapes real repositories hold (made-up files in
tests/connectors/{hive,impala}/data, see SOURCES.md there) go into a factory through the
repository import and back out byte for byte, each stored as its connector and version."""

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
FILES = sorted([*DATA.glob("hive/data/*.json"), *DATA.glob("impala/data/*.json")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_hive_or_impala_file_is_imported_as_its_connector_and_exported_byte_for_byte(
    editor: Any, path: Path
) -> None:
    raw = path.read_bytes()
    document = json.loads(raw)
    name = document["name"]
    files = {f"linkedService/{name}.json": raw}
    factory = Factory.objects.create(name="contoso")
    result = import_repository(as_zip(files), user=editor, factory=factory)
    assert result.ok, [str(line) for line in result.report]
    stored = Resource.objects.get(factory=factory, name=name)
    assert stored.kind == "linkedService"
    assert stored.connector == document["properties"]["type"]
    assert stored.connector_version == document["properties"].get("version", "1.0")
    assert dict(export_repository(factory)) == files

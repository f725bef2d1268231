"""Files uploaded on the import page ("or files") are kept as the zip route keeps them:
the export gives back the bytes uploaded (tabs, key order, no final newline)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from portal.models import Resource
from tests.helpers import url_of

PIPELINE = (
    b'{\n\t"name": "Load",\n\t"properties": {\n\t\t"activities": [],\n'
    b'\t\t"annotations": [],\n\t\t"description": "caf\\u00e9"\n\t},\n'
    b'\t"type": "Microsoft.DataFactory/factories/pipelines"\n}'
)


def test_files_uploaded_on_the_import_page_export_byte_for_byte(editor_client: Client) -> None:
    response = editor_client.post(
        "/factories/default/import/",
        {"files": [SimpleUploadedFile("Load.json", PIPELINE, "application/json")]},
    )
    assert response.status_code in (200, 302)
    resource: Any = Resource.objects.get(name="Load")
    exported = editor_client.get(url_of(resource, "export"))
    assert exported.status_code == 200
    assert b"".join(exported.streaming_content if exported.streaming else [exported.content]) == (
        PIPELINE
    )

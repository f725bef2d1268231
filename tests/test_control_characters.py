"""Control characters in a definition are refused at the field that holds them, by the one
save service every route comes through (issue 18, points 2 and 3): none in a property name,
none but tabs and line breaks in a text value of any kind (PostgreSQL cannot even store
U+0000), and none at all in a one-line field (a host, a user name, a table) -- a host
ending in a line break was accepted. Multi-line text (a description, a query) keeps its
line breaks. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from portal.definitions import save_definition
from portal.imports import export_file
from portal.models import Resource, Revision
from tests.conftest import SPARK_V2, api_for, form_data
from tests.connectors.repository_builders import as_zip
from tests.helpers import NEW_SPARK

pytestmark = pytest.mark.django_db

NUL = "\x00"
KEPT_AS_DOCUMENTS = {
    "dataset": {
        "type": "DelimitedText",
        "linkedServiceName": {"referenceName": "SparkProd", "type": "LinkedServiceReference"},
    },
    "pipeline": {"activities": []},
}
IN_TEXT = "Control characters other than tabs and line breaks are not accepted here"
ONE_LINE = "Must be one line, without line breaks, tabs or other control characters"


def spark(**type_properties: Any) -> dict[str, Any]:
    return {**SPARK_V2, "typeProperties": {**SPARK_V2["typeProperties"], **type_properties}}


def errors(response: Any, status: int = 400) -> list[dict[str, str]]:
    assert response.status_code == status, response.content
    return list(response.json()["errors"])


@pytest.mark.parametrize("kind", ["linkedService", "dataset", "pipeline"])
def test_a_nul_in_a_description_is_refused_at_it_for_every_kind(editor: Any, kind: str) -> None:
    properties = KEPT_AS_DOCUMENTS.get(kind, SPARK_V2)
    body = {"name": "Described", "properties": {**properties, "description": f"a{NUL}b"}}
    response = api_for(editor).post(f"/api/v1/factories/default/{kind}/", body, format="json")
    [error] = errors(response)
    assert error["path"] == "$.properties.description"
    assert "U+0000" in error["message"]
    assert not Resource.objects.exists()


def test_a_nul_anywhere_in_a_document_or_its_property_names_is_refused_where_it_is(
    editor: Any,
) -> None:
    pipeline = {
        "activities": [
            {"name": "Wait", "type": "Wait", "typeProperties": {"waitTimeInSeconds": 1}}
        ],
        "annotations": [f"team{NUL}"],
        "parameters": {f"p{NUL}": {"type": "String"}},
    }
    response = api_for(editor).post(
        "/api/v1/factories/default/pipeline/", {"name": "P", "properties": pipeline}, format="json"
    )
    assert errors(response) == [
        {"path": "$.properties.annotations[0]", "message": f"{IN_TEXT} (found U+0000)."},
        {
            "path": "$.properties.parameters['p\\x00']".replace("\\x00", NUL),
            "message": "Control characters are not accepted in a property name (found U+0000).",
        },
    ]


def test_an_update_is_refused_the_same_way(editor: Any, saved_service: Any) -> None:
    body = {"name": "SparkProd", "properties": {**SPARK_V2, "annotations": [f"x{NUL}"]}}
    response = api_for(editor).put(
        "/api/v1/linkedservices/SparkProd", body, format="json", HTTP_IF_MATCH='"1"'
    )
    assert errors(response)[0]["path"] == "$.properties.annotations[0]"
    assert Revision.objects.count() == 1


def test_zip_and_pasted_imports_refuse_a_nul_in_a_description(
    editor: Any, editor_client: Client
) -> None:
    document = {"name": "P", "properties": {"description": f"a{NUL}b", "activities": []}}
    raw = json.dumps(document).encode()
    response = api_for(editor).post(
        "/api/v1/import", as_zip({"pipeline/P.json": raw}), content_type="application/zip"
    )
    assert response.status_code == 400
    [line] = [x for x in response.json()["files"] if x["status"] == "error"]
    assert (line["file"], line["path"]) == ("pipeline/P.json", "$.properties.description")
    pasted = editor_client.post("/factories/default/import/", {"pasted": raw.decode()})
    assert pasted.status_code == 400 and "U+0000" in pasted.content.decode()
    uploaded = editor_client.post(
        "/factories/default/import/", {"files": [SimpleUploadedFile("P.json", raw)]}
    )
    assert uploaded.status_code == 400 and "U+0000" in uploaded.content.decode()
    assert not Resource.objects.exists()


@pytest.mark.parametrize("host", ["spark.example.com\n", "spark.example.com\r\n", "a\tb"])
def test_a_host_with_a_line_break_or_a_tab_is_refused_at_the_host(editor: Any, host: str) -> None:
    response = api_for(editor).post(
        "/api/v1/linkedservices/", {"name": "H", "properties": spark(host=host)}, format="json"
    )
    assert errors(response) == [
        {
            "path": "$.properties.typeProperties.host",
            "message": f"{ONE_LINE}, or an ADF expression.",
        }
    ]


def test_every_one_line_field_of_a_connector_refuses_a_line_break(editor: Any) -> None:
    properties = spark(username="alice\n", httpPath="cli\r\nservice")
    response = api_for(editor).post(
        "/api/v1/linkedservices/", {"name": "H", "properties": properties}, format="json"
    )
    assert sorted(e["path"] for e in errors(response)) == [
        "$.properties.typeProperties.httpPath",
        "$.properties.typeProperties.username",
    ]


def test_an_imported_host_with_a_line_break_is_refused_at_the_host(editor: Any) -> None:
    raw = json.dumps({"name": "SparkProd", "properties": spark(host="h.example.com\n")})
    response = api_for(editor).post(
        "/api/v1/import", as_zip({"linkedService/SparkProd.json": raw.encode()}),
        content_type="application/zip",
    )  # fmt: skip
    [line] = [x for x in response.json()["files"] if x["status"] == "error"]
    assert line["path"] == "$.properties.typeProperties.host"
    assert line["message"].startswith(ONE_LINE)


def test_the_json_editor_shows_a_host_line_break_at_its_line(
    editor_client: Client, saved_service: Any
) -> None:
    text = export_file(saved_service).replace('"spark.example.com"', '"spark.example.com\\n"')
    response = editor_client.post(
        "/factories/default/linkedService/SparkProd/json/",
        {"text": text, "save": "1", "based_on": "1"},
    )
    assert response.status_code == 400
    line = next(i for i, x in enumerate(text.splitlines(), 1) if '"host"' in x)
    html = response.content.decode()
    assert f'data-line="{line}">line {line}</a> <code>$.properties.typeProperties.host</code>' in (
        html
    )
    assert ONE_LINE in html
    assert Revision.objects.count() == 1


def test_the_form_refuses_a_line_break_inside_a_field_at_the_field(editor_client: Client) -> None:
    response = editor_client.post(NEW_SPARK, form_data(**{"tp-httpPath": "cli\nservice"}))
    assert response.status_code == 400
    assert ONE_LINE in response.content.decode()
    assert not Resource.objects.exists()


def test_the_dataset_form_refuses_a_table_name_with_a_line_break(
    editor: Any, editor_client: Client, saved_service: Any
) -> None:
    orders = {
        "type": "SparkObject",
        "linkedServiceName": {"referenceName": "SparkProd", "type": "LinkedServiceReference"},
        "typeProperties": {"schema": "s", "table": "t"},
    }
    save_definition(user=editor, name="Orders", properties=orders, action="create", kind="dataset")
    data = {"name": "Orders", "linkedService": "SparkProd", "tp-schema": "s", "based_on": "1"}
    response = editor_client.post(
        "/factories/default/dataset/Orders/edit/", {**data, "tp-table": "t\nx"}
    )
    assert response.status_code == 400
    assert ONE_LINE in response.content.decode()
    assert Resource.objects.get(name="Orders").revision == 1


def test_multi_line_text_keeps_its_line_breaks_and_tabs(editor: Any) -> None:
    query = "SELECT *\n\tFROM t\r\nWHERE 1 = 1"
    pipeline = {
        "description": "first line\nsecond\tline",
        "activities": [
            {
                "name": "Look",
                "type": "Lookup",
                "typeProperties": {"source": {"type": "SparkSource", "query": query}},
            }
        ],
    }
    response = api_for(editor).post(
        "/api/v1/factories/default/pipeline/", {"name": "P", "properties": pipeline}, format="json"
    )
    assert response.status_code == 201, response.content
    saved = Resource.objects.get(name="P")
    assert saved.description == "first line\nsecond\tline"
    assert saved.properties["activities"][0]["typeProperties"]["source"]["query"] == query


def test_a_zip_with_a_control_character_in_a_file_path_is_refused(editor: Any) -> None:
    archive = as_zip({"README\n.md": b"notes"})
    response = api_for(editor).post("/api/v1/import", archive, content_type="application/zip")
    assert errors(response)[0]["message"] == (
        "'README\\n.md': Control characters are not accepted in a file path (found U+000A)."
    )


def test_a_delimiter_written_as_a_control_character_is_data_adf_keeps(editor: Any) -> None:
    # A real repository's delimited text dataset: columns split by U+0001.
    dataset = {
        "linkedServiceName": {"referenceName": "Lake", "type": "LinkedServiceReference"},
        "type": "DelimitedText",
        "typeProperties": {"columnDelimiter": "\u0001", "firstRowAsHeader": True},
    }
    saved = save_definition(
        user=editor, name="Soh", properties=dataset, action="create", kind="dataset"
    ).resource
    assert saved.properties["typeProperties"]["columnDelimiter"] == "\u0001"

"""A JSON number Python cannot hold as written -- an integer longer than the interpreter's
4,300-digit conversion limit, a number past a double's range, NaN -- is refused with the
line and column where it is written, by every route that reads JSON: the API, the zip and
pasted imports, every JSON editor and the forms' JSON fields. Never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from portal.definitions import save_definition
from portal.models import Resource, Revision
from tests.conftest import SPARK_V2, api_for, form_data
from tests.connectors.repository_builders import as_zip
from tests.helpers import NEW_SPARK, url_of

pytestmark = pytest.mark.django_db

LONG = "7" * 5000
ORDERS: dict[str, Any] = {
    "type": "SparkObject",
    "linkedServiceName": {"referenceName": "SparkProd", "type": "LinkedServiceReference"},
    "typeProperties": {"schema": "s", "table": "t"},
}
REFUSED = "has 5,000 digits: at most 4,300 are accepted"


def document(name: str = "Numbers", port: str = LONG) -> str:
    """A Spark linked service in ADF Studio's layout, its port written as ``port``."""
    text = json.dumps({"name": name, "properties": SPARK_V2}, indent="\t")
    return text.replace('"port": 443', f'"port": {port}')


def where(text: str, needle: str = LONG) -> str:
    """ "line L, column C" of the first ``needle`` in ``text``."""
    at = text.index(needle)
    line = text.count("\n", 0, at) + 1
    return f"line {line}, column {at - text.rfind(chr(10), 0, at)}"


def refused_at(content: bytes, text: str, needle: str = LONG, message: str = REFUSED) -> None:
    html = content.decode()
    assert message in html and where(text, needle) in html, html[:3000]


def test_the_api_refuses_a_long_integer_at_its_line_and_column(editor: Any) -> None:
    text = document()
    response = api_for(editor).post(
        "/api/v1/linkedservices/", text, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "$", "message": f"The whole number at {where(text)} {REFUSED}."}
    ]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("NaN", "NaN at {where} is not a JSON number."),
        ("-Infinity", "-Infinity at {where} is not a JSON number."),
        ("1e999", "The number at {where} is too large (at most about 1.8e308)."),
    ],
)
def test_numbers_json_has_not_are_refused_at_their_place(
    editor: Any, number: str, message: str
) -> None:
    text = document(port=number)
    response = api_for(editor).post(
        "/api/v1/linkedservices/", text, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "$", "message": message.replace("{where}", where(text, number))}
    ]


def test_an_api_import_of_a_zip_reports_the_file_and_the_place(editor: Any) -> None:
    text = document()
    archive = as_zip({"linkedService/Numbers.json": text.encode()})
    response = api_for(editor).post("/api/v1/import", archive, content_type="application/zip")
    assert response.status_code == 400
    [line] = [x for x in response.json()["files"] if x["status"] == "error"]
    assert line["file"] == "linkedService/Numbers.json"
    assert line["message"] == f"The whole number at {where(text)} {REFUSED}."
    assert not Resource.objects.exists()


def test_the_import_page_refuses_a_zip_a_file_or_pasted_json_with_a_long_integer(
    editor_client: Client,
) -> None:
    text = document()
    archive = SimpleUploadedFile("repo.zip", as_zip({"linkedService/Numbers.json": text.encode()}))
    response = editor_client.post("/factories/default/import/", {"repository": archive})
    assert response.status_code == 400
    refused_at(response.content, text)
    upload = SimpleUploadedFile("Numbers.json", text.encode())
    response = editor_client.post("/factories/default/import/", {"files": [upload]})
    assert response.status_code == 400
    refused_at(response.content, text)
    response = editor_client.post("/factories/default/import/", {"pasted": text})
    assert response.status_code == 400
    refused_at(response.content, text)
    assert not Resource.objects.exists()


def test_every_json_editor_shows_the_refusal_at_its_line(
    editor_client: Client, saved_service: Any
) -> None:
    text = document("SparkProd")
    dataset = json.dumps(
        {
            "name": "Orders",
            "properties": {**ORDERS, "annotations": ["@@"]},
        },
        indent="\t",
    ).replace('"@@"', LONG)
    editors = [
        ("/factories/default/linkedService/SparkProd/json/", text),
        (NEW_SPARK + "json/", text),
        ("/factories/default/new/dataset/SparkObject/json/", dataset),
        (url_of(saved_service, "clone-json"), text),
    ]
    line = where(text).split(",")[0].split()[1]
    for url, body in editors:
        for button in ("preview", "save"):
            response = editor_client.post(url, {"text": body, button: "1", "based_on": "1"})
            assert response.status_code == 400, (url, response.status_code)
            refused_at(response.content, body)
    page = editor_client.post(NEW_SPARK + "json/", {"text": text, "save": "1"})
    assert f'data-line="{line}">line {line}</a>' in page.content.decode()
    applied = editor_client.post(url_of(saved_service, "edit"), {"text": text, "_from_json": "1"})
    assert applied.status_code == 400
    refused_at(applied.content, text)
    assert Revision.objects.count() == 1


def test_the_forms_json_fields_refuse_a_long_integer(editor_client: Client) -> None:
    annotation = f"[{LONG}]"
    response = editor_client.post(NEW_SPARK, form_data(annotations=f"team\n{annotation}"))
    assert response.status_code == 400
    refused_at(response.content, annotation)
    data = form_data(
        **{"param-0-name": "p", "param-0-type": "Object", "param-0-default": f'{{"n": {LONG}}}'}
    )
    response = editor_client.post(NEW_SPARK, data)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Resource.objects.exists()


@pytest.mark.parametrize("default", ["nan", "inf", "1e999"])
def test_a_float_parameter_default_json_cannot_hold_is_a_field_error(
    editor_client: Client, default: str
) -> None:
    data = form_data(**{"param-0-name": "p", "param-0-type": "Float", "param-0-default": default})
    response = editor_client.post(NEW_SPARK, data)
    assert response.status_code == 400
    assert "The default of a Float parameter is a number." in response.content.decode()
    assert not Resource.objects.exists()


def test_the_dataset_forms_json_fields_refuse_a_long_integer(
    editor: Any, editor_client: Client, saved_service: Any
) -> None:
    save_definition(
        user=editor,
        name="Orders",
        properties=ORDERS,
        action="create",
        kind="dataset",
    )
    url = "/factories/default/dataset/Orders/edit/"
    schema = f'[{{"name": "id", "precision": {LONG}}}]'
    data = {
        "name": "Orders",
        "linkedService": "SparkProd",
        "tp-schema": "s",
        "tp-table": "t",
        "schema": schema,
        "based_on": "1",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 400
    refused_at(response.content, schema)
    assert Resource.objects.get(name="Orders").revision == 1

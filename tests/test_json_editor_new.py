"""ADF's { } editor for a definition not saved yet (issue 10, point 18): the new linked
service form and the SparkObject dataset form open the same JSON editor on their values;
errors show at their line; "Apply to the form" fills the new form (a secret typed in the
JSON is not carried); "Save" creates it through the one save service."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from portal.models import AuditEvent, Resource
from tests.conftest import SECRET, SPARK_V2, form_data

pytestmark = pytest.mark.django_db

NEW_FORM = "/factories/default/new/linkedService/Spark/"
NEW_JSON = "/factories/default/new/linkedService/Spark/json/"
NEW_DATASET_FORM = "/factories/default/new/dataset/SparkObject/"
NEW_DATASET_JSON = "/factories/default/new/dataset/SparkObject/json/"


def document(name: str = "SparkFromJson", **type_properties: Any) -> str:
    properties = json.loads(json.dumps(SPARK_V2))
    properties["typeProperties"].update(type_properties)
    return json.dumps({"name": name, "properties": properties}, indent="\t")


def line_number(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def editor_text(html: str) -> str:
    found = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "no JSON editor on the page"
    return (
        found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    ).replace("&amp;", "&")


def test_the_new_form_offers_the_json_editor_on_its_own_values(editor_client: Client) -> None:
    html = editor_client.get(NEW_FORM).content.decode()
    assert 'id="edit_json"' in html and "read-only until saved" not in html
    response = editor_client.post(NEW_FORM, {**form_data(), "_to_json": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    text = editor_text(html)
    assert json.loads(text)["name"] == "SparkFromForm"
    assert json.loads(text)["properties"]["typeProperties"]["host"] == "spark.example.com"
    assert SECRET not in html and "**********" in text
    assert f'action="{NEW_JSON}"' in html
    assert f'formaction="{NEW_FORM}" id="apply_to_form"' in html
    assert not Resource.objects.exists()


def test_a_schema_error_in_a_new_definition_is_shown_at_its_line(editor_client: Client) -> None:
    text = document(username=5)
    line = line_number(text, '"username"')
    where = r"<code>\$\.properties\.typeProperties\.username</code>"
    for button in ("preview", "save"):
        response = editor_client.post(NEW_JSON, {"text": text, button: "1"})
        assert response.status_code == 400
        assert re.search(rf'data-line="{line}">line {line}</a> {where}', response.content.decode())
    assert not Resource.objects.exists()


def test_a_syntax_error_in_a_new_definition_is_shown_at_its_line(editor_client: Client) -> None:
    text = document().replace('"port": 443', '"port": 443,,')
    html = editor_client.post(NEW_JSON, {"text": text, "preview": "1"}).content.decode()
    line = line_number(text, '"port"')
    assert f'data-line="{line}">line {line}</a>' in html and "Not valid JSON" in html


def test_the_mask_of_a_secret_typed_in_the_form_must_be_replaced_before_saving(
    editor_client: Client,
) -> None:
    html = editor_client.post(NEW_FORM, {**form_data(), "_to_json": "1"}).content.decode()
    text = editor_text(html)
    response = editor_client.post(NEW_JSON, {"text": text, "save": "1"})
    assert response.status_code == 400
    line = line_number(text, '"password"')
    page = response.content.decode()
    assert f'data-line="{line}">line {line}</a>' in page and "holds the mask" in page
    assert not Resource.objects.exists()


def test_a_new_definition_saved_from_json_is_created_through_the_save_service(
    editor_client: Client,
) -> None:
    text = document()
    preview = editor_client.post(NEW_JSON, {"text": text, "preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "What is created" in html and 'id="save"' in html
    response = editor_client.post(NEW_JSON, {"text": text, "save": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/factories/default/linkedService/SparkFromJson/"
    created = Resource.objects.get(name="SparkFromJson")
    assert created.kind == "linkedService" and created.revision == 1
    password = created.properties["typeProperties"]["password"]
    assert "secretId" in password and SECRET not in json.dumps(password)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count() == 1
    assert SECRET not in editor_client.get(response["Location"]).content.decode()


def test_a_new_definition_from_json_keeps_the_name_rules(
    editor_client: Client, saved_service: Any
) -> None:
    text = document(name="sparkprod")
    response = editor_client.post(NEW_JSON, {"text": text, "save": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    line = line_number(text, '"name"')
    assert f'data-line="{line}">line {line}</a> <code>$.name</code>' in html
    assert "exists already" in html
    assert Resource.objects.count() == 1


def test_back_to_editing_keeps_the_edited_text(editor_client: Client) -> None:
    text = document(host="edited.example.com")
    html = editor_client.post(NEW_JSON, {"text": text, "back": "1"}).content.decode()
    assert "edited.example.com" in editor_text(html)


def test_apply_to_the_new_form_fills_it_without_the_secret_and_saves_nothing(
    editor_client: Client,
) -> None:
    response = editor_client.post(
        NEW_FORM, {"text": document(host="other.example.com"), "_from_json": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="tp-host" value="other.example.com"' in html
    assert 'name="name" value="SparkFromJson"' in html or 'value="SparkFromJson"' in html
    assert "Applied from the JSON editor" in html and "is not carried into the form" in html
    assert SECRET not in html
    assert not Resource.objects.exists()


def test_apply_to_the_new_form_refuses_json_of_another_connector(editor_client: Client) -> None:
    text = json.dumps({"name": "X", "properties": {"type": "AzureSqlDW", "typeProperties": {}}})
    response = editor_client.post(NEW_FORM, {"text": text, "_from_json": "1"})
    assert response.status_code == 400
    assert "This form is for" in response.content.decode()


def test_a_reader_cannot_use_the_new_json_editor(reader_client: Client) -> None:
    response = reader_client.post(NEW_JSON, {"text": document(), "save": "1"})
    assert response.status_code in (403, 404)
    assert not Resource.objects.exists()


def test_an_unknown_type_has_no_new_json_editor(editor_client: Client) -> None:
    assert editor_client.get("/factories/default/new/NoSuchThing/json/").status_code == 404


# -- datasets ------------------------------------------------------------------------
DATASET_FORM = {
    "name": "Sales",
    "description": "",
    "linkedService": "SparkProd",
    "tp-schema": "sales",
    "tp-table": "orders",
    "schema": "[]",
    "parameters": "{}",
    "annotations": "[]",
    "folder": "",
}


def dataset_document(name: str = "Sales", **type_properties: Any) -> str:
    properties = {
        "type": "SparkObject",
        "typeProperties": {"schema": "sales", "table": "orders", **type_properties},
        "linkedServiceName": {"referenceName": "SparkProd", "type": "LinkedServiceReference"},
    }
    return json.dumps({"name": name, "properties": properties}, indent="\t")


def test_the_new_dataset_form_opens_the_json_editor_and_saves_from_it(
    editor_client: Client, saved_service: Any
) -> None:
    assert 'id="edit_json"' in editor_client.get(NEW_DATASET_FORM).content.decode()
    response = editor_client.post(NEW_DATASET_FORM, {**DATASET_FORM, "_to_json": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    text = editor_text(html)
    assert json.loads(text)["properties"]["typeProperties"] == {
        "schema": "sales",
        "table": "orders",
    }
    assert f'action="{NEW_DATASET_JSON}"' in html
    assert f'formaction="{NEW_DATASET_FORM}" id="apply_to_form"' in html
    assert not Resource.objects.filter(kind="dataset").exists()
    saved = editor_client.post(NEW_DATASET_JSON, {"text": text, "save": "1"})
    assert saved.status_code == 302
    assert saved["Location"] == "/factories/default/dataset/Sales/"
    assert Resource.objects.get(kind="dataset").properties["typeProperties"]["table"] == "orders"


def test_a_dataset_schema_error_is_shown_at_its_line(
    editor_client: Client, saved_service: Any
) -> None:
    text = dataset_document(table=7)
    response = editor_client.post(NEW_DATASET_JSON, {"text": text, "preview": "1"})
    assert response.status_code == 400
    line = line_number(text, '"table"')
    html = response.content.decode()
    assert (
        f'data-line="{line}">line {line}</a> <code>$.properties.typeProperties.table</code>' in html
    )


def test_apply_to_the_new_dataset_form_fills_it(editor_client: Client, saved_service: Any) -> None:
    response = editor_client.post(
        NEW_DATASET_FORM, {"text": dataset_document(table="lines"), "_from_json": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="tp-table" value="lines"' in html and 'name="name" value="Sales"' in html
    assert "Applied from the JSON editor" in html
    assert not Resource.objects.filter(kind="dataset").exists()


def test_a_saved_dataset_form_links_to_the_json_editor_which_applies_to_it(
    editor_client: Client, editor: Any, saved_service: Any
) -> None:
    from portal.definitions import save_definition

    properties = json.loads(dataset_document())["properties"]
    save_definition(
        user=editor, name="Sales", properties=properties, action="create", kind="dataset"
    )
    form = editor_client.get("/factories/default/dataset/Sales/edit/").content.decode()
    assert 'href="/factories/default/dataset/Sales/json/"' in form and "{ } Edit JSON" in form
    page = editor_client.get("/factories/default/dataset/Sales/json/").content.decode()
    assert 'formaction="/factories/default/dataset/Sales/edit/" id="apply_to_form"' in page
    applied = editor_client.post(
        "/factories/default/dataset/Sales/edit/",
        {"text": dataset_document(table="lines"), "_from_json": "1"},
    )
    assert applied.status_code == 200
    html = applied.content.decode()
    assert 'name="tp-table" value="lines"' in html and 'name="based_on" value="1"' in html
    broken = editor_client.post(
        "/factories/default/dataset/Sales/edit/", {"text": "{nope", "_from_json": "1"}
    )
    assert broken.status_code == 400
    assert 'name="tp-table" value="orders"' in broken.content.decode()


def test_apply_to_the_dataset_form_names_what_the_form_cannot_hold(
    editor_client: Client, saved_service: Any
) -> None:
    document = json.loads(dataset_document())
    document["properties"]["linkedServiceName"]["parameters"] = {"db": "sales"}
    response = editor_client.post(
        NEW_DATASET_FORM, {"text": json.dumps(document), "_from_json": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Not in the form, so not applied" in html
    assert "$.properties.linkedServiceName.parameters" in html
    plain = editor_client.post(NEW_DATASET_FORM, {"text": dataset_document(), "_from_json": "1"})
    assert "Not in the form" not in plain.content.decode()

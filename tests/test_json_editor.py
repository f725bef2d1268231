"""The Code view's JSON editor (issue 10, point 18): ADF's { } for a linked service. Errors
at their line, "Apply to the form", or save through the one save service."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from portal.imports import export_file
from portal.models import Resource
from tests.conftest import SECRET
from tests.helpers import url_of

pytestmark = pytest.mark.django_db


def json_url(service: Resource) -> str:
    return f"/factories/default/linkedService/{service.name}/json/"


def line_number(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_edit_form_offers_the_json_editor(editor_client: Client, saved_service: Any) -> None:
    html = editor_client.get(url_of(saved_service, "edit")).content.decode()
    assert f'href="{json_url(saved_service)}"' in html and "{ } Edit JSON" in html
    page = editor_client.get(json_url(saved_service)).content.decode()
    assert 'id="apply_to_form"' in page and SECRET not in page


def test_a_schema_error_is_shown_at_its_line(editor_client: Client, saved_service: Any) -> None:
    text = export_file(saved_service).replace('"username": "alice"', '"username": 5')
    response = editor_client.post(
        json_url(saved_service), {"text": text, "save": "1", "based_on": "1"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    line = line_number(text, '"username"')
    where = r"<code>\$\.properties\.typeProperties\.username</code>"
    assert re.search(rf'data-line="{line}">line {line}</a> {where}', html)
    # The preview ("Show changes") checks the same way, before anything is saved.
    preview = editor_client.post(json_url(saved_service), {"text": text, "preview": "1"})
    assert preview.status_code == 400
    assert re.search(rf'data-line="{line}">line {line}</a> {where}', preview.content.decode())


def test_a_syntax_error_is_shown_at_its_line(editor_client: Client, saved_service: Any) -> None:
    text = export_file(saved_service).replace('"port": 443', '"port": 443,,')
    html = editor_client.post(
        json_url(saved_service), {"text": text, "preview": "1"}
    ).content.decode()
    line = line_number(text, '"port"')
    assert f'data-line="{line}">line {line}</a>' in html and "Not valid JSON" in html


def test_apply_to_the_form_fills_the_form_and_saves_nothing(
    editor_client: Client, saved_service: Any
) -> None:
    text = export_file(saved_service).replace("spark.example.com", "other.example.com")
    response = editor_client.post(
        url_of(saved_service, "edit"),
        {"text": text, "_from_json": "1", "based_on": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="tp-host" value="other.example.com"' in html
    assert "Applied from the JSON editor" in html and SECRET not in html
    saved_service.refresh_from_db()
    assert saved_service.revision == 1
    assert saved_service.properties["typeProperties"]["host"] == "spark.example.com"


def test_apply_to_the_form_of_broken_json_says_where_and_keeps_the_stored_values(
    editor_client: Client, saved_service: Any
) -> None:
    response = editor_client.post(
        url_of(saved_service, "edit"), {"text": "{nope", "_from_json": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Not valid JSON at line 1" in html
    assert 'name="tp-host" value="spark.example.com"' in html


def test_saving_from_json_goes_through_the_save_service_and_keeps_the_secret(
    editor_client: Client, saved_service: Any
) -> None:
    text = export_file(saved_service).replace('"alice"', '"bob"')
    response = editor_client.post(
        json_url(saved_service), {"text": text, "save": "1", "based_on": "1"}
    )
    assert response.status_code == 302
    saved_service.refresh_from_db()
    assert saved_service.revision == 2
    tp = saved_service.properties["typeProperties"]
    assert (
        tp["username"] == "bob"
        and tp["password"]
        == (
            Resource.objects.get(pk=saved_service.pk)
            .revision_at(1)
            .properties["typeProperties"]["password"]
        )
    )

"""Cloning a linked service: a new name, the same values, its secrets carried over without
being shown, and only while they go where they were typed for (issue 10, point 17)."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from connectors.formdata import form_from_properties
from connectors.registry import get_version
from connectors.secrets import MASK
from portal.models import Resource, Revision
from tests.conftest import SECRET
from tests.helpers import url_of

pytestmark = pytest.mark.django_db


def clone_form(service: Resource, **changes: str) -> dict[str, str]:
    data = form_from_properties(get_version("Spark", "2.0"), service.properties)
    data.update({"name": "SparkProd_copy", "version": "2.0", "tp-password": ""})
    data.update(changes)
    return data


def test_the_clone_page_proposes_a_new_name_and_never_shows_the_secret(
    editor_client: Client, saved_service: Any
) -> None:
    response = editor_client.get(url_of(saved_service, "clone"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="SparkProd_copy"' in html
    assert SECRET not in html and "secretId" not in html
    assert "Carried over from SparkProd — leave empty to keep it" in html
    detail = editor_client.get(url_of(saved_service)).content.decode()
    assert f'href="{url_of(saved_service, "clone")}"' in detail


def test_a_clone_is_a_new_linked_service_carrying_the_secret_for_the_same_target(
    editor_client: Client, saved_service: Any
) -> None:
    response = editor_client.post(url_of(saved_service, "clone"), clone_form(saved_service))
    assert response.status_code == 302, response.content.decode()[:2000]
    clone = Resource.objects.get(name="SparkProd_copy")
    assert clone.pk != saved_service.pk and clone.revision == 1
    original = saved_service.properties["typeProperties"]["password"]
    assert clone.properties["typeProperties"]["password"] == original
    assert (
        clone.properties["typeProperties"]["host"]
        == (saved_service.properties["typeProperties"]["host"])
    )
    assert Revision.objects.get(resource=clone).action == "create"
    saved_service.refresh_from_db()
    assert saved_service.revision == 1  # the source is untouched


def test_a_clone_sent_elsewhere_does_not_carry_the_secret(
    editor_client: Client, saved_service: Any
) -> None:
    data = clone_form(saved_service, **{"tp-host": "elsewhere.example.org"})
    response = editor_client.post(url_of(saved_service, "clone"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r"password", html, re.I) and "elsewhere.example.org" in html
    assert not Resource.objects.filter(name="SparkProd_copy").exists()
    # Typing the password for the new target is fine.
    data["tp-password"] = "A-New-Secret-For-Elsewhere"
    response = editor_client.post(url_of(saved_service, "clone"), data)
    assert response.status_code == 302


def test_a_clone_needs_a_free_name(editor_client: Client, saved_service: Any) -> None:
    data = clone_form(saved_service, name="sparkprod")
    response = editor_client.post(url_of(saved_service, "clone"), data)
    assert response.status_code == 400 and "exists already" in response.content.decode()


def test_readers_cannot_clone(reader_client: Client, saved_service: Any) -> None:
    assert reader_client.get(url_of(saved_service, "clone")).status_code == 403


def test_a_clone_is_edited_as_json_with_its_secret_masked_and_saved_carrying_it(
    editor_client: Client, saved_service: Any
) -> None:
    url = url_of(saved_service, "clone-json")
    page = editor_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET not in html and "secretId" not in html
    assert "Clone of SparkProd" in html and "carry SparkProd's over" in html
    text = json.loads(html_text_area(html))
    assert text["name"] == "SparkProd_copy"
    assert text["properties"]["typeProperties"]["password"]["value"] == MASK
    text["properties"]["description"] = "a copy"
    body = json.dumps(text, indent="\t")
    preview = editor_client.post(url, {"text": body})
    assert preview.status_code == 200 and SECRET not in preview.content.decode()
    saved = editor_client.post(url, {"text": body, "save": "1"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    clone = Resource.objects.get(name="SparkProd_copy")
    assert clone.properties["description"] == "a copy"
    original = saved_service.properties["typeProperties"]["password"]
    assert clone.properties["typeProperties"]["password"] == original


def test_a_clone_s_json_sent_elsewhere_does_not_carry_the_secret(
    editor_client: Client, saved_service: Any
) -> None:
    url = url_of(saved_service, "clone-json")
    text = json.loads(html_text_area(editor_client.get(url).content.decode()))
    text["properties"]["typeProperties"]["host"] = "elsewhere.example.org"
    response = editor_client.post(url, {"text": json.dumps(text), "save": "1"})
    assert response.status_code == 400
    assert re.search(r"password", response.content.decode(), re.I)
    assert not Resource.objects.filter(name="SparkProd_copy").exists()


def test_the_clone_form_opens_its_json_and_takes_it_back(
    editor_client: Client, saved_service: Any
) -> None:
    form_url = url_of(saved_service, "clone")
    form = editor_client.get(form_url).content.decode()
    assert 'name="_to_json"' in form and "read-only until saved" not in form
    opened = editor_client.post(form_url, {**clone_form(saved_service), "_to_json": "1"})
    html = opened.content.decode()
    assert opened.status_code == 200 and "Clone of SparkProd" in html and SECRET not in html
    assert f'action="{url_of(saved_service, "clone-json")}"' in html
    text = json.loads(html_text_area(html))
    assert text["properties"]["typeProperties"]["password"]["value"] == MASK
    text["name"] = "SparkCopyFromJson"
    text["properties"]["description"] = "copied as JSON"
    applied = editor_client.post(form_url, {"_from_json": "1", "text": json.dumps(text)})
    html = applied.content.decode()
    assert applied.status_code == 200 and 'value="SparkCopyFromJson"' in html
    assert "copied as JSON" in html and SECRET not in html
    # The form, saved as it came back, carries the secret as a clone does.
    data = clone_form(saved_service, name="SparkCopyFromJson", description="copied as JSON")
    assert editor_client.post(form_url, data).status_code == 302
    copy = Resource.objects.get(name="SparkCopyFromJson")
    assert (
        copy.properties["typeProperties"]["password"]
        == (saved_service.properties["typeProperties"]["password"])
    )


def html_text_area(html: str) -> str:
    found = re.search(r'<textarea[^>]*id="json_text"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "no JSON editor on the page"
    return unescape(found.group(1))

"""Cloning a linked service: a new name, the same values, its secrets carried over without
being shown, and only while they go where they were typed for (issue 10, point 17)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from connectors.formdata import form_from_properties
from connectors.registry import get_version
from portal.models import Resource, Revision
from tests.conftest import SECRET

pytestmark = pytest.mark.django_db


def clone_form(service: Resource, **changes: str) -> dict[str, str]:
    data = form_from_properties(get_version("Spark", "2.0"), service.properties)
    data.update({"name": "SparkProd_copy", "version": "2.0", "tp-password": ""})
    data.update(changes)
    return data


def test_the_clone_page_proposes_a_new_name_and_never_shows_the_secret(
    editor_client: Client, saved_service: Any
) -> None:
    response = editor_client.get(f"/linkedservices/{saved_service.pk}/clone/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="SparkProd_copy"' in html
    assert SECRET not in html and "secretId" not in html
    assert "Carried over from SparkProd — leave empty to keep it" in html
    detail = editor_client.get(f"/linkedservices/{saved_service.pk}/").content.decode()
    assert f'href="/linkedservices/{saved_service.pk}/clone/"' in detail


def test_a_clone_is_a_new_linked_service_carrying_the_secret_for_the_same_target(
    editor_client: Client, saved_service: Any
) -> None:
    response = editor_client.post(
        f"/linkedservices/{saved_service.pk}/clone/", clone_form(saved_service)
    )
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
    response = editor_client.post(f"/linkedservices/{saved_service.pk}/clone/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r"password", html, re.I) and "elsewhere.example.org" in html
    assert not Resource.objects.filter(name="SparkProd_copy").exists()
    # Typing the password for the new target is fine.
    data["tp-password"] = "A-New-Secret-For-Elsewhere"
    response = editor_client.post(f"/linkedservices/{saved_service.pk}/clone/", data)
    assert response.status_code == 302


def test_a_clone_needs_a_free_name(editor_client: Client, saved_service: Any) -> None:
    data = clone_form(saved_service, name="sparkprod")
    response = editor_client.post(f"/linkedservices/{saved_service.pk}/clone/", data)
    assert response.status_code == 400 and "exists already" in response.content.decode()


def test_readers_cannot_clone(reader_client: Client, saved_service: Any) -> None:
    assert reader_client.get(f"/linkedservices/{saved_service.pk}/clone/").status_code == 403

"""403 and 404 pages: the portal's layout, why, and where to go on (issue 10, point 12)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portal.definitions import delete_definition
from tests.helpers import url_of

pytestmark = pytest.mark.django_db


def test_a_reader_opening_the_editor_is_told_readers_cannot_edit_and_where_to_go(
    reader_client: Client, saved_service: Any
) -> None:
    response = reader_client.get(url_of(saved_service, "edit"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="topbar"' in html  # the portal's layout, not Django's bare page
    assert "Readers can&#x27;t edit: this needs the Editor role." in html
    assert f'href="{url_of(saved_service)}"' in html
    assert 'href="/factories/default/"' in html


def test_a_deleted_linked_service_says_it_was_deleted_and_links_to_deleted(
    reader_client: Client, editor: Any, saved_service: Any
) -> None:
    delete_definition(user=editor, instance=saved_service)
    response = reader_client.get(url_of(saved_service))
    assert response.status_code == 404
    html = response.content.decode()
    assert "This linked service was deleted" in html and 'class="topbar"' in html
    assert 'href="/factories/default/deleted/">See Deleted</a>' in html
    assert f'href="{url_of(saved_service, "history")}"' in html


def test_an_unknown_page_is_a_404_in_the_layout_with_onward_links(reader_client: Client) -> None:
    response = reader_client.get("/factories/default/linkedService/NoSuch/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="topbar"' in html
    assert "was deleted" not in html
    assert 'href="/factories/default/"' in html


def test_the_api_keeps_its_json_errors(reader_client: Client) -> None:
    response = reader_client.get("/api/v1/nowhere/")
    assert response.status_code in (401, 403, 404)
    assert response["Content-Type"].startswith("application/json")

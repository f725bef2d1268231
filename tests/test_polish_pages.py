"""Small page fixes users see: the favicon, the Code panel without a name, the new token's key."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from portal.models import ApiToken
from tests.conftest import form_data
from tests.helpers import NEW_SPARK

pytestmark = pytest.mark.django_db

CREATE_URL = NEW_SPARK


def test_favicon_ico_leads_to_a_real_icon_even_before_sign_in(client: Client) -> None:
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_every_page_links_its_icon(editor_client: Client) -> None:
    page = editor_client.get("/factories/default/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    assert editor_client.get("/static/favicon.svg").status_code == 200


def test_the_code_panel_says_the_name_is_missing_while_name_is_empty(
    editor_client: Client,
) -> None:
    panel = editor_client.post(
        CREATE_URL, form_data(name=""), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="code_view"
    ).content.decode()
    code = html.unescape(panel)
    assert '"name": "<name missing: enter a Name>"' in code
    assert "NewLinkedService" not in code
    named = editor_client.post(
        CREATE_URL, form_data(name="SparkProd"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="code_view"
    ).content.decode()
    assert '"name": "SparkProd"' in html.unescape(named)


def test_creating_a_token_redirects_and_shows_its_key_once_with_a_copy_button(
    editor_client: Client,
) -> None:
    response = editor_client.post("/tokens/", {"name": "deploy"})
    assert response.status_code == 302 and response["Location"] == "/tokens/"
    assert ApiToken.objects.count() == 1
    page = editor_client.get("/tokens/").content.decode()
    key = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert ApiToken.hash_key(key) == ApiToken.objects.get().key_hash
    assert 'data-copy="new-token"' in page
    reloaded = editor_client.get("/tokens/").content.decode()
    assert key not in reloaded and 'id="new-token"' not in reloaded
    assert ApiToken.objects.count() == 1


def test_a_refused_token_form_also_redirects_and_creates_nothing(editor_client: Client) -> None:
    response = editor_client.post("/tokens/", {"name": ""})
    assert response.status_code == 302
    page = editor_client.get("/tokens/").content.decode()
    assert "Give the token a name" in page
    assert not ApiToken.objects.exists()


def test_the_new_key_waits_encrypted_in_the_session_and_is_gone_once_shown(
    editor_client: Client,
) -> None:
    editor_client.post("/tokens/", {"name": "deploy"})
    held = editor_client.session["linkwright_new_token_key"]
    page = editor_client.get("/tokens/").content.decode()
    key = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert key not in held and not held.startswith("lw_")
    assert "linkwright_new_token_key" not in editor_client.session


def test_every_page_has_a_skip_link_to_its_main_content(editor_client: Client) -> None:
    page = editor_client.get("/factories/default/").content.decode()
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in page
    assert '<main id="main" tabindex="-1">' in page

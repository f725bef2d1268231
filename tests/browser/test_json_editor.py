"""ADF's { } editor for a linked service in a real browser (issue 10, point 18): edit the
JSON, see a schema error at its line, apply it to the form, save."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import save_definition
from tests.browser.conftest import assert_fits_phone
from tests.browser.test_keyboard import sign_in
from tests.browser.test_new_linked_service import field
from tests.conftest import SECRET, SPARK_V2
from tests.helpers import url_of

pytestmark = pytest.mark.browser

SELECTED_LINE = """() => {
  const a = document.getElementById('json_text');
  return a.value.slice(a.selectionStart, a.selectionEnd);
}"""


def test_edit_json_shows_errors_at_their_line_then_applies_to_the_form_and_saves(
    page: Page, live_server: Any, editor_login: dict[str, str], editor_user: Any
) -> None:
    service = save_definition(
        user=editor_user, name="JsonEdited", properties=SPARK_V2, action="create"
    ).resource
    sign_in(page, editor_login)
    page.goto(url_of(service, "edit"))
    page.get_by_role("link", name="{ } Edit JSON").click()
    area = page.locator("#json_text")
    text = area.input_value()
    assert SECRET not in text
    area.fill(text.replace('"username": "alice"', '"username": 5'))
    page.get_by_role("button", name="Show changes").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    link = summary.locator("a.json-line")
    expect(link).to_contain_text("line")
    assert_fits_phone(page, "JSON editor with an error")
    link.click()
    expect(area).to_be_focused()
    assert '"username": 5' in page.evaluate(SELECTED_LINE)
    area.fill(area.input_value().replace('"username": 5', '"username": "bob"'))
    page.get_by_role("button", name="Apply to the form").click()
    expect(page.locator(".messages")).to_contain_text("Applied from the JSON editor")
    expect(field(page, "username").locator("input")).to_have_value("bob")
    assert_fits_phone(page, "form applied from JSON")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(re.escape(url_of(service)) + "$"))
    service.refresh_from_db()
    assert service.revision == 2
    assert service.properties["typeProperties"]["username"] == "bob"
    assert "secretId" in service.properties["typeProperties"]["password"]


def test_a_clone_is_edited_as_json_and_saved_carrying_its_secret_unseen(
    page: Page, live_server: Any, editor_login: dict[str, str], editor_user: Any
) -> None:
    from portal.models import Resource

    source = save_definition(
        user=editor_user, name="JsonSource", properties=SPARK_V2, action="create"
    ).resource
    sign_in(page, editor_login)
    page.goto(url_of(source, "clone"))
    page.locator("#id_description").fill("copied through JSON")
    assert_fits_phone(page, "clone form with its { } Edit JSON button")
    page.get_by_role("button", name="{ } Edit JSON").click()
    expect(page.get_by_role("heading", name=re.compile("Clone of JsonSource"))).to_be_visible()
    area = page.locator("#json_text")
    text = area.input_value()
    assert '"name": "JsonSource_copy"' in text and "copied through JSON" in text
    assert SECRET not in page.content() and '"value": "**********"' in text
    area.fill(text.replace('"username": "alice"', '"username": "bob"'))
    page.get_by_role("button", name="Show changes").click()
    assert_fits_phone(page, "a clone's JSON, its changes shown")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("'JsonSource_copy' created")
    clone = Resource.objects.get(name="JsonSource_copy")
    assert clone.properties["typeProperties"]["username"] == "bob"
    assert clone.properties["description"] == "copied through JSON"
    assert (
        clone.properties["typeProperties"]["password"]
        == (source.properties["typeProperties"]["password"])
    )
    assert SECRET not in page.content()

"""ADF's { } editor for a definition not saved yet, in a real browser (issue 10, point 18):
the new linked-service form opens the editor on its values; a schema error shows at its
line; "Apply to the form" fills the new form; "Save" creates it. Desktop and 390 px; the
new dataset form offers the same editor."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.models import Resource
from tests.browser.conftest import assert_fits_phone
from tests.browser.test_json_editor import SELECTED_LINE
from tests.browser.test_keyboard import sign_in
from tests.browser.test_new_linked_service import field
from tests.conftest import SECRET, SPARK_V2
from tests.helpers import NEW_SPARK

pytestmark = pytest.mark.browser

NAME = "JsonNew"


def document(**type_properties: Any) -> str:
    properties = copy.deepcopy(SPARK_V2)
    properties["typeProperties"].update(type_properties)
    return json.dumps({"name": NAME, "properties": properties}, indent="\t")


def test_a_new_linked_service_is_edited_as_json_applied_to_the_form_and_saved(
    page: Page, live_server: Any, editor_login: dict[str, str]
) -> None:
    sign_in(page, editor_login)
    page.goto(NEW_SPARK)
    page.locator("#id_name").fill(NAME)
    field(page, "host").locator("input").fill("typed.example.com")
    expect(page.locator("#code_view")).to_contain_text('"host": "typed.example.com"')
    assert_fits_phone(page, "new form with its { } Edit JSON button")
    page.get_by_role("button", name="{ } Edit JSON").click()

    area = page.locator("#json_text")
    expect(area).to_be_visible()
    text = area.input_value()
    assert json.loads(text)["name"] == NAME and "typed.example.com" in text
    area.fill(document(username=5))
    page.get_by_role("button", name="Show changes").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    link = summary.locator("a.json-line")
    expect(link).to_contain_text("line")
    assert_fits_phone(page, "new definition's JSON with an error")
    link.click()
    expect(area).to_be_focused()
    assert '"username": 5' in page.evaluate(SELECTED_LINE)

    area.fill(document(username="bob"))
    page.get_by_role("button", name="Apply to the form").click()
    expect(page.locator(".messages")).to_contain_text("Applied from the JSON editor")
    expect(page.locator(".messages")).to_contain_text("is not carried into the form")
    expect(field(page, "username").locator("input")).to_have_value("bob")
    expect(page.locator("#id_name")).to_have_value(NAME)
    assert SECRET not in page.content()
    assert_fits_phone(page, "new form applied from JSON")
    assert not Resource.objects.exists()

    page.get_by_role("button", name="{ } Edit JSON").click()
    area.fill(document(username="bob"))
    page.get_by_role("button", name="Show changes").click()
    expect(page.get_by_role("heading", name="What is created")).to_be_visible()
    assert_fits_phone(page, "what a new definition from JSON creates")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/factories/default/linkedService/{NAME}/$"))
    expect(page.locator(".messages")).to_contain_text(f"'{NAME}' created")
    created = Resource.objects.get(name=NAME)
    assert created.properties["typeProperties"]["username"] == "bob"
    assert "secretId" in created.properties["typeProperties"]["password"]

    # The new dataset form offers the same editor, which saves a dataset on that service.
    page.goto("/factories/default/new/dataset/SparkObject/")
    page.get_by_label("Name", exact=True).fill("Orders")
    page.get_by_label("Linked service").select_option(NAME)
    page.locator("#id_tp-schema").fill("sales")
    page.locator("#id_tp-table").fill("orders")
    page.get_by_role("button", name="{ } Edit JSON").click()
    expect(area).to_contain_text('"table": "orders"')
    assert_fits_phone(page, "new dataset's JSON")
    page.get_by_role("button", name="Show changes").click()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/factories/default/dataset/Orders/$"))
    assert Resource.objects.get(kind="dataset").properties["typeProperties"]["table"] == "orders"

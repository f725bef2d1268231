"""A long linked-service list in a real browser: its count, a sort by a column heading, the
next page, the annotation filter (htmx) and the page size; every page visited is checked
again at 390 px wide (the ``page`` fixture)."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import NewDefinition, create_definitions
from portal.models import Factory
from tests.browser.conftest import assert_fits_phone
from tests.conftest import SPARK_V2

pytestmark = pytest.mark.browser


def definitions(user: Any, count: int) -> None:
    entries = []
    for index in range(count):
        properties = copy.deepcopy(SPARK_V2)
        properties["annotations"] = ["nightly"] if index % 10 == 0 else []
        properties["description"] = f"cluster {index} with a rather long description " * 2
        entries.append(
            NewDefinition(name=f"Spark{index:03d}", properties=properties, kind="linkedService")
        )
    create_definitions(entries, user=user, action="import", factory=Factory.default())


def test_a_long_list_pages_sorts_and_filters_in_the_browser(
    page: Page, editor_user: Any, editor_login: dict[str, str]
) -> None:
    definitions(editor_user, 120)
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(editor_login["username"])
    page.get_by_label("Password").fill(editor_login["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/factories/default/(\?kind=linkedService)?$"))

    rows = page.locator("#resources-table tbody tr")
    expect(rows).to_have_count(50)
    expect(page.locator(".list-summary")).to_have_text("1–50 of 120 resources")
    assert_fits_phone(page, "the list's first page")

    page.get_by_role("link", name=re.compile(r"^Name")).click()  # name, descending now
    expect(page).to_have_url(re.compile(r"sort=-name"))
    expect(rows.first).to_contain_text("Spark119")
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("Name")

    page.get_by_role("link", name="Next ›").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(rows.first).to_contain_text("Spark069")
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()

    page.get_by_label("Filter by annotation").fill("Nightly")
    expect(page.locator(".list-summary")).to_have_text("1–12 of 12 resources")
    expect(rows.first).to_contain_text("Spark110")  # the sort kept, the page back to 1

    page.get_by_label("Filter by annotation").fill("")
    page.get_by_label("Rows per page").select_option("25")
    expect(rows).to_have_count(25)
    expect(page.get_by_text("Page 1 of 5")).to_be_visible()
    assert_fits_phone(page, "the list, 25 a page")

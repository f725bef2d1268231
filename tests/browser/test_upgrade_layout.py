"""The upgrade wizard's analysis stays inside its card, on a desktop and at 390 px, and its
"Needs decisions" line ends with a decision, not an empty item (issue 10, point 13)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import save_definition
from tests.browser.conftest import PHONE, VIEWPORT
from tests.browser.test_keyboard import sign_in
from tests.browser.test_upgrade_wizard import V1_SASL_USERNAME
from tests.helpers import url_of

pytestmark = pytest.mark.browser

INSIDE = """() => {
  const card = document.querySelector('section.step').getBoundingClientRect();
  const table = document.querySelector('table.findings').getBoundingClientRect();
  return {card: card.right, table: table.right};
}"""


def test_the_analysis_table_stays_inside_its_card_at_every_width(
    page: Page, live_server: Any, editor_login: dict[str, str], editor_user: Any
) -> None:
    properties = copy.deepcopy(V1_SASL_USERNAME)
    # Long values with no natural break: what used to push the table past its card.
    properties["typeProperties"]["host"] = "spark-" + "x" * 90 + ".internal.example.com"
    properties["typeProperties"]["username"] = "etl_" + "y" * 80
    service = save_definition(
        user=editor_user, name="LongValues", properties=properties, action="create"
    ).resource
    sign_in(page, editor_login)
    page.goto(url_of(service, "upgrade"))
    needs = page.locator("section.step p", has_text="Needs decisions")
    expect(needs).to_be_visible()
    text = needs.inner_text()
    assert text.endswith(".") and not text.rstrip(".").rstrip().endswith(",")
    assert ", ." not in text and ",," not in text
    for size in (VIEWPORT, PHONE):
        page.set_viewport_size(size)
        found = page.evaluate(INSIDE)
        assert found["table"] <= found["card"] + 1, (size, found)
    page.set_viewport_size(VIEWPORT)

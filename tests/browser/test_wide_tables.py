"""At 1366 px, tables keep their words whole: a wide table scrolls sideways inside its own
box instead of squeezing letters onto lines, and the page itself never scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import save_definition

pytestmark = pytest.mark.browser

BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("table.grid th, table.grid td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      for (const match of text.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""
PAGE_WIDTH = """() => [document.documentElement.scrollWidth, window.innerWidth]"""
SPARK_V1 = {
    "type": "Spark",
    "typeProperties": {
        "host": "spark.internal",
        "port": 10000,
        "serverType": "SparkThriftServer",
        "thriftTransportProtocol": "Binary",
        "authenticationType": "Anonymous",
    },
}
LONG = "Ingest_" + "VeryLongLinkedServiceNameForTheNightlyWarehouseLoad_" * 2


def test_a_wide_list_scrolls_in_its_box_and_breaks_no_word_at_1366_px(
    page: Page, live_server: Any, editor_login: dict[str, str], editor_user: Any
) -> None:
    for index in range(3):
        properties = {**SPARK_V1, "annotations": [f"{LONG}_{index}", "nightly-warehouse-load"]}
        save_definition(
            user=editor_user, name=f"{LONG}{index}", properties=properties, action="create"
        )
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill(editor_login["username"])
    page.get_by_label("Password").fill(editor_login["password"])
    page.get_by_role("button", name="Sign in").click()
    for address in ("/factories/default/?kind=linkedService", "/factories/", "/upgrade/"):
        page.goto(live_server.url + address)
        expect(page.locator("table.grid").first).to_be_visible()
        assert page.evaluate(BROKEN_WORDS) == [], f"words broken across lines on {address}"
        scroll, inner = page.evaluate(PAGE_WIDTH)
        assert scroll <= inner, f"{address} scrolls sideways: {scroll} > {inner}"
    # The list's filter swaps the table: the new one scrolls in its box too.
    page.goto(live_server.url + "/factories/default/?kind=linkedService")
    page.locator('input[name="q"]').fill("Ingest")
    expect(page.locator("#resources tbody tr")).to_have_count(3)
    assert page.evaluate(BROKEN_WORDS) == []
    assert page.locator(".table-scroll table.grid").count() >= 1

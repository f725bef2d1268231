"""Pressing "Test connection" in a real browser, against a real Spark Thrift Server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import save_definition
from tests.browser.conftest import assert_fits_phone
from tests.helpers import url_of
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

pytestmark = [pytest.mark.browser, pytest.mark.spark("binary-sasl-custom")]

# WCAG contrast ratio of an element's text colour on its (first opaque) background.
CONTRAST = """(el) => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92
                                     : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  let node = el, bg = null;
  while (node && !bg) {
    const value = rgb(getComputedStyle(node).backgroundColor);
    if (value.length < 4 || value[3] > 0) bg = value;
    node = node.parentElement;
  }
  const fg = lum(rgb(getComputedStyle(el).color)), back = lum(bg || [255, 255, 255]);
  return (Math.max(fg, back) + 0.05) / (Math.min(fg, back) + 0.05);
}"""


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 20.0


def sign_in(page: Page, live_server: Any, login: dict[str, str]) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill(login["username"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/factories/default/(\?kind=linkedService)?$"))


def test_button_reads_the_checklist_for_a_good_and_a_bad_definition(
    page: Page,
    live_server: Any,
    editor_login: dict[str, str],
    editor_user: Any,
    spark_pool: ServerPool,
) -> None:
    port = spark_pool.get("binary-sasl-custom").port
    properties = {
        "type": "Spark",
        "typeProperties": {
            "host": "127.0.0.1",
            "port": port,
            "thriftTransportProtocol": "SASL",
            "authenticationType": "UsernameAndPassword",
            "username": CUSTOM_USER,
            "password": {"type": "SecureString", "value": CUSTOM_PASSWORD},
        },
    }
    service = save_definition(
        user=editor_user, name="SaslCustom", properties=properties, action="create"
    ).resource
    sign_in(page, live_server, editor_login)

    # A good definition, saved: every stage passes.
    page.goto(live_server.url + url_of(service))
    page.get_by_role("button", name="Test connection").click()
    result = page.locator("#test_result")
    expect(result).to_contain_text("connection successful", timeout=45_000)
    for stage in (
        "Resolve host",
        "TCP connect",
        "Transport and authentication",
        "OpenSession",
        "Server name and version",
        "SELECT 1",
        "CloseSession",
    ):
        expect(result.locator(f'li.stage-passed[data-stage="{stage}"]')).to_be_visible()
    assert_fits_phone(page, "a passed test on the detail page")

    # A bad definition, unsaved on the edit form: a wrong password fails at authentication.
    page.goto(live_server.url + url_of(service, "edit"))
    page.locator("#id_tp-password").fill("not-the-password")
    page.get_by_role("button", name="Test connection").click()
    expect(result).to_contain_text("connection failed", timeout=45_000)
    failed = result.locator("li.stage-failed")
    expect(failed).to_have_count(1)
    expect(failed).to_have_attribute("data-stage", "Transport and authentication")
    expect(failed).to_contain_text("What to change")
    expect(result).to_contain_text("values on the form, unsaved")
    skipped = result.locator('li.stage-skipped[data-stage="SELECT 1"]')
    expect(skipped).to_be_visible()
    assert skipped.evaluate(CONTRAST) >= 4.5, "skipped-stage text below WCAG AA contrast"
    assert_fits_phone(page, "a failed test on the edit form")
    assert "not-the-password" not in page.content()
    assert CUSTOM_PASSWORD not in page.content()
    page.screenshot(path=str(_screenshot_dir() / "test-connection.png"), full_page=True)


def _screenshot_dir() -> Any:
    from tests.browser.test_new_linked_service import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

"""A quick connection test's result in a real browser (issue 10, points 9 and 7): it shows
at once where the user is looking (focused, in view), the page's "Last connection tests"
updates without a reload, and a parameterised definition is tested with the values typed
for that test, the result saying which value each field had. At desktop and 390 px wide.

The definitions point at 127.0.0.1 with loopback not allowed: the address policy refuses
them at once, so the verdict is quick and nothing goes on the network.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import save_definition
from tests.browser.conftest import PHONE, VIEWPORT, assert_fits_phone_at
from tests.helpers import url_of

pytestmark = pytest.mark.browser

IN_VIEW = """(el) => {
  const box = el.getBoundingClientRect();
  return box.top >= 0 && box.top < window.innerHeight;
}"""


@pytest.fixture(autouse=True)
def _loopback_refused(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False


def sign_in(page: Page, login: dict[str, str]) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(login["username"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/factories/default/(\?kind=linkedService)?$"))


def definition(**tp: Any) -> dict[str, Any]:
    return {
        "type": "Spark",
        "typeProperties": {
            "host": "127.0.0.1",
            "port": 10000,
            "thriftTransportProtocol": "SASL",
            "authenticationType": "UsernameAndPassword",
            "username": "someone",
            "password": {"type": "SecureString", "value": "browser-secret-1"},
            **tp,
        },
    }


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_a_quick_result_shows_at_once_focused_and_updates_the_history(
    page: Page, editor_login: dict[str, str], editor_user: Any, viewport: dict[str, int]
) -> None:
    service = save_definition(
        user=editor_user, name="Quick", properties=definition(), action="create"
    ).resource
    page.set_viewport_size(viewport)
    sign_in(page, editor_login)
    polls: list[str] = []
    page.on(
        "request",
        lambda r: polls.append(r.url) if "/connection-tests/" in r.url else None,
    )

    # The linked service's page: the history updates under the finished test, no reload.
    page.goto(url_of(service))
    history = page.locator("#test_history")
    expect(history).to_contain_text("Not tested yet.")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Test connection").click()
    result = page.locator("#test_result")
    expect(result).to_contain_text("connection failed")
    expect(result).to_be_focused()
    assert result.evaluate(IN_VIEW), "the result is out of view"
    # The test used no values: no "Values this test used" table, not even an empty one.
    expect(result.locator("table.values-used")).to_have_count(0)
    expect(result).not_to_contain_text("Values this test used")
    expect(history).not_to_contain_text("Not tested yet.")
    expect(history.locator("tbody tr").first).to_contain_text("Failed")
    assert page.evaluate("window.notReloaded === true"), "the page was reloaded"
    assert polls and "poll=1" in polls[0], polls
    if viewport == PHONE:
        assert_fits_phone_at(page, "a finished test on the detail page")

    # The edit form: the result appears below a long form, scrolled into view and focused.
    page.goto(url_of(service, "edit"))
    page.get_by_role("button", name="Test connection").click()
    expect(result).to_contain_text("connection failed")
    expect(result).to_be_focused()
    assert result.evaluate(IN_VIEW), "the result is out of view"
    if viewport == PHONE:
        assert_fits_phone_at(page, "a finished test on the edit form")


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_a_parameterised_definition_is_tested_with_the_values_typed_for_it(
    page: Page, editor_login: dict[str, str], editor_user: Any, viewport: dict[str, int]
) -> None:
    properties = definition(
        host="@{linkedService().host}",
        port="@linkedService().port",
        password={
            "type": "AzureKeyVaultSecret",
            "store": {"referenceName": "KeyVault1", "type": "LinkedServiceReference"},
            "secretName": "spark",
        },
    )
    properties["parameters"] = {
        "host": {"type": "String", "defaultValue": "127.0.0.1"},
        "port": {"type": "Int"},
    }
    service = save_definition(
        user=editor_user, name="Parameterised", properties=properties, action="import"
    ).resource
    page.set_viewport_size(viewport)
    sign_in(page, editor_login)

    page.goto(url_of(service))
    expect(page.get_by_label("Parameter host")).to_have_value("127.0.0.1")
    page.get_by_label("Parameter port").fill("10001")
    page.locator("#id_test_secret__password").fill("typed-in-the-browser")
    page.get_by_role("button", name="Test connection").click()
    result = page.locator("#test_result")
    expect(result).to_contain_text("connection failed")
    used = result.locator("table.values-used")
    expect(used).to_contain_text("@{linkedService().host}")
    expect(used).to_contain_text("10001")
    expect(used).to_contain_text("typed for this test")
    assert "typed-in-the-browser" not in page.content()
    if viewport == PHONE:
        assert_fits_phone_at(page, "a parameterised test on the detail page")
    page.screenshot(
        path=str(_screenshot_dir() / f"test-values-{viewport['width']}.png"), full_page=True
    )


def _screenshot_dir() -> Any:
    from tests.browser.test_new_linked_service import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

"""Keyboard use in a real browser: the skip link, and focus kept across an htmx refresh."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_new_linked_service import field, is_fields_refresh, wait_htmx_idle
from tests.helpers import NEW_SPARK

pytestmark = pytest.mark.browser


def sign_in(page: Page, login: dict[str, str]) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(login["username"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#resources-table")).to_be_visible()


def test_the_first_tab_reaches_a_skip_link_that_moves_focus_to_the_main_content(
    page: Page, editor_login: dict[str, str]
) -> None:
    sign_in(page, editor_login)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main")).to_be_focused()


def test_choosing_key_vault_with_the_arrow_keys_keeps_focus_on_the_choice(
    page: Page, live_server: Any, editor_login: dict[str, str]
) -> None:
    sign_in(page, editor_login)
    page.goto(NEW_SPARK)
    auth = field(page, "authenticationType").locator("select")
    with page.expect_response(is_fields_refresh):
        auth.select_option("UsernameAndPassword")
    wait_htmx_idle(page)
    plain = page.locator('input[name="tp-password__kind"][value="SecureString"]')
    plain.focus()
    with page.expect_response(is_fields_refresh):
        page.keyboard.press("ArrowRight")  # a radio group: the arrow selects the next choice
    wait_htmx_idle(page)
    key_vault = page.locator('input[name="tp-password__kind"][value="AzureKeyVaultSecret"]')
    expect(key_vault).to_be_checked()
    expect(page.get_by_label("Secret name")).to_be_visible()
    expect(key_vault).to_be_focused()
    # And back with the other arrow: focus follows the choice again.
    with page.expect_response(is_fields_refresh):
        page.keyboard.press("ArrowLeft")
    wait_htmx_idle(page)
    expect(plain).to_be_checked()
    expect(plain).to_be_focused()

"""The 403 and 404 pages in a real browser, on a desktop and at 390 px (issue 10, point 12)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import delete_definition, save_definition
from portal.roles import Role, set_role
from tests.browser.conftest import assert_fits_phone
from tests.browser.test_keyboard import sign_in
from tests.browser.test_upgrade_wizard import V1_SASL_USERNAME
from tests.helpers import url_of

pytestmark = pytest.mark.browser


def test_a_reader_is_told_why_and_led_on_from_403_and_404(
    page: Page, live_server: Any, editor_login: dict[str, str], editor_user: Any
) -> None:
    kept = save_definition(
        user=editor_user, name="KeptService", properties=V1_SASL_USERNAME, action="create"
    ).resource
    gone = save_definition(
        user=editor_user, name="GoneService", properties=V1_SASL_USERNAME, action="create"
    ).resource
    delete_definition(user=editor_user, instance=gone)
    set_role(editor_user, Role.READER)
    sign_in(page, editor_login)

    response = page.goto(url_of(kept, "edit"))
    assert response is not None and response.status == 403
    expect(page.locator("main")).to_contain_text("Readers can't edit")
    expect(page.locator(".topbar")).to_be_visible()
    assert_fits_phone(page, "403 page")
    page.get_by_role("link", name="View KeptService").click()
    expect(page.get_by_role("heading", name="KeptService")).to_be_visible()

    response = page.goto(url_of(gone))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="This linked service was deleted")).to_be_visible()
    assert_fits_phone(page, "404 page of a deleted linked service")
    page.get_by_role("link", name="See Deleted").click()
    expect(page.locator("main")).to_contain_text("GoneService")

    page.goto("/upgrade/")
    expect(page.locator("main")).to_contain_text("KeptService")
    expect(page.locator('main input[type="checkbox"]')).to_have_count(0)

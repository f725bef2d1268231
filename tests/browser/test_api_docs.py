"""The API docs in a real browser (issue 10, point 15): "Try it out" of POST
/test-connection sends a body the API accepts, and the docs lead back to the portal."""

from __future__ import annotations

import json
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page, Request, expect

from portal.services import connection_tests
from tests.browser.conftest import assert_fits_phone
from tests.browser.test_keyboard import sign_in

pytestmark = pytest.mark.browser


def test_try_it_out_of_test_connection_sends_a_body_that_validates(
    page: Page, live_server: Any, editor_login: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reached: list[Any] = []

    def start(**kwargs: Any) -> Any:
        reached.append(kwargs["properties"])  # every check of the body passed
        raise connection_tests.TestRefused("stopped by the test before connecting", status=429)

    # Every view imported first: one that imports start by name must keep the real one.
    import_module(settings.ROOT_URLCONF)
    monkeypatch.setattr(connection_tests, "start", start)
    sign_in(page, editor_login)
    page.goto("/api/docs/")
    path = page.locator('.opblock-summary-path[data-path="/api/v1/test-connection"]')
    expect(path).to_be_visible()
    operation = page.locator(".opblock", has=path)
    # Swagger UI wraps the path in a deep link (#/...); its own control button opens the
    # operation without a navigation for the browser to wait on.
    operation.locator("button.opblock-summary-control").click()
    operation.get_by_role("button", name="Try it out").click()
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/test-connection") else None)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/test-connection")) as info:
        operation.get_by_role("button", name="Execute").click()
    assert info.value.status == 429, info.value.text()  # stopped above, not a 400
    assert reached
    body = json.loads(sent[0].post_data or "{}")
    assert body["properties"]["typeProperties"]
    assert_fits_phone(page, "API docs")
    back = page.get_by_role("link", name="← Back to the Linkwright portal")
    expect(back).to_have_attribute("href", "/")
    page.goto(back.get_attribute("href") or "")  # Swagger UI opens it in a new tab
    expect(page.locator("#resources-table")).to_be_visible()

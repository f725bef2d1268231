"""An Editor creates a Spark linked service in a real browser, from sign-in to the list.

Also takes the screenshots in docs/screenshots/ (gallery, form with a field error, list).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import ConsoleMessage, Page, Response, expect
from playwright.sync_api import Error as PlaywrightError

from portal.models import Resource, unseal
from tests.browser.conftest import assert_fits_phone

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(
    os.environ.get(
        "LINKWRIGHT_SCREENSHOT_DIR",
        Path(__file__).resolve().parents[2] / "docs" / "screenshots",
    )
)

NAME = "SparkFromBrowser"
HOST = "spark-browser.example.com"
SPARK_USER = "sparkuser"
SPARK_PASSWORD = "Br0wser-Secret-7d41"
PORT_ERROR = "Enter a whole number from 1 to 65535"

HTMX_IDLE = (
    "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
)


def wait_htmx_idle(page: Page) -> None:
    page.wait_for_function(HTMX_IDLE)


def field(page: Page, name: str) -> Any:
    """A connection field's block: its label, input, help and errors."""
    return page.locator(f'#form_fields .field[data-field="{name}"]')


def shoot(page: Page, filename: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / filename), animations="disabled", caret="hide")


def is_fields_refresh(response: Response) -> bool:
    request = response.request
    return request.method == "POST" and request.headers.get("hx-target") == "form_fields"


def test_editor_creates_spark_linked_service(
    page: Page, live_server: Any, editor_login: dict[str, str]
) -> None:
    html: list[tuple[str, str]] = []  # (where, HTML) of every page and fragment served

    def keep_html(response: Response) -> None:
        if "text/html" not in response.headers.get("content-type", ""):
            return
        if 300 <= response.status < 400:
            return  # a redirect has no body
        try:
            html.append((response.url, response.text()))
        except PlaywrightError:  # a request cut short by leaving the page: nothing was shown
            html.append((response.url + " (unread)", ""))

    def keep_page() -> None:
        html.append((page.url + " (DOM)", page.content()))

    page.on("response", keep_html)
    js_errors: list[str] = []

    def keep_console_error(message: ConsoleMessage) -> None:
        # "Failed to load resource" is logged for the form's 400.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            js_errors.append(message.text)

    page.on("console", keep_console_error)
    page.on("pageerror", lambda error: js_errors.append(str(error)))

    # Sign in through the login page.
    page.goto("/factories/default/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("User name").fill(editor_login["username"])
    page.get_by_label("Password").fill(editor_login["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/factories/default/(\?kind=linkedService)?$"))
    expect(page.locator("#resources-table")).to_be_visible()
    keep_page()

    # The connector gallery, searched without leaving the page.
    page.get_by_role("link", name="+ New").click()
    expect(page).to_have_url(f"{live_server.url}/factories/default/new/")
    expect(page.get_by_role("heading", name="New linked service")).to_be_visible()
    expect(page.locator("#gallery .connector-card").first).to_be_visible()
    page.evaluate("window.__sameDocument = 'gallery'")
    search = page.get_by_role("searchbox", name="Search connectors")
    with page.expect_response(
        lambda r: (
            urlparse(r.url).path == "/factories/default/new/"
            and parse_qs(urlparse(r.url).query).get("q") == ["spark"]
        )
    ) as searched:
        search.press_sequentially("spark")
    assert searched.value.ok
    wait_htmx_idle(page)
    assert page.evaluate("window.__sameDocument") == "gallery"
    spark_card = page.locator('#gallery .connector-card[data-connector="Spark"]')
    expect(spark_card).to_be_visible()
    expect(spark_card).to_contain_text("Spark Thrift Server")
    keep_page()
    shoot(page, "gallery.png")

    # The Spark form, version 2.0 by default.
    spark_card.click()
    expect(page).to_have_url(f"{live_server.url}/factories/default/new/linkedService/Spark/")
    expect(page.get_by_role("heading", name="New linked service (Spark)")).to_be_visible()
    expect(page.locator("#id_version")).to_have_value("2.0")
    page.locator("#id_name").fill(NAME)
    field(page, "host").locator("input").fill(HOST)
    field(page, "port").locator("input").fill("443")

    # The live code view follows what was typed.
    code = page.locator("#code_view")
    expect(code).to_contain_text(f'"host": "{HOST}"')
    expect(code).to_contain_text('"port": 443')
    expect(code).to_contain_text(f'"name": "{NAME}"')

    # Authentication type re-renders the fields in place: no page load.
    page.evaluate("window.__sameDocument = 'form'")
    auth = field(page, "authenticationType").locator("select")
    with page.expect_response(is_fields_refresh):
        auth.select_option("Anonymous")
    wait_htmx_idle(page)
    expect(field(page, "username")).to_have_count(0)
    expect(field(page, "password")).to_have_count(0)
    expect(code).to_contain_text('"authenticationType": "Anonymous"')

    with page.expect_response(is_fields_refresh):
        auth.select_option("UsernameAndPassword")
    wait_htmx_idle(page)
    expect(field(page, "username")).to_be_visible()
    expect(field(page, "username").locator("label")).to_contain_text("User name")
    expect(field(page, "password")).to_be_visible()
    expect(field(page, "password")).to_contain_text("Password")
    assert page.evaluate("window.__sameDocument") == "form", "the page was reloaded"
    # What was typed before survived the re-render.
    expect(page.locator("#id_name")).to_have_value(NAME)
    expect(field(page, "host").locator("input")).to_have_value(HOST)
    expect(field(page, "port").locator("input")).to_have_value("443")
    expect(page.locator("#id_version")).to_have_value("2.0")
    keep_page()

    field(page, "username").locator("input").fill(SPARK_USER)
    password = page.locator("#id_tp-password")
    password.fill(SPARK_PASSWORD)
    field(page, "port").locator("input").fill("70000")
    expect(code).to_contain_text('"port": 70000')
    expect(code).to_contain_text(f'"username": "{SPARK_USER}"')
    keep_page()

    # Create with a bad port: the error shows next to the port, nothing is saved.
    page.get_by_role("button", name="Create").click()
    port_error = field(page, "port").locator("p.error")
    expect(port_error).to_contain_text(PORT_ERROR)
    expect(field(page, "port")).to_have_class(re.compile(r"\binvalid\b"))
    expect(field(page, "port").locator("input")).to_have_attribute("aria-invalid", "true")
    expect(field(page, "port").locator("input")).to_have_value("70000")
    expect(page.locator("#form_fields p.error")).to_have_count(1)
    expect(page.locator("#id_name")).to_have_value(NAME)
    expect(field(page, "username").locator("input")).to_have_value(SPARK_USER)
    # The password is not sent back to the browser, so it is typed again.
    expect(password).to_have_value("")
    assert not Resource.objects.filter(name=NAME).exists()
    keep_page()
    shoot(page, "form.png")
    assert_fits_phone(page, "the form with a field error")

    # Fix the port and create.
    field(page, "port").locator("input").fill("443")
    password.fill(SPARK_PASSWORD)
    expect(code).to_contain_text('"port": 443')
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/factories/default/linkedService/[^/]+/$"))
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(f"Linked service '{NAME}' created.")
    expect(page.locator("#code_view")).to_contain_text(f'"host": "{HOST}"')
    expect(page.locator("#code_view")).to_contain_text('"port": 443')
    keep_page()

    # The list shows it.
    page.locator("header nav").get_by_role("link", name="Resources").click()
    expect(page).to_have_url(re.compile(r"/factories/default/(\?kind=linkedService)?$"))
    row = page.locator("#resources-table tbody tr", has=page.get_by_role("link", name=NAME))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Spark")
    expect(row).to_contain_text("2.0")
    expect(row).to_contain_text(editor_login["username"])
    keep_page()
    shoot(page, "list.png")
    assert_fits_phone(page, "the list")

    # Stored encrypted, with the password that was typed the second time.
    service = Resource.objects.get(name=NAME)
    assert SPARK_PASSWORD not in service.definition
    tp = unseal(service.properties)["typeProperties"]
    assert tp["password"] == {"type": "SecureString", "value": SPARK_PASSWORD}
    assert (tp["host"], tp["port"], tp["username"]) == (HOST, 443, SPARK_USER)

    assert not js_errors

    # No page or fragment ever held the password.
    assert len(html) > 10
    leaked = [where for where, text in html if SPARK_PASSWORD in text]
    assert not leaked, f"the password appears in {leaked}"

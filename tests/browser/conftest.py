"""Browser tests: Debian's chromium, driven by Playwright's sync API, against a live server.

Never ``playwright install``: the tests use the distribution's ``/usr/bin/chromium``
(``bash scripts/setup.sh --test`` installs it) and are skipped when it is missing.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixture_secrets import BROWSER_LOGIN_PASSWORD

# Playwright's sync API keeps an asyncio loop running in this thread; without this, Django
# refuses ORM calls from fixtures and tests ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Elements wider than the viewport, for the failure message; scrollWidth > innerWidth
# is the verdict.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && !el.closest('table, pre, .tabs')) {
      const cls = typeof el.className === 'string' ? el.className.trim() : '';
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (cls ? '.' + cls.replace(/ +/g, '.') : '') + ' right=' + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: width, wide: wide.slice(0, 8)};
}"""
TIMEOUT_MS = 15_000
REPO = Path(__file__).resolve().parents[2]
FAILURES = REPO / "test-results" / "browser"

EDITOR_USERNAME = "edna"
EDITOR_PASSWORD = BROWSER_LOGIN_PASSWORD

_FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("LINKWRIGHT_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"{CHROMIUM} not found, and the test command requires it")
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not found: install Debian's chromium (bash scripts/setup.sh --test)"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's live server, bound to the loopback interface only (any free port)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(request.config.getvalue("liveserver") or "127.0.0.1")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _isolated_secret_keys(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Secrets saved through the browser are encrypted with a throwaway key."""
    monkeypatch.delenv("LINKWRIGHT_SECRET_KEYS", raising=False)
    settings.SECRET_KEYS_FILE = tmp_path / "secret-keys"


@pytest.fixture
def editor_user(transactional_db: None, django_user_model: Any) -> Any:
    from portal.roles import Role, set_role

    user = django_user_model.objects.create_user(EDITOR_USERNAME, password=EDITOR_PASSWORD)
    set_role(user, Role.EDITOR)
    return user


@pytest.fixture
def editor_login(editor_user: Any) -> dict[str, str]:
    """What the Editor types into the sign-in page."""
    return {"username": EDITOR_USERNAME, "password": EDITOR_PASSWORD}


@pytest.fixture(scope="session")
def browser() -> Generator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Any, live_server: Any) -> Generator[Any]:
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def assert_fits_phone(page: Any, where: str = "") -> None:
    """At 390 px wide the page scrolls only vertically (wide tables and code scroll inside
    their own box). Checks the page as it is now, then restores the desktop viewport."""
    page.set_viewport_size(PHONE)
    try:
        assert_fits_phone_at(page, where or page.url)
    finally:
        page.set_viewport_size(VIEWPORT)


def assert_fits_phone_at(page: Any, where: str) -> None:
    """The phone-width check of a page already at 390 px wide."""
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] <= found["inner"], (
        f"{where} overflows at {PHONE['width']} px: scrollWidth {found['scroll']} > "
        f"innerWidth {found['inner']}; too wide: {found['wide']}"
    )


def _is_page_visit(response: Any, page: Any) -> bool:
    request = response.request
    return (
        request.resource_type == "document"
        and request.method == "GET"
        and request.frame == page.main_frame
        and response.status == 200
        and "text/html" in response.headers.get("content-type", "")
    )


@pytest.fixture
def page(context: Any, request: pytest.FixtureRequest) -> Generator[Any]:
    """A browser page; every page it visits (GET) is checked again at 390 px wide at the end."""
    page = context.new_page()
    visited: list[str] = []

    def keep_visit(response: Any) -> None:
        if _is_page_visit(response, page) and response.url not in visited:
            visited.append(response.url)

    page.on("response", keep_visit)
    yield page
    failed = request.node.stash.get(_FAILED, False)
    if not failed:
        phone = context.new_page()
        try:
            for url in visited:
                phone.set_viewport_size(PHONE)
                phone.goto(url)
                assert_fits_phone_at(phone, url)
        finally:
            phone.close()
    if failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        stem = request.node.name.replace("/", "_")
        page.screenshot(path=str(FAILURES / f"{stem}.png"), full_page=True)
        (FAILURES / f"{stem}.html").write_text(page.content(), encoding="utf-8")

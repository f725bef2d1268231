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
TIMEOUT_MS = 15_000
REPO = Path(__file__).resolve().parents[2]
FAILURES = REPO / "test-results" / "browser"

EDITOR_USERNAME = "edna"
EDITOR_PASSWORD = "browser-test-login-9c2e"

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


@pytest.fixture
def page(context: Any, request: pytest.FixtureRequest) -> Generator[Any]:
    page = context.new_page()
    yield page
    if request.node.stash.get(_FAILED, False):
        FAILURES.mkdir(parents=True, exist_ok=True)
        stem = request.node.name.replace("/", "_")
        page.screenshot(path=str(FAILURES / f"{stem}.png"), full_page=True)
        (FAILURES / f"{stem}.html").write_text(page.content(), encoding="utf-8")

"""Against a real Spark Thrift Server, in a factory made with the CLI: a v1.0 Spark linked
service whose password ADF holds (``encryptedCredential``) is tested from its page with a
one-off password, cloned, and upgraded; the wizard's Test step tests the proposed 2.0
settings with a one-off password and shows the verdict (it asks again until the test is
done)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.definitions import save_definition
from portal.models import Factory, Resource
from tests.browser.conftest import assert_fits_phone
from tests.helpers import url_of
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

pytestmark = [pytest.mark.browser, pytest.mark.spark("http-custom")]


CREDENTIAL = "ZXhhbXBsZS1vbmx5LWNyZWRlbnRpYWw="


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 20.0


@pytest.mark.parametrize("width", [1280, 390])
def test_the_wizards_test_step_shows_the_verdict_of_a_one_off_password(
    page: Page,
    live_server: Any,
    editor_login: dict[str, str],
    editor_user: Any,
    spark_pool: ServerPool,
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    call_command(
        "factory", "create", "rw1", "--user", editor_login["username"], stdout=io.StringIO()
    )
    factory = Factory.objects.get(name="rw1")
    port = spark_pool.get("http-custom").port
    service = save_definition(
        user=editor_user,
        factory=factory,
        name="LegacyHttp",
        action="create",
        properties={
            "type": "Spark",
            "typeProperties": {
                "host": "127.0.0.1",
                "port": port,
                "httpPath": "cliservice",
                "thriftTransportProtocol": "HTTP",
                "authenticationType": "UsernameAndPassword",
                "username": CUSTOM_USER,
                "encryptedCredential": CREDENTIAL,
            },
        },
    ).resource
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill(editor_login["username"])
    page.get_by_label("Password").fill(editor_login["password"])
    page.get_by_role("button", name="Sign in").click()

    # On its page: a test with a one-off password (ADF holds the stored one), then a clone.
    page.goto(live_server.url + url_of(service))
    options = page.locator("#test_options")
    expect(options).to_have_attribute("open", "")
    options.get_by_label(re.compile("^Password for this test")).fill(CUSTOM_PASSWORD)
    page.locator("#test-connection").click()
    expect(page.locator("#test_result")).to_contain_text("connection successful", timeout=60_000)
    page.get_by_role("link", name="Clone").click()
    expect(page.locator("#id_name")).to_have_value("LegacyHttp_copy")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/factories/rw1/linkedService/LegacyHttp_copy/$"))
    clone = Resource.objects.get(factory=factory, name="LegacyHttp_copy")
    assert clone.properties["typeProperties"]["encryptedCredential"] == CREDENTIAL

    page.goto(live_server.url + url_of(service, "upgrade"))
    expect(page).to_have_url(re.compile(r"/factories/rw1/linkedService/LegacyHttp/upgrade/$"))
    step = page.locator("section.step")
    for _ in range(6):
        if step.get_attribute("data-step") == "test":
            break
        page.get_by_role("button", name="Next").click()
    expect(step).to_have_attribute("data-step", "test")

    page.get_by_label(re.compile("^Password for this test")).fill(CUSTOM_PASSWORD)
    page.get_by_role("button", name="Test connection").click()
    result = page.locator("#test_result")
    expect(result).to_contain_text("connection successful", timeout=60_000)
    expect(result.locator('li.stage-passed[data-stage="SELECT 1"]')).to_be_visible()
    expect(step).to_have_attribute("data-step", "test")
    assert CUSTOM_PASSWORD not in page.content()
    if width == 390:
        assert_fits_phone(page, "the wizard's Test step with its verdict")

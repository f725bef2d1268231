"""The upgrade wizard in a real browser: a v1.0 SASL/Username definition, every step to
commit, then one click rolls it back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import save_definition
from portal.models import Resource
from tests.helpers import url_of

pytestmark = pytest.mark.browser

V1_SASL_USERNAME = {
    "description": "Nightly extracts",
    "annotations": ["legacy"],
    "type": "Spark",
    "typeProperties": {
        "host": "spark.internal",
        "port": 10000,
        "thriftTransportProtocol": "SASL",
        "authenticationType": "Username",
        "username": "etl",
    },
}
TYPED_PASSWORD = "wizard-Typed-Secret-42"


def test_wizard_from_v1_sasl_username_to_commit_then_roll_back(
    page: Page, live_server: Any, editor_login: dict[str, str], editor_user: Any
) -> None:
    service = save_definition(
        user=editor_user, name="LegacySasl", properties=V1_SASL_USERNAME, action="create"
    ).resource
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill(editor_login["username"])
    page.get_by_label("Password").fill(editor_login["password"])
    page.get_by_role("button", name="Sign in").click()

    # The list marks it and offers the upgrade.
    row = page.locator("#resources-table tr", has_text="LegacySasl")
    expect(row).to_contain_text("past end of support")
    row.get_by_role("link", name="Upgrade").click()
    expect(page).to_have_url(re.compile(re.escape(url_of(service, "upgrade")) + "$"))

    step = page.locator("section.step")
    # 1. Analyse: one line per difference that applies.
    expect(step).to_have_attribute("data-step", "analyse")
    for rule in ("version", "transport", "username-auth", "enable-ssl-default"):
        expect(step.locator(f'tr[data-rule="{rule}"]').first).to_be_visible()
    expect(step).to_contain_text("HTTP mode")
    page.get_by_role("button", name="Next").click()

    # 2. Data types.
    expect(step).to_have_attribute("data-step", "types")
    expect(step).to_contain_text("DateTimeOffset")
    page.get_by_role("button", name="Next").click()

    # 3. Decide: exactly this definition's decisions; the password only once it is needed.
    expect(step).to_have_attribute("data-step", "decide")
    expect(page.locator("#id_d-port")).to_have_value("10001")
    expect(page.locator("#id_d-httpPath")).to_have_value("cliservice")
    page.locator("#id_d-authenticationType").select_option("UsernameAndPassword")
    page.get_by_role("button", name="Apply answers").click()
    page.locator("#id_d-password").fill(TYPED_PASSWORD)
    page.get_by_role("button", name="Next").click()

    # 4. Preview: side by side, valid against 2.0.
    expect(step).to_have_attribute("data-step", "preview")
    expect(step).to_contain_text("validates against the version 2.0 schema")
    expect(page.locator("#code-before")).not_to_contain_text('"version"')
    expect(page.locator("#code-after")).to_contain_text('"version": "2.0"')
    expect(page.locator("#code-after")).to_contain_text('"thriftTransportProtocol": "HTTP"')
    from tests.browser.test_new_linked_service import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "upgrade-preview.png"), full_page=True)
    page.get_by_role("button", name="Next").click()

    # 5. Test (the button is there; no server listens at spark.internal, so skip pressing).
    expect(step).to_have_attribute("data-step", "test")
    expect(page.get_by_role("button", name="Test connection")).to_be_visible()
    page.get_by_role("button", name="Next").click()

    # 6. Commit.
    expect(step).to_have_attribute("data-step", "commit")
    expect(step).to_contain_text("thriftTransportProtocol")
    assert TYPED_PASSWORD not in page.content()
    page.get_by_role("button", name="Upgrade to 2.0").click()
    expect(page.locator(".messages")).to_contain_text("upgraded to version 2.0 as revision 2")
    service.refresh_from_db()
    assert service.connector_version == "2.0"

    # One click rolls back to the 1.0 revision.
    page.get_by_role("button", name="Roll back the upgrade").click()
    expect(page.locator(".messages")).to_contain_text("Revision 1 restored as revision 3")
    service = Resource.objects.get(pk=service.pk)
    assert service.connector_version == "1.0"
    assert service.properties["typeProperties"] == V1_SASL_USERNAME["typeProperties"]
    assert TYPED_PASSWORD not in page.content()

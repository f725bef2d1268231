"""A Hive 1.0 linked service whose password ADF holds (``encryptedCredential``), imported as
ADF writes it and pointing at a real Spark Thrift Server acting as HiveServer2: tested from
its page with a one-off password, upgraded to 2.0 through the wizard, and a HiveObject
dataset on it previews rows with a one-off password; desktop and 390 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import save_definition
from portal.models import AuditEvent, Resource
from tests.browser.conftest import assert_fits_phone
from tests.browser.test_connection_button import sign_in
from tests.helpers import url_of
from tests.spark_catalog import ensure_catalog
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool
from tests.test_encrypted_credential_portal import CREDENTIAL

MODE = "binary-sasl-custom"
pytestmark = [pytest.mark.browser, pytest.mark.spark(MODE)]


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 30.0


def hive_1_encrypted(port: int) -> dict[str, Any]:
    """A Hive 1.0 definition as ADF Studio writes it with the password encrypted."""
    return {
        "annotations": [],
        "type": "Hive",
        "typeProperties": {
            "host": "127.0.0.1",
            "port": port,
            "serverType": "HiveServer2",
            "thriftTransportProtocol": "SASL",
            "authenticationType": "UsernameAndPassword",
            "username": CUSTOM_USER,
            "encryptedCredential": CREDENTIAL,
        },
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_a_hive_1_encrypted_service_is_tested_upgraded_to_2_and_a_dataset_on_it_previews(
    page: Page,
    live_server: Any,
    editor_login: dict[str, str],
    editor_user: Any,
    spark_pool: ServerPool,
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    server = spark_pool.get(MODE)
    ensure_catalog(server)
    service = save_definition(
        user=editor_user,
        name="HiveLegacy",
        properties=hive_1_encrypted(server.port),
        action="import",
    ).resource
    assert service.connector == "Hive" and service.connector_version == "1.0"
    sign_in(page, live_server, editor_login)

    # 1. On its page: ADF holds the password, so the test asks for it once.
    page.goto(live_server.url + url_of(service))
    options = page.locator("#test_options")
    expect(options).to_have_attribute("open", "")
    options.get_by_label(re.compile("^Password for this test")).fill(CUSTOM_PASSWORD)
    page.locator("#test-connection").click()
    result = page.locator("#test_result")
    expect(result).to_contain_text("connection successful", timeout=60_000)
    expect(result.locator('li.stage-passed[data-stage="SELECT 1"]')).to_be_visible()
    assert CUSTOM_PASSWORD not in page.content()
    if width == 390:
        assert_fits_phone(page, "a Hive 1.0 service tested with a one-off password")

    # 2. The wizard, step by step, to 2.0; its Test step asks for the password again.
    page.goto(live_server.url + url_of(service, "upgrade"))
    step = page.locator("section.step")
    expect(step).to_have_attribute("data-step", "analyse")
    expect(step.locator('tr[data-rule="version"]').first).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(step).to_have_attribute("data-step", "types")
    expect(step).to_contain_text("TIMESTAMP")
    for _ in range(4):
        if step.get_attribute("data-step") == "test":
            break
        page.get_by_role("button", name="Next").click()
    expect(step).to_have_attribute("data-step", "test")
    page.get_by_label(re.compile("^Password for this test")).fill(CUSTOM_PASSWORD)
    page.get_by_role("button", name="Test connection").click()
    result = page.locator("#test_result")
    expect(result).to_contain_text("connection successful", timeout=60_000)
    expect(step).to_have_attribute("data-step", "test")
    if width == 390:
        assert_fits_phone(page, "the Hive wizard's Test step with its verdict")
    page.get_by_role("button", name="Next").click()
    expect(step).to_have_attribute("data-step", "commit")
    page.get_by_role("button", name="Upgrade to 2.0").click()
    expect(page.locator(".messages")).to_contain_text("upgraded to version 2.0 as revision 2")
    service.refresh_from_db()
    assert service.connector_version == "2.0"
    tp = service.properties["typeProperties"]
    assert tp["encryptedCredential"] == CREDENTIAL, "ADF's encrypted password is kept"
    assert tp["thriftTransportProtocol"] == "SASL" and tp["enableSsl"] is False

    # 3. A HiveObject dataset on it: Preview data with a one-off password for the call.
    page.goto(f"{live_server.url}/factories/default/new/dataset/HiveObject/")
    page.get_by_label("Name", exact=True).fill("HiveAllTypes")
    page.get_by_label("Linked service").select_option("HiveLegacy")
    values = page.locator(f"#call_values_{service.pk}")
    expect(values).to_be_visible()
    page.locator("#id_tp-schema").fill("sales")
    page.locator("#id_tp-table").fill("all_types")
    values.get_by_label(re.compile("for this call")).fill(CUSTOM_PASSWORD)
    page.get_by_role("button", name="Preview data").click()
    preview = page.locator("#preview_rows")
    expect(preview).to_contain_text("héllo", timeout=60_000)
    expect(page.locator("#live_preview")).to_contain_text("connector version 2.0")
    assert CUSTOM_PASSWORD not in page.content()
    if width == 390:
        assert_fits_phone(page, "a HiveObject dataset's preview")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("HiveAllTypes")
    dataset = Resource.objects.get(kind="dataset", name="HiveAllTypes")
    assert dataset.properties["type"] == "HiveObject"
    assert dataset.properties["typeProperties"] == {"schema": "sales", "table": "all_types"}
    assert "sales.all_types" in AuditEvent.objects.get(action=AuditEvent.Action.PREVIEW).detail

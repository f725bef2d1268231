"""What the user typed in the editor is kept, and errors lead back to it (issue 10)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.models import Resource, SecretValue
from tests.browser.conftest import assert_fits_phone
from tests.browser.test_keyboard import sign_in
from tests.browser.test_new_linked_service import field, is_fields_refresh, wait_htmx_idle
from tests.helpers import NEW_SPARK, url_of

pytestmark = pytest.mark.browser

PARAM_SECRET = "Param-Browser-Secret-3c9"


def fill_v2_basics(page: Page, name: str) -> None:
    page.locator("#id_name").fill(name)
    field(page, "host").locator("input").fill("spark.example.com")
    field(page, "port").locator("input").fill("443")
    field(page, "httpPath").locator("input").fill("cliservice")
    with page.expect_response(is_fields_refresh):
        field(page, "authenticationType").locator("select").select_option("Anonymous")
    wait_htmx_idle(page)


def test_a_secure_string_default_typed_before_a_refresh_is_hidden_kept_and_stored_encrypted(
    page: Page, live_server: Any, editor_login: dict[str, str]
) -> None:
    sign_in(page, editor_login)
    page.goto(NEW_SPARK)
    fill_v2_basics(page, "SparkSecureParam")
    page.locator('input[name="param-0-name"]').fill("token")
    default = page.locator('input[name="param-0-default"]')
    default.fill(PARAM_SECRET)
    page.locator('select[name="param-0-type"]').select_option("SecureString")
    expect(default).to_have_attribute("type", "password")
    # A refresh of the field block (another parameter row) keeps what was typed.
    with page.expect_response(is_fields_refresh):
        page.get_by_role("button", name="+ Add parameter").click()
    wait_htmx_idle(page)
    expect(page.locator('input[name="param-1-name"]')).to_be_visible()
    expect(page.locator('input[name="param-0-default"]')).to_have_value(PARAM_SECRET)
    assert PARAM_SECRET not in page.locator("#code_view").inner_text()
    assert_fits_phone(page, "editor with a secure parameter")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/factories/default/linkedService/[^/]+/$"))
    service = Resource.objects.get(name="SparkSecureParam")
    stored = service.properties["parameters"]["token"]["defaultValue"]
    assert stored["type"] == "SecureString" and "secretId" in stored
    assert SecretValue.objects.filter(pk=stored["secretId"]).exists()
    assert PARAM_SECRET not in page.content()
    page.goto(url_of(service, "edit"))
    expect(page.locator('input[name="param-0-default"]')).to_have_attribute(
        "placeholder", "Stored — leave empty to keep it"
    )


def test_after_a_failed_save_focus_is_on_the_error_summary_whose_links_reach_the_fields(
    page: Page, live_server: Any, editor_login: dict[str, str]
) -> None:
    sign_in(page, editor_login)
    page.goto(NEW_SPARK)
    fill_v2_basics(page, "-dash")
    field(page, "port").locator("input").fill("not a port")
    page.get_by_role("button", name="Create").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("A name starts with a letter, digit or underscore.")
    expect(page.locator("#form_fields .error", has_text="A name")).to_have_count(1)
    summary.get_by_role("link", name="Port").click()
    expect(field(page, "port").locator("input")).to_be_focused()
    summary.get_by_role("link", name="Name").click()
    expect(page.locator("#id_name")).to_be_focused()
    assert_fits_phone(page, "editor after a failed save")


def test_switching_version_asks_again_shows_new_fields_at_once_and_says_what_went(
    page: Page, live_server: Any, editor_login: dict[str, str]
) -> None:
    sign_in(page, editor_login)
    page.goto("/factories/default/new/linkedService/Spark/?version=1.0")
    page.locator("#id_name").fill("Switcher")
    field(page, "host").locator("input").fill("spark.example.com")
    field(page, "port").locator("input").fill("10000")
    with page.expect_response(is_fields_refresh):
        field(page, "thriftTransportProtocol").locator("select").select_option("Binary")
    wait_htmx_idle(page)
    with page.expect_response(is_fields_refresh):
        field(page, "authenticationType").locator("select").select_option("Username")
    wait_htmx_idle(page)
    field(page, "username").locator("input").fill("etl")
    with page.expect_response(is_fields_refresh):
        page.locator("#id_version").select_option("2.0")
    wait_htmx_idle(page)
    auth = field(page, "authenticationType").locator("select")
    expect(auth).to_have_value("")
    expect(auth.locator("option:checked")).to_have_text("Select…")
    expect(field(page, "httpPath").locator("input")).to_be_visible()
    notice = page.locator("#removed_notice")
    expect(notice).to_contain_text("Authentication type (Username)")
    expect(notice).to_contain_text("User name (etl)")
    expect(notice).to_contain_text("Thrift transport protocol (Binary)")
    assert_fits_phone(page, "editor after a version switch")


def test_stored_values_the_form_hides_are_shown_apart_and_survive_a_save(
    page: Page, live_server: Any, editor_login: dict[str, str], editor_user: Any
) -> None:
    from portal.definitions import save_definition
    from tests.test_editor_input_kept import HIDDEN_HOLDER

    service = save_definition(
        user=editor_user, name="HiddenHolder", properties=HIDDEN_HOLDER, action="create"
    ).resource
    sign_in(page, editor_login)
    page.goto(url_of(service, "edit"))
    kept = page.locator("#kept_fields")
    expect(kept).to_contain_text("do not apply")
    expect(field(page, "username").locator("input")).to_have_value("etl")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(re.escape(url_of(service)) + "$"))
    service.refresh_from_db()
    assert service.properties["typeProperties"] == HIDDEN_HOLDER["typeProperties"]


def test_cloning_carries_the_secret_unseen_into_a_new_linked_service(
    page: Page, live_server: Any, editor_login: dict[str, str], editor_user: Any
) -> None:
    from portal.definitions import save_definition
    from tests.conftest import SECRET, SPARK_V2

    source = save_definition(
        user=editor_user, name="CloneSource", properties=SPARK_V2, action="create"
    ).resource
    sign_in(page, editor_login)
    page.goto(url_of(source))
    page.get_by_role("link", name="Clone").click()
    expect(page.locator("#id_name")).to_have_value("CloneSource_copy")
    password = field(page, "password").locator('input[type="password"]')
    expect(password).to_have_attribute(
        "placeholder", "Carried over from CloneSource — leave empty to keep it"
    )
    assert SECRET not in page.content()
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/factories/default/linkedService/[^/]+/$"))
    clone = Resource.objects.get(name="CloneSource_copy")
    assert clone.pk != source.pk
    assert (
        clone.properties["typeProperties"]["password"]
        == (source.properties["typeProperties"]["password"])
    )


def test_pasting_a_jdbc_string_fills_the_form(
    page: Page, live_server: Any, editor_login: dict[str, str]
) -> None:
    sign_in(page, editor_login)
    page.goto(NEW_SPARK)
    page.locator("#id_paste_url").fill(
        "jdbc:hive2://spark.example.com:10001/sales;transportMode=http;httpPath=cliservice;ssl=true"
    )
    with page.expect_response(is_fields_refresh):
        page.get_by_role("button", name="Fill the form").click()
    wait_htmx_idle(page)
    expect(field(page, "host").locator("input")).to_have_value("spark.example.com")
    expect(field(page, "port").locator("input")).to_have_value("10001")
    expect(field(page, "httpPath").locator("input")).to_have_value("cliservice")
    expect(field(page, "enableSsl").locator("select")).to_have_value("true")
    expect(page.locator("#paste_notes")).to_contain_text("Database 'sales'")
    expect(page.locator("#id_paste_url")).to_have_value("")
    expect(page.locator("#code_view")).to_contain_text('"host": "spark.example.com"')
    assert_fits_phone(page, "editor after pasting a JDBC string")

"""Values for this call in a real browser (issue 19, points 4 and 7), at desktop and 390 px
wide, in a factory created with the CLI (not ``default``), against real Spark Thrift
Servers: a dataset on a linked service whose password ADF holds encrypted
(``encryptedCredential``) browsed, its schema imported and its data previewed with a
one-off password typed in "Values for this call"; a dataset on a parameterised linked
service read with parameter values; a Copy activity's query checked with a pipeline
parameter's value. Nothing typed is stored while "Keep these values for this browser
session" is off; a kept value is used, never shown back, and gone after sign-out.

Point 7: the linked service form's "Values for this test" follow the parameters as they
are edited (defaults prefilled, a typed value kept), and Enter in a text field submits the
form (Create), never "+ Add parameter"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import BrowserContext, Page, Response, expect

from portal.models import Factory, Resource
from tests.browser.conftest import PHONE, VIEWPORT, assert_fits_phone, assert_fits_phone_at
from tests.browser.test_new_linked_service import field, wait_htmx_idle
from tests.spark_catalog import ensure_catalog
from tests.spark_server import CUSTOM_PASSWORD, ServerPool
from tests.test_call_values import (
    FACTORY,
    make_rw1,
    nothing_kept_anywhere,
    parameterised,
    save_in,
    seed_encrypted,
    spark_dataset,
)

SASL = "binary-sasl-custom"
ANONYMOUS = "binary-nosasl"
pytestmark = pytest.mark.browser
HELD = "held encrypted by Data Factory"


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 60.0


@pytest.fixture
def rw1(editor_user: Any) -> Factory:
    return make_rw1(editor_user)


@pytest.fixture(params=[VIEWPORT, PHONE], ids=["desktop", "phone"])
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return dict(request.param)


@pytest.fixture
def signed_in(page: Page, editor_login: dict[str, str], viewport: dict[str, int]) -> Page:
    """The Editor's page, at the test's width, signed in."""
    page.set_viewport_size(viewport)
    sign_in(page, editor_login)
    return page


def sign_in(page: Page, login: dict[str, str]) -> None:
    """Signs in; with two factories the Editor may land on the list of factories."""
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(login["username"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/factories/"))


def kept_in_session(context: BrowserContext) -> dict[str, Any]:
    """What the browser's session keeps for calls (``call-values-<id>``: encrypted)."""
    key = next(c["value"] for c in context.cookies() if c["name"] == "sessionid")
    decoded = Session.objects.get(session_key=key).get_decoded()
    return {k: v for k, v in decoded.items() if k.startswith("call-values-")}


def fits(page: Page, viewport: dict[str, int], where: str) -> None:
    if viewport == PHONE:
        assert_fits_phone_at(page, where)


def is_test_values_refresh(response: Response) -> bool:
    return response.request.headers.get("hx-target") == "test_values_block"


def dataset_url(name: str, what: str = "edit") -> str:
    return f"/factories/{FACTORY}/dataset/{name}/{what}/"


@pytest.fixture
def encrypted_service(spark_pool: ServerPool, editor_user: Any, rw1: Factory) -> Resource:
    return seed_encrypted(spark_pool, editor_user, rw1)


@pytest.mark.spark(SASL)
def test_a_one_off_password_typed_in_the_panel_browses_imports_and_previews_and_is_not_kept(
    signed_in: Page, context: BrowserContext, encrypted_service: Resource, viewport: dict[str, int]
) -> None:
    page = signed_in
    page.goto(f"/factories/{FACTORY}/new/dataset/SparkObject/")
    page.get_by_label("Name", exact=True).fill("AllTypes")
    page.get_by_label("Linked service").select_option("Encrypted")
    panel = page.locator(f"#call_values_{encrypted_service.pk}")
    expect(panel).to_contain_text("Values for this call")
    keep = panel.get_by_label("Keep these values for this browser session")
    expect(keep).not_to_be_checked()
    page.locator("#id_tp-schema").fill("sales")
    tables = page.locator("#live_tables")

    # Without the password the page says why nothing was sent.
    page.get_by_role("button", name="Browse tables").click()
    expect(tables).to_contain_text(HELD)
    password = panel.get_by_label("Password for this call")
    password.fill(CUSTOM_PASSWORD)
    # Enter in the password field browses the tables; it never saves the form.
    password.press("Enter")
    expect(tables.get_by_role("button", name="all_types", exact=True)).to_be_visible()
    expect(tables).to_contain_text("v_types")
    fits(page, viewport, "dataset form with the values panel and the tables")
    tables.get_by_role("button", name="all_types", exact=True).click()
    expect(page.locator("#id_tp-table")).to_have_value("all_types")

    page.get_by_role("button", name="Import schema").click()
    columns = page.locator("#imported_columns")
    expect(columns).to_contain_text("c_ts")
    expect(columns).to_contain_text("TimestampType")
    expect(columns.locator("tbody tr")).to_have_count(18)
    page.get_by_role("button", name="Preview data").click()
    rows = page.locator("#preview_rows")
    expect(rows).to_contain_text("héllo")
    expect(rows.locator("thead th", has_text="c_string")).to_have_count(1)
    fits(page, viewport, "dataset form with columns and preview")
    page.screenshot(path=f"/tmp/call-values-{viewport['width']}.png", full_page=True)

    # Nothing typed is stored: not in the session, a row, or the page.
    assert kept_in_session(context) == {}
    nothing_kept_anywhere(CUSTOM_PASSWORD)
    assert CUSTOM_PASSWORD not in page.content()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(f"/factories/{FACTORY}/dataset/AllTypes/$"))

    # The next visit asks again: nothing was kept.
    page.goto(dataset_url("AllTypes"))
    expect(panel.get_by_label("Password for this call")).to_have_value("")
    expect(panel.locator(".kept-note")).to_have_count(0)
    page.get_by_role("button", name="Import schema").click()
    expect(page.locator("#live_columns")).to_contain_text(HELD)
    nothing_kept_anywhere(CUSTOM_PASSWORD)


@pytest.mark.spark(SASL)
def test_a_kept_password_is_used_never_shown_back_and_gone_after_sign_out(
    signed_in: Page,
    context: BrowserContext,
    editor_login: dict[str, str],
    encrypted_service: Resource,
    viewport: dict[str, int],
) -> None:
    page = signed_in
    page.goto(dataset_url("Types"))
    panel = page.locator(f"#call_values_{encrypted_service.pk}")
    panel.get_by_label("Password for this call").fill(CUSTOM_PASSWORD)
    panel.get_by_label("Keep these values for this browser session").check()
    page.get_by_role("button", name="Import schema").click()
    expect(page.locator("#imported_columns")).to_contain_text("c_ts")
    kept = kept_in_session(context)
    assert list(kept) == [f"call-values-{encrypted_service.pk}"]
    assert CUSTOM_PASSWORD not in str(kept)  # encrypted in the session

    # Kept: the field is empty, a note says so, the box is ticked; calls need nothing typed.
    page.goto(dataset_url("Types"))
    password = panel.get_by_label("Password for this call")
    expect(password).to_have_value("")
    expect(panel.locator(".kept-note")).to_contain_text("kept for this browser session")
    expect(panel.get_by_label("Keep these values for this browser session")).to_be_checked()
    page.get_by_role("button", name="Preview data").click()
    expect(page.locator("#preview_rows")).to_contain_text("héllo")
    fits(page, viewport, "dataset form with a kept password and the preview")
    assert CUSTOM_PASSWORD not in page.content()
    nothing_kept_anywhere(CUSTOM_PASSWORD)

    # Signed out, the session and what it kept are gone.
    old_session = next(c["value"] for c in context.cookies() if c["name"] == "sessionid")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert not Session.objects.filter(session_key=old_session).exists()
    sign_in(page, editor_login)
    assert kept_in_session(context) == {}
    page.goto(dataset_url("Types"))
    expect(panel.locator(".kept-note")).to_have_count(0)
    expect(panel.get_by_label("Keep these values for this browser session")).not_to_be_checked()
    page.get_by_role("button", name="Import schema").click()
    expect(page.locator("#live_columns")).to_contain_text(HELD)


@pytest.mark.spark(ANONYMOUS)
def test_a_dataset_on_a_parameterised_linked_service_is_read_with_the_values_typed(
    signed_in: Page,
    context: BrowserContext,
    editor_user: Any,
    rw1: Factory,
    spark_pool: ServerPool,
    viewport: dict[str, int],
) -> None:
    server = spark_pool.get(ANONYMOUS)
    ensure_catalog(server)
    service = save_in(rw1, editor_user, "linkedService", "ByParameters", parameterised())
    save_in(rw1, editor_user, "dataset", "Odd", spark_dataset("ByParameters", "odd_names"))
    page = signed_in
    page.goto(dataset_url("Odd"))
    panel = page.locator(f"#call_values_{service.pk}")
    host = panel.get_by_label("Parameter host")
    port = panel.get_by_label("Parameter port")
    expect(host).to_have_value("")
    expect(port).to_have_value("1")  # its default, prefilled
    expect(panel).to_contain_text("no default")

    # The host has no value: nothing is sent, the page names what is missing.
    page.get_by_role("button", name="Import schema").click()
    expect(page.locator("#live_columns")).to_contain_text("linkedService().host")
    host.fill("127.0.0.1")
    port.fill(str(server.port))
    page.get_by_role("button", name="Import schema").click()
    columns = page.locator("#imported_columns")
    expect(columns).to_contain_text("a b")
    expect(columns).to_contain_text("we`ird")
    page.get_by_role("button", name="Preview data").click()
    rows = page.locator("#preview_rows")
    expect(rows.locator("tbody tr")).to_have_count(1)
    expect(rows.locator("tbody td").nth(1)).to_have_text("x")
    fits(page, viewport, "dataset form with parameter values, columns and preview")
    assert kept_in_session(context) == {}
    assert str(server.port) not in str(Resource.objects.get(pk=service.pk).properties)


@pytest.mark.spark(SASL)
def test_a_copy_query_is_checked_with_a_pipeline_parameter_value_and_a_one_off_password(
    signed_in: Page, context: BrowserContext, encrypted_service: Resource, viewport: dict[str, int]
) -> None:
    page = signed_in
    page.goto(f"/factories/{FACTORY}/pipeline/Copies/activities/properties.activities.0/")
    word = page.get_by_label("pipeline().parameters.word")
    panel = page.locator(f"#call_values_{encrypted_service.pk}")
    expect(panel).to_contain_text("Values for this call")
    result = page.locator("#query_result")

    # The password ADF holds encrypted is asked for: without it, nothing is sent.
    word.fill("héllo")
    page.get_by_role("button", name="Check query").click()
    expect(result).to_have_class(re.compile(r"\bfailed\b"))
    expect(result).to_contain_text(HELD)

    panel.get_by_label("Password for this call").fill(CUSTOM_PASSWORD)
    page.get_by_role("button", name="Check query").click()
    expect(result).to_have_class(re.compile(r"\bok\b"))
    expect(result.get_by_role("heading")).to_have_text("Check: passed")
    expect(page.locator("#query_sent")).to_contain_text("c_string = 'héllo'")
    expect(word).to_have_value("héllo")  # the test value stays on the form
    # Never shown back, and not kept: the next call asks again.
    password = panel.get_by_label("Password for this call")
    expect(password).to_have_value("")
    fits(page, viewport, "activity editor with a passed check")
    password.fill(CUSTOM_PASSWORD)
    page.get_by_role("button", name="Preview data").click()
    expect(result.get_by_role("heading")).to_have_text("Preview: passed")
    expect(page.locator("#preview_rows tbody tr")).to_have_count(1)
    expect(page.locator("#preview_rows")).to_contain_text("70000")
    fits(page, viewport, "activity editor with a preview")
    assert kept_in_session(context) == {}
    nothing_kept_anywhere(CUSTOM_PASSWORD)
    assert CUSTOM_PASSWORD not in page.content()


def test_values_for_this_test_follow_the_parameters_and_enter_creates_the_linked_service(
    page: Page, context: BrowserContext, editor_login: dict[str, str], rw1: Factory
) -> None:
    sign_in(page, editor_login)
    page.goto(f"/factories/{FACTORY}/new/linkedService/Spark/")
    page.locator("#id_name").fill("Followed")
    host = field(page, "host").locator("input")
    field(page, "port").locator("input").fill("10000")
    field(page, "httpPath").locator("input").fill("cliservice")
    field(page, "authenticationType").locator("select").select_option("Anonymous")
    wait_htmx_idle(page)
    values = page.locator("#test_values_block")
    expect(values.locator("fieldset")).to_have_count(0)  # nothing asked for yet

    # A field reads a parameter not declared yet: asked for, no default.
    host.fill("@{linkedService().server}")
    server = values.get_by_label("Parameter server")
    expect(server).to_have_value("")
    expect(values).to_contain_text("no default")
    # Declared with a default: prefilled; the default edited: followed.
    page.locator("#id_param-0-name").fill("server")
    default = page.locator("#id_param-0-default")
    default.fill("127.0.0.1")
    expect(server).to_have_value("127.0.0.1")
    expect(values).not_to_contain_text("no default")
    default.fill("127.0.0.2")
    expect(server).to_have_value("127.0.0.2")
    # A value the user typed stays when the default changes.
    server.fill("127.0.0.9")
    with page.expect_response(is_test_values_refresh):
        default.fill("127.0.0.3")
    wait_htmx_idle(page)
    expect(server).to_have_value("127.0.0.9")
    # Renamed (and the field reads the new name): the field follows the new name.
    page.locator("#id_param-0-name").fill("node")
    host.fill("@{linkedService().node}")
    node = values.get_by_label("Parameter node")
    expect(node).to_have_value("127.0.0.3")
    expect(values.get_by_label("Parameter server")).to_have_count(0)
    assert_fits_phone(page, "linked service form with values for the test")
    # Removed (no field reads it): nothing asked for.
    host.fill("127.0.0.1")
    page.locator("#id_param-0-name").fill("")
    expect(values.locator("fieldset")).to_have_count(0)

    # Enter in a parameter's field creates the linked service; it adds no parameter.
    page.locator("#id_param-0-name").fill("unused")
    page.locator("#id_param-0-default").press("Enter")
    expect(page).to_have_url(re.compile(f"/factories/{FACTORY}/linkedService/Followed/$"))
    saved = Resource.objects.get(factory=rw1, kind="linkedService", name="Followed")
    assert saved.properties["parameters"] == {
        "unused": {"type": "String", "defaultValue": "127.0.0.3"}
    }

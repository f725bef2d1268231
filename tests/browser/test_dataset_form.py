"""A SparkObject dataset in a real browser, on a real Spark Thrift Server: pick the table
from the server's list, Import schema, Preview data, save; desktop and 390 px."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import save_definition
from portal.models import AuditEvent, Resource
from tests.browser.conftest import assert_fits_phone
from tests.browser.test_connection_button import sign_in
from tests.spark_catalog import ensure_catalog
from tests.spark_server import ServerPool

MODE = "binary-nosasl"
pytestmark = [pytest.mark.browser, pytest.mark.spark(MODE)]


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 30.0


def test_a_dataset_is_picked_imported_previewed_and_saved(
    page: Page,
    live_server: Any,
    editor_login: dict[str, str],
    editor_user: Any,
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get(MODE)
    ensure_catalog(server)
    save_definition(
        user=editor_user,
        name="spark1",
        properties={
            "type": "Spark",
            "typeProperties": {
                "host": "127.0.0.1",
                "port": server.port,
                "serverType": "SparkThriftServer",
                "thriftTransportProtocol": "Binary",
                "authenticationType": "Anonymous",
            },
        },
        action="create",
    )
    sign_in(page, live_server, editor_login)
    page.goto(f"{live_server.url}/factories/default/")
    page.get_by_role("link", name="+ New").click()
    page.locator('#gallery .connector-card[data-dataset-type="SparkObject"]').click()
    page.get_by_label("Name", exact=True).fill("AllTypes")
    page.get_by_label("Linked service").select_option("spark1")
    page.locator("#id_tp-schema").fill("sales")
    # Each search is a call to the server: on Enter, not per key.
    page.get_by_role("searchbox", name="Search tables").fill("typ")
    page.get_by_role("searchbox", name="Search tables").press("Enter")
    picker = page.locator("#live_tables")
    expect(picker).to_contain_text("all_types")
    expect(picker.locator("li", has_text="v_types")).to_contain_text("view")
    picker.get_by_role("button", name="all_types", exact=True).click()
    expect(page.locator("#id_tp-table")).to_have_value("all_types")

    page.get_by_role("button", name="Import schema").click()
    columns = page.locator("#imported_columns")
    expect(columns).to_contain_text("TimestampType")
    expect(columns.locator("tr", has_text="c_ts")).to_contain_text("DateTime")
    expect(columns.locator("tr", has_text="c_ym")).to_contain_text("Not supported")

    page.get_by_role("button", name="Preview data").click()
    preview = page.locator("#preview_rows")
    expect(preview).to_contain_text("héllo")
    expect(preview).to_contain_text("0xCAFE")
    expect(page.locator("#live_preview")).to_contain_text("connector version 1.0")
    assert_fits_phone(page, "dataset form with columns and preview")

    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("AllTypes")
    saved = Resource.objects.get(kind="dataset", name="AllTypes")
    assert saved.properties["typeProperties"] == {"schema": "sales", "table": "all_types"}
    schema = saved.properties["schema"]
    assert {"name": "c_dec", "type": "decimal", "precision": 10, "scale": 2} in schema
    assert len(schema) == 18
    preview_event = AuditEvent.objects.get(action=AuditEvent.Action.PREVIEW)
    assert "sales.all_types" in preview_event.detail
    assert json.dumps(schema)  # stored as plain JSON


def test_a_failing_server_shows_the_staged_diagnosis_instead_of_the_list(
    page: Page,
    live_server: Any,
    editor_login: dict[str, str],
    editor_user: Any,
    spark_pool: ServerPool,
) -> None:
    save_definition(
        user=editor_user,
        name="nowhere",
        properties={
            "type": "Spark",
            "typeProperties": {
                "host": "127.0.0.1",
                "port": 9,
                "serverType": "SparkThriftServer",
                "thriftTransportProtocol": "Binary",
                "authenticationType": "Anonymous",
            },
        },
        action="create",
    )
    save_definition(
        user=editor_user,
        name="Legacy",
        properties={
            "type": "SparkObject",
            "typeProperties": {"tableName": "sales.all_types"},
            "linkedServiceName": {"referenceName": "nowhere", "type": "LinkedServiceReference"},
        },
        action="create",
        kind="dataset",
    )
    sign_in(page, live_server, editor_login)
    page.goto(f"{live_server.url}/factories/default/dataset/Legacy/")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_role("button", name="Browse tables").click()
    failure = page.locator("#live_tables .live-failure")
    expect(failure).to_contain_text("TCP connect")
    expect(failure.locator("[data-stage='GetTables']")).to_contain_text("skipped")
    page.get_by_role("button", name="Move tableName to schema + table").click()
    expect(page.locator("#id_tp-schema")).to_have_value("sales")
    expect(page.locator("#id_tp-table")).to_have_value("all_types")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Legacy")
    moved = Resource.objects.get(kind="dataset", name="Legacy").properties["typeProperties"]
    assert moved == {"schema": "sales", "table": "all_types"}

"""An Editor opens a pipeline in a real browser, edits a Copy activity's Spark query, checks
it on a real Spark Thrift Server (the error shown with its position), fixes it, previews
it, saves, and downloads the file: outside the edited key it is the original, byte for byte.
Every page visited is checked again at 390 px wide (no horizontal overflow)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_fits_phone
from tests.browser.test_connection_button import sign_in
from tests.connectors.repository_builders import as_zip
from tests.spark_catalog import ensure_catalog, type_properties, with_password
from tests.spark_server import ServerPool

pytestmark = [pytest.mark.browser, pytest.mark.spark("http-custom")]

DATA = Path(__file__).resolve().parents[1] / "connectors" / "data" / "pipelines"
PIPELINE = "pipeline/Spark to SQL.json"


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 120.0


def repository(server: Any) -> dict[str, bytes]:
    version, tp, password = type_properties(server)
    service = {
        "name": "SparkLS",
        "type": "Microsoft.DataFactory/factories/linkedservices",
        "properties": {
            "annotations": [],
            "type": "Spark",
            "version": version,
            "typeProperties": with_password(tp, password),
        },
    }
    dataset = json.loads((DATA / "SparkSales.json").read_bytes())
    dataset["properties"]["typeProperties"] = {"schema": "sales", "table": "all_types"}
    return {
        PIPELINE: (DATA / "Spark to SQL.json").read_bytes(),
        "dataset/SparkSales.json": json.dumps(dataset, indent="\t").encode(),
        "dataset/SqlSales.json": (DATA / "SqlSales.json").read_bytes(),
        "linkedService/SparkLS.json": json.dumps(service, indent="\t").encode(),
    }


def test_an_editor_edits_checks_previews_and_saves_a_copy_query(
    page: Page,
    live_server: Any,
    editor_login: dict[str, str],
    spark_pool: ServerPool,
    tmp_path: Path,
) -> None:
    server = spark_pool.get("http-custom")
    ensure_catalog(server)
    files = repository(server)
    original = files[PIPELINE]
    sign_in(page, live_server, editor_login)

    page.goto(f"{live_server.url}/factories/default/import/")
    page.set_input_files(
        "#id_repository",
        files=[{"name": "f.zip", "mimeType": "application/zip", "buffer": as_zip(files)}],
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#repository-report")).to_contain_text("4 resource(s) imported")

    page.goto(f"{live_server.url}/factories/default/")
    page.get_by_role("link", name="Spark to SQL", exact=True).click()
    activities = page.locator("#activities")
    expect(activities).to_contain_text("For Each Table")
    expect(activities.locator("tr", has_text="Wait a bit")).to_contain_text("read-only")
    assert_fits_phone(page, "pipeline page")
    activities.get_by_role("link", name="Copy Sales", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Copy Sales")

    query = page.locator("#id_tp-query")
    expect(query).to_have_value("SELECT id, amount FROM sales")
    query.fill("SELECT c_int, nope\nFROM sales.all_types")
    page.get_by_role("button", name="Check query").click()
    expect(page.locator("#query_result")).to_contain_text("Check: failed")
    expect(page.locator("#query_message")).to_contain_text("nope")
    expect(page.locator("#query_position")).to_have_text("(line 1, column 15)")
    assert_fits_phone(page, "activity page with a failed check")

    page.locator("#id_tp-query").fill("SELECT c_int, c_string\nFROM sales.all_types")
    page.get_by_role("button", name="Check query").click()
    expect(page.locator("#query_result")).to_contain_text("Check: passed")
    page.get_by_role("button", name="Preview data").click()
    columns = page.locator("#preview_columns")
    expect(columns).to_contain_text("IntegerType")
    expect(columns.locator("tr", has_text="c_int")).to_contain_text("Int32")
    expect(page.locator("#preview_rows")).to_contain_text("70000")
    assert_fits_phone(page, "activity page with a preview")

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/factories/default/pipeline/Spark%20to%20SQL/$"))
    expect(page.locator("body")).to_contain_text("Activity 'Copy Sales' saved")

    # The other pages of the feature fit a phone too (every page visited is checked at 390 px).
    page.goto(f"{live_server.url}/factories/default/queries/")
    expect(page.locator("#query_rows")).to_contain_text("Copy Sales")
    page.get_by_role("button", name="Check all").click()
    expect(page.locator("#check_summary")).to_contain_text("queries fail")
    assert_fits_phone(page, "bulk page after Check all")
    page.goto(
        f"{live_server.url}/factories/default/pipeline/Spark%20to%20SQL/activities/"
        "properties.activities.2/"
    )
    expect(page.locator("#activity_json")).to_contain_text('"isSequential": true')
    page.goto(f"{live_server.url}/factories/default/pipeline/Spark%20to%20SQL/")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the file (as exported)").click()
    saved = tmp_path / "pipeline.json"
    download_info.value.save_as(saved)
    exported = saved.read_bytes()

    before, after = json.loads(original), json.loads(exported)
    source = after["properties"]["activities"][1]["typeProperties"]["source"]
    assert source == {
        "type": "SparkSource",
        "query": "SELECT c_int, c_string\nFROM sales.all_types",
    }
    source["query"] = "SELECT id, amount FROM sales"
    assert after == before  # nothing but the edited key differs
    text, out = original.decode(), exported.decode()
    start = text.index('"name": "Copy Sales"')
    end = text.index('"name": "For Each Table"')
    assert out[:start] == text[:start]
    assert out[len(out) - (len(text) - end) :] == text[end:]

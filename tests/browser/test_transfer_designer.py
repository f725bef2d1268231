"""In a real browser: an Editor designs a write of a Spark table into a dedicated SQL pool
outside the workspace, sees the blocking problem (no SQL authentication), fixes it, copies
the Scala code and saves the equivalent Copy activity into a pipeline. Desktop and 390 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import save_definition
from portal.models import Resource
from tests.browser.conftest import assert_fits_phone
from tests.helpers import url_of

pytestmark = pytest.mark.browser


def _resources(user: Any) -> None:
    def save(name: str, properties: dict[str, Any]) -> None:
        save_definition(
            user=user, name=name, properties=properties, action="create", kind="linkedService"
        )

    save(
        "OutsidePool",
        {
            "annotations": [],
            "type": "AzureSqlDW",
            "typeProperties": {
                "server": "contoso-dw-with-a-long-server-name.database.windows.net",
                "database": "salesdw",
                "authenticationType": "SystemAssignedManagedIdentity",
            },
        },
    )
    save(
        "HDInsightSpark",
        {
            "annotations": [],
            "type": "Spark",
            "version": "2.0",
            "typeProperties": {
                # The designer reads a Spark table's columns live: a loopback address the default
                # network policy refuses keeps these tests off the network (no DNS, no connect).
                "host": "127.0.0.1",
                "port": 443,
                "authenticationType": "Anonymous",
            },
        },
    )
    save(
        "StagingBlob",
        {
            "type": "AzureBlobStorage",
            "typeProperties": {"serviceEndpoint": "https://contoso.blob.core.windows.net/"},
        },
    )


def test_design_fix_copy_and_save_a_spark_to_sql_pool_write(
    page: Page, live_server: Any, editor_user: Any, editor_login: dict[str, str]
) -> None:
    _resources(editor_user)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto("/factories/default/")
    page.get_by_label("User name").fill(editor_login["username"])
    page.get_by_label("Password").fill(editor_login["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#resources-table")).to_be_visible()

    pool = Resource.objects.get(name="OutsidePool")
    page.goto(url_of(pool))
    page.locator("#transfer_designer").click()
    expect(page.get_by_role("heading", name="Spark ↔ dedicated SQL pool")).to_be_visible()
    expect(page.locator("#id_pool")).to_have_value("OutsidePool")

    page.locator("#id_table").fill("salesdw.dbo.Sales")
    page.locator("#id_spark_pool").fill("contosows/etlpool")
    page.locator("#id_source").fill("lake.sales")
    # Only the chosen route's fields show: the notebook route has no Copy settings.
    expect(page.locator("#id_spark")).to_be_hidden()
    expect(page.locator("#id_staging_linked_service")).to_be_hidden()
    page.locator("#plan_button").click()

    blocking = page.locator("#blocking")
    expect(blocking).to_be_visible()
    expect(blocking).to_contain_text("outside the workspace")
    expect(blocking).to_contain_text("use SQL authentication")
    assert_fits_phone(page, "designer with a blocking problem")

    page.locator("#id_authentication").select_option("sql")
    page.locator("#id_user").fill("loader")
    page.locator("#plan_button").click()
    expect(page.locator("#no_blocking")).to_be_visible()
    expect(page.locator("#secrets")).to_contain_text("placeholder")
    scala = page.locator("#out_scala_synapsesql")
    expect(scala).to_contain_text('option(Constants.USER, "loader")')
    expect(scala).to_contain_text('synapsesql("salesdw.dbo.Sales", Constants.INTERNAL)')

    page.locator("#copy_scala_synapsesql").click()
    done = page.locator("#copy_scala_synapsesql ~ .copy-done")
    expect(done).to_have_text(re.compile(r"Copied\.|Press Ctrl\+C to copy\."))
    if done.inner_text() == "Copied.":
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == scala.inner_text().strip()
    assert_fits_phone(page, "designer with the plan")

    # The Copy route: its fields show, the notebook's hide.
    page.locator("#id_route").select_option("copy")
    expect(page.locator("#id_spark_pool")).to_be_hidden()
    expect(page.locator("#id_authentication")).to_be_hidden()
    page.locator("#id_spark").select_option("HDInsightSpark")
    page.locator("#id_staging_linked_service").select_option("StagingBlob")
    page.locator("#plan_button").click()
    expect(page.locator("#id_route")).to_have_value("copy")
    expect(page.locator("#id_spark_pool")).to_be_hidden()
    # The SQL authentication rule is the notebook connector's: the Copy signs in as ADF does.
    expect(page.locator("#copy_activity_json")).to_contain_text("SqlDWSink")
    page.locator("#id_pipeline").fill("LoadSales")
    page.locator("#save_copy").click()
    expect(page).to_have_url(re.compile(r"/pipeline/LoadSales"))
    expect(page.get_by_text("saved into pipeline 'LoadSales'")).to_be_visible()
    pipeline = Resource.objects.get(kind="pipeline", name="LoadSales")
    activity = pipeline.properties["activities"][0]
    assert activity["typeProperties"]["source"] == {"type": "SparkSource"}
    assert activity["typeProperties"]["sink"]["type"] == "SqlDWSink"
    assert activity["typeProperties"]["stagingSettings"]["linkedServiceName"] == {
        "referenceName": "StagingBlob",
        "type": "LinkedServiceReference",
    }

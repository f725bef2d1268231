"""In a real browser: an Editor creates an Azure Blob Storage linked service from the gallery
(the authentication choice swapping the fields in place, the connection string typed as a
secret), sees why it has no Test connection, and stages a Spark-to-SQL-pool Copy activity
through it in the transfer designer, where a Spark linked service is not offered as staging.
Desktop and 390 px, in a factory made with the CLI."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.models import Factory, Resource, SecretValue
from tests.browser.conftest import assert_fits_phone
from tests.test_storage_staging_designer import save_pool_and_spark

pytestmark = pytest.mark.browser

NAME = "StagingFromBrowser"
KEY = "QnJvd3Nlci1BY2NvdW50LUtleQ=="
CONNECTION_STRING = (
    f"DefaultEndpointsProtocol=https;AccountName=contosostaging;AccountKey={KEY};"
    "EndpointSuffix=core.windows.net"
)
HTMX_IDLE = (
    "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
)


def field(page: Page, name: str) -> Any:
    return page.locator(f'#form_fields .field[data-field="{name}"]')


def test_create_a_blob_linked_service_and_stage_a_copy_through_it(
    page: Page, live_server: Any, editor_user: Any, editor_login: dict[str, str]
) -> None:
    call_command(
        "factory", "create", "rw1", "--user", editor_login["username"], stdout=io.StringIO()
    )
    save_pool_and_spark(editor_user, Factory.objects.get(name="rw1"))
    page.goto("/factories/rw1/new/")
    page.get_by_label("User name").fill(editor_login["username"])
    page.get_by_label("Password").fill(editor_login["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="New linked service")).to_be_visible()

    page.get_by_role("searchbox", name="Search connectors").press_sequentially("staging")
    page.wait_for_function(HTMX_IDLE)
    card = page.locator('#gallery .connector-card[data-connector="AzureBlobStorage"]')
    expect(card).to_be_visible()
    expect(page.locator('#gallery .connector-card[data-connector="AzureBlobFS"]')).to_be_visible()
    expect(page.locator('#gallery .connector-card[data-connector="Spark"]')).to_have_count(0)
    assert_fits_phone(page, "the gallery searched for staging")
    card.click()

    expect(
        page.get_by_role("heading", name="New linked service (Azure Blob Storage)")
    ).to_be_visible()
    expect(page.locator("#no_test_reason")).to_contain_text("not reachable from this portal")
    expect(page.locator("#test-connection")).to_have_count(0)
    auth = field(page, "authentication").locator("select")
    expect(auth).to_have_value("AccountKey")
    expect(field(page, "connectionString")).to_be_visible()

    # Another authentication swaps the fields in place.
    auth.select_option("ServicePrincipal")
    page.wait_for_function(HTMX_IDLE)
    expect(field(page, "connectionString")).to_have_count(0)
    expect(field(page, "servicePrincipalId")).to_be_visible()
    expect(field(page, "serviceEndpoint")).to_be_visible()
    assert_fits_phone(page, "the form with service principal fields")
    auth.select_option("AccountKey")
    page.wait_for_function(HTMX_IDLE)
    expect(field(page, "servicePrincipalId")).to_have_count(0)

    page.locator("#id_name").fill(NAME)
    page.locator("#id_tp-connectionString").fill(CONNECTION_STRING)
    code = page.locator("#code_view")
    expect(code).to_contain_text('"type": "AzureBlobStorage"')
    expect(code).to_contain_text("**********")
    expect(code).not_to_contain_text(KEY)
    expect(code).not_to_contain_text('authentication"')
    page.get_by_role("button", name="Create").click()

    expect(page).to_have_url(re.compile(r"/factories/rw1/linkedService/[^/]+/$"))
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    expect(page.locator("#no_test_reason")).to_contain_text("Data Factory checks the account")
    expect(page.locator("#test-connection")).to_have_count(0)
    assert KEY not in page.content()
    assert (
        SecretValue.objects.get(
            pk=Resource.objects.get(name=NAME).properties["typeProperties"]["connectionString"][
                "secretId"
            ]
        ).reveal()
        == CONNECTION_STRING
    )
    assert_fits_phone(page, "the new Blob linked service's page")

    # Its page opens the designer with it as the staging store.
    page.locator("#transfer_designer").click()
    expect(page.get_by_role("heading", name="Spark ↔ dedicated SQL pool")).to_be_visible()
    staging = page.locator("#id_staging_linked_service")
    expect(staging).to_have_value(NAME)
    options = staging.locator("option").all_inner_texts()
    assert "HDInsightSpark" not in options and NAME in options
    page.locator("#id_pool").select_option("Pool")
    page.locator("#id_table").fill("salesdw.dbo.Sales")
    page.locator("#id_route").select_option("copy")
    page.locator("#id_spark").select_option("HDInsightSpark")
    page.locator("#id_source").fill("lake.sales")
    page.locator("#id_columns").fill("id bigint\nname string")
    page.locator("#plan_button").click()

    expect(page.locator("#no_blocking")).to_be_visible()
    copy_json = page.locator("#copy_activity_json")
    expect(copy_json).to_contain_text('"enableStaging": true')
    expect(copy_json).to_contain_text(f'"referenceName": "{NAME}"')
    expect(page.locator("#save_copy")).to_be_enabled()
    assert_fits_phone(page, "the designer staging through the new Blob linked service")

    page.locator("#id_pipeline").fill("StageSales")
    page.locator("#save_copy").click()
    expect(page).to_have_url(re.compile(r"/factories/rw1/pipeline/StageSales/$"))
    pipeline = Resource.objects.get(factory__name="rw1", kind="pipeline", name="StageSales")
    settings = pipeline.properties["activities"][0]["typeProperties"]
    assert settings["enableStaging"] is True
    assert settings["stagingSettings"]["linkedServiceName"]["referenceName"] == NAME

"""A factory's environments in a real browser (issue 22's acceptance): an Editor imports a
repository zip whose parameterised Spark linked service keeps its password in Azure Key
Vault, with azure.datafactory.tools config files for ``test`` (a row with a wrong path)
and ``prod``; the portal makes dev (the repository's values), test and prod; the wrong
path is flagged at its row; prod is tested against a second real Spark Thrift Server with
values typed for the test; "Test all", given the Key Vault secret once, fills the matrix.
Without a broker, as in every test, "Test all" runs each test in-process, in the request
that queues it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_fits_phone
from tests.browser.test_connection_button import sign_in
from tests.browser.test_new_linked_service import SCREENSHOTS
from tests.connectors.repository_builders import as_zip
from tests.environment_factory import WRONG_PATH_LINE, key_vault, spark_service
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

DEV_PASSWORD = "any-password"  # binary-sasl-none takes any user and password

pytestmark = [pytest.mark.browser, pytest.mark.spark("binary-sasl-none", "binary-sasl-custom")]


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 20.0


def repository_zip(dev_port: int, prod_port: int) -> bytes:
    """The factory's git folder: dev's values in the definitions, prod moving the linked
    service to the second server (its own user) and the Key Vault to prod's vault."""
    files = {
        f"linkedService/{document['name']}.json": json.dumps(document, indent=2).encode()
        for document in (spark_service(dev_port), key_vault())
    }
    files["deployment/config-prod.csv"] = (
        "type,name,path,value\n"
        f"linkedService,LS_Spark,typeProperties.port,{prod_port}\n"
        f"linkedService,LS_Spark,typeProperties.username,{CUSTOM_USER}\n"
        "linkedService,LS_KeyVault,typeProperties.baseUrl,https://kv-shop.vault.azure.net/\n"
    ).encode()
    files["deployment/config-test.csv"] = (
        b"type,name,path,value\nlinkedService,LS_Spark,typeProperties.prot,10000\n"
    )
    return as_zip(files)


def cell(page: Page, resource: str, environment: str) -> Any:
    row = page.locator(f'#matrix tr[data-resource="{resource}"]')
    return row.locator(f'td[data-environment="{environment}"]')


def test_a_factory_gets_environments_checked_at_their_rows_and_tested_in_each(
    page: Page,
    live_server: Any,
    editor_login: dict[str, str],
    editor_user: Any,
    spark_pool: ServerPool,
) -> None:
    dev_port = spark_pool.get("binary-sasl-none").port
    prod_port = spark_pool.get("binary-sasl-custom").port
    sign_in(page, live_server, editor_login)

    # The repository's config files become environments.
    page.goto(f"{live_server.url}/factories/default/import/")
    page.set_input_files(
        "#id_repository",
        files=[
            {
                "name": "shop.zip",
                "mimeType": "application/zip",
                "buffer": repository_zip(dev_port, prod_port),
            }
        ],
    )
    page.get_by_role("button", name="Import").click()
    report = page.locator("#repository-report")
    expect(report).to_contain_text("2 resource(s) imported")
    expect(report.locator("tr", has_text="deployment/config-prod.csv")).to_contain_text(
        "environment 'prod'"
    )

    page.goto(f"{live_server.url}/factories/default/")
    page.locator("#environments").click()
    expect(page).to_have_url(re.compile(r"/factories/default/environments/$"))
    heads = page.locator('#matrix thead a[id^="overrides_"]')
    expect(heads).to_have_text(["dev", "test", "prod"])
    expect(cell(page, "LS_Spark", "dev")).to_contain_text("valid")
    expect(cell(page, "LS_Spark", "prod")).to_contain_text("differs")
    expect(cell(page, "LS_Spark", "prod")).to_contain_text("$.properties.typeProperties.port")
    # The wrong path: not valid in test, its file and row named in the matrix...
    wrong = cell(page, "LS_Spark", "test")
    expect(wrong).to_contain_text("not valid")
    expect(wrong).to_contain_text(f"deployment/config-test.csv:{WRONG_PATH_LINE}")
    assert_fits_phone(page, "the environments matrix")

    # ...and at its row on the environment's page, the other rows clean.
    page.locator("#overrides_test").click()
    row = page.locator(f'section.override-file tr[data-line="{WRONG_PATH_LINE}"]')
    expect(row).to_have_class(re.compile(r"\bhas-finding\b"))
    expect(row.locator(".row-finding")).to_contain_text("typeProperties.prot")
    expect(page.locator('tr[data-line="1"]')).not_to_have_class(re.compile(r"has-finding"))
    assert_fits_phone(page, "an environment's override rows")
    page.goto(f"{live_server.url}/factories/default/environments/prod/")
    expect(page.locator("tr.has-finding")).to_have_count(0)

    # prod, tested against the second server with values typed for this test.
    page.goto(f"{live_server.url}/factories/default/linkedService/LS_Spark/")
    prod = page.locator('#environments_here details[data-environment="prod"]')
    expect(prod).to_contain_text("difference")
    page.locator("#test-environment").select_option("prod")
    # The values asked for are prod's once its panel has come (typing before would go to
    # the panel it replaces).
    expect(page.locator('#test_options[data-environment="prod"]')).to_have_count(1)
    host = page.locator("#id_test_param__host")
    expect(host).to_have_value("127.0.0.1")
    host.fill("127.0.0.1")
    page.locator("#id_test_secret__password").fill(CUSTOM_PASSWORD)
    page.get_by_role("button", name="Test connection").click()
    result = page.locator("#test_result")
    expect(result).to_contain_text("connection successful", timeout=45_000)
    expect(result).to_contain_text(str(prod_port))
    assert_fits_phone(page, "a test in prod")
    assert CUSTOM_PASSWORD not in page.content()
    history = page.locator("body")
    expect(history).to_contain_text("revision 1 in prod")

    # A wrong password typed for prod fails there, at authentication.
    page.reload()
    page.locator("#test-environment").select_option("prod")
    expect(page.locator('#test_options[data-environment="prod"]')).to_have_count(1)
    page.locator("#id_test_secret__password").fill("not-the-password")
    page.get_by_role("button", name="Test connection").click()
    expect(result).to_contain_text("connection failed", timeout=45_000)
    expect(result.locator("li.stage-failed")).to_have_attribute(
        "data-stage", "Transport and authentication"
    )

    # "Test all" asks once for the values its tests ask for, then fills the matrix.
    for environment, password in (("dev", DEV_PASSWORD), ("prod", CUSTOM_PASSWORD)):
        page.goto(f"{live_server.url}/factories/default/environments/")
        page.locator(f"#test_all_{environment}").click()
        expect(page.locator("#to_test")).to_contain_text("LS_Spark")
        page.locator("#id_test_secret__password").fill(password)
        page.locator("#run_test_all").click()
        expect(page.locator(".messages")).to_contain_text(f"1 test queued in {environment}")
        verdict = cell(page, "LS_Spark", environment).locator("a.verdict")
        expect(verdict).to_contain_text("Passed", timeout=60_000)
    page.locator("#test_all_test").click()
    page.locator("#run_test_all").click()
    expect(cell(page, "LS_Spark", "test").locator("a.verdict")).to_contain_text("Failed")
    assert CUSTOM_PASSWORD not in page.content()
    assert_fits_phone(page, "the matrix filled")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "environments-matrix.png"), full_page=True)

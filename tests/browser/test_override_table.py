"""An environment's override rows edited as a table in a real browser (issue 22, point 3),
at desktop width and at 390 px: the Editor opens ``test``, whose row with a wrong path is
flagged at its row, finds the right path among the completions of the row's path cell
(the connector's schema), saves, and the finding goes; a new row's path cell completes
from the resource its name cell names, and "+ Add row" adds another."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.models import EnvironmentFile
from tests.browser.conftest import PHONE, VIEWPORT, assert_fits_phone
from tests.browser.test_connection_button import sign_in
from tests.environment_factory import WRONG_PATH_LINE, shop

pytestmark = pytest.mark.browser
SETTLED = (
    "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
)


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "390px"])
def test_an_editor_puts_a_wrong_path_right_in_the_table_and_its_finding_goes(
    page: Page,
    live_server: Any,
    editor_login: dict[str, str],
    editor_user: Any,
    tmp_path: Path,
    viewport: dict[str, int],
) -> None:
    sign_in(page, live_server, editor_login)
    shop(tmp_path / "repo", editor_user, 10000, 10443)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/factories/shop/environments/test/")

    section = page.locator('section.override-table[data-path="deployment/config-test.csv"]')
    wrong = section.locator(f'tr[data-line="{WRONG_PATH_LINE}"]')
    expect(wrong).to_have_class(re.compile(r"\bhas-finding\b"))
    expect(wrong.locator(".row-finding")).to_contain_text("ADFT0010")
    path = wrong.get_by_label("Path")
    expect(path).to_have_value("typeProperties.prot")
    # The path cell completes from the Spark connector's schema.
    options = page.locator(f"#{path.get_attribute('list')} option")
    expect(options.and_(page.locator('[value="typeProperties.port"]'))).to_have_count(1)
    if viewport == VIEWPORT:
        assert_fits_phone(page, "an environment's override rows as a table")

    path.fill("typeProperties.port")
    section.get_by_role("button", name="Save deployment/config-test.csv").click()
    section = page.locator('section.override-table[data-path="deployment/config-test.csv"]')
    expect(section.locator(".table-message")).to_contain_text(
        "Saved deployment/config-test.csv as revision 2: 1 row changed (line 2)."
    )
    expect(section.locator("tr.has-finding")).to_have_count(0)
    expect(
        section.locator(f'tr[data-line="{WRONG_PATH_LINE}"]').get_by_label("Path")
    ).to_have_value("typeProperties.port")
    data = bytes(EnvironmentFile.objects.get(path="deployment/config-test.csv").data)
    assert data == b"type,name,path,value\nlinkedService,LS_Spark,typeProperties.port,10000\n"

    # A new row: its name completes from the linked services, its path from the one named.
    new = section.locator('tr[data-row="new-0"]')
    page.wait_for_function(SETTLED)  # the saved table's new row too: htmx listens once settled
    new.get_by_label("Type").select_option("linkedService")
    names = page.locator("#names_new-0 option")
    expect(names.and_(page.locator('[value="LS_KeyVault"]'))).to_have_count(1)
    new.get_by_label("Name").fill("LS_KeyVault")
    new.get_by_label("Name").press("Tab")
    paths = page.locator("#paths_new-0 option")
    expect(paths.and_(page.locator('[value="typeProperties.baseUrl"]'))).to_have_count(1)
    # Another row comes with "+ Add row", its name completing as the first one's.
    section.get_by_role("button", name="+ Add row").click()
    added = section.locator('tr[data-row="new-1"]')
    expect(added).to_be_visible()
    page.wait_for_function(SETTLED)  # htmx listens to the new row once it has settled
    added.get_by_label("Type").select_option("linkedService")
    more = page.locator("#names_new-1 option")
    expect(more.and_(page.locator('[value="LS_Spark"]'))).to_have_count(1)
    # The matrix reads the saved file: test is valid now.
    page.goto(f"{live_server.url}/factories/shop/environments/")
    test_cell = page.locator('#matrix tr[data-resource="LS_Spark"] td[data-environment="test"]')
    expect(test_cell).not_to_contain_text("not valid")

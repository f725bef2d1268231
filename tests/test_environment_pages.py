"""What a factory's environments look like in the portal (issue 22, point 3): the matrix of
resources x environments (valid or not, the last test there, what differs), an
environment's overrides row by row with each row's problem at its row, and a resource's
effective definition in each environment beside its own. A Reader sees them all."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from portal.models import ConnectionTest, Environment, Factory, Resource
from tests.environment_factory import WRONG_PATH_LINE, shop

DEV_PORT, PROD_PORT = 10000, 10443


@pytest.fixture
def factory(tmp_path: Path, editor: Any, reader: Any) -> Factory:
    return shop(tmp_path / "repo", editor, DEV_PORT, PROD_PORT, readers=[reader])


def cell(page: str, resource: str, environment: str) -> str:
    row = re.search(rf'<tr data-resource="{resource}">(.*?)</tr>', page, re.S)
    assert row is not None, resource
    found = re.search(rf'data-environment="{environment}">(.*?)</td>', row.group(1), re.S)
    assert found is not None, environment
    return found.group(1)


def test_the_matrix_shows_each_resource_in_each_environment(
    factory: Factory, reader_client: Client
) -> None:
    service = Resource.objects.get(factory=factory, name="LS_Spark")
    prod = Environment.objects.get(factory=factory, name="prod")
    ConnectionTest.objects.create(
        resource=service,
        revision=1,
        name="LS_Spark",
        connector="Spark",
        connector_version="1.0",
        status=ConnectionTest.Status.PASSED,
        environment=prod,
    )
    page = reader_client.get("/factories/shop/environments/").content.decode()
    assert re.findall(r'id="overrides_(\w+)"', page) == ["dev", "test", "prod"]
    assert "valid" in cell(page, "LS_Spark", "dev") and "differs" not in cell(
        page, "LS_Spark", "dev"
    )
    prod_cell = cell(page, "LS_Spark", "prod")
    assert "<code>$.properties.typeProperties.port</code>" in prod_cell
    assert "test Passed" in prod_cell
    assert "test Passed" not in cell(page, "LS_Spark", "dev")
    test_cell = cell(page, "LS_Spark", "test")
    assert "not valid" in test_cell
    assert f"deployment/config-test.csv:{WRONG_PATH_LINE}" in test_cell
    assert "https://kv-shop.vault.azure.net/" not in page  # values stay on the row pages
    listing = reader_client.get("/factories/shop/").content.decode()
    assert 'href="/factories/shop/environments/"' in listing


def test_an_environment_s_overrides_show_each_row_s_problem_at_its_row(
    factory: Factory, reader_client: Client
) -> None:
    page = reader_client.get("/factories/shop/environments/test/").content.decode()
    wrong = f'<tr data-line="{WRONG_PATH_LINE}" class="has-finding">'
    row = re.search(rf"{wrong}(.*?)</tr>", page, re.S)
    assert row is not None, page
    assert "typeProperties.prot" in row.group(1)
    assert "row-finding" in row.group(1)
    assert 'data-line="1" class="has-finding"' not in page
    prod = reader_client.get("/factories/shop/environments/prod/").content.decode()
    assert "has-finding" not in prod
    assert reader_client.get("/factories/shop/environments/nope/").status_code == 404


def test_a_resource_s_page_shows_its_definition_in_each_environment_beside_its_own(
    factory: Factory, reader_client: Client
) -> None:
    page = reader_client.get("/factories/shop/linkedService/LS_Spark/").content.decode()
    section = page[page.index('id="environments_here"') :]
    prod = section[section.index('data-environment="prod"') :]
    prod = prod[: prod.index("</details>")]
    assert "1 difference from the repository's values" in prod
    assert f"<code>{DEV_PORT}</code>" in prod and f"<code>{PROD_PORT}</code>" in prod
    assert "not valid" in section[section.index('data-environment="test"') :]
    # A Reader sees it all, and no Test connection.
    assert 'id="test-connection"' not in page

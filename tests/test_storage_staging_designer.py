"""The transfer designer stages its Copy activity only through a linked service whose
connector says it can be a staging store: the page offers only those, and a plan naming
another (a Spark linked service, a name the factory lacks) is blocked at
staging_linked_service, on the page, in the API and in ``manage.py transfer_plan``."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client

from portal.definitions import save_definition
from portal.models import Factory, Resource
from tests.conftest import api_for
from tests.helpers import url_of

pytestmark = pytest.mark.django_db

WRONG_STAGING = "HDInsightSpark is a Spark linked service: a staged copy stages its data in"


def save(user: Any, name: str, properties: dict[str, Any], factory: Factory | None = None) -> None:
    save_definition(user=user, name=name, properties=properties, action="create", factory=factory)


def save_pool_and_spark(user: Any, factory: Factory | None = None) -> None:
    """A dedicated SQL pool (SQL authentication) and a Spark linked service at a loopback
    address, which the default network policy refuses: no column read leaves here."""
    save(
        user,
        "Pool",
        {
            "type": "AzureSqlDW",
            "typeProperties": {
                "server": "contoso-dw.database.windows.net",
                "database": "salesdw",
                "authenticationType": "SQL",
                "userName": "loader",
                "password": {"type": "SecureString", "value": "pw"},
            },
        },
        factory,
    )
    save(
        user,
        "HDInsightSpark",
        {
            "type": "Spark",
            "version": "2.0",
            "typeProperties": {"host": "127.0.0.1", "port": 443, "authenticationType": "Anonymous"},
        },
        factory,
    )


@pytest.fixture
def factory(editor: Any) -> str:
    save_pool_and_spark(editor)
    save(
        editor,
        "StagingBlob",
        {
            "type": "AzureBlobStorage",
            "typeProperties": {"connectionString": {"type": "SecureString", "value": "k"}},
        },
    )
    save(
        editor,
        "StagingLake",
        {"type": "AzureBlobFS", "typeProperties": {"url": "https://contoso.dfs.core.windows.net"}},
    )
    return Factory.default().name


def page(client: Client, factory: str, **values: str) -> str:
    query = {
        "pool": "Pool",
        "table": "salesdw.dbo.Sales",
        "direction": "write",
        "route": "copy",
        "spark": "HDInsightSpark",
        "source": "lake.sales",
        "columns": "id bigint",
        **values,
    }
    return client.get(f"/factories/{factory}/transfer/?{urlencode(query)}").content.decode()


def staging_choices(html: str) -> list[str]:
    select = re.search(r'<select id="id_staging_linked_service".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]+)"', select.group(0))


def test_the_staging_choice_offers_only_staging_stores(editor_client: Client, factory: str) -> None:
    html = page(editor_client, factory)
    assert staging_choices(html) == ["StagingBlob", "StagingLake"]
    assert "(Azure Blob Storage or Azure Data Lake Storage Gen2)" in html
    assert 'id="no_staging"' not in html


@pytest.mark.parametrize("staging", ["StagingBlob", "StagingLake"])
def test_a_storage_linked_service_stages_the_copy(
    editor_client: Client, factory: str, staging: str
) -> None:
    html = page(editor_client, factory, staging_linked_service=staging)
    assert 'id="no_blocking"' in html
    shown = unescape(html)
    assert f'"referenceName": "{staging}"' in shown and '"enableStaging": true' in shown
    assert re.search(r'id="save_copy"(?! disabled)>', html)


def test_a_spark_linked_service_as_staging_is_blocked_at_the_field(
    editor_client: Client, factory: str
) -> None:
    html = page(editor_client, factory, staging_linked_service="HDInsightSpark")
    assert WRONG_STAGING in html and "Azure Blob Storage or Azure Data Lake Storage Gen2" in html
    assert re.search(r'<li data-field="staging_linked_service">[^<]*Spark linked service', html)
    assert 'class="field invalid"><label for="id_staging_linked_service">' in html
    assert 'id="error_staging_linked_service"' in html
    # Kept selected (marked), so the page shows what the plan was asked for.
    assert "HDInsightSpark (not a staging store)" in html
    assert re.search(r'id="save_copy" disabled', html)


def test_a_blocked_staging_is_never_saved_into_a_pipeline(
    editor_client: Client, factory: str
) -> None:
    response = editor_client.post(
        f"/factories/{factory}/transfer/save-copy/",
        {
            "pool": "Pool",
            "table": "salesdw.dbo.Sales",
            "direction": "write",
            "route": "copy",
            "spark": "HDInsightSpark",
            "columns": "id bigint",
            "staging_linked_service": "HDInsightSpark",
            "pipeline": "LoadSales",
        },
        follow=True,
    )
    assert WRONG_STAGING in response.content.decode()
    assert not Resource.objects.filter(kind="pipeline").exists()


def test_a_staging_name_the_factory_lacks_is_blocked(editor_client: Client, factory: str) -> None:
    html = page(editor_client, factory, staging_linked_service="Nowhere")
    assert "This factory has no linked service named &#x27;Nowhere&#x27;" in html


def test_the_api_and_the_command_check_the_staging_alike(editor: Any, factory: str) -> None:
    query = {
        "pool": "Pool",
        "table": "salesdw.dbo.Sales",
        "direction": "write",
        "spark": "HDInsightSpark",
        "columns": "id bigint",
    }
    api = api_for(editor)
    url = f"/api/v1/factories/{factory}/transfer-plan"
    wrong = api.get(url, {**query, "staging": "HDInsightSpark"}).json()
    assert wrong["blocked"] is True
    assert [p["field"] for p in wrong["problems"]] == ["staging_linked_service"]
    assert wrong["problems"][0]["message"].startswith(WRONG_STAGING)
    right = api.get(url, {**query, "staging": "StagingLake", "stagingPath": "stage/x"}).json()
    assert right["blocked"] is False
    staging = right["copy_activity"]["typeProperties"]["stagingSettings"]
    assert staging == {
        "linkedServiceName": {"referenceName": "StagingLake", "type": "LinkedServiceReference"},
        "path": "stage/x",
    }
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "transfer_plan",
            "--pool=Pool",
            "--table=salesdw.dbo.Sales",
            "--direction=write",
            "--spark=HDInsightSpark",
            "--column=id bigint",
            "--staging=HDInsightSpark",
            stdout=out,
        )
    assert f"BLOCKING [staging_linked_service] {WRONG_STAGING}" in out.getvalue()


def test_a_storage_linked_service_page_opens_the_designer_with_it_as_staging(
    editor_client: Client, factory: str
) -> None:
    lake = Resource.objects.get(name="StagingLake")
    html = editor_client.get(url_of(lake)).content.decode()
    assert "transfer/?staging_linked_service=StagingLake&amp;route=copy" in html
    assert ">Stage a Spark to SQL pool copy</a>" in html

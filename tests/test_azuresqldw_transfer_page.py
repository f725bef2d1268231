"""The transfer designer page: plan, blocking problems at their fields, outputs to copy, and
the Copy activity saved into a new or an existing pipeline through the document save path."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from portal.definitions import save_definition
from portal.models import Resource
from tests.helpers import url_of

pytestmark = pytest.mark.django_db

PAGE = "/factories/default/transfer/"


@pytest.fixture
def resources(editor: Any) -> None:
    def save(kind: str, name: str, properties: dict[str, Any]) -> None:
        save_definition(user=editor, name=name, properties=properties, action="create", kind=kind)

    save(
        "linkedService",
        "OutsidePool",
        {
            "annotations": [],
            "type": "AzureSqlDW",
            "typeProperties": {
                "server": "contoso-dw.database.windows.net",
                "database": "salesdw",
                "authenticationType": "SystemAssignedManagedIdentity",
            },
        },
    )
    save(
        "linkedService",
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
        "linkedService",
        "StagingBlob",
        {
            "type": "AzureBlobStorage",
            "typeProperties": {"serviceEndpoint": "https://x.blob.core.windows.net/"},
        },
    )


def design_query(**changes: str) -> str:
    values = {
        "pool": "OutsidePool",
        "table": "salesdw.dbo.Sales",
        "direction": "write",
        "route": "notebook",
        "spark_pool": "contosows/etlpool",
        "source": "lake.sales",
        "spark": "HDInsightSpark",
        "staging_linked_service": "StagingBlob",
        "staging_path": "staging/spark",
    }
    values.update(changes)
    return PAGE + "?" + urlencode(values)


def default_factory_name() -> str:
    from portal.models import Factory

    return Factory.default().name


def test_an_entra_write_to_a_pool_outside_the_workspace_is_blocked_until_sql_auth(
    editor_client: Client, resources: None
) -> None:
    page = editor_client.get(design_query().replace("default", default_factory_name()))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="blocking"' in html and "use SQL authentication" in html
    fixed = editor_client.get(
        design_query(authentication="sql", user="loader").replace("default", default_factory_name())
    ).content.decode()
    assert 'id="no_blocking"' in fixed
    assert 'id="out_scala_synapsesql"' in fixed
    assert "option(Constants.USER, &quot;loader&quot;)" in fixed
    assert "&lt;password&gt;" in fixed and "placeholder" in fixed
    assert 'id="copy_activity_json"' in fixed and "SqlDWSink" in fixed


def test_the_copy_activity_is_saved_into_a_new_then_an_existing_pipeline(
    editor_client: Client, resources: None
) -> None:
    factory = default_factory_name()
    form = {
        "pool": "OutsidePool",
        "table": "salesdw.dbo.Sales",
        "direction": "write",
        "route": "notebook",
        "spark_pool": "contosows/etlpool",
        "source": "lake.sales",
        "spark": "HDInsightSpark",
        "staging_linked_service": "StagingBlob",
        "authentication": "sql",
        "user": "loader",
        "pipeline": "LoadSales",
    }
    url = f"/factories/{factory}/transfer/save-copy/"
    response = editor_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    pipeline = Resource.objects.get(kind="pipeline", name="LoadSales")
    activities = pipeline.properties["activities"]
    assert [a["type"] for a in activities] == ["Copy"]
    tp = activities[0]["typeProperties"]
    assert tp["source"]["type"] == "SparkSource" and tp["sink"]["type"] == "SqlDWSink"
    assert tp["enableStaging"] is True
    # The datasets it reads and writes are created beside it, so no reference dangles.
    spark_ds = Resource.objects.get(
        kind="dataset", name=activities[0]["inputs"][0]["referenceName"]
    )
    pool_ds = Resource.objects.get(
        kind="dataset", name=activities[0]["outputs"][0]["referenceName"]
    )
    assert spark_ds.properties["type"] == "SparkObject"
    assert spark_ds.properties["typeProperties"] == {"schema": "lake", "table": "sales"}
    assert pool_ds.properties["typeProperties"] == {"schema": "dbo", "table": "Sales"}
    assert pool_ds.properties["linkedServiceName"]["referenceName"] == "OutsidePool"
    again = editor_client.post(url, form)
    assert again.status_code == 302
    pipeline.refresh_from_db()
    names = [a["name"] for a in pipeline.properties["activities"]]
    assert len(names) == 2 and names[1] == names[0] + " 2"
    assert pipeline.revision == 2


def test_a_blocked_copy_activity_is_not_saved(editor_client: Client, resources: None) -> None:
    factory = default_factory_name()
    response = editor_client.post(
        f"/factories/{factory}/transfer/save-copy/",
        {
            "pool": "OutsidePool",
            "table": "salesdw.dbo.Sales",
            "direction": "write",
            "spark": "HDInsightSpark",
            "route": "copy",
            "pipeline": "LoadSales",
        },
        follow=True,
    )
    assert "blocking problems" in response.content.decode()
    assert not Resource.objects.filter(kind="pipeline").exists()


def test_a_reader_can_plan_but_not_save(reader_client: Client, resources: None) -> None:
    factory = default_factory_name()
    page = reader_client.get(design_query().replace("default", factory)).content.decode()
    assert 'id="save_copy"' not in page
    response = reader_client.post(f"/factories/{factory}/transfer/save-copy/", {"pipeline": "X"})
    assert response.status_code == 403


def test_the_linked_service_pages_link_to_the_designer(
    editor_client: Client, resources: None
) -> None:
    pool = Resource.objects.get(name="OutsidePool")
    spark = Resource.objects.get(name="HDInsightSpark")
    pool_page = editor_client.get(url_of(pool)).content.decode()
    spark_page = editor_client.get(url_of(spark)).content.decode()
    assert "transfer/?pool=OutsidePool" in pool_page
    assert "transfer/?spark=HDInsightSpark&amp;route=copy" in spark_page
    assert ">SQL pool from Spark</a>" in pool_page and ">Spark to SQL pool</a>" in spark_page


def test_typed_columns_are_mapped_and_an_unwritable_one_blocks(
    editor_client: Client, resources: None
) -> None:
    query = design_query(
        authentication="sql", user="loader", columns="id bigint\ntags: array<string>"
    )
    html = editor_client.get(query.replace("default", default_factory_name())).content.decode()
    assert "Column tags (array&lt;string&gt;) cannot be written" in html
    assert "BIGINT" in html

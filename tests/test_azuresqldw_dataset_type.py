"""AzureSqlDWTable datasets are a dataset type of the AzureSqlDW connector: its JSON Schema
checks saves, imports and the API, the form is generated from it (without the live table
picker, which the connector does not offer), and the connector lists it in the registry."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from connectors.registry import connector_of_dataset, dataset_type
from portal.definitions import DefinitionInvalid, save_definition
from portal.imports import import_repository
from portal.models import Factory, Resource
from tests.conftest import api_for
from tests.connectors.repository_builders import as_zip

pytestmark = pytest.mark.django_db

POOL = {
    "type": "AzureSqlDW",
    "typeProperties": {
        "server": "contoso-dw.database.windows.net",
        "database": "salesdw",
        "authenticationType": "SystemAssignedManagedIdentity",
    },
}


def table(**type_properties: Any) -> dict[str, Any]:
    return {
        "type": "AzureSqlDWTable",
        "linkedServiceName": {"referenceName": "Pool", "type": "LinkedServiceReference"},
        "schema": [],
        "typeProperties": type_properties,
    }


@pytest.fixture
def pool(editor: Any) -> None:
    save_definition(user=editor, name="Pool", properties=POOL, action="create")


def save_table(user: Any, name: str, properties: dict[str, Any]) -> Resource:
    return save_definition(
        user=user,
        name=name,
        properties=properties,
        action="create",
        kind="dataset",
        factory=Factory.default(),
    ).resource


def test_the_registry_names_the_type_and_its_connector() -> None:
    declared = dataset_type("dataset", "AzureSqlDWTable")
    assert declared is not None
    assert declared.linked_service_type == "AzureSqlDW"
    assert connector_of_dataset(declared).type == "AzureSqlDW"
    assert declared.schema["properties"]["type"] == {"const": "AzureSqlDWTable", "title": "Type"}
    assert set(declared.schema["properties"]["typeProperties"]["properties"]) == {
        "schema",
        "table",
        "tableName",
    }


def test_a_save_is_checked_by_the_types_json_schema(editor: Any, pool: None) -> None:
    with pytest.raises(DefinitionInvalid) as caught:
        save_table(editor, "Bad", table(table=5, nonsense=True))
    paths = {p.path for p in caught.value.problems}
    assert "$.properties.typeProperties.table" in paths
    assert any("nonsense" in f"{p.path} {p.message}" for p in caught.value.problems)
    assert not Resource.objects.filter(name="Bad").exists()
    ok = save_table(editor, "Sales", table(schema="dbo", table="Sales"))
    legacy = save_table(editor, "Old", table(tableName="[dbo].[My.Table]"))
    expression = save_table(
        editor, "Param", table(schema="dbo", table={"value": "@dataset().t", "type": "Expression"})
    )
    assert {ok.connector, legacy.connector, expression.connector} == {"AzureSqlDWTable"}


def test_a_dataset_without_its_linked_service_reference_is_refused(editor: Any) -> None:
    properties = table(schema="dbo", table="Sales")
    del properties["linkedServiceName"]
    with pytest.raises(DefinitionInvalid) as caught:
        save_table(editor, "Orphan", properties)
    assert any(
        "linkedServiceName" in p.message or "linkedServiceName" in p.path
        for p in caught.value.problems
    )


def test_an_import_reports_an_invalid_table_at_its_file_and_path(editor: Any) -> None:
    factory = Factory.objects.create(name="contoso")
    files = {
        "linkedService/Pool.json": (
            b'{"name": "Pool", "properties": {"type": "AzureSqlDW", "typeProperties": '
            b'{"server": "contoso-dw.database.windows.net", "database": "salesdw", '
            b'"authenticationType": "SystemAssignedManagedIdentity"}}}'
        ),
        "dataset/Broken.json": (
            b'{"name": "Broken", "properties": {"type": "AzureSqlDWTable", '
            b'"linkedServiceName": {"referenceName": "Pool", "type": "LinkedServiceReference"}, '
            b'"typeProperties": {"schema": ["dbo"]}}}'
        ),
    }
    result = import_repository(as_zip(files), user=editor, factory=factory)
    errors = [
        (line.json_path, line.message)
        for line in result.report
        if line.status == "error" and "Broken" in str(line)
    ]
    assert errors and errors[0][0] == "$.properties.typeProperties.schema", result.report
    assert not Resource.objects.filter(factory=factory, name="Broken").exists()


def test_the_api_refuses_an_invalid_table_at_its_path(editor: Any, pool: None) -> None:
    api = api_for(editor)
    url = f"/api/v1/factories/{Factory.default().name}/dataset/"
    bad = api.post(url, {"name": "Bad", "properties": table(table=["x"])}, format="json")
    assert bad.status_code == 400, bad.content
    assert "$.properties.typeProperties.table" in bad.content.decode()
    good = api.post(
        url, {"name": "Good", "properties": table(schema="dbo", table="Sales")}, format="json"
    )
    assert good.status_code == 201, good.content


def test_the_form_is_generated_from_the_schema_without_a_live_picker(
    editor_client: Client, pool: None
) -> None:
    factory = Factory.default().name
    page = editor_client.get(f"/factories/{factory}/new/dataset/AzureSqlDWTable/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="tp-schema"' in html and 'name="tp-table"' in html
    assert "Pool (AzureSqlDW" in html
    assert 'id="browse_tables"' not in html and 'id="import_schema"' not in html
    saved = editor_client.post(
        f"/factories/{factory}/new/dataset/AzureSqlDWTable/",
        {"name": "FromForm", "linkedService": "Pool", "tp-schema": "dbo", "tp-table": "Sales"},
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    stored = Resource.objects.get(name="FromForm")
    assert stored.properties["typeProperties"] == {"schema": "dbo", "table": "Sales"}
    assert stored.properties["type"] == "AzureSqlDWTable"

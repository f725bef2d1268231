"""AzureSqlDW linked services (both shapes) and AzureSqlDWTable datasets go into a factory
and back out byte for byte when unedited: ADF Studio's tab-indented files without a trailing
newline, encryptedCredential, expressions, numbers as strings, top-level type last."""

from __future__ import annotations

from typing import Any

import pytest

from portal.imports import export_repository, import_repository
from portal.models import Factory, Resource
from tests.connectors.repository_builders import as_zip

pytestmark = pytest.mark.django_db

LEGACY_SHAPE = (
    '{\n\t"name": "SqlPoolLegacy",\n\t"properties": {\n\t\t"annotations": [],\n'
    '\t\t"type": "AzureSqlDW",\n\t\t"typeProperties": {\n'
    '\t\t\t"connectionString": "Integrated Security=False;Encrypt=True;Connection Timeout=30;'
    'Data Source=contoso-dw.database.windows.net;Initial Catalog=salesdw;User ID=loader",\n'
    '\t\t\t"encryptedCredential": "ew0KICAiVmVyc2lvbiI6ICIyMDE3LTExLTMwIg0KfQ=="\n\t\t},\n'
    '\t\t"connectVia": {\n\t\t\t"referenceName": "SelfHostedIR",\n'
    '\t\t\t"type": "IntegrationRuntimeReference"\n\t\t}\n\t},\n'
    '\t"type": "Microsoft.DataFactory/factories/linkedservices"\n}'
)
RECOMMENDED_SHAPE = (
    '{\n\t"name": "SqlPool",\n\t"type": "Microsoft.DataFactory/factories/linkedservices",\n'
    '\t"properties": {\n\t\t"parameters": {\n\t\t\t"DBName": {\n\t\t\t\t"type": "string",\n'
    '\t\t\t\t"defaultValue": "salesdw"\n\t\t\t}\n\t\t},\n\t\t"annotations": [],\n'
    '\t\t"type": "AzureSqlDW",\n\t\t"typeProperties": {\n'
    '\t\t\t"server": "contoso-ws.sql.azuresynapse.net",\n'
    '\t\t\t"database": "@{linkedService().DBName}",\n\t\t\t"encrypt": "mandatory",\n'
    '\t\t\t"trustServerCertificate": false,\n\t\t\t"authenticationType": "SQL",\n'
    '\t\t\t"userName": "loader",\n\t\t\t"password": {\n'
    '\t\t\t\t"type": "AzureKeyVaultSecret",\n\t\t\t\t"store": {\n'
    '\t\t\t\t\t"referenceName": "KeyVault",\n\t\t\t\t\t"type": "LinkedServiceReference"\n'
    '\t\t\t\t},\n\t\t\t\t"secretName": "sqlpool-loader"\n\t\t\t},\n'
    '\t\t\t"connectTimeout": "30",\n\t\t\t"pooling": false\n\t\t}\n\t}\n}'
)
SERVICE_PRINCIPAL = (
    '{\n    "name": "SqlPoolSp",\n    "properties": {\n        "type": "AzureSqlDW",\n'
    '        "typeProperties": {\n            "server": "contoso-ws.sql.azuresynapse.net",\n'
    '            "database": "salesdw",\n            "authenticationType": "ServicePrincipal",\n'
    '            "servicePrincipalId": "00000000-0000-0000-0000-000000000001",\n'
    '            "servicePrincipalCredentialType": "ServicePrincipalKey",\n'
    '            "servicePrincipalCredential": {\n                "type": "SecureString",\n'
    '                "value": "**********"\n            },\n'
    '            "tenant": "contoso.onmicrosoft.com",\n'
    '            "azureCloudType": "AzurePublic"\n'
    "        }\n    }\n}\n"
)
TABLE = (
    '{\n\t"name": "SalesFact",\n\t"properties": {\n\t\t"linkedServiceName": {\n'
    '\t\t\t"referenceName": "SqlPool",\n\t\t\t"type": "LinkedServiceReference",\n'
    '\t\t\t"parameters": {\n\t\t\t\t"DBName": "salesdw"\n\t\t\t}\n\t\t},\n'
    '\t\t"annotations": [],\n\t\t"type": "AzureSqlDWTable",\n\t\t"schema": [\n'
    '\t\t\t{\n\t\t\t\t"name": "id",\n\t\t\t\t"type": "bigint",\n\t\t\t\t"precision": 19\n'
    '\t\t\t},\n\t\t\t{\n\t\t\t\t"name": "amount",\n\t\t\t\t"type": "decimal",\n'
    '\t\t\t\t"precision": 18,\n\t\t\t\t"scale": 2\n\t\t\t}\n\t\t],\n'
    '\t\t"typeProperties": {\n\t\t\t"schema": "dbo",\n\t\t\t"table": "SalesFact"\n\t\t}\n\t},\n'
    '\t"type": "Microsoft.DataFactory/factories/datasets"\n}'
)
LEGACY_TABLE = (
    '{\n\t"name": "OldTable",\n\t"properties": {\n\t\t"linkedServiceName": {\n'
    '\t\t\t"referenceName": "SqlPoolLegacy",\n\t\t\t"type": "LinkedServiceReference"\n\t\t},\n'
    '\t\t"type": "AzureSqlDWTable",\n\t\t"typeProperties": {\n'
    '\t\t\t"tableName": "[dbo].[My.Table]"\n\t\t}\n\t}\n}'
)


def files() -> dict[str, bytes]:
    return {
        "linkedService/SqlPoolLegacy.json": LEGACY_SHAPE.encode(),
        "linkedService/SqlPool.json": RECOMMENDED_SHAPE.encode(),
        "linkedService/KeyVault.json": (
            b'{\n\t"name": "KeyVault",\n\t"properties": {\n\t\t"type": "AzureKeyVault",\n'
            b'\t\t"typeProperties": {\n\t\t\t"baseUrl": "https://contoso.vault.azure.net/"\n'
            b"\t\t}\n\t}\n}"
        ),
        "dataset/SalesFact.json": TABLE.encode(),
        "dataset/OldTable.json": LEGACY_TABLE.encode(),
    }


def test_both_linked_service_shapes_and_their_tables_round_trip_byte_for_byte(
    editor: Any,
) -> None:
    factory = Factory.objects.create(name="contoso")
    result = import_repository(as_zip(files()), user=editor, factory=factory)
    assert result.ok, [str(line) for line in result.report]
    legacy = Resource.objects.get(factory=factory, name="SqlPoolLegacy")
    recommended = Resource.objects.get(factory=factory, name="SqlPool")
    assert (legacy.connector, legacy.connector_version) == ("AzureSqlDW", "legacy")
    assert (recommended.connector, recommended.connector_version) == ("AzureSqlDW", "recommended")
    assert legacy.support_badge == "legacy" and "recommended shape" in legacy.support_note
    assert recommended.support_note == ""
    table = Resource.objects.get(factory=factory, name="SalesFact")
    assert table.kind == "dataset"
    assert dict(export_repository(factory)) == files()


def test_a_service_principal_definition_with_a_masked_key_is_refused_at_the_key(
    editor: Any,
) -> None:
    """A file holding the mask instead of a key cannot be stored as if it were the key."""
    factory = Factory.objects.create(name="contoso")
    upload = {"linkedService/SqlPoolSp.json": SERVICE_PRINCIPAL.encode()}
    result = import_repository(as_zip(upload), user=editor, factory=factory)
    errors = [(line.json_path, line.message) for line in result.report if line.status == "error"]
    assert not result.ok
    assert errors == [
        (
            "$.properties.typeProperties.servicePrincipalCredential",
            "The secret holds the mask (**********), not a value: type the value, or "
            "reference an Azure Key Vault secret.",
        )
    ]
    assert not Resource.objects.filter(factory=factory).exists()

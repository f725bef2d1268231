"""Authoring Azure Blob Storage and Data Lake Storage Gen2 linked services in the portal: the
gallery offers them because the registry has them, the form comes from their schema (an
authentication choice showing that authentication's fields), secrets typed are encrypted
and never shown, ADF Studio's files are edited without losing what ADF wrote, and the pages
say why there is no Test connection."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from portal.definitions import save_definition
from portal.models import Resource, SecretValue
from tests.conftest import api_for
from tests.helpers import url_of

pytestmark = pytest.mark.django_db

BLOB_NEW = "/factories/default/new/linkedService/AzureBlobStorage/"
ADLS_NEW = "/factories/default/new/linkedService/AzureBlobFS/"
HTMX_FIELDS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "form_fields"}
HTMX_CODE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "code_view"}
KEY = "bXktYWNjb3VudC1rZXk9PQ=="
CONNECTION_STRING = (
    f"DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey={KEY};"
    "EndpointSuffix=core.windows.net"
)
NO_TEST = "No connection test here: a storage account is not reachable from this portal"
# ADF Studio's file for an account key typed in its form: the key held encrypted.
STUDIO = {
    "annotations": [],
    "type": "AzureBlobStorage",
    "typeProperties": {
        "connectionString": (
            "DefaultEndpointsProtocol=https;AccountName=contoso;EndpointSuffix=core.windows.net;"
        ),
        "encryptedCredential": "ew0KICAiVmVyc2lvbiI6ICIyMDE3LTExLTMwIg0KfQ==",
    },
}


def shown_fields(html: str) -> list[str]:
    return re.findall(r'data-field="([^"]+)"', html)


def form(name: str = "Staging", **values: str) -> dict[str, str]:
    data = {
        "name": name,
        "version": "current",
        "description": "",
        "connectVia": "",
        "annotations": "",
        "param-0-name": "",
        "param-0-type": "String",
        "param-0-default": "",
    }
    data.update({f"tp-{k}" if not k.startswith(("tp-", "_")) else k: v for k, v in values.items()})
    return data


def test_the_gallery_offers_both_storage_connectors(editor_client: Client) -> None:
    page = editor_client.get("/factories/default/new/").content.decode()
    assert BLOB_NEW in page and ADLS_NEW in page
    assert "Azure Blob Storage" in page and "Azure Data Lake Storage Gen2" in page
    found = editor_client.get(
        "/factories/default/new/?q=staging", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="gallery"
    ).content.decode()
    assert BLOB_NEW in found and ADLS_NEW in found and "/new/Spark/" not in found
    adls = editor_client.get(
        "/factories/default/new/?q=adls", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="gallery"
    ).content.decode()
    assert ADLS_NEW in adls and BLOB_NEW not in adls


def test_a_new_blob_form_starts_with_the_account_key_and_says_why_there_is_no_test(
    editor_client: Client,
) -> None:
    html = editor_client.get(BLOB_NEW).content.decode()
    assert shown_fields(html) == ["authentication", "connectionString", "accountKey"]
    assert re.search(r'<option value="AccountKey" selected>', html)
    assert 'id="test-connection"' not in html and NO_TEST in html
    assert "Values for this test" not in html


@pytest.mark.parametrize(
    ("url", "authentication", "fields"),
    [
        (BLOB_NEW, "SasUri", ["sasUri", "sasToken"]),
        (
            BLOB_NEW,
            "ServicePrincipal",
            [
                "serviceEndpoint",
                "accountKind",
                "servicePrincipalId",
                "servicePrincipalCredentialType",
                "servicePrincipalCredential",
                "servicePrincipalKey",
                "tenant",
                "azureCloudType",
            ],
        ),
        (BLOB_NEW, "SystemAssignedManagedIdentity", ["serviceEndpoint", "accountKind"]),
        (BLOB_NEW, "UserAssignedManagedIdentity", ["serviceEndpoint", "accountKind", "credential"]),
        (BLOB_NEW, "Anonymous", ["containerUri", "authenticationType"]),
        (ADLS_NEW, "AccountKey", ["url", "accountKey"]),
        (ADLS_NEW, "SystemAssignedManagedIdentity", ["url"]),
        (ADLS_NEW, "UserAssignedManagedIdentity", ["url", "credential"]),
    ],
)
def test_the_authentication_choice_shows_its_own_fields(
    editor_client: Client, url: str, authentication: str, fields: list[str]
) -> None:
    html = editor_client.post(url, form(authentication=authentication), **HTMX_FIELDS)
    assert shown_fields(html.content.decode()) == ["authentication", *fields]


def test_an_account_key_connection_string_typed_in_the_form_is_encrypted_and_never_shown(
    editor_client: Client,
) -> None:
    response = editor_client.post(
        BLOB_NEW,
        form(**{"authentication": "AccountKey", "connectionString": CONNECTION_STRING}),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Resource.objects.get(name="Staging")
    assert (service.connector, service.connector_version) == ("AzureBlobStorage", "current")
    tp = json.loads(service.definition)["typeProperties"]
    assert list(tp) == ["connectionString"]  # no "authentication": ADF writes none
    assert tp["connectionString"]["type"] == "SecureString" and KEY not in service.definition
    assert SecretValue.objects.get().reveal() == CONNECTION_STRING
    detail = editor_client.get(response["Location"]).content.decode()
    assert KEY not in detail and NO_TEST in detail and 'id="test-connection"' not in detail
    edit = editor_client.get(url_of(service, "edit")).content.decode()
    assert KEY not in edit and "AccountName=contoso" not in edit


def test_a_chosen_authentication_asks_for_what_it_needs_and_saves_nothing_without_it(
    editor_client: Client,
) -> None:
    response = editor_client.post(BLOB_NEW, form(authentication="ServicePrincipal"))
    html = response.content.decode()
    assert response.status_code == 400
    for name in ("serviceEndpoint", "servicePrincipalId", "tenant"):
        assert re.search(
            rf'<a href="#id_tp-{name}">[^<]+</a>: Required for service principal', html
        )
    assert "connectionString" not in shown_fields(html)
    assert not Resource.objects.filter(name="Staging").exists()


def test_a_data_lake_with_a_managed_identity_is_its_url_alone(editor_client: Client) -> None:
    response = editor_client.post(
        ADLS_NEW,
        form(
            name="Lake",
            authentication="SystemAssignedManagedIdentity",
            url="https://contoso.dfs.core.windows.net",
        ),
    )
    assert response.status_code == 302
    properties = json.loads(Resource.objects.get(name="Lake").definition)
    assert properties == {
        "annotations": [],
        "type": "AzureBlobFS",
        "typeProperties": {"url": "https://contoso.dfs.core.windows.net"},
    }


def test_a_service_principal_key_typed_in_the_form_is_kept_on_the_next_edit(
    editor_client: Client,
) -> None:
    values = {
        "authentication": "ServicePrincipal",
        "url": "https://contoso.dfs.core.windows.net",
        "servicePrincipalId": "00000000-0000-0000-0000-000000000001",
        "tenant": "contoso.onmicrosoft.com",
        "servicePrincipalCredentialType": "ServicePrincipalKey",
        "servicePrincipalCredential": KEY,
    }
    assert editor_client.post(ADLS_NEW, form(name="Lake", **values)).status_code == 302
    service = Resource.objects.get(name="Lake")
    edit = editor_client.get(url_of(service, "edit")).content.decode()
    assert re.search(r'<option value="ServicePrincipal" selected>', edit) and KEY not in edit
    again = form(name="Lake", **{**values, "servicePrincipalCredential": ""})
    again.update(based_on=str(service.revision), description="the key left untouched")
    assert editor_client.post(url_of(service, "edit"), again).status_code == 302
    assert SecretValue.objects.get().reveal() == KEY


def test_an_adf_studio_file_is_edited_without_losing_what_adf_wrote(
    editor: Any, editor_client: Client
) -> None:
    service = save_definition(
        user=editor, name="Studio", properties=STUDIO, action="create"
    ).resource
    edit = editor_client.get(url_of(service, "edit")).content.decode()
    assert re.search(r'<option value="AccountKey" selected>', edit)
    assert 'id="held_encryptedCredential"' in edit
    data = form(name="Studio", authentication="AccountKey", connectionString="")
    data.update(based_on=str(service.revision), description="staging for the loads")
    assert editor_client.post(url_of(service, "edit"), data).status_code == 302
    service.refresh_from_db()
    assert service.properties["typeProperties"] == STUDIO["typeProperties"]
    assert service.description == "staging for the loads"


def test_switching_the_authentication_leaves_the_old_one_behind(
    editor: Any, editor_client: Client
) -> None:
    service = save_definition(
        user=editor, name="Studio", properties=STUDIO, action="create"
    ).resource
    data = form(
        name="Studio",
        authentication="SystemAssignedManagedIdentity",
        serviceEndpoint="https://contoso.blob.core.windows.net/",
        accountKind="StorageV2",
    )
    data["based_on"] = str(service.revision)
    preview = editor_client.post(url_of(service, "edit"), data, **HTMX_CODE)
    assert "encryptedCredential" not in preview.content.decode()
    assert editor_client.post(url_of(service, "edit"), data).status_code == 302
    service.refresh_from_db()
    assert service.properties["typeProperties"] == {
        "serviceEndpoint": "https://contoso.blob.core.windows.net/",
        "accountKind": "StorageV2",
    }


def test_the_api_says_why_a_storage_linked_service_is_not_tested(editor: Any) -> None:
    save_definition(user=editor, name="Studio", properties=STUDIO, action="create")
    response = api_for(editor).post("/api/v1/linkedservices/Studio/test")
    assert response.status_code == 400
    assert NO_TEST in json.dumps(response.json())


def _vault(secret: str) -> dict[str, Any]:
    return {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "KeyVault", "type": "LinkedServiceReference"},
        "secretName": secret,
    }


def test_a_tenant_and_client_id_held_in_key_vault_are_accepted_and_kept(
    editor: Any, editor_client: Client
) -> None:
    # As a real repository holds them: every service principal value a Key Vault secret.
    properties = {
        "type": "AzureBlobFS",
        "typeProperties": {
            "url": "https://contosolake.dfs.core.windows.net/",
            "tenant": _vault("lake-tenant-id"),
            "servicePrincipalId": _vault("lake-client-id"),
            "servicePrincipalKey": _vault("lake-client-secret"),
        },
    }
    service = save_definition(
        user=editor, name="VaultLake", properties=properties, action="create"
    ).resource
    assert service.properties["typeProperties"]["tenant"] == _vault("lake-tenant-id")
    assert editor_client.get(url_of(service)).status_code == 200
    assert editor_client.get(url_of(service, "edit")).status_code == 200

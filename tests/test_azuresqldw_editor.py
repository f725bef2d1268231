"""Authoring Azure Synapse Analytics (AzureSqlDW) linked services from the gallery: the same
schema-driven form as Spark, both shapes, secrets encrypted, plain connection strings kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from portal.models import Resource, SecretValue
from tests.conftest import SECRET
from tests.helpers import url_of

pytestmark = pytest.mark.django_db

CREATE_URL = "/factories/default/new/linkedService/AzureSqlDW/"


def shown_fields(html: str) -> list[str]:
    return re.findall(r'data-field="([^"]+)"', html)


def form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "SqlPool",
        "version": "recommended",
        "description": "",
        "connectVia": "",
        "annotations": "",
        "tp-server": "contoso-ws.sql.azuresynapse.net",
        "tp-database": "salesdw",
        "tp-authenticationType": "SQL",
        "tp-userName": "loader",
        "tp-password__kind": "SecureString",
        "tp-password": SECRET,
        "param-0-name": "",
        "param-0-type": "String",
        "param-0-default": "",
    }
    data.update(overrides)
    return data


def test_the_gallery_offers_azure_synapse_analytics(editor_client: Client) -> None:
    page = editor_client.get("/factories/default/new/").content.decode()
    assert "Azure Synapse Analytics" in page and CREATE_URL in page
    found = editor_client.get("/factories/default/new/?q=dedicated").content.decode()
    assert "Azure Synapse Analytics" in found


def test_the_new_form_is_the_recommended_shape_with_sql_authentication(
    editor_client: Client,
) -> None:
    html = editor_client.get(CREATE_URL).content.decode()
    assert re.search(r'<option value="recommended" selected>', html)
    fields = shown_fields(html)
    assert fields[:3] == ["server", "database", "encrypt"]
    assert "userName" in fields and "password" in fields
    assert "servicePrincipalId" not in fields and "connectionString" not in fields


def test_the_legacy_shape_form_asks_for_a_connection_string(editor_client: Client) -> None:
    html = editor_client.get(CREATE_URL + "?version=legacy").content.decode()
    assert "connectionString" in shown_fields(html)
    assert "legacy shape" in html


def test_create_stores_adf_json_without_a_version_and_encrypts_the_password(
    editor_client: Client,
) -> None:
    response = editor_client.post(CREATE_URL, form())
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Resource.objects.get()
    assert (service.connector, service.connector_version) == ("AzureSqlDW", "recommended")
    assert service.masked_properties == {
        "annotations": [],
        "type": "AzureSqlDW",
        "typeProperties": {
            "server": "contoso-ws.sql.azuresynapse.net",
            "database": "salesdw",
            "authenticationType": "SQL",
            "userName": "loader",
            "password": {"type": "SecureString", "value": "**********"},
        },
    }
    assert SecretValue.objects.get().reveal() == SECRET
    assert SECRET not in service.definition


def test_user_assigned_identity_writes_a_credential_reference(editor_client: Client) -> None:
    data = form(
        **{"tp-authenticationType": "UserAssignedManagedIdentity", "tp-credential": "cred1"}
    )
    response = editor_client.post(CREATE_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    tp = Resource.objects.get().properties["typeProperties"]
    assert tp["credential"] == {"referenceName": "cred1", "type": "CredentialReference"}
    assert "userName" not in tp and "password" not in tp


def test_missing_server_is_reported_at_the_field_and_nothing_is_stored(
    editor_client: Client,
) -> None:
    response = editor_client.post(CREATE_URL, form(**{"tp-server": ""}))
    assert response.status_code == 400
    assert 'data-field="server"' in response.content.decode()
    assert not Resource.objects.exists()


def test_a_plain_connection_string_is_kept_when_the_legacy_form_is_saved_untouched(
    editor_client: Client,
) -> None:
    conn = "Server=tcp:dw.database.windows.net,1433;Database=salesdw;Encrypt=True"
    created = editor_client.post(
        CREATE_URL,
        {
            "name": "Legacy",
            "version": "legacy",
            "tp-connectionString__kind": "SecureString",
            "tp-connectionString": conn,
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    service = Resource.objects.get()
    assert service.connector_version == "legacy"
    # The connection string, typed in the form, is held as a secure string.
    assert service.masked_properties["typeProperties"]["connectionString"]["value"] == "**********"
    page = editor_client.get(url_of(service)).content.decode()
    assert conn not in page and "recommended shape" in page


def test_an_imported_plain_connection_string_survives_an_edit_of_another_field(
    editor_client: Client, editor: Any
) -> None:
    from portal.definitions import save_definition

    conn = "Server=tcp:dw.database.windows.net,1433;Database=salesdw;Encrypt=True"
    props = {"annotations": [], "type": "AzureSqlDW", "typeProperties": {"connectionString": conn}}
    save_definition(user=editor, name="Plain", properties=props, action="create")
    service = Resource.objects.get(name="Plain")
    edit = editor_client.get(url_of(service, "edit")).content.decode()
    # Not a secret (it names no password): the Code panel shows it, the field does not.
    assert f'value="{conn}"' not in edit
    response = editor_client.post(
        url_of(service, "edit"),
        {
            "name": "Plain",
            "version": "legacy",
            "description": "now described",
            "tp-connectionString__kind": "SecureString",
            "tp-connectionString": "",
            "based_on": str(service.revision),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    service.refresh_from_db()
    assert service.properties["typeProperties"]["connectionString"] == conn
    assert service.properties["description"] == "now described"


def test_a_legacy_definition_is_converted_through_the_upgrade_wizard(
    editor_client: Client, editor: Any
) -> None:
    from portal.definitions import save_definition

    conn = "Server=tcp:dw.database.windows.net,1433;Database=salesdw;User ID=loader;Encrypt=True"
    kv = {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "kv", "type": "LinkedServiceReference"},
        "secretName": "pw",
    }
    props = {
        "annotations": [],
        "type": "AzureSqlDW",
        "typeProperties": {"connectionString": conn, "password": kv},
    }
    save_definition(user=editor, name="OldPool", properties=props, action="create")
    service = Resource.objects.get(name="OldPool")
    listing = editor_client.get("/factories/default/").content.decode()
    assert ">legacy</span>" in listing and url_of(service, "upgrade") in listing
    url = url_of(service, "upgrade")
    html = editor_client.get(url).content.decode()
    assert "legacy → recommended shape" in html
    for step in ("analyse", "types", "decide", "preview", "test"):
        html = editor_client.post(
            url, {"step": step, "nav": "next", "based_on": "1"}
        ).content.decode()
    assert 'data-step="commit"' in html
    response = editor_client.post(url, {"step": "commit", "nav": "commit", "based_on": "1"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.connector_version == "recommended" and service.revision == 2
    assert service.properties["typeProperties"] == {
        "server": "dw.database.windows.net",
        "database": "salesdw",
        "encrypt": "mandatory",
        "authenticationType": "SQL",
        "userName": "loader",
        "password": kv,
    }

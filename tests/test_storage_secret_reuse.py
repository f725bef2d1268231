"""Secrets of Azure Blob Storage and Data Lake Storage Gen2 linked services: encrypted at
rest, masked wherever they are shown, and an untouched one reused only while nothing of
where it goes (the connector's secret target) has changed; each target property, changed
with the secret left untouched, is refused at the secret, through the API and the form."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from connectors.azureblobfs.secret_target import SECRET_TARGET as ADLS_TARGET
from connectors.azureblobstorage.secret_target import SECRET_TARGET as BLOB_TARGET
from connectors.formdata import form_from_properties
from connectors.registry import get_connector
from portal.definitions import DefinitionInvalid, save_definition
from portal.models import SecretValue
from tests.conftest import api_for
from tests.helpers import url_of

pytestmark = pytest.mark.django_db

SECRET = "St0rage-Secret-ñ/+="
MASK = {"type": "SecureString", "value": "**********"}
ENDPOINT = "https://contoso.blob.core.windows.net/"
URL = "https://contoso.dfs.core.windows.net"
IR = {"connectVia": {"referenceName": "TheirIR", "type": "IntegrationRuntimeReference"}}


def secure(value: str = SECRET) -> dict[str, str]:
    return {"type": "SecureString", "value": value}


SP = {"servicePrincipalId": "app-id", "tenant": "contoso.com"}
# property -> (stored typeProperties, the secret's property, the Editor's change)
BLOB_CASES: dict[str, tuple[dict[str, Any], str, dict[str, Any]]] = {
    "serviceEndpoint": (
        {"serviceEndpoint": ENDPOINT, **SP, "servicePrincipalKey": secure()},
        "servicePrincipalKey",
        {"serviceEndpoint": "https://evil.blob.core.windows.net/"},
    ),
    "tenant": (
        {"serviceEndpoint": ENDPOINT, **SP, "servicePrincipalKey": secure()},
        "servicePrincipalKey",
        {"tenant": "evil.onmicrosoft.com"},
    ),
    "azureCloudType": (
        {"serviceEndpoint": ENDPOINT, **SP, "servicePrincipalKey": secure()},
        "servicePrincipalKey",
        {"azureCloudType": "AzureChina"},
    ),
    "connectVia": (
        {"connectionString": secure(f"AccountName=contoso;AccountKey={SECRET}")},
        "connectionString",
        IR,
    ),
}
ADLS_CASES: dict[str, tuple[dict[str, Any], str, dict[str, Any]]] = {
    "url": (
        {"url": URL, "accountKey": secure()},
        "accountKey",
        {"url": "https://evil.dfs.core.windows.net"},
    ),
    "sasUri": (
        {"sasUri": f"{URL}/staging", "sasToken": secure()},
        "sasToken",
        {"sasUri": "https://evil.dfs.core.windows.net/staging"},
    ),
    "tenant": (
        {"url": URL, **SP, "servicePrincipalCredential": secure()},
        "servicePrincipalCredential",
        {"tenant": "evil.onmicrosoft.com"},
    ),
    "azureCloudType": (
        {"url": URL, **SP, "servicePrincipalCredential": secure()},
        "servicePrincipalCredential",
        {"azureCloudType": "AzureUsGovernment"},
    ),
    "connectVia": ({"sasUri": secure(f"{URL}/?sv=1&sig={SECRET}")}, "sasUri", IR),
}
CASES = {"AzureBlobStorage": BLOB_CASES, "AzureBlobFS": ADLS_CASES}
STORAGE_CASES = [(t, name) for t, cases in CASES.items() for name in cases]


def test_every_target_property_of_both_connectors_has_a_case() -> None:
    assert set(BLOB_CASES) == set(BLOB_TARGET)
    assert set(ADLS_CASES) == set(ADLS_TARGET)


def properties(connector_type: str, tp: dict[str, Any]) -> dict[str, Any]:
    return {"annotations": [], "type": connector_type, "typeProperties": copy.deepcopy(tp)}


def _changed(stored: dict[str, Any], secret: str, change: dict[str, Any]) -> dict[str, Any]:
    edited = copy.deepcopy(stored)
    edited["typeProperties"][secret] = MASK
    for key, value in change.items():
        if key == "connectVia":
            edited["connectVia"] = value
        else:
            edited["typeProperties"][key] = value
    return edited


@pytest.mark.parametrize(("connector_type", "name"), STORAGE_CASES)
def test_a_stored_secret_is_kept_untouched_and_not_sent_to_a_changed_target(
    editor: Any, connector_type: str, name: str
) -> None:
    tp, secret, change = CASES[connector_type][name]
    stored = properties(connector_type, tp)
    service = save_definition(user=editor, name="Store", properties=stored, action="create")
    resource = service.resource
    assert SECRET not in resource.definition and SecretValue.objects.count() == 1

    unchanged = _changed(stored, secret, {})
    unchanged["description"] = "same target"
    save_definition(
        user=editor,
        name="Store",
        properties=unchanged,
        action="edit",
        instance=resource,
        based_on=resource.revision,
    )
    resource.refresh_from_db()
    assert resource.revision == 2 and SecretValue.objects.count() == 1
    assert "secretId" in resource.properties["typeProperties"][secret]

    with pytest.raises(DefinitionInvalid) as refused:
        save_definition(
            user=editor,
            name="Store",
            properties=_changed(stored, secret, change),
            action="edit",
            instance=resource,
            based_on=resource.revision,
        )
    problems = [p for p in refused.value.problems if "typed for another target" in p.message]
    assert [p.path for p in problems] == [f"$.properties.typeProperties.{secret}"]
    assert name in problems[0].message and "Type the" in problems[0].message
    assert SECRET not in str(refused.value.problems)


def test_an_untouched_secure_connection_string_is_kept_save_after_save(editor: Any) -> None:
    """The string holds its own account: typed or kept, its target is the same, so saving
    again without touching it never asks for it again."""
    stored = properties("AzureBlobStorage", {"connectionString": secure()})
    resource = save_definition(
        user=editor, name="Blob", properties=stored, action="create"
    ).resource
    for number in range(2, 4):
        edited = _changed(stored, "connectionString", {})
        edited["description"] = f"save {number}"
        save_definition(
            user=editor,
            name="Blob",
            properties=edited,
            action="edit",
            instance=resource,
            based_on=resource.revision,
        )
        resource.refresh_from_db()
        assert resource.revision == number
    assert SecretValue.objects.get().reveal() == SECRET


def test_the_api_and_the_pages_show_the_mask_never_the_secret(
    editor: Any, editor_client: Client
) -> None:
    tp, _secret, _change = ADLS_CASES["url"]
    resource = save_definition(
        user=editor, name="Lake", properties=properties("AzureBlobFS", tp), action="create"
    ).resource
    api = api_for(editor)
    body = api.get("/api/v1/linkedservices/Lake").json()
    assert body["properties"]["typeProperties"]["accountKey"] == MASK
    exported = api.get("/api/v1/linkedservices/Lake/export").content.decode()
    pages = [
        editor_client.get(url_of(resource)).content.decode(),
        editor_client.get(url_of(resource, "edit")).content.decode(),
        editor_client.get("/factories/default/?kind=linkedService").content.decode(),
    ]
    for text in [json.dumps(body), exported, *pages]:
        assert SECRET not in text
    assert "**********" in exported


def test_the_edit_form_keeps_an_untouched_account_key_and_refuses_it_for_another_url(
    editor: Any, editor_client: Client
) -> None:
    tp, _secret, _change = ADLS_CASES["url"]
    stored = properties("AzureBlobFS", tp)
    resource = save_definition(
        user=editor, name="Lake", properties=stored, action="create"
    ).resource
    version = get_connector("AzureBlobFS").version("current")
    data = form_from_properties(version, resource.properties)
    assert data["tp-authentication"] == "AccountKey" and "tp-accountKey" not in data
    data.update(name="Lake", version="current", based_on=str(resource.revision))
    data["description"] = "edited in the form"
    response = editor_client.post(url_of(resource, "edit"), data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.description == "edited in the form"
    assert SecretValue.objects.get().reveal() == SECRET

    data.update(based_on=str(resource.revision), **{"tp-url": "https://evil.dfs.core.windows.net"})
    response = editor_client.post(url_of(resource, "edit"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "typed for another target" in html and "url" in html and SECRET not in html

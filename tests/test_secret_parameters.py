"""A SecureString parameter's default value is a secret like a password."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from portal.models import Resource, Revision, SecretValue, revision_changes
from portal.upgrades import plan_for
from tests.conftest import SPARK_V2, api_for, form_data
from tests.helpers import url_of

pytestmark = pytest.mark.django_db

DEFAULT = "param-Default-Secret-5e1"


def with_secure_parameter(properties: dict[str, Any], default: str = DEFAULT) -> dict[str, Any]:
    properties = copy.deepcopy(properties)
    properties["parameters"] = {
        "token": {"type": "SecureString", "defaultValue": default},
        "db": {"type": "String", "defaultValue": "default"},
    }
    return properties


def assert_never_shown(client: Client, service: Resource) -> None:
    for url in (
        url_of(service),
        url_of(service, "edit"),
        url_of(service, "export"),
    ):
        assert DEFAULT not in client.get(url).content.decode(), url


def test_secure_parameter_default_is_encrypted_masked_and_kept(
    editor: Any, editor_client: Client
) -> None:
    api = api_for(editor)
    body = {"name": "WithParam", "properties": with_secure_parameter(SPARK_V2)}
    created = api.post("/api/v1/linkedservices/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["properties"]["parameters"] == {
        "token": {"type": "SecureString", "defaultValue": "**********"},
        "db": {"type": "String", "defaultValue": "default"},
    }
    service = Resource.objects.get()
    assert DEFAULT not in service.definition
    stored = service.properties["parameters"]["token"]["defaultValue"]
    assert SecretValue.objects.get(pk=stored["secretId"]).reveal() == DEFAULT
    assert_never_shown(editor_client, service)
    exported = json.loads(editor_client.get(url_of(service, "export")).content)
    assert exported["properties"]["parameters"]["token"] == {
        "type": "SecureString",
        "defaultValue": "**********",
    }

    # The API document sent back as is keeps the stored default.
    again = api.put(
        "/api/v1/linkedservices/WithParam", created.json(), format="json", HTTP_IF_MATCH='"1"'
    )
    assert again.status_code == 200, again.content
    # The edit form, with the default left empty, keeps it too.
    data = form_data(
        name="WithParam",
        based_on="2",
        **{
            "param-0-name": "token",
            "param-0-type": "SecureString",
            "param-0-default": "",
            "param-1-name": "db",
            "param-1-type": "String",
            "param-1-default": "default",
        },
    )
    assert editor_client.post(url_of(service, "edit"), data).status_code == 302
    service.refresh_from_db()
    stored = service.properties["parameters"]["token"]["defaultValue"]
    assert SecretValue.objects.get(pk=stored["secretId"]).reveal() == DEFAULT
    # Typing a new default replaces it; the diff says only that the secret changed.
    data.update({"param-0-default": "another-Default", "based_on": "3"})
    editor_client.post(url_of(service, "edit"), data)
    changes = [
        c.as_dict()
        for c in revision_changes(Revision.objects.get(number=3), Revision.objects.get(number=4))
    ]
    assert changes == [
        {"path": "$.properties.parameters.token.defaultValue", "kind": "changed", "secret": True}
    ]
    assert "another-Default" not in json.dumps(changes)


def test_masked_default_cannot_create(editor: Any) -> None:
    api = api_for(editor)
    body = {"name": "P", "properties": with_secure_parameter(SPARK_V2, "**********")}
    response = api.post("/api/v1/linkedservices/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "$.properties.parameters.token.defaultValue"


def test_upgrade_carries_a_secure_parameter_default(editor: Any) -> None:
    from portal.definitions import save_definition

    v1 = with_secure_parameter(
        {
            "type": "Spark",
            "typeProperties": {
                "host": "h.example.com",
                "port": 443,
                "thriftTransportProtocol": "HTTP",
                "authenticationType": "Anonymous",
                "httpPath": "cliservice",
                "enableSsl": True,
            },
        }
    )
    service = save_definition(user=editor, name="Up", properties=v1, action="create").resource
    plan = plan_for(service)
    assert plan.ready, (plan.pending, plan.blocked, plan.problems)
    assert plan.proposed["parameters"]["token"] == service.properties["parameters"]["token"]
    assert DEFAULT not in json.dumps(plan.as_dict())


def test_a_lower_case_securestring_parameter_default_is_a_secret_too(
    editor: Any, editor_client: Client
) -> None:
    properties = copy.deepcopy(SPARK_V2)
    properties["parameters"] = {"token": {"type": "securestring", "defaultValue": DEFAULT}}
    created = api_for(editor).post(
        "/api/v1/linkedservices/", {"name": "LowerCase", "properties": properties}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["properties"]["parameters"] == {
        "token": {"type": "securestring", "defaultValue": "**********"}
    }
    service = Resource.objects.get()
    assert DEFAULT not in service.definition
    stored = service.properties["parameters"]["token"]["defaultValue"]
    assert SecretValue.objects.get(pk=stored["secretId"]).reveal() == DEFAULT
    assert_never_shown(editor_client, service)
    for secret in SecretValue.objects.all():
        assert DEFAULT not in secret.target

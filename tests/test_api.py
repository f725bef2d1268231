"""REST API v1: ADF JSON bodies, ETag / If-Match, tokens, roles, history."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from connectors.registry import REGISTRY
from portal.models import ApiToken, AuditEvent, Resource, Revision, SecretValue
from tests.conftest import SECRET, SPARK_V2, api_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/linkedservices/"


@pytest.fixture
def editor_api(editor: Any) -> APIClient:
    return api_for(editor)


@pytest.fixture
def reader_api(reader: Any) -> APIClient:
    return api_for(reader)


def body(name: str = "SparkApi", **type_properties: Any) -> dict[str, Any]:
    properties = copy.deepcopy(SPARK_V2)
    properties["typeProperties"].update(type_properties)
    return {"name": name, "properties": properties}


def create(client: APIClient, name: str = "SparkApi", **tp: Any) -> Any:
    return client.post(BASE, body(name, **tp), format="json")


def test_create_get_and_etag(editor_api: APIClient) -> None:
    response = create(editor_api)
    assert response.status_code == 201
    assert response["ETag"] == '"1"' and response["Location"] == "/api/v1/linkedservices/SparkApi"
    got = editor_api.get(BASE + "SparkApi")
    assert got.status_code == 200 and got["ETag"] == '"1"'
    data = got.json()
    assert data["name"] == "SparkApi" and data["etag"] == "1"
    assert data["type"] == "Microsoft.DataFactory/factories/linkedservices"
    assert data["properties"]["typeProperties"]["password"] == {
        "type": "SecureString",
        "value": "**********",
    }
    assert editor_api.get(BASE + "sparkapi").status_code == 200  # names are case-insensitive


def test_create_errors_are_a_list_of_paths_and_messages(editor_api: APIClient) -> None:
    response = create(editor_api, port=0, authenticationType="Username")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {
        "path": "$.properties.typeProperties.port",
        "message": "Enter a whole number from 1 to 65535, or an ADF expression.",
    } in errors
    assert any(e["path"] == "$.properties.typeProperties.authenticationType" for e in errors)
    assert not Resource.objects.exists()


def test_update_requires_if_match(editor_api: APIClient) -> None:
    create(editor_api)
    put = editor_api.put(BASE + "SparkApi", body(host="h2.example.com"), format="json")
    assert put.status_code == 428
    assert put.json()["errors"][0]["path"] == "If-Match"


def test_update_with_current_etag_then_stale_etag(editor_api: APIClient) -> None:
    create(editor_api)
    ok = editor_api.put(
        BASE + "SparkApi", body(host="h2.example.com"), format="json", HTTP_IF_MATCH='"1"'
    )
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = editor_api.put(
        BASE + "SparkApi", body(host="h3.example.com"), format="json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412
    assert stale.json()["currentRevision"] == 2 and stale["ETag"] == '"2"'
    current = Resource.objects.get()
    assert current.properties["typeProperties"]["host"] == "h2.example.com"


def test_put_with_masked_password_keeps_the_secret(editor_api: APIClient) -> None:
    create(editor_api)
    document = editor_api.get(BASE + "SparkApi").json()
    document["properties"]["typeProperties"]["username"] = "someone-else"
    response = editor_api.put(BASE + "SparkApi", document, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.json()
    secret_id = Resource.objects.get().properties["typeProperties"]["password"]["secretId"]
    assert SecretValue.objects.get(pk=secret_id).reveal() == SECRET
    assert SecretValue.objects.count() == 1


def test_rename_keeps_history(editor_api: APIClient) -> None:
    create(editor_api)
    renamed = editor_api.put(
        BASE + "SparkApi", body("SparkRenamed"), format="json", HTTP_IF_MATCH="1"
    )
    assert renamed.status_code == 200
    revisions = editor_api.get(BASE + "SparkRenamed/revisions").json()["results"]
    assert [(r["number"], r["name"]) for r in revisions] == [(2, "SparkRenamed"), (1, "SparkApi")]
    assert editor_api.get(BASE + "SparkApi").status_code == 404


def test_delete_requires_if_match_and_keeps_history(editor_api: APIClient) -> None:
    create(editor_api)
    assert editor_api.delete(BASE + "SparkApi").status_code == 428
    assert editor_api.delete(BASE + "SparkApi", HTTP_IF_MATCH='"7"').status_code == 412
    assert editor_api.delete(BASE + "SparkApi", HTTP_IF_MATCH='"1"').status_code == 204
    assert editor_api.get(BASE + "SparkApi").status_code == 404
    deleted = editor_api.get("/api/v1/deleted/").json()
    assert [d["name"] for d in deleted] == ["SparkApi"]
    assert create(editor_api).status_code == 400  # the name is still taken
    restored = editor_api.post("/api/v1/deleted/SparkApi/restore")
    assert restored.status_code == 200 and restored["ETag"] == '"3"'
    assert [r["action"] for r in editor_api.get(BASE + "SparkApi/revisions").json()["results"]] == [
        "restore",
        "delete",
        "create",
    ]


def test_purge_is_for_admins_and_frees_the_name(editor_api: APIClient, admin_user: Any) -> None:
    create(editor_api)
    editor_api.delete(BASE + "SparkApi", HTTP_IF_MATCH="1")
    assert editor_api.delete("/api/v1/deleted/SparkApi").status_code == 403
    admin_api = api_for(admin_user)
    assert admin_api.delete("/api/v1/deleted/SparkApi").status_code == 204
    assert create(editor_api).status_code == 201
    assert Revision.objects.count() == 3  # old history kept, new service has its own


def test_revisions_diff_and_restore(editor_api: APIClient) -> None:
    create(editor_api)
    editor_api.put(
        BASE + "SparkApi",
        body(
            host="h2.example.com",
            password={"type": "SecureString", "value": "other"},
            enableSsl=False,
        ),
        format="json",
        HTTP_IF_MATCH="1",
    )
    diff = editor_api.get(BASE + "SparkApi/diff?from=1&to=2").json()
    assert diff["changes"] == [
        {
            "path": "$.properties.typeProperties.host",
            "kind": "changed",
            "old": "spark.example.com",
            "new": "h2.example.com",
        },
        {"path": "$.properties.typeProperties.password", "kind": "changed", "secret": True},
        {"path": "$.properties.typeProperties.enableSsl", "kind": "added", "new": False},
    ]
    assert "other" not in json.dumps(diff) and SECRET not in json.dumps(diff)
    assert editor_api.post(BASE + "SparkApi/revisions/1/restore").status_code == 428
    restored = editor_api.post(BASE + "SparkApi/revisions/1/restore", HTTP_IF_MATCH='"2"')
    assert restored.status_code == 200 and restored["ETag"] == '"3"'
    assert restored.json()["properties"]["typeProperties"]["host"] == "spark.example.com"
    same = editor_api.get(BASE + "SparkApi/diff?from=1&to=3").json()
    assert same["changes"] == []
    secret_id = Resource.objects.get().properties["typeProperties"]["password"]["secretId"]
    assert SecretValue.objects.get(pk=secret_id).reveal() == SECRET


def test_list_is_paginated_and_filtered(editor_api: APIClient) -> None:
    for index in range(3):
        create(editor_api, f"Spark{index}")
    v1 = {
        "name": "Old",
        "properties": {
            "type": "Spark",
            "typeProperties": {"host": "h", "port": 10000, "authenticationType": "Anonymous"},
        },
    }
    assert editor_api.post(BASE, v1, format="json").status_code == 201
    page = editor_api.get(BASE + "?pageSize=2").json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert [d["name"] for d in editor_api.get(BASE + "?version=1.0").json()["results"]] == ["Old"]
    assert len(editor_api.get(BASE + "?name=spark").json()["results"]) == 3
    assert editor_api.get(BASE + "?connector=Hive").json()["count"] == 0


def test_import_and_export(editor_api: APIClient) -> None:
    response = editor_api.post("/api/v1/import", [body("One"), body("Two")], format="json")
    assert response.status_code == 201 and response.json()["imported"] is True
    bad = editor_api.post(
        "/api/v1/import", [body("Three"), body("Four", port="<port>")], format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["results"][1]["errors"][0]["path"] == "$.properties.typeProperties.port"
    assert Resource.objects.count() == 2
    exported = editor_api.get(BASE + "One/export")
    assert exported.content.decode().startswith('{\n\t"name": "One"')
    assert SECRET.encode() not in exported.content
    assert editor_api.get("/api/v1/export")["Content-Type"] == "application/zip"


def test_reader_can_read_but_not_write(reader_api: APIClient, editor_api: APIClient) -> None:
    create(editor_api)
    assert reader_api.get(BASE).status_code == 200
    assert reader_api.get(BASE + "SparkApi").status_code == 200
    writes = [
        reader_api.post(BASE, body("X"), format="json"),
        reader_api.put(BASE + "SparkApi", body(), format="json", HTTP_IF_MATCH="1"),
        reader_api.delete(BASE + "SparkApi", HTTP_IF_MATCH="1"),
        reader_api.post(BASE + "SparkApi/revisions/1/restore", HTTP_IF_MATCH="1"),
        reader_api.post("/api/v1/import", body("Y"), format="json"),
        reader_api.post(BASE + "SparkApi/test"),
        reader_api.post("/api/v1/test-connection", body("Z"), format="json"),
    ]
    assert [w.status_code for w in writes] == [403] * 7
    assert Resource.objects.count() == 1
    assert AuditEvent.objects.filter(action="permission denied").count() == 7


def test_unauthenticated_and_revoked_tokens(editor: Any) -> None:
    anonymous = APIClient()
    assert anonymous.get(BASE).status_code == 401
    token, key = ApiToken.issue(editor, "old")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(BASE).status_code == 200
    from django.utils import timezone

    token.revoked_at = timezone.now()
    token.save()
    assert client.get(BASE).status_code == 401
    assert not ApiToken.objects.filter(key_hash=key).exists()  # only a hash is stored


def test_session_authentication_for_the_browser(editor_client: Any) -> None:
    assert editor_client.get(BASE).status_code == 200


def test_openapi_document_validates_and_uses_connector_schemas(client: Any, db: Any) -> None:
    from openapi_spec_validator import validate

    response = client.get("/api/schema/?format=json")
    spec = json.loads(response.content)
    validate(spec)
    schemas = spec["components"]["schemas"]
    assert schemas["LinkedServiceProperties"]["oneOf"] == [
        {"$ref": "#/components/schemas/SparkLinkedServiceProperties_2_0"},
        {"$ref": "#/components/schemas/SparkLinkedServiceProperties_1_0"},
        {"$ref": "#/components/schemas/AzureSqlDWLinkedServiceProperties_recommended"},
        {"$ref": "#/components/schemas/AzureSqlDWLinkedServiceProperties_legacy"},
        {"$ref": "#/components/schemas/AzureBlobStorageLinkedServiceProperties_current"},
        {"$ref": "#/components/schemas/AzureBlobFSLinkedServiceProperties_current"},
        {"$ref": "#/components/schemas/HiveLinkedServiceProperties_2_0"},
        {"$ref": "#/components/schemas/HiveLinkedServiceProperties_1_0"},
        {"$ref": "#/components/schemas/ImpalaLinkedServiceProperties_2_0"},
        {"$ref": "#/components/schemas/ImpalaLinkedServiceProperties_1_0"},
        {"$ref": "#/components/schemas/OtherLinkedServiceProperties"},
    ]
    # A connector schema's own $defs are components of their own, and every $ref resolves.
    assert "AzureBlobFSLinkedServiceProperties_current_notSas" in schemas
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(spec))
    assert set(refs) <= set(schemas)
    v2 = schemas["SparkLinkedServiceProperties_2_0"]["properties"]["typeProperties"]
    assert v2["properties"]["authenticationType"]["enum"] == [
        "Anonymous",
        "UsernameAndPassword",
        "WindowsAzureHDInsightService",
    ]
    create_op = spec["paths"]["/api/v1/linkedservices/"]["post"]
    assert create_op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LinkedServiceDocument"
    }
    any_kind = spec["paths"]["/api/v1/factories/{factory}/{kind}/"]["post"]
    assert any_kind["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ResourceDocument"
    }


def conforms(spec: dict[str, Any], component: str, value: Any) -> list[str]:
    """What of ``value`` breaks the OpenAPI document's ``component`` (nothing: [])."""
    from jsonschema import Draft202012Validator

    schema = {"$ref": f"#/components/schemas/{component}", "components": spec["components"]}
    return [error.message for error in Draft202012Validator(schema).iter_errors(value)]


def test_every_resource_the_api_gives_back_is_what_its_document_says(
    client: Any, editor_api: APIClient, editor: Any
) -> None:
    """A linked service of a type no connector has (kept as a document), a dataset and a
    pipeline: their documents and revisions, on the linked-service routes and the routes
    over any kind, agree with the OpenAPI document (revisions and restore did not)."""
    spec = json.loads(client.get("/api/schema/?format=json").content)
    blob = {"type": "AzureBlobStorage", "typeProperties": {"connectionString": "x=y;"}}
    created = editor_api.post(
        "/api/v1/linkedservices/", {"name": "Blob", "properties": blob}, format="json"
    )
    assert created.status_code == 201
    assert conforms(spec, "LinkedServiceDocument", created.json()) == []
    for url in ("/api/v1/linkedservices/Blob/revisions/1", "/api/v1/linkedservices/Blob"):
        body = editor_api.get(url).json()
        assert (
            conforms(spec, "Revision" if "revisions" in url else "LinkedServiceDocument", body)
            == []
        )
    restored = editor_api.post(
        "/api/v1/linkedservices/Blob/revisions/1/restore", HTTP_IF_MATCH='"1"'
    )
    assert restored.status_code == 200
    assert conforms(spec, "LinkedServiceDocument", restored.json()) == []
    pipeline = {"name": "P", "properties": {"activities": [], "annotations": []}}
    url = "/api/v1/factories/default/pipeline/"
    assert editor_api.post(url, pipeline, format="json").status_code == 201
    for path, component in (("P", "ResourceDocument"), ("P/revisions/1", "ResourceRevision")):
        assert conforms(spec, component, editor_api.get(url + path).json()) == []
    assert conforms(spec, "LinkedServiceDocument", editor_api.get(url + "P").json()) != []


def test_api_docs_page_is_served_locally(editor_client: Any) -> None:
    page = editor_client.get("/api/docs/").content.decode()
    assert "swagger" in page.lower() and "cdn" not in page.lower()


def test_a_forged_secret_reference_is_refused(editor_api: APIClient, saved_service: Any) -> None:
    """A body may not point its password at a secret stored for another linked service."""
    stolen = saved_service.properties["typeProperties"]["password"]["secretId"]
    forged = body(
        "Thief", host="attacker.example.com", password={"type": "SecureString", "secretId": stolen}
    )
    response = editor_api.post(BASE, forged, format="json")
    assert response.status_code == 400
    assert {
        "path": "$.properties.typeProperties.password",
        "message": "A secure string has a type and a value only.",
    } in response.json()["errors"]
    assert not Resource.objects.filter(name_key="thief").exists()


def test_odd_secure_strings_outside_secrets_do_not_crash(editor_api: APIClient) -> None:
    document = body()
    document["properties"]["annotations"] = [
        {"type": "SecureString"},
        {"type": "SecureString", "value": 5},
    ]
    assert editor_api.post(BASE, document, format="json").status_code == 201
    bad = body("Bad", password={"type": "SecureString"})
    response = editor_api.post(BASE, bad, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"].startswith("$.properties.typeProperties.password")


@pytest.mark.parametrize("one_off", [{}, {"testPassword": "p"}, {"testSecrets": {"password": "p"}}])
def test_an_unsaved_test_of_a_type_no_connector_has_is_a_400_at_its_type(
    editor_api: APIClient, one_off: dict[str, Any]
) -> None:
    """It answered 500 (the connection test was started without a connector version)."""
    properties = {"type": "HttpServer", "typeProperties": {"encryptedCredential": "abc"}}
    response = editor_api.post(
        "/api/v1/test-connection", {"name": "Web", "properties": properties, **one_off},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    supported = ", ".join(sorted(REGISTRY))
    assert response.json()["errors"] == [
        {
            "path": "$.properties.type",
            "message": f"Linked services of type 'HttpServer' are not supported "
            f"(supported: {supported}).",
        }
    ]

"""No response of any endpoint, page or export, and no log record, holds a stored secret."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from portal.definitions import delete_definition, save_definition
from portal.models import ApiToken, ConnectionTest
from tests.conftest import SECRET, SPARK_V2, form_data
from tests.fixture_secrets import DOCUMENT_SECRET, OTHER_SECRET, PARAM_SECRET

pytestmark = pytest.mark.django_db


def all_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def unpacked(content: bytes) -> bytes:
    if content[:2] != b"PK":
        return content
    archive = zipfile.ZipFile(io.BytesIO(content))
    return b"".join(archive.read(name) for name in archive.namelist())


def test_every_endpoint_keeps_secrets(admin_user: Any, editor: Any, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    service = save_definition(
        user=editor, name="Live", properties=SPARK_V2, action="create"
    ).resource
    changed = dict(
        SPARK_V2,
        typeProperties={
            **SPARK_V2["typeProperties"],
            "password": {"type": "SecureString", "value": OTHER_SECRET},
        },
    )
    changed["parameters"] = {"token": {"type": "SecureString", "defaultValue": PARAM_SECRET}}
    save_definition(user=editor, name="Live", properties=changed, action="edit", instance=service)
    gone = save_definition(user=editor, name="Gone", properties=SPARK_V2, action="create")
    delete_definition(user=editor, instance=gone.resource)
    pk, gone_pk = service.pk, gone.resource.pk
    blob = {
        "type": "AzureBlobStorage",
        "typeProperties": {
            "connectionString": {"type": "SecureString", "value": DOCUMENT_SECRET},
            "nested": [{"key": {"type": "SecureString", "value": DOCUMENT_SECRET}}],
        },
    }
    save_definition(user=editor, name="Blob", properties=blob, action="create")
    dataset = {
        "type": "DelimitedText",
        "linkedServiceName": {"referenceName": "Blob", "type": "LinkedServiceReference"},
    }
    save_definition(user=editor, name="Data", properties=dataset, action="create", kind="dataset")
    f = "/api/v1/factories/default/linkedService"
    page = "/factories/default"
    v1 = {
        "type": "Spark",
        "typeProperties": {
            "host": "old.example.com",
            "port": 443,
            "thriftTransportProtocol": "HTTP",
            "authenticationType": "UsernameAndPassword",
            "username": "u",
            "password": {"type": "SecureString", "value": SECRET},
        },
    }
    old_pk = save_definition(user=editor, name="Old", properties=v1, action="create").resource.pk
    # A Spark dataset on a linked service at 127.0.0.1: loopback is refused by the default
    # network policy, so its live calls stop at "Resolve host" and nothing is contacted.
    local = dict(v1, typeProperties={**v1["typeProperties"], "host": "127.0.0.1", "port": 9})
    save_definition(user=editor, name="Local", properties=local, action="create")
    spark_dataset = {
        "type": "SparkObject",
        "typeProperties": {"schema": "s", "table": "t"},
        "linkedServiceName": {"referenceName": "Local", "type": "LinkedServiceReference"},
    }
    save_definition(
        user=editor, name="Sdata", properties=spark_dataset, action="create", kind="dataset"
    )
    live_q = "?linkedService=Local&tp-schema=s&tp-table=t"
    pipeline = {
        "activities": [
            {
                "name": "CopyFromSpark",
                "type": "Copy",
                "inputs": [{"referenceName": "Sdata", "type": "DatasetReference"}],
                "outputs": [{"referenceName": "Data", "type": "DatasetReference"}],
                "typeProperties": {
                    "source": {"type": "SparkSource", "query": "SELECT 1"},
                    "sink": {"type": "DelimitedTextSink"},
                },
            }
        ]
    }
    save_definition(user=editor, name="Pipe", properties=pipeline, action="create", kind="pipeline")
    report = {
        "ok": False,
        "stages": [
            {"name": "TCP connect", "status": "failed", "duration_ms": 1.0, "detail": "refused"}
        ],
    }
    test = ConnectionTest.objects.create(
        resource=service,
        revision=2,
        name="Live",
        connector="Spark",
        connector_version="2.0",
        user=admin_user,
        status="failed",
        report=json.dumps(report),
    )

    browser = Client()
    browser.force_login(admin_user)
    api = APIClient()
    _, key = ApiToken.issue(admin_user, "sweep")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    pipe = "/api/v1/factories/default/pipeline/Pipe"
    activity = api.get(f"{pipe}/activities").json()["activities"][0]["key"]
    requests: dict[str, list[Any]] = {
        "home": [lambda: browser.get("/")],
        "favicon": [lambda: Client().get("/favicon.ico")],
        "login": [lambda: Client().get("/accounts/login/")],
        "logout": [lambda: Client().post("/accounts/logout/")],
        "linkedservice-list": [lambda: browser.get("/linkedservices/")],
        "linkedservice-gallery": [lambda: browser.get("/linkedservices/new/")],
        "linkedservice-create": [
            lambda: browser.get("/linkedservices/new/Spark/"),
            lambda: browser.post("/linkedservices/new/Spark/", form_data(**{"tp-port": "x"})),
            lambda: browser.post(
                "/linkedservices/new/Spark/",
                form_data(),
                HTTP_HX_REQUEST="true",
                HTTP_HX_TARGET="code_view",
            ),
        ],
        "linkedservice-import": [lambda: browser.get("/linkedservices/import/")],
        "linkedservice-export-all": [lambda: browser.get("/linkedservices/export/")],
        "linkedservice-deleted": [lambda: browser.get("/linkedservices/deleted/")],
        "linkedservice-detail": [lambda: browser.get(f"/linkedservices/{pk}/")],
        "linkedservice-history": [
            lambda: browser.get(f"/linkedservices/{pk}/history/?old=1&new=2")
        ],
        "linkedservice-restore": [
            lambda: browser.get(f"/linkedservices/{pk}/revisions/1/restore/")
        ],
        "linkedservice-undelete": [lambda: browser.get(f"/linkedservices/{gone_pk}/undelete/")],
        "linkedservice-purge": [lambda: browser.get(f"/linkedservices/{gone_pk}/purge/")],
        "linkedservice-edit": [
            lambda: browser.get(f"/linkedservices/{pk}/edit/"),
            lambda: browser.post(
                f"/linkedservices/{pk}/edit/",
                form_data(name="Live", based_on="1", **{"tp-password": ""}),
            ),
        ],
        "linkedservice-clone": [
            lambda: browser.get(f"/linkedservices/{pk}/clone/"),
            lambda: browser.post(
                f"/linkedservices/{pk}/clone/",
                form_data(name="Live_copy", **{"tp-password": "", "tp-port": "x"}),
            ),
        ],
        "linkedservice-clone-json": [
            lambda: browser.get(f"/linkedservices/{pk}/clone/json/"),
            lambda: browser.post(
                f"/linkedservices/{pk}/clone/json/",
                {"text": '{"name": "Live_copy", "properties": {"type": "Spark"}}'},
            ),
        ],
        "linkedservice-revision": [lambda: browser.get(f"/linkedservices/{pk}/revisions/2/")],
        "linkedservice-delete": [lambda: browser.get(f"/linkedservices/{pk}/delete/")],
        "linkedservice-export": [lambda: browser.get(f"/linkedservices/{pk}/export/")],
        "audit-log": [lambda: browser.get("/audit/")],
        "token-list": [lambda: browser.get("/tokens/")],
        "token-revoke": [lambda: browser.get("/tokens/1/revoke/")],
        "user-list": [lambda: browser.get("/users/")],
        "user-update": [lambda: browser.get(f"/users/{admin_user.pk}/")],
        "api-schema": [lambda: browser.get("/api/schema/")],
        "api-docs": [lambda: browser.get("/api/docs/")],
        "api-linkedservices": [lambda: api.get("/api/v1/linkedservices/")],
        "api-linkedservice": [
            lambda: api.get("/api/v1/linkedservices/Live"),
            lambda: api.put(
                "/api/v1/linkedservices/Live",
                {"name": "Live", "properties": {}},
                format="json",
                HTTP_IF_MATCH="1",
            ),
        ],
        "api-revisions": [lambda: api.get("/api/v1/linkedservices/Live/revisions")],
        "api-revision": [lambda: api.get("/api/v1/linkedservices/Live/revisions/1")],
        "api-revision-restore": [
            lambda: api.post("/api/v1/linkedservices/Live/revisions/1/restore", HTTP_IF_MATCH="9")
        ],
        "api-diff": [lambda: api.get("/api/v1/linkedservices/Live/diff?from=1&to=2")],
        "api-export": [lambda: api.get("/api/v1/linkedservices/Live/export")],
        "api-deleted": [lambda: api.get("/api/v1/deleted/")],
        "api-undelete": [lambda: api.get("/api/v1/deleted/Gone/restore")],
        "api-purge": [lambda: api.get("/api/v1/deleted/Gone")],
        "api-import": [lambda: api.post("/api/v1/import", [{"name": "x"}], format="json")],
        "api-export-all": [lambda: api.get("/api/v1/export")],
        "linkedservice-test-new": [lambda: browser.get("/linkedservices/new/Spark/test/")],
        "linkedservice-test": [lambda: browser.get(f"/linkedservices/{pk}/test/")],
        "linkedservice-test-form": [lambda: browser.get(f"/linkedservices/{pk}/edit/test/")],
        "connection-test": [
            lambda: browser.get(f"/connection-tests/{test.pk}/"),
            lambda: browser.get(f"/connection-tests/{test.pk}/", HTTP_HX_REQUEST="true"),
        ],
        "api-test": [lambda: api.get("/api/v1/linkedservices/Live/test")],
        "api-test-unsaved": [lambda: api.get("/api/v1/test-connection")],
        "api-connection-test": [lambda: api.get(f"/api/v1/connection-tests/{test.pk}")],
        "upgrade-overview": [
            lambda: browser.get("/upgrade/"),
            lambda: browser.post("/upgrade/", {"ids": ["all"], "mode": "dry-run"}),
        ],
        "upgrade-wizard": [
            lambda: browser.get(f"/linkedservices/{old_pk}/upgrade/"),
            lambda: browser.post(
                f"/linkedservices/{old_pk}/upgrade/",
                {"step": "decide", "nav": "next", "based_on": "1"},
            ),
        ],
        "api-upgrade-plan": [
            lambda: api.get("/api/v1/linkedservices/Old/upgrade"),
            lambda: api.post("/api/v1/linkedservices/Old/upgrade", {"answers": {}}, format="json"),
        ],
        "api-upgrade-apply": [
            lambda: api.post(
                "/api/v1/linkedservices/Old/upgrade/apply", {}, format="json", HTTP_IF_MATCH="9"
            )
        ],
        "api-upgrade-bulk": [lambda: api.post("/api/v1/upgrade", {}, format="json")],
    }
    requests.update(
        {
            "factory-list": [lambda: browser.get("/factories/")],
            "factory-roles": [lambda: browser.get(f"{page}/roles/")],
            "resource-list": [lambda: browser.get(f"{page}/")],
            "resource-gallery": [lambda: browser.get(f"{page}/new/")],
            "resource-create": [lambda: browser.get(f"{page}/new/Spark/")],
            "resource-create-json": [
                lambda: browser.get(f"{page}/new/Spark/json/"),
                # "{ } Edit JSON" on a new form whose password is typed: masked in the editor.
                lambda: browser.post(f"{page}/new/Spark/", {**form_data(), "_to_json": "1"}),
            ],
            "dataset-new-json": [lambda: browser.get(f"{page}/new-dataset/SparkObject/json/")],
            "resource-import": [lambda: browser.get(f"{page}/import/")],
            "resource-detail": [
                lambda: browser.get(f"{page}/linkedService/Blob/"),
                lambda: browser.get(f"{page}/linkedService/Live/"),
                lambda: browser.get(f"{page}/dataset/Data/"),
            ],
            "resource-edit-json": [
                lambda: browser.get(f"{page}/linkedService/Blob/json/"),
                lambda: browser.get(f"{page}/linkedService/Live/json/"),
                lambda: browser.get(f"{page}/dataset/Sdata/json/"),
            ],
            "api-factories": [lambda: api.get("/api/v1/factories/")],
            "api-factory-resources": [lambda: api.get(f"{f}/")],
            "api-factory-resource": [lambda: api.get(f"{f}/Blob"), lambda: api.get(f"{f}/Live")],
            "api-f-revisions": [lambda: api.get(f"{f}/Blob/revisions")],
            "api-f-revision": [lambda: api.get(f"{f}/Blob/revisions/1")],
            "api-f-revision-restore": [
                lambda: api.post(f"{f}/Blob/revisions/1/restore", HTTP_IF_MATCH="9")
            ],
            "api-f-diff": [lambda: api.get(f"{f}/Live/diff?from=1&to=2")],
            "api-f-export": [lambda: api.get(f"{f}/Blob/export")],
            "api-references": [lambda: api.get(f"{f}/Blob/references")],
            "api-f-deleted": [lambda: api.get("/api/v1/factories/default/deleted/linkedService/")],
            "api-f-undelete": [
                lambda: api.get("/api/v1/factories/default/deleted/linkedService/Gone/restore")
            ],
            "api-f-purge": [
                lambda: api.get("/api/v1/factories/default/deleted/linkedService/Gone")
            ],
            "api-factory-import": [
                lambda: api.post("/api/v1/factories/default/import", [{"name": "x"}], format="json")
            ],
            "api-factory-export": [lambda: api.get("/api/v1/factories/default/export")],
            "dataset-new": [lambda: browser.get(f"{page}/new-dataset/SparkObject/")],
            "dataset-form": [lambda: browser.get(f"{page}/dataset/Sdata/form/")],
            "dataset-live-tables": [
                lambda: browser.get(f"{page}/live/SparkObject/tables/{live_q}")
            ],
            "dataset-live-columns": [
                lambda: browser.get(f"{page}/live/SparkObject/columns/{live_q}")
            ],
            "dataset-live-preview": [
                lambda: browser.get(f"{page}/live/SparkObject/preview/{live_q}")
            ],
            "api-dataset-tables": [
                lambda: api.get("/api/v1/factories/default/dataset/Sdata/tables")
            ],
            "api-dataset-columns": [
                lambda: api.get("/api/v1/factories/default/dataset/Sdata/columns")
            ],
            "api-dataset-preview": [
                lambda: api.get("/api/v1/factories/default/dataset/Sdata/preview")
            ],
            "pipeline-file": [lambda: browser.get(f"{page}/pipeline/Pipe/file/")],
            "pipeline-activity": [
                lambda: browser.get(f"{page}/pipeline/Pipe/activities/{activity}/")
            ],
            "factory-queries": [lambda: browser.get(f"{page}/queries/")],
            "api-activities": [lambda: api.get(f"{pipe}/activities")],
            "api-activity": [lambda: api.get(f"{pipe}/activities/{activity}")],
            "api-activity-check": [
                lambda: api.post(f"{pipe}/activities/{activity}/check", {}, format="json")
            ],
            "api-activity-preview": [
                lambda: api.post(f"{pipe}/activities/{activity}/preview", {}, format="json")
            ],
            "api-factory-queries": [lambda: api.get("/api/v1/factories/default/queries")],
            "transfer-designer": [
                lambda: browser.get(f"{page}/transfer/"),
                lambda: browser.get(f"{page}/transfer/?pool=Live&table=a.b.c&spark_pool=w/p"),
            ],
            "transfer-save-copy": [
                lambda: browser.post(f"{page}/transfer/save-copy/", {"pipeline": "P"})
            ],
            "api-transfer-plan": [
                lambda: api.get(
                    "/api/v1/factories/default/transfer-plan",
                    {"pool": "Live", "table": "a.b.c", "direction": "write", "sparkPool": "w/p"},
                )
            ],
        }
    )
    assert set(requests) == all_route_names(), "add the new endpoint to this sweep"
    for name, calls in requests.items():
        for call in calls:
            response = call()
            assert response.status_code < 500, name
            content = unpacked(response.content)
            for secret in (SECRET, OTHER_SECRET, PARAM_SECRET, DOCUMENT_SECRET):
                assert secret.encode() not in content, name
    for record in caplog.records:
        text = record.getMessage() + str(record.args)
        assert all(
            secret not in text for secret in (SECRET, OTHER_SECRET, PARAM_SECRET, DOCUMENT_SECRET)
        )

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
from tests.helpers import NEW_SPARK, NEW_SPARK_TEST

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
    blob = {  # a type no connector owns: kept as a document, its secrets wherever they are
        "type": "AzureFileStorage",
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
    live = f"{page}/linkedService/Live/"
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
    save_definition(user=editor, name="Old", properties=v1, action="create")
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
    live_form = {"linkedService": "Local", "tp-schema": "s", "tp-table": "t"}
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
        "resource-new-legacy": [lambda: browser.get(f"{page}/new/Spark/")],
        "resource-new": [
            lambda: browser.get(NEW_SPARK),
            lambda: browser.post(NEW_SPARK, form_data(**{"tp-port": "x"})),
            lambda: browser.post(
                NEW_SPARK,
                form_data(),
                HTTP_HX_REQUEST="true",
                HTTP_HX_TARGET="code_view",
            ),
            lambda: browser.get(f"{page}/new/dataset/SparkObject/"),
        ],
        "factory-export": [lambda: browser.get(f"{page}/export/")],
        "deleted-list": [lambda: browser.get(f"{page}/deleted/")],
        "factory-upgrade": [
            lambda: browser.get(f"{page}/upgrade/"),
            lambda: browser.post(f"{page}/upgrade/", {"ids": ["all"], "mode": "dry-run"}),
        ],
        "resource-history": [lambda: browser.get(f"{live}history/?old=1&new=2")],
        "resource-restore": [lambda: browser.get(f"{live}revisions/1/restore/")],
        "resource-undelete": [lambda: browser.get(f"{page}/deleted/linkedService/Gone/undelete/")],
        "resource-purge": [lambda: browser.get(f"{page}/deleted/linkedService/Gone/purge/")],
        "resource-edit": [
            lambda: browser.get(f"{live}edit/"),
            lambda: browser.post(
                f"{live}edit/", form_data(name="Live", based_on="1", **{"tp-password": ""})
            ),
            lambda: browser.get(f"{page}/dataset/Sdata/edit/"),
        ],
        "resource-clone": [
            lambda: browser.get(f"{live}clone/"),
            lambda: browser.post(
                f"{live}clone/",
                form_data(name="Live_copy", **{"tp-password": "", "tp-port": "x"}),
            ),
        ],
        "resource-clone-json": [
            lambda: browser.get(f"{live}clone/json/"),
            lambda: browser.post(
                f"{live}clone/json/",
                {"text": '{"name": "Live_copy", "properties": {"type": "Spark"}}'},
            ),
        ],
        "resource-revision": [lambda: browser.get(f"{live}revisions/2/")],
        "resource-delete": [lambda: browser.get(f"{live}delete/")],
        "resource-export": [
            lambda: browser.get(f"{live}export/"),
            lambda: browser.get(f"{page}/pipeline/Pipe/export/"),
        ],
        "legacy-list": [lambda: browser.get("/linkedservices/")],
        "legacy-gallery": [lambda: browser.get("/linkedservices/new/")],
        "legacy-create": [lambda: browser.get("/linkedservices/new/Spark/")],
        "legacy-import": [lambda: browser.get("/linkedservices/import/")],
        "legacy-export": [lambda: browser.get("/linkedservices/export/")],
        "legacy-deleted": [lambda: browser.get("/linkedservices/deleted/")],
        "legacy-detail": [lambda: browser.get(f"/linkedservices/{pk}/")],
        "legacy-action": [
            lambda: browser.get(f"/linkedservices/{pk}/edit/"),
            lambda: browser.get(f"/linkedservices/{gone_pk}/purge/"),
        ],
        "legacy-dataset-form": [lambda: browser.get(f"{page}/dataset/Sdata/form/")],
        "legacy-file": [lambda: browser.get(f"{page}/pipeline/Pipe/file/")],
        "legacy-new-dataset": [lambda: browser.get(f"{page}/new-dataset/SparkObject/")],
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
        "resource-new-test": [lambda: browser.get(NEW_SPARK_TEST)],
        "resource-test": [lambda: browser.get(f"{live}test/")],
        "resource-test-form": [lambda: browser.get(f"{live}edit/test/")],
        "resource-test-options": [lambda: browser.get(f"{live}test/options/")],
        "connection-test": [
            lambda: browser.get(f"/connection-tests/{test.pk}/"),
            lambda: browser.get(f"/connection-tests/{test.pk}/", HTTP_HX_REQUEST="true"),
        ],
        "api-test": [lambda: api.get("/api/v1/linkedservices/Live/test")],
        "api-test-unsaved": [lambda: api.get("/api/v1/test-connection")],
        "api-connection-test": [lambda: api.get(f"/api/v1/connection-tests/{test.pk}")],
        "lifecycle": [lambda: browser.get("/lifecycle/")],
        "factory-lifecycle": [lambda: browser.get(f"{page}/lifecycle/")],
        "upgrade-overview": [
            lambda: browser.get("/upgrade/"),
            lambda: browser.post("/upgrade/", {"ids": ["all"], "mode": "dry-run"}),
        ],
        "resource-upgrade": [
            lambda: browser.get(f"{page}/linkedService/Old/upgrade/"),
            lambda: browser.post(
                f"{page}/linkedService/Old/upgrade/",
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
            "resource-new-json": [
                lambda: browser.get(f"{page}/new/linkedService/Spark/json/"),
                # "{ } Edit JSON" on a new form whose password is typed: masked in the editor.
                lambda: browser.post(NEW_SPARK, {**form_data(), "_to_json": "1"}),
                lambda: browser.get(f"{page}/new/dataset/SparkObject/json/"),
            ],
            "resource-import": [lambda: browser.get(f"{page}/import/")],
            "resource-detail": [
                lambda: browser.get(f"{page}/linkedService/Blob/"),
                lambda: browser.get(f"{page}/linkedService/Live/"),
                lambda: browser.get(f"{page}/dataset/Data/"),
            ],
            "resource-json": [
                lambda: browser.get(f"{page}/linkedService/Blob/json/"),
                lambda: browser.get(f"{page}/linkedService/Live/json/"),
                lambda: browser.get(f"{page}/dataset/Sdata/json/"),
            ],
            "api-factories": [lambda: api.get("/api/v1/factories/")],
            "api-factory": [
                lambda: api.get("/api/v1/factories/default"),
                lambda: api.patch("/api/v1/factories/default", {}, format="json"),
            ],
            "api-factory-test-unsaved": [
                lambda: api.get("/api/v1/factories/default/test-connection")
            ],
            "api-f-upgrade": [
                lambda: api.post("/api/v1/factories/default/upgrade", {}, format="json")
            ],
            "api-f-test": [lambda: api.get(f"{f}/Live/test")],
            "api-f-upgrade-plan": [lambda: api.get(f"{f}/Old/upgrade")],
            "api-f-upgrade-apply": [
                lambda: api.post(f"{f}/Old/upgrade/apply", {}, format="json", HTTP_IF_MATCH="9")
            ],
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
            "factory-validate": [lambda: browser.get(f"{page}/validate/")],
            "factory-publish": [lambda: browser.get(f"{page}/publish/")],
            "api-validate": [
                lambda: api.get("/api/v1/factories/default/validate"),
                lambda: api.get("/api/v1/factories/default/validate?report=sarif"),
            ],
            "api-arm": [
                lambda: api.get("/api/v1/factories/default/arm"),
                lambda: api.get("/api/v1/factories/default/arm?force=1"),
            ],
            "resource-new-tables": [
                lambda: browser.post(f"{page}/new/dataset/SparkObject/tables/", live_form)
            ],
            "resource-new-columns": [
                lambda: browser.post(f"{page}/new/dataset/SparkObject/columns/", live_form)
            ],
            "resource-new-preview": [
                lambda: browser.post(f"{page}/new/dataset/SparkObject/preview/", live_form)
            ],
            "resource-tables": [lambda: browser.post(f"{page}/dataset/Sdata/tables/", live_form)],
            "resource-columns": [lambda: browser.post(f"{page}/dataset/Sdata/columns/")],
            "resource-preview": [lambda: browser.post(f"{page}/dataset/Sdata/preview/")],
            "api-dataset-tables": [
                lambda: api.post("/api/v1/factories/default/dataset/Sdata/tables")
            ],
            "api-dataset-columns": [
                lambda: api.post("/api/v1/factories/default/dataset/Sdata/columns")
            ],
            "api-dataset-preview": [
                lambda: api.post("/api/v1/factories/default/dataset/Sdata/preview")
            ],
            "resource-activity": [
                lambda: browser.get(f"{page}/pipeline/Pipe/activities/{activity}/")
            ],
            "factory-queries": [lambda: browser.get(f"{page}/queries/")],
            "factory-environments": [lambda: browser.get(f"{page}/environments/")],
            "environment-overrides": [lambda: browser.get(f"{page}/environments/dev/")],
            "environment-test-all": [
                lambda: browser.get(f"{page}/environments/dev/test-all/"),
                lambda: browser.post(f"{page}/environments/dev/test-all/"),
            ],
            "api-environment-test-all": [
                lambda: api.post("/api/v1/factories/default/environments/dev/test-all")
            ],
            "environment-rows": [
                lambda: browser.post(f"{page}/environments/dev/rows/", {"file": "x.csv"})
            ],
            "environment-row-lists": [
                lambda: browser.get(
                    f"{page}/environments/dev/row-lists/",
                    {"row": "new-0", "new-0-type": "linkedService", "new-0-name": "Live"},
                )
            ],
            "api-environment-rows": [
                lambda: api.get("/api/v1/factories/default/environments/dev/rows?file=x.csv"),
                lambda: api.post(
                    "/api/v1/factories/default/environments/dev/rows", {}, format="json"
                ),
            ],
            "api-environment-completion": [
                lambda: api.get(
                    "/api/v1/factories/default/environments/dev/completion?type=linkedService"
                    "&name=Live"
                )
            ],
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
                lambda: browser.post(
                    f"{page}/transfer/", {"pool": "Live", "table": "a.b.c", "spark_pool": "w/p"}
                ),
            ],
            "transfer-save-copy": [
                lambda: browser.post(f"{page}/transfer/save-copy/", {"pipeline": "P"})
            ],
            "api-transfer-plan": [
                lambda: api.get(
                    "/api/v1/factories/default/transfer-plan",
                    {"pool": "Live", "table": "a.b.c", "direction": "write", "sparkPool": "w/p"},
                ),
                lambda: api.post(
                    "/api/v1/factories/default/transfer-plan?pool=Live&table=a.b.c"
                    "&direction=write&sparkPool=w/p"
                ),
            ],
        }
    )
    assert set(requests) == all_route_names(), "add the new endpoint to this sweep"
    for name, calls in requests.items():
        for call in calls:
            response = call()
            assert response.status_code < 500, name
            content = unpacked(response.getvalue())
            for secret in (SECRET, OTHER_SECRET, PARAM_SECRET, DOCUMENT_SECRET):
                assert secret.encode() not in content, name
    for record in caplog.records:
        text = record.getMessage() + str(record.args)
        assert all(
            secret not in text for secret in (SECRET, OTHER_SECRET, PARAM_SECRET, DOCUMENT_SECRET)
        )

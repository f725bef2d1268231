"""The commands on Hive and Impala definitions against a real Spark Thrift Server acting as
their HiveServer2 peer (binary SASL with a password): ``upgrade --connector Hive|Impala``
(dry run, apply, JSON) and the upgraded definitions' ``test_connection``; ``test_connection``
with a one-off password for an ``encryptedCredential``; ``preview_dataset`` of HiveObject
and ImpalaObject datasets; ``check_queries`` of HiveSource and ImpalaSource queries; each
with its output and exit status."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from portal.definitions import save_definition
from portal.models import AuditEvent, Resource
from tests.spark_catalog import ensure_catalog, with_password
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool, SparkThriftServer
from tests.test_encrypted_credential_portal import CREDENTIAL

MODE = "binary-sasl-custom"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.spark(MODE)]

WIRE: dict[tuple[str, str], dict[str, Any]] = {
    # Over SASL, with a password: Hive names the transport SASL, Impala 2.0 Binary (1.0: none).
    ("Hive", "1.0"): {"thriftTransportProtocol": "SASL"},
    ("Hive", "2.0"): {"thriftTransportProtocol": "SASL", "enableSsl": False},
    ("Impala", "1.0"): {},
    ("Impala", "2.0"): {"thriftTransportProtocol": "Binary", "enableSsl": False},
}


@pytest.fixture
def server(spark_pool: ServerPool, settings: Any) -> SparkThriftServer:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 60.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 5.0
    found = spark_pool.get(MODE)
    ensure_catalog(found)
    return found


def linked_service(
    user: Any,
    server: SparkThriftServer,
    connector: str,
    version: str,
    name: str,
    password: str | None = CUSTOM_PASSWORD,
    **tp: Any,
) -> Resource:
    """A linked service as ADF writes it (no ``version`` for 1.0); ``password=None``: ADF
    holds it encrypted (``encryptedCredential``)."""
    type_properties = {
        "host": "127.0.0.1",
        "port": server.port,
        "authenticationType": "UsernameAndPassword",
        "username": CUSTOM_USER,
        **WIRE[(connector, version)],
        **tp,
    }
    if password is None:
        type_properties["encryptedCredential"] = CREDENTIAL
    else:
        type_properties = with_password(type_properties, password)
    properties = {
        "annotations": [],
        "type": connector,
        **({"version": version} if version != "1.0" else {}),
        "typeProperties": type_properties,
    }
    return save_definition(user=user, name=name, properties=properties, action="import").resource


def dataset(user: Any, connector: str, name: str, service: str) -> Resource:
    properties = {
        "annotations": [],
        "type": f"{connector}Object",
        "linkedServiceName": {"referenceName": service, "type": "LinkedServiceReference"},
        "typeProperties": {"schema": "sales", "table": "all_types"},
        "schema": [],
    }
    return save_definition(
        user=user, name=name, properties=properties, action="create", kind="dataset"
    ).resource


def run(*args: str) -> tuple[int, str]:
    """The command's exit status and standard output."""
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exited:
        return int(exited.code or 0), out.getvalue()
    except CommandError as failed:
        return failed.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.parametrize("connector", ["Hive", "Impala"])
def test_upgrade_plans_applies_and_the_upgraded_definition_passes_its_connection_test(
    server: SparkThriftServer, editor: Any, connector: str
) -> None:
    linked_service(editor, server, connector, "1.0", "Legacy")
    status, text = run("upgrade", "--connector", connector.lower(), "--dry-run")
    assert status == 0, text
    assert "ready     Legacy" in text and "1 of 1 ready." in text
    status, text = run("upgrade", "--connector", connector, "--dry-run", "--json")
    assert status == 0, text
    report = json.loads(text)
    assert report["applied"] is False
    assert [r["name"] for r in report["results"]] == ["Legacy"]
    assert Resource.objects.get(name="Legacy").connector_version == "1.0"

    status, text = run("upgrade", "--connector", connector, "--apply", "--json")
    assert status == 0, text
    assert json.loads(text)["applied"] is True
    upgraded = Resource.objects.get(name="Legacy")
    assert upgraded.connector_version == "2.0" and upgraded.revision == 2
    tp = upgraded.properties["typeProperties"]
    assert tp["enableSsl"] is False and tp["thriftTransportProtocol"]
    status, text = run("upgrade", "--connector", connector, "--apply")
    assert status == 0 and "0 of 0 upgraded." in text, "nothing left on 1.0"

    status, text = run("test_connection", "Legacy")
    assert status == 0, text
    assert "[ok  ] SELECT 1" in text and text.rstrip().splitlines()[-1].startswith("passed")


def test_upgrade_apply_exits_1_and_leaves_a_blocked_definition_on_1_0(
    server: SparkThriftServer, editor: Any
) -> None:
    linked_service(editor, server, "Impala", "1.0", "Ready")
    linked_service(editor, server, "Impala", "1.0", "Blocked", authenticationType="SASLUsername")
    status, text = run("upgrade", "--connector", "Impala", "--apply")
    assert status == 1, text
    assert "upgraded  Ready (revision 2)" in text
    assert "NOT READY Blocked" in text and "SASLUsername" in text
    assert "1 of 2 upgraded." in text
    versions = dict(
        Resource.objects.filter(connector="Impala").values_list("name", "connector_version")
    )
    assert versions == {"Ready": "2.0", "Blocked": "1.0"}


@pytest.mark.parametrize("connector", ["Hive", "Impala"])
def test_connection_of_a_2_0_service_passes_with_a_one_off_password_and_fails_with_a_wrong_one(
    server: SparkThriftServer, editor: Any, connector: str
) -> None:
    linked_service(editor, server, connector, "2.0", "Held", password=None)
    status, text = run("test_connection", "Held", "--password", CUSTOM_PASSWORD, "--json")
    assert status == 0, text
    report = json.loads(text)
    assert report["status"] == "passed"
    stages = {s["name"]: s["status"] for s in report["report"]["stages"]}
    assert stages["SELECT 1"] == "passed"

    status, text = run("test_connection", "Held", "--password", "not-the-password")
    assert status == 1, text
    assert "[FAIL] Transport and authentication" in text
    assert "[skip] SELECT 1" in text and "FAILED" in text
    assert CUSTOM_PASSWORD not in text and "not-the-password" not in text


@pytest.mark.parametrize("connector", ["Hive", "Impala"])
def test_preview_dataset_prints_the_rows_of_a_2_0_object_dataset_with_their_types(
    server: SparkThriftServer, editor: Any, connector: str
) -> None:
    linked_service(editor, server, connector, "2.0", "Cluster")
    dataset(editor, connector, "AllTypes", "Cluster")
    status, text = run("preview_dataset", "AllTypes", "--rows", "2", "--json")
    assert status == 0, text
    document = json.loads(text)
    assert document["ok"] and document["connectorVersion"] == "2.0"
    assert document["linkedService"] == "Cluster" and len(document["rows"]) == 2
    names = [c["name"] for c in document["columns"]]
    assert "héllo" in document["rows"][0][names.index("c_string")]
    assert document["rows"][1] == [None] * len(names)
    status, text = run(
        "preview_dataset", "AllTypes", "--query", "SELECT c_int FROM sales.all_types"
    )
    assert status == 0, text
    assert "through Cluster (connector version 2.0)" in text and "70000" in text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PREVIEW).count() == 2


def test_preview_dataset_exits_non_zero_with_the_failed_stage_on_a_wrong_password(
    server: SparkThriftServer, editor: Any
) -> None:
    linked_service(editor, server, "Hive", "2.0", "Held", password=None)
    dataset(editor, "Hive", "AllTypes", "Held")
    status, text = run("preview_dataset", "AllTypes", "--password", "not-the-password")
    assert status == 1, text
    assert "Preview of AllTypes FAILED" in text and "[FAIL] Transport and authentication" in text
    status, text = run("preview_dataset", "AllTypes", "--password", CUSTOM_PASSWORD)
    assert status == 0, text
    assert "2 rows" in text


def copy_and_lookup(connector: str, query: str, lookup_query: str) -> dict[str, Any]:
    """A pipeline with a Copy and a Lookup reading the dataset AllTypes with a query."""
    source = f"{connector}Source"
    return {
        "activities": [
            {
                "name": "Copy",
                "type": "Copy",
                "dependsOn": [],
                "userProperties": [],
                "typeProperties": {
                    "source": {"type": source, "query": query},
                    "sink": {"type": "AzureSqlSink"},
                },
                "inputs": [{"referenceName": "AllTypes", "type": "DatasetReference"}],
                "outputs": [{"referenceName": "SqlOut", "type": "DatasetReference"}],
            },
            {
                "name": "Lookup",
                "type": "Lookup",
                "dependsOn": [],
                "userProperties": [],
                "typeProperties": {
                    "source": {"type": source, "query": lookup_query},
                    "dataset": {"referenceName": "AllTypes", "type": "DatasetReference"},
                },
            },
        ],
        "annotations": [],
    }


@pytest.mark.parametrize("connector", ["Hive", "Impala"])
def test_check_queries_checks_hive_and_impala_source_queries_and_exits_1_on_a_bad_one(
    server: SparkThriftServer, editor: Any, connector: str
) -> None:
    linked_service(editor, server, connector, "2.0", "Cluster")
    dataset(editor, connector, "AllTypes", "Cluster")
    save_definition(
        user=editor,
        name="SqlOut",
        kind="dataset",
        action="create",
        properties={"type": "AzureSqlTable", "typeProperties": {"table": "out"}},
    )
    pipeline = save_definition(
        user=editor,
        name="Extract",
        kind="pipeline",
        action="create",
        properties=copy_and_lookup(
            connector, "SELECT c_int FROM sales.all_types", "SELECT c_string FROM sales.all_types"
        ),
    ).resource
    status, text = run("check_queries")
    assert status == 0, text
    assert "ok   Extract / Copy [Cluster 2.0]" in text and "2 of 2 queries check." in text

    bad = copy_and_lookup(
        connector, "SELECT c_int FROM sales.all_types", "SELECT nope FROM sales.all_types"
    )
    save_definition(
        user=editor,
        name="Extract",
        kind="pipeline",
        action="update",
        properties=bad,
        instance=pipeline,
        based_on=pipeline.revision,
    )
    status, text = run("check_queries", "--json")
    assert status == 1, text
    document = json.loads(text)
    assert document["checked"] == 2 and document["failing"] == 1
    verdicts = {a["activity"]: a["check"]["ok"] for a in document["activities"]}
    assert verdicts == {"Copy": True, "Lookup": False}
    lookup = next(a for a in document["activities"] if a["activity"] == "Lookup")
    assert lookup["connectorVersion"] == "2.0" and lookup["check"]["column"] == 8

"""Real repositories come in whole and go out untouched (issue 20): each cause the issue
names, with the smallest file that shows it (made-up content, in the shapes ADF Studio and
Synapse write)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from connectors.adf_repository import Status, write_folder
from connectors.file_style import STUDIO_STYLE, render
from connectors.registry import get_connector
from connectors.test_values import asked_for
from portal.imports import SKIPPED, export_repository, import_repository
from portal.models import Factory, RepositoryFile, Resource, SecretValue
from portal.roles import Role, grant
from tests.conftest import api_for, signed_in
from tests.connectors.repository_builders import as_zip, unzip

MASK = {"type": "SecureString", "value": "**********"}
CREDENTIAL = "ZXlKMGVYQWlPaUpLVjFRaUxDSmhiR2NpT2lKSVV6STFOaUo5"


def studio(document: dict[str, Any]) -> bytes:
    """A file as ADF Studio's git integration writes it (tabs, no final newline)."""
    return render(document, STUDIO_STYLE)


@pytest.fixture
def contoso(db: Any) -> Factory:
    return Factory.objects.create(name="contoso")


@pytest.fixture
def workspace(db: Any) -> Factory:
    return Factory.objects.create(name="contoso-ws", kind=Factory.Kind.SYNAPSE)


def imported(files: dict[str, bytes], factory: Factory, user: Any, **options: Any) -> Any:
    result = import_repository(as_zip(files), user=user, factory=factory, **options)
    assert result.ok, [str(line) for line in result.report]
    return result


# --- 1. the mask beside encryptedCredential: a secret ADF holds ----------------------------

ODBC = {
    "name": "Odbc_Erp",
    "type": "Microsoft.DataFactory/factories/linkedservices",
    "properties": {
        "annotations": [],
        "type": "Odbc",
        "typeProperties": {
            "connectionString": "Driver={ERP ODBC};Server=erp.contoso.example;",
            "authenticationType": "Basic",
            "userName": "reader",
            "password": MASK,
            "encryptedCredential": CREDENTIAL,
        },
        "connectVia": {"referenceName": "SelfHosted", "type": "IntegrationRuntimeReference"},
    },
}
SSIS = {
    "name": "AzureSsis",
    "properties": {
        "type": "Managed",
        "typeProperties": {
            "computeProperties": {
                "location": "West Europe",
                "nodeSize": "Standard_D2_v3",
                "numberOfNodes": 1,
                "maxParallelExecutionsPerNode": 2,
            },
            "ssisProperties": {
                "catalogInfo": {
                    "catalogServerEndpoint": "ssisdb.database.windows.net",
                    "catalogAdminUserName": "ssisadmin",
                    "catalogAdminPassword": MASK,
                    "catalogPricingTier": "Basic",
                },
                "customSetupScriptProperties": {
                    "blobContainerUri": "https://setup.blob.core.windows.net/scripts",
                    "sasToken": MASK,
                },
                "edition": "Standard",
                "licenseType": "LicenseIncluded",
            },
        },
    },
}
SPARK_HELD = {
    "name": "Spark_Held",
    "type": "Microsoft.DataFactory/factories/linkedservices",
    "properties": {
        "annotations": [],
        "type": "Spark",
        "typeProperties": {
            "host": "127.0.0.1",
            "port": 10000,
            "serverType": "SparkThriftServer",
            "thriftTransportProtocol": "SASL",
            "authenticationType": "UsernameAndPassword",
            "username": "reader",
            "password": MASK,
            "encryptedCredential": CREDENTIAL,
        },
    },
}


def test_the_mask_beside_an_encrypted_credential_is_imported_kept_and_exported_as_written(
    contoso: Factory, editor: Any
) -> None:
    files = {
        "linkedService/Odbc_Erp.json": studio(ODBC),
        "linkedService/Spark_Held.json": studio(SPARK_HELD),
        "integrationRuntime/AzureSsis.json": studio(SSIS),
        "integrationRuntime/SelfHosted.json": studio(
            {"name": "SelfHosted", "properties": {"type": "SelfHosted"}}
        ),
    }
    result = imported(files, contoso, editor)
    assert not [line for line in result.report if line.status is Status.ERROR]
    spark = Resource.objects.get(factory=contoso, name="Spark_Held")
    assert spark.properties["typeProperties"]["password"] == MASK, "kept as written"
    assert not SecretValue.objects.exists(), "the mask is no secret to encrypt"
    assert dict(export_repository(contoso)) == files


def test_a_connection_test_of_a_masked_password_beside_encrypted_credential_asks_for_it(
    contoso: Factory, editor: Any
) -> None:
    imported({"linkedService/Spark_Held.json": studio(SPARK_HELD)}, contoso, editor)
    spark = Resource.objects.get(factory=contoso, name="Spark_Held")
    version = get_connector("Spark").version(spark.connector_version)
    (asked,) = asked_for(version, spark.properties)
    assert (asked.name, asked.held) == ("password", True)
    assert "held encrypted by ADF (encryptedCredential)" in asked.why


def test_the_mask_without_an_encrypted_credential_is_still_refused_for_a_form_connector(
    contoso: Factory, editor: Any
) -> None:
    bare = json.loads(studio(SPARK_HELD))
    del bare["properties"]["typeProperties"]["encryptedCredential"]
    result = import_repository(
        as_zip({"linkedService/Spark_Held.json": studio(bare)}), user=editor, factory=contoso
    )
    assert not result.ok
    (error,) = [line for line in result.report if line.status is Status.ERROR]
    assert error.json_path == "$.properties.typeProperties.password"
    assert "holds the mask" in error.message


# --- 2. ADF's own managedVirtualNetwork/default.json, without properties -----------------


@pytest.mark.parametrize("service", ["DataFactory/factories", "Synapse/workspaces"])
def test_the_managed_virtual_network_file_adf_writes_comes_back_byte_for_byte(
    contoso: Factory, editor: Any, service: str
) -> None:
    network = {"name": "default", "type": f"Microsoft.{service}/managedvirtualnetworks"}
    files = {"managedVirtualNetwork/default.json": studio(network)}
    result = imported(files, contoso, editor)
    assert [line.status for line in result.report] == [Status.IMPORTED]
    assert dict(export_repository(contoso)) == files


# --- 4. skipped files are kept as is and exported unchanged --------------------------------

GOOD = {"dataset/Sales.json": studio({"name": "Sales", "properties": {"type": "Json"}})}
BAD = {
    "dataset/Broken.json": b'{"name": "Broken", "properties": ',
    "pipeline/Mismatch.json": studio({"name": "Other", "properties": {"activities": []}}),
}


def test_skipped_files_are_kept_as_is_exported_unchanged_and_reported(
    contoso: Factory, editor: Any
) -> None:
    files = {**GOOD, **BAD}
    result = imported(files, contoso, editor, skip_bad_files=True)
    assert result.skipped == sorted(BAD)
    kept = {(line.path, line.message) for line in result.report if line.status is Status.KEPT}
    assert kept == {
        (path, "skipped for its errors: kept as is and exported unchanged") for path in BAD
    }
    assert result.summary() == (
        "1 resource(s) imported, 0 file(s) kept as is, 2 bad file(s) skipped (kept as is, "
        "exported unchanged)."
    )
    assert dict(export_repository(contoso)) == files


def test_a_skipped_file_imported_later_is_the_resources_file(contoso: Factory, editor: Any) -> None:
    imported({**GOOD, **BAD}, contoso, editor, skip_bad_files=True)
    fixed = studio({"name": "Mismatch", "properties": {"activities": []}})
    imported({"pipeline/Mismatch.json": fixed}, contoso, editor)
    assert not RepositoryFile.objects.filter(path="pipeline/Mismatch.json").exists()
    assert dict(export_repository(contoso))["pipeline/Mismatch.json"] == fixed


def test_the_api_and_the_command_line_keep_skipped_files_too(
    contoso: Factory, editor: Any, tmp_path: Path
) -> None:
    grant(editor, contoso, Role.EDITOR)
    api = api_for(editor)
    files = {**GOOD, **BAD}
    response = api.post(
        "/api/v1/factories/contoso/import?skipBadFiles=true",
        as_zip(files),
        content_type="application/zip",
    )
    assert response.status_code == 201, response.json()
    assert "kept as is, exported unchanged" in response.json()["summary"]
    assert unzip(api.get("/api/v1/factories/contoso/export").getvalue()) == files

    other = Factory.objects.create(name="other")
    write_folder(tmp_path, files.items())
    out = io.StringIO()
    call_command("import_adf", str(tmp_path), "--factory", "other", "--skip-bad-files", stdout=out)
    assert "dataset/Broken.json: kept as is: skipped for its errors" in out.getvalue()
    assert dict(export_repository(other)) == files


# --- 5. every problem in one pass, every file's status, one line each ----------------------


def one_pass_repository() -> dict[str, bytes]:
    return {
        "dataset/Broken.json": b'{"name": "Broken", "properties": ',
        "dataset/Taken.json": studio({"name": "Taken", "properties": {"type": "Json"}}),
        "dataset/Lost.json": studio(
            {
                "name": "Lost",
                "properties": {
                    "type": "Json",
                    "linkedServiceName": {
                        "referenceName": "Nowhere",
                        "type": "LinkedServiceReference",
                    },
                },
            }
        ),
        "dataset/Fine.json": studio({"name": "Fine", "properties": {"type": "Json"}}),
        "README.md": b"# ours\n",
    }


def test_a_structural_error_does_not_hide_the_other_files_problems(
    contoso: Factory, editor: Any
) -> None:
    imported({"dataset/Taken.json": studio({"name": "Taken", "properties": {}})}, contoso, editor)
    result = import_repository(as_zip(one_pass_repository()), user=editor, factory=contoso)
    assert not result.ok
    by_file = {(line.path, line.status) for line in result.report}
    assert ("dataset/Broken.json", Status.ERROR) in by_file
    assert ("dataset/Taken.json", Status.ERROR) in by_file, "the name taken in the factory"
    assert ("dataset/Lost.json", Status.WARNING) in by_file, "the broken reference"
    statuses = {line.path: line.status for line in result.report if line.path != "README.md"}
    assert statuses["dataset/Fine.json"] is Status.NOT_IMPORTED
    assert not [line for line in result.report if line.status in (Status.IMPORTED, Status.KEPT)]
    assert Resource.objects.filter(factory=contoso).count() == 1


def test_the_command_line_prints_one_line_each_the_summary_last_and_exits_1(
    contoso: Factory, editor: Any, tmp_path: Path
) -> None:
    imported({"dataset/Taken.json": studio({"name": "Taken", "properties": {}})}, contoso, editor)
    write_folder(tmp_path, one_pass_repository().items())
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as refused:
        call_command("import_adf", str(tmp_path), "--factory", "contoso", stdout=out, stderr=err)
    assert refused.value.code == 1
    assert err.getvalue() == ""
    lines = out.getvalue().splitlines()
    assert len(lines) == len(set(lines)), "no line twice"
    assert lines[-1] == "Nothing imported: 2 file(s) with errors."
    assert (
        "README.md: not imported: a file beside the resource folders (other files have errors)"
        in lines
    )
    assert "dataset/Fine.json: not imported: dataset 'Fine' (other files have errors)" in lines
    assert any(line.startswith("dataset/Broken.json: error: $: Not valid JSON") for line in lines)
    assert any(
        line.startswith("dataset/Taken.json: error: $.name: 'Taken' exists") for line in lines
    )
    assert any(
        line.startswith("dataset/Lost.json: warning: $.properties.linkedServiceName")
        for line in lines
    )
    assert all(": " in line for line in lines[:-1]), "each line names its file"


def test_loose_files_refused_say_not_imported_for_the_good_ones(
    contoso: Factory, editor: Any, tmp_path: Path
) -> None:
    (tmp_path / "ok.json").write_bytes(
        studio(
            {
                "name": "Ok",
                "properties": {"type": "Json"},
                "type": "Microsoft.DataFactory/factories/datasets",
            }
        )
    )
    (tmp_path / "bad.json").write_bytes(b"{nope")
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import_adf", str(tmp_path / "ok.json"), str(tmp_path / "bad.json"),
            "--factory", "contoso", stdout=out,
        )  # fmt: skip
    lines = out.getvalue().splitlines()
    assert f"{tmp_path / 'ok.json'}: not imported: dataset 'Ok' (other files have errors)" in lines
    assert lines[-1] == "Nothing imported (1 problem(s))."


# --- 6. external references are notes; key-order advice only on request --------------------


def synapse_repository() -> dict[str, bytes]:
    pool = {"referenceName": "sparkpool1", "type": "BigDataPoolReference"}
    return {
        "notebook/Explore.json": studio(
            {
                "name": "Explore",
                "properties": {
                    "nbformat": 4,
                    "nbformat_minor": 2,
                    "bigDataPool": pool,
                    "targetSparkConfiguration": {
                        "referenceName": "tuned",
                        "type": "SparkConfigurationReference",
                    },
                    "cells": [],
                },
            }
        ),
        "sparkJobDefinition/Job.json": studio(
            {
                "name": "Job",
                "properties": {"targetBigDataPool": pool, "jobProperties": {"file": "x.py"}},
            }
        ),
        "dataset/Raw.json": studio(
            {
                "name": "Raw",
                "properties": {
                    "type": "Json",
                    "linkedServiceName": {
                        "referenceName": "contoso-ws-WorkspaceDefaultStorage",
                        "type": "LinkedServiceReference",
                    },
                },
            }
        ),
        "linkedService/contoso-ws-WorkspaceDefaultSqlServer.json": studio(
            {
                "name": "contoso-ws-WorkspaceDefaultSqlServer",
                "type": "Microsoft.Synapse/workspaces/linkedservices",
                "properties": {
                    "typeProperties": {"url": "https://contosolake.dfs.core.windows.net"},
                    "type": "AzureBlobFS",
                    "connectVia": {
                        "referenceName": "AutoResolveIntegrationRuntime",
                        "type": "IntegrationRuntimeReference",
                    },
                },
            }
        ),
        "linkedService/Lake.json": studio(
            {
                "name": "Lake",
                "type": "Microsoft.Synapse/workspaces/linkedservices",
                "properties": {
                    "typeProperties": {"url": "https://contosolake.dfs.core.windows.net"},
                    "type": "AzureBlobFS",
                },
            }
        ),
    }


def test_references_the_service_resolves_outside_the_repository_are_notes_not_broken(
    workspace: Factory, editor: Any
) -> None:
    result = imported(synapse_repository(), workspace, editor)
    assert not [str(line) for line in result.report if line.status is Status.WARNING]
    notes = {(line.path, line.json_path) for line in result.report if line.status is Status.NOTE}
    assert notes == {
        ("notebook/Explore.json", "$.properties.bigDataPool"),
        ("notebook/Explore.json", "$.properties.targetSparkConfiguration"),
        ("sparkJobDefinition/Job.json", "$.properties.targetBigDataPool"),
        ("dataset/Raw.json", "$.properties.linkedServiceName"),
        ("linkedService/contoso-ws-WorkspaceDefaultSqlServer.json", "$.properties.connectVia"),
    }
    note = next(
        line
        for line in result.report
        if line.path == "sparkJobDefinition/Job.json" and line.status is Status.NOTE
    )
    assert note.message == (
        "apache spark pool 'sparkpool1' is an external reference (an Apache Spark pool of the "
        "Synapse workspace)."
    )
    assert str(note).startswith(
        "sparkJobDefinition/Job.json: note: $.properties.targetBigDataPool:"
    )


def test_key_order_advice_is_given_only_on_request_and_never_for_generated_files(
    workspace: Factory, editor: Any
) -> None:
    quiet = imported(synapse_repository(), workspace, editor)
    assert not [line for line in quiet.report if line.status is Status.WARNING]
    other = Factory.objects.create(name="pedantic-ws", kind=Factory.Kind.SYNAPSE)
    pedantic = imported(synapse_repository(), other, editor, pedantic=True)
    advised = {line.path for line in pedantic.report if line.status is Status.WARNING}
    assert advised == {"linkedService/Lake.json"}
    assert all(
        "ADF Studio writes" in line.message
        for line in pedantic.report
        if line.status is Status.WARNING
    )


def test_the_api_and_the_command_line_take_pedantic(
    workspace: Factory, editor: Any, tmp_path: Path
) -> None:
    grant(editor, workspace, Role.EDITOR)
    response = api_for(editor).post(
        "/api/v1/factories/contoso-ws/import?pedantic=true",
        as_zip(synapse_repository()),
        content_type="application/zip",
    )
    assert response.status_code == 201, response.json()
    warned = {line["file"] for line in response.json()["files"] if line["status"] == "warning"}
    assert warned == {"linkedService/Lake.json"}
    other = Factory.objects.create(name="cli-ws", kind=Factory.Kind.SYNAPSE)
    write_folder(tmp_path, synapse_repository().items())
    out = io.StringIO()
    call_command("import_adf", str(tmp_path), "--factory", other.name, "--pedantic", stdout=out)
    assert (
        "linkedService/Lake.json: warning: $.properties.type: 'type' is written after"
        in out.getvalue()
    )


def test_skipping_a_file_refused_at_import_reports_each_line_once(
    contoso: Factory, editor: Any, tmp_path: Path
) -> None:
    imported({"dataset/Taken.json": studio({"name": "Taken", "properties": {}})}, contoso, editor)
    files = {p: b for p, b in one_pass_repository().items() if p != "dataset/Broken.json"}
    write_folder(tmp_path, files.items())
    out = io.StringIO()
    call_command(
        "import_adf", str(tmp_path), "--factory", "contoso", "--skip-bad-files", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == len(set(lines)), "no line twice"
    assert "dataset/Taken.json: kept as is: " + SKIPPED in lines
    assert "dataset/Lost.json: imported: dataset 'Lost'" in lines
    assert lines[-1].startswith("2 resource(s) imported, 1 file(s) kept as is, 1 bad file(s)")


def test_the_import_page_has_pedantic_and_says_not_imported(
    workspace: Factory, editor: Any
) -> None:
    grant(editor, workspace, Role.EDITOR)
    page = signed_in(editor).get("/factories/contoso-ws/import/").content.decode()
    assert 'name="pedantic"' in page
    upload = io.BytesIO(as_zip({**synapse_repository(), "dataset/Bad.json": b"{"}))
    upload.name = "ws.zip"
    refused = signed_in(editor).post("/factories/contoso-ws/import/", {"repository": upload})
    assert refused.status_code == 400
    assert "<code>notebook/Explore.json</code></td><td>not imported</td>" in (
        refused.content.decode()
    )
    upload = io.BytesIO(as_zip(synapse_repository()))
    upload.name = "ws.zip"
    response = signed_in(editor).post(
        "/factories/contoso-ws/import/", {"repository": upload, "pedantic": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<code>linkedService/Lake.json</code></td><td>warning</td>" in html
    assert "<td>note</td>" in html


def test_a_file_name_differing_from_its_resource_in_case_only_is_a_warning() -> None:
    # azure.datafactory.tools' own test factory holds trigger/TR_without_pipeline.json
    # naming 'tr_without_pipeline': ADF's names ignore case.
    from connectors.adf_repository import parse_file

    document = {"name": "tr_without_pipeline", "properties": {"type": "ScheduleTrigger"}}
    entry = parse_file(
        "trigger/TR_without_pipeline.json", json.dumps(document, indent="\t").encode()
    )
    assert entry.ok, entry.report
    assert any("in case only" in line.message for line in entry.report)


def test_a_file_named_in_another_case_than_its_resource_comes_back_at_its_own_path(
    contoso: Factory, editor: Any
) -> None:
    # Imported with the warning above, it must come back where it was, byte for byte (it
    # came back as trigger/tr_without_pipeline.json: a file removed, another added).
    document = {"name": "tr_without_pipeline", "properties": {"type": "ScheduleTrigger"}}
    files = {"trigger/TR_without_pipeline.json": studio(document)}
    result = imported(files, contoso, editor)
    assert result.ok, [str(line) for line in result.report]
    assert dict(export_repository(contoso)) == files

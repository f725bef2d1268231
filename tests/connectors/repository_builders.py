"""Repositories built in memory, in the shapes ADF and Synapse git integration write."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from connectors.file_style import FileStyle, render
from tests.fixture_secrets import PARAM_SECRET

TAB_LF = FileStyle(indent="\t")
FOUR_CRLF_NEWLINE = FileStyle(indent="    ", newline="\r\n", final_newline=True)
TWO_LF_NEWLINE_BOM = FileStyle(indent="  ", final_newline=True, bom=True)
ONE_LINE = FileStyle(indent=None)
STYLES = [TAB_LF, FOUR_CRLF_NEWLINE, TWO_LF_NEWLINE_BOM, ONE_LINE]


def spark_v2_linked_service(name: str = "SparkProd") -> dict[str, Any]:
    """A Spark 2.0 linked service as the connector's schema takes it today (its secret
    parameter's default is the mask: a new resource cannot be created with a masked
    password, so it has none)."""
    return {
        "name": name,
        "type": "Microsoft.DataFactory/factories/linkedservices",
        "properties": {
            "annotations": [],
            "type": "Spark",
            "version": "2.0",
            "typeProperties": {
                "host": "spark.example.com",
                "port": 443,
                "authenticationType": "Anonymous",
                "httpPath": "cliservice",
            },
        },
    }


def documents() -> dict[str, dict[str, Any]]:
    """One resource of every folder kind, keyed by its path (Data Factory and Synapse)."""
    return {
        "linkedService/SparkProd.json": spark_v2_linked_service(),
        "linkedService/Blob_Store.json": {
            "properties": {  # properties first, name after: key order is kept
                "type": "AzureBlobStorage",
                "typeProperties": {
                    "connectionString": "DefaultEndpointsProtocol=https;AccountName=contoso;",
                    "encryptedCredential": "ZXhhbXBsZQ==",
                },
            },
            "name": "Blob_Store",
        },
        "dataset/Sales Ünïcode 売上.json": {
            "name": "Sales Ünïcode 売上",
            "properties": {
                "linkedServiceName": {
                    "referenceName": "SparkProd",
                    "type": "LinkedServiceReference",
                },
                "type": "SparkObject",
                "typeProperties": {"table": "ventes_€", "schema": "dbo"},
                "annotations": [],
            },
            "type": "Microsoft.DataFactory/factories/datasets",
        },
        "pipeline/Copy Sales.json": {
            "name": "Copy Sales",
            "properties": {
                "activities": [{"name": "Copy", "type": "Copy", "inputs": [], "outputs": []}],
                "annotations": [],
            },
        },
        "trigger/Nightly.json": {
            "name": "Nightly",
            "properties": {"type": "ScheduleTrigger", "runtimeState": "Started"},
        },
        "dataflow/Clean.json": {
            "name": "Clean",
            "properties": {"type": "MappingDataFlow", "typeProperties": {"script": "a\nb"}},
        },
        "integrationRuntime/SelfHosted.json": {
            "name": "SelfHosted",
            "properties": {"type": "SelfHosted"},
        },
        "credential/Uami.json": {"name": "Uami", "properties": {"type": "ManagedIdentity"}},
        "managedVirtualNetwork/default.json": {"name": "default", "properties": {}},
        "managedVirtualNetwork/default/managedPrivateEndpoint/Sql.json": {
            "name": "Sql",
            "properties": {"privateLinkResourceId": "/subscriptions/x", "groupId": "sqlServer"},
        },
        "factory/contoso-adf.json": {
            "name": "contoso-adf",
            "properties": {"globalParameters": {"env": {"type": "String", "value": "prod"}}},
            "location": "westeurope",
        },
        "notebook/Explore.json": {
            "name": "Explore",
            "properties": {"nbformat": 4, "cells": [{"cell_type": "code", "source": ["1+1"]}]},
        },
        "sqlscript/Report.json": {
            "name": "Report",
            "properties": {"content": {"query": "SELECT 1"}, "type": "SqlQuery"},
        },
        "sparkJobDefinition/Job.json": {
            "name": "Job",
            "properties": {"jobProperties": {"file": "abfss://x/job.py"}},
        },
        "bigDataPool/Pool1.json": {"name": "Pool1", "properties": {"nodeCount": 3}},
        "sparkConfiguration/Conf.json": {"name": "Conf", "properties": {"configs": {}}},
        "kqlscript/Kql.json": {"name": "Kql", "properties": {"content": {"query": "T"}}},
        "globalParameters/default.json": {"name": "default", "properties": {"env": "prod"}},
    }


MASKED_SECRET_FILE = render(
    {
        "name": "Sql_Dw",
        "properties": {
            "type": "AzureSqlDW",
            "typeProperties": {"connectionString": {"type": "SecureString", "value": "**********"}},
        },
    },
    FileStyle(indent="    ", newline="\r\n"),
)
"""A linked service whose secret was exported masked (``linkedService/Sql_Dw.json``)."""

OTHER_FILES: dict[str, bytes] = {
    "publish_config.json": b'{"publishBranch": "adf_publish"}',
    "README.md": b"# Our factory\r\n",
    "ARMTemplateParametersForFactory.json": b'{\n  "$schema": "x"\n}\n',
    "linkedService/notes.txt": b"not a resource",
    "sqlPool/Dw.json": b'{"name": "Dw", "properties": {}}',
}


def repository(style_of: Any = None) -> dict[str, bytes]:
    """Every kind, each file in a style taken in turn from STYLES, plus files beside them."""
    files: dict[str, bytes] = {}
    for index, (path, document) in enumerate(documents().items()):
        style = style_of(path) if style_of else STYLES[index % len(STYLES)]
        files[path] = render(document, style)
    files.update(OTHER_FILES)
    return files


def as_zip(files: dict[str, bytes], prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(prefix + path, data)
    return buffer.getvalue()


def unzip(data: bytes) -> dict[str, bytes]:
    """Every file of a zip: path -> bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def web_pipeline(*secrets: str, parameter_default: str = PARAM_SECRET) -> dict[str, Any]:
    """A pipeline whose Web activities send each secret as a Basic password, with a
    SecureString parameter (its type spelled in lower case, as ADF accepts it)."""
    activities = [
        {
            "name": f"Call{i}",
            "type": "WebActivity",
            "typeProperties": {
                "url": "https://api.example.com/",
                "method": "GET",
                "authentication": {
                    "type": "Basic",
                    "username": "u",
                    "password": {"type": "SecureString", "value": secret},
                },
            },
        }
        for i, secret in enumerate(secrets)
    ]
    parameters = {"key": {"type": "securestring", "defaultValue": parameter_default}}
    return {"name": "Calls", "properties": {"activities": activities, "parameters": parameters}}


def json_bytes(document: Any) -> bytes:
    return json.dumps(document).encode()


def synapse_documents() -> dict[str, dict[str, Any]]:
    """:func:`documents` as a Synapse workspace's git integration writes them: every file's
    top-level ``type`` spelled ``Microsoft.Synapse/workspaces/...``."""
    from pathlib import PurePosixPath

    from connectors.kinds import kind_for_folder

    result: dict[str, dict[str, Any]] = {}
    for path, document in documents().items():
        kind = kind_for_folder(str(PurePosixPath(path).parent))
        assert kind is not None, path
        synapse = {key: value for key, value in document.items() if key != "type"}
        result[path] = {"name": synapse.pop("name"), "type": kind.document_type(True), **synapse}
    return result


def synapse_repository() -> dict[str, bytes]:
    """A Synapse-layout repository: every kind, each file in a style from STYLES in turn."""
    files = {
        path: render(document, STYLES[index % len(STYLES)])
        for index, (path, document) in enumerate(synapse_documents().items())
    }
    files.update(OTHER_FILES)
    return files

"""A generated ADF repository in the shapes and sizes of real ones, for the benchmarks.

Real factories' files average about 4 KB (issue 21): pipelines of several activities with
their policies, mappings and expressions; datasets with their schema; data flows with their
script lines; triggers with their schedules. The shares of each kind follow a real factory
(mostly datasets and pipelines). Pipelines are built from the activities of a real pipeline
file (tests/connectors/data/pipelines/Spark to SQL.json); every reference points at a
resource of the repository, so the whole repository imports. Most files are written as ADF
Studio writes them (tabs, no final newline); some in the other styles git repositories hold.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from connectors.adf_repository import write_zip
from connectors.file_style import FileStyle, render
from connectors.repository_layout import resource_path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "tests" / "connectors" / "data" / "pipelines" / "Spark to SQL.json"
STUDIO = FileStyle(indent="\t")
STYLES = [STUDIO] * 7 + [
    FileStyle(indent="  ", newline="\r\n", final_newline=True),
    FileStyle(indent="    ", final_newline=True),
    FileStyle(indent="  ", final_newline=True, bom=True),
]
SHARES = [  # (kind, per 100 resources)
    ("dataset", 34),
    ("pipeline", 28),
    ("linkedService", 12),
    ("trigger", 8),
    ("dataflow", 8),
    ("integrationRuntime", 2),
    ("managedPrivateEndpoint", 2),
    ("credential", 1),
    ("dataset", 5),
]
COLUMNS = ["id", "customer_id", "order_date", "amount", "currency", "region", "status",
           "created_at", "updated_at", "product_code", "quantity", "unit_price", "discount",
           "channel", "country", "city", "postal_code", "email", "phone", "segment",
           "campaign", "source_system", "batch_id", "is_deleted", "load_ts"]  # fmt: skip
PREFIXES = {"linkedService": "LS", "dataset": "DS", "pipeline": "PL", "trigger": "TR",
            "dataflow": "DF", "integrationRuntime": "IR", "credential": "CR"}  # fmt: skip
TYPES = ["String", "Int32", "DateTime", "Decimal", "Boolean", "Int64", "Double"]


def _kinds(count: int) -> list[str]:
    cycle = [kind for kind, share in SHARES for _ in range(share)]
    return [cycle[(index * 37) % len(cycle)] for index in range(count)]


def _schema(index: int) -> list[dict[str, Any]]:
    width = 5 + index % 21
    return [
        {"name": COLUMNS[c % len(COLUMNS)] + ("" if c < len(COLUMNS) else f"_{c}"),
         "type": TYPES[(index + c) % len(TYPES)]}
        for c in range(width)
    ]  # fmt: skip


def _linked_service(name: str, index: int, position: int, vault: str) -> dict[str, Any]:
    flavour = position % 4
    if flavour == 0:
        properties: dict[str, Any] = {
            "annotations": [], "type": "Spark", "version": "2.0",
            "typeProperties": {
                "host": f"spark{index}.azurehdinsight.net", "port": 443,
                "thriftTransportProtocol": "HTTP", "authenticationType": "UsernameAndPassword",
                "username": "admin", "httpPath": "/sparkhive2", "enableSsl": True,
                "enableServerCertificateValidation": True,
                "encryptedCredential": "ZXlKMGVYQWlPaUpLVjFRaUxDSmhiR2NpT2lKSVV6STFOaUo5" * 4,
            },
        }  # fmt: skip
    elif flavour == 1:
        properties = {
            "annotations": [], "type": "AzureBlobFS",
            "typeProperties": {"url": f"https://lake{index}.dfs.core.windows.net/"},
            "connectVia": {"referenceName": "AutoResolveIntegrationRuntime",
                           "type": "IntegrationRuntimeReference"},
        }  # fmt: skip
    elif flavour == 2:
        properties = {
            "annotations": [],
            "type": "AzureKeyVault",
            "typeProperties": {"baseUrl": f"https://kv-{index}.vault.azure.net/"},
        }
    else:
        properties = {
            "annotations": ["finance"], "type": "AzureSqlDW",
            "typeProperties": {
                "connectionString": f"Integrated Security=False;Encrypt=True;Connection "
                f"Timeout=30;Data Source=dw{index}.database.windows.net;Initial Catalog=dw",
                "password": {"type": "AzureKeyVaultSecret", "store": {
                    "referenceName": vault, "type": "LinkedServiceReference"},
                    "secretName": f"dw-{index}-password"},
            },
        }  # fmt: skip
    return {"name": name, "type": "Microsoft.DataFactory/factories/linkedservices",
            "properties": properties}  # fmt: skip


def _dataset(name: str, index: int, services: list[str]) -> dict[str, Any]:
    service = services[(index * 4 + 1) % len(services)]
    properties = {
        "linkedServiceName": {"referenceName": service, "type": "LinkedServiceReference"},
        "folder": {"name": f"raw/area{index % 12}"},
        "annotations": [],
        "type": "DelimitedText",
        "typeProperties": {
            "location": {"type": "AzureBlobFSLocation", "fileName": f"part-{index}.csv",
                         "folderPath": f"sales/{index % 40}", "fileSystem": "landing"},
            "columnDelimiter": ",", "escapeChar": "\\", "firstRowAsHeader": True,
            "quoteChar": '"',
        },
        "schema": _schema(index),
    }  # fmt: skip
    return {"name": name, "properties": properties,
            "type": "Microsoft.DataFactory/factories/datasets"}  # fmt: skip


def _retarget(node: Any, datasets: list[str], index: int) -> None:
    """Every dataset reference in ``node`` points at one of ``datasets``."""
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if value.get("type") == "DatasetReference":
                value["referenceName"] = datasets[index % len(datasets)]
                index += 7
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _pipeline(name: str, index: int, template: dict[str, Any], datasets: list[str]) -> dict:
    activities = template["properties"]["activities"]
    count = 2 + index % 11
    chosen = []
    for n in range(count):
        activity = copy.deepcopy(activities[(index + n) % len(activities)])
        activity["name"] = f"{activity['name']} {n}"
        activity["dependsOn"] = (
            [{"activity": chosen[-1]["name"], "dependencyConditions": ["Succeeded"]}]
            if chosen else []
        )  # fmt: skip
        chosen.append(activity)
    _retarget(chosen, datasets, index)
    properties = {**copy.deepcopy(template["properties"]), "activities": chosen,
                  "folder": {"name": f"ingest/area{index % 12}"}}  # fmt: skip
    properties.pop("lastPublishTime", None)
    return {"name": name, "properties": properties,
            "type": "Microsoft.DataFactory/factories/pipelines"}  # fmt: skip


def _trigger(name: str, index: int, pipelines: list[str]) -> dict[str, Any]:
    runs = [
        {"pipelineReference": {"referenceName": pipelines[(index + n) % len(pipelines)],
                               "type": "PipelineReference"},
         "parameters": {"region": "emea", "runDate": "@trigger().scheduledTime"}}
        for n in range(1 + index % 3)
    ]  # fmt: skip
    return {
        "name": name,
        "properties": {
            "annotations": [], "runtimeState": "Started", "pipelines": runs,
            "type": "ScheduleTrigger",
            "typeProperties": {"recurrence": {
                "frequency": "Day", "interval": 1, "startTime": "2024-01-01T02:00:00Z",
                "timeZone": "UTC", "schedule": {"minutes": [0, 30], "hours": [2, 14]}}},
        },
    }  # fmt: skip


def _dataflow(name: str, index: int, datasets: list[str]) -> dict[str, Any]:
    source, sink = datasets[index % len(datasets)], datasets[(index + 5) % len(datasets)]
    columns = _schema(index)
    lines = ["source(output("]
    lines += [f"          {c['name']} as string," for c in columns]
    lines += ["     ),", "     allowSchemaDrift: true,", "     validateSchema: false) ~> src"]
    for step in range(4 + index % 8):
        lines.append(f"src derive(col{step} = upper(toString(byName('{columns[0]['name']}')))) "
                     f"~> derive{step}")  # fmt: skip
    lines += ["derive0 sink(allowSchemaDrift: true,", "     validateSchema: false,",
              "     skipDuplicateMapInputs: true,",
              "     skipDuplicateMapOutputs: true) ~> snk"]  # fmt: skip
    return {
        "name": name,
        "properties": {
            "type": "MappingDataFlow",
            "typeProperties": {
                "sources": [{"dataset": {"referenceName": source, "type": "DatasetReference"},
                             "name": "src"}],
                "sinks": [{"dataset": {"referenceName": sink, "type": "DatasetReference"},
                           "name": "snk"}],
                "transformations": [{"name": f"derive{s}"} for s in range(4 + index % 8)],
                "scriptLines": lines,
            },
        },
    }  # fmt: skip


def _other(kind: str, name: str, index: int) -> dict[str, Any]:
    if kind == "integrationRuntime":
        return {"name": name, "properties": {"type": "Managed", "typeProperties": {
            "computeProperties": {"location": "AutoResolve", "dataFlowProperties": {
                "computeType": "General", "coreCount": 8, "timeToLive": 10}}},
            "managedVirtualNetwork": {"type": "ManagedVirtualNetworkReference",
                                      "referenceName": "default"}}}  # fmt: skip
    if kind == "credential":
        return {"name": name, "properties": {"type": "ManagedIdentity", "typeProperties": {
            "resourceId": f"/subscriptions/0000/resourceGroups/rg/providers/Microsoft."
            f"ManagedIdentity/userAssignedIdentities/uami{index}"}}}  # fmt: skip
    return {"name": name, "properties": {
        "privateLinkResourceId": f"/subscriptions/0000/resourceGroups/rg/providers/Microsoft."
        f"Storage/storageAccounts/lake{index}", "groupId": "dfs"}}  # fmt: skip


def generate(count: int, factory: str = "contoso-df") -> tuple[bytes, dict[str, bytes]]:
    """A zip of ``count`` resources and the files beside them, and every file's bytes."""
    template = json.loads(TEMPLATE.read_bytes())
    kinds = _kinds(count)
    names = {kind: [] for kind in dict(SHARES)}  # type: dict[str, list[str]]
    for index, kind in enumerate(kinds):
        prefix = PREFIXES.get(kind, "PE")
        names[kind].append(f"{prefix}_{index:04d}")
    names["linkedService"] = names["linkedService"] or ["LS_0000"]
    names["dataset"] = names["dataset"] or ["DS_0000"]
    names["pipeline"] = names["pipeline"] or ["PL_0000"]
    files: dict[str, bytes] = {}
    positions = {kind: 0 for kind in names}
    for index, kind in enumerate(kinds):
        name = names[kind][positions[kind]]
        positions[kind] += 1
        if kind == "linkedService":
            vaults = names["linkedService"][2::4] or names["linkedService"]
            document = _linked_service(name, index, positions[kind] - 1, vaults[0])
        elif kind == "dataset":
            document = _dataset(name, index, names["linkedService"])
        elif kind == "pipeline":
            document = _pipeline(name, index, template, names["dataset"])
        elif kind == "trigger":
            document = _trigger(name, index, names["pipeline"])
        elif kind == "dataflow":
            document = _dataflow(name, index, names["dataset"])
        else:
            document = _other(kind, name, index)
        files[resource_path(kind, name)] = render(document, STYLES[index % len(STYLES)])
    if names["integrationRuntime"]:
        files["managedVirtualNetwork/default.json"] = render(
            {"name": "default", "type": "Microsoft.DataFactory/factories/managedvirtualnetworks"},
            STUDIO,
        )
    files[f"factory/{factory}.json"] = render(
        {"name": factory, "location": "westeurope",
         "properties": {"globalParameters": {"env": {"type": "string", "value": "dev"}}},
         "identity": {"type": "SystemAssigned"}}, STUDIO)  # fmt: skip
    files["publish_config.json"] = b'{"publishBranch":"adf_publish","includeFactoryTemplate":true}'
    files["README.md"] = b"# Contoso data factory\n\nDeployed by the platform team.\n"
    return write_zip(list(files.items())), files

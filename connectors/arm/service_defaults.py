"""The empty values ADF's service adds to a resource when it publishes it.

ADF Studio saves a resource to git as authored, leaving out what is empty; the template
its Publish writes comes from the service's own model of the resource, which has those
empty values (as ADF writes them since 2022):

- a pipeline's ``policy``: ``{"elapsedTimeMetric": {}, "cancelAfter": {}}`` when absent;
- every dataset or data flow reference's ``parameters``: ``{}`` when absent, and an
  Execute Pipeline activity's (``[]`` for Databricks Python and Jar activities);
- a trigger's pipeline references' ``parameters``: ``{}``;
- a Web or WebHook activity's ``headers`` (and ``body`` unless its method is GET): ``{}``;
- an activity's ``dependsOn`` and ``userProperties``: ``[]``;
- the secure string a linked service keeps encrypted (``accountKey`` of a Data Lake Gen2
  store, ``password`` of Spark or HTTP): the service knows it, the git file has only
  ``encryptedCredential``;
- ``annotations``: ``[]``; an integration runtime's or a dataset's ``typeProperties``: ``{}``;
- an Execute Data Flow activity's ``staging`` (``{}``) and its ``dataflow``'s
  ``datasetParameters`` (``{}`` for each source and sink of the data flow).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_WEB = ("WebActivity", "WebHook")
_WITH_PARAMETERS = ("DatasetReference", "DataFlowReference")
_ACTIVITY_PARAMETERS: dict[str, Any] = {
    "ExecutePipeline": {},
    "DatabricksSparkPython": [],
    "DatabricksSparkJar": [],
}


_ANNOTATED = ("linkedService", "dataset", "pipeline", "trigger")
"""Kinds whose ``annotations`` the service keeps as ``[]`` when absent."""


def service_defaults(
    kind: str, properties: dict[str, Any], dataflow_endpoints: Callable[[str], list[str]]
) -> dict[str, Any]:
    out = dict(properties)
    if kind in _ANNOTATED:
        out.setdefault("annotations", [])
    if kind in ("integrationRuntime", "dataset"):
        out.setdefault("typeProperties", {})
    if kind == "linkedService":
        out = _encrypted_secret(out)
    if kind == "pipeline":
        out = _walk(out, dataflow_endpoints)
        if "policy" not in out:
            out["policy"] = {"elapsedTimeMetric": {}, "cancelAfter": {}}
        return out
    if kind == "trigger":
        pipeline = out.get("pipeline")
        if isinstance(pipeline, dict) and "pipelineReference" in pipeline:
            out["pipeline"] = {**pipeline, "parameters": pipeline.get("parameters", {})}
        pipelines = out.get("pipelines")
        if isinstance(pipelines, list):
            out["pipelines"] = [
                {**item, "parameters": {}}
                if isinstance(item, dict) and "parameters" not in item
                else item
                for item in pipelines
            ]
        return out
    return out


ENCRYPTED_SECRET: dict[str, str] = {
    "AzureBlobFS": "accountKey",
    "Spark": "password",
    "HttpServer": "password",
}
"""The secure string a linked service of each type keeps in its ``encryptedCredential``
(ADF's git file has only the encrypted blob; the service publishes the property)."""


def _encrypted_secret(properties: dict[str, Any]) -> dict[str, Any]:
    type_properties = properties.get("typeProperties")
    secret = ENCRYPTED_SECRET.get(str(properties.get("type")))
    if (
        secret is None
        or not isinstance(type_properties, dict)
        or "encryptedCredential" not in type_properties
        or secret in type_properties
        or "servicePrincipalId" in type_properties
        or str(type_properties.get("authenticationType", "Basic"))
        not in ("Basic", "UsernameAndPassword", "WindowsAzureHDInsightService")
    ):
        return properties
    masked = {"type": "SecureString", "value": "**********"}
    return {**properties, "typeProperties": {**type_properties, secret: masked}}


def _walk(node: Any, dataflow_endpoints: Callable[[str], list[str]]) -> Any:
    if isinstance(node, list):
        return [_walk(item, dataflow_endpoints) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _walk(value, dataflow_endpoints) for key, value in node.items()}
    if out.get("type") in _WITH_PARAMETERS and "referenceName" in out:
        out.setdefault("parameters", {})
    type_properties = out.get("typeProperties")
    if "name" in out and isinstance(type_properties, dict):
        out.setdefault("dependsOn", [])
        out.setdefault("userProperties", [])
        empty_parameters = _ACTIVITY_PARAMETERS.get(str(out.get("type")))
        if empty_parameters is not None:
            type_properties.setdefault("parameters", empty_parameters)
        if out.get("type") in _WEB:
            type_properties.setdefault("headers", {})
            if str(type_properties.get("method", "")).upper() != "GET":
                type_properties.setdefault("body", {})
        elif out.get("type") == "ExecuteDataFlow":
            _data_flow_defaults(type_properties, dataflow_endpoints)
    return out


def _data_flow_defaults(
    type_properties: dict[str, Any], dataflow_endpoints: Callable[[str], list[str]]
) -> None:
    type_properties.setdefault("staging", {})
    reference = type_properties.get("dataflow")
    if not isinstance(reference, dict) or not isinstance(reference.get("referenceName"), str):
        return
    names = dataflow_endpoints(reference["referenceName"])
    if not names:
        return
    found = reference.get("datasetParameters")
    parameters = dict(found) if isinstance(found, dict) else {}
    for name in names:
        parameters.setdefault(name, {})
    reference["datasetParameters"] = parameters


def dataflow_endpoint_names(properties: dict[str, Any]) -> list[str]:
    """The sources' and sinks' names of a data flow that read or write a dataset."""
    type_properties = properties.get("typeProperties")
    if not isinstance(type_properties, dict):
        return []
    names = []
    for key in ("sources", "sinks"):
        for item in type_properties.get(key) or []:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and "dataset" in item:
                names.append(item["name"])
    return names

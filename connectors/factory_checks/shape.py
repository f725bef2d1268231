"""Each kind's shape: the connector's JSON Schema where the registry has one (linked
services and datasets of a registered type), else what Microsoft's SDK models require
(``azure-mgmt-datafactory``, ``azure-synapse-artifacts``: the ``[Required]`` properties)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.factory_checks.findings import Finding, finding
from connectors.factory_snapshot import FactoryResource, FactorySnapshot
from connectors.pipeline_activities import activities
from connectors.problems import json_path
from connectors.registry import dataset_type, get_connector, has_form
from connectors.validation import check_properties, validate_with

REQUIRED: dict[str, tuple[str, ...]] = {
    "linkedService": ("type",),
    "dataset": ("type", "linkedServiceName"),
    "trigger": ("type",),
    "dataflow": ("type",),
    "integrationRuntime": ("type",),
    "credential": ("type",),
    "notebook": ("cells", "metadata", "nbformat", "nbformat_minor"),
    "sparkJobDefinition": ("targetBigDataPool", "jobProperties"),
    "sqlscript": ("content",),
}
"""Properties each kind's SDK model requires under ``properties``."""
ACTIVITY_REQUIRED = ("name", "type")


def check(snapshot: FactorySnapshot) -> Iterator[Finding]:
    for resource in snapshot.resources:
        yield from _required(resource)
        yield from _schema(resource)


def _required(resource: FactoryResource) -> Iterator[Finding]:
    properties = resource.properties
    for key in REQUIRED.get(resource.kind, ()):
        if properties.get(key) in (None, ""):
            yield finding(
                "LW-SHAPE-002",
                f"A {resource.kind} needs '{key}' (ADF's model requires it).",
                resource,
                json_path(("properties", key)),
            )
    if resource.kind == "pipeline":
        for activity in activities(resource.document):
            for key in ACTIVITY_REQUIRED:
                if not isinstance(activity.body.get(key), str) or not activity.body[key]:
                    yield finding(
                        "LW-SHAPE-002",
                        f"An activity needs a '{key}' (ADF's model requires it).",
                        resource,
                        json_path((*activity.path, key)),
                    )


def _schema(resource: FactoryResource) -> Iterator[Finding]:
    properties: Any = resource.document.get("properties")
    connector_type = properties.get("type") if isinstance(properties, dict) else None
    problems = []
    if has_form(resource.kind, connector_type):
        connector = get_connector(str(connector_type))
        version = connector.version_of(properties)
        if version is None:
            yield finding(
                "LW-SHAPE-001",
                connector.version_problem(properties),
                resource,
                "$.properties.version",
            )
            return
        problems = check_properties(connector.version(version), properties).problems
    elif (declared := dataset_type(resource.kind, connector_type)) is not None:
        problems = validate_with(declared.validator, properties)
    for problem in problems:
        yield finding("LW-SHAPE-001", problem.message, resource, problem.path)

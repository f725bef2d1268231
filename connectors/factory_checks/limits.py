"""Microsoft's "Azure Data Factory limits" (default and maximum), checked before a publish
meets them."""

from __future__ import annotations

import json
from collections.abc import Iterator

from connectors.factory_checks.findings import Finding, Severity, finding
from connectors.factory_snapshot import FactoryResource, FactorySnapshot
from connectors.pipeline_activities import activities

MAX_ENTITIES = 5000
ENTITY_KINDS = (
    "pipeline", "dataset", "trigger", "linkedService", "integrationRuntime", "dataflow",
    "managedPrivateEndpoint", "credential",
)  # fmt: skip
"""Entities counted against the factory's limit (pipelines, datasets, triggers, linked
services, private endpoints, integration runtimes; data flows and credentials too)."""
ACTIVITIES_DEFAULT, ACTIVITIES_MAX = 80, 120
MAX_PIPELINE_PARAMETERS = 50
MAX_PIPELINE_BYTES = 200 * 1024
DATASET_BYTES_DEFAULT, DATASET_BYTES_MAX = 100 * 1024, 2000 * 1024


def size_of(resource: FactoryResource) -> int:
    if resource.raw:
        return len(resource.raw)
    return len(json.dumps(resource.document, ensure_ascii=False).encode("utf-8"))


def check(snapshot: FactorySnapshot) -> Iterator[Finding]:
    entities = sum(1 for r in snapshot.resources if r.kind in ENTITY_KINDS)
    if entities > MAX_ENTITIES:
        yield finding(
            "LW-LIMIT-001",
            f"The factory holds {entities:,} entities; ADF takes {MAX_ENTITIES:,} at most.",
        )
    for resource in snapshot.resources:
        if resource.kind == "pipeline":
            yield from _pipeline(resource)
        elif resource.kind in ("dataset", "linkedService"):
            size = size_of(resource)
            if size > DATASET_BYTES_DEFAULT:
                yield finding(
                    "LW-LIMIT-006",
                    f"The {resource.kind} is {size / 1024:,.0f} KB; ADF takes "
                    f"{DATASET_BYTES_DEFAULT // 1024} KB by default, "
                    f"{DATASET_BYTES_MAX // 1024:,} KB on request.",
                    resource,
                    severity=Severity.ERROR if size > DATASET_BYTES_MAX else None,
                )


def _pipeline(resource: FactoryResource) -> Iterator[Finding]:
    count = len(activities(resource.document))
    if count > ACTIVITIES_DEFAULT:
        yield finding(
            "LW-LIMIT-002",
            f"The pipeline has {count} activities (inner ones included); ADF takes "
            f"{ACTIVITIES_DEFAULT} by default, {ACTIVITIES_MAX} on request.",
            resource,
            "$.properties.activities",
            severity=Severity.ERROR if count > ACTIVITIES_MAX else None,
        )
    parameters = resource.properties.get("parameters")
    if isinstance(parameters, dict) and len(parameters) > MAX_PIPELINE_PARAMETERS:
        yield finding(
            "LW-LIMIT-003",
            f"The pipeline declares {len(parameters)} parameters; ADF takes "
            f"{MAX_PIPELINE_PARAMETERS} at most.",
            resource,
            "$.properties.parameters",
        )
    size = size_of(resource)
    if size > MAX_PIPELINE_BYTES:
        yield finding(
            "LW-LIMIT-005",
            f"The pipeline is {size / 1024:,.0f} KB; ADF takes "
            f"{MAX_PIPELINE_BYTES // 1024} KB at most.",
            resource,
        )

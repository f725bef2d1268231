"""References between resources and their types, activity dependencies, and cycles (among
an activity's dependencies, and along Execute Pipeline calls)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from connectors.factory_checks.findings import Finding, finding
from connectors.factory_snapshot import FactoryResource, FactorySnapshot
from connectors.pipeline_activities import activities, find_cycle, structure_problems
from connectors.problems import json_path
from connectors.references import references_in

EXPECTED: dict[str, str] = {
    "linkedServiceName": "LinkedServiceReference",
    "connectVia": "IntegrationRuntimeReference",
    "pipelineReference": "PipelineReference",
    "inputs": "DatasetReference",
    "outputs": "DatasetReference",
    "dataset": "DatasetReference",
    "dataflow": "DataFlowReference",
    "store": "LinkedServiceReference",
}
"""The reference type ADF takes under each property name."""
_KEY = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)(?:\[\d+\])?$")


def check(snapshot: FactorySnapshot) -> Iterator[Finding]:
    known = {(r.kind, r.name.casefold()) for r in snapshot.resources}
    for resource in snapshot.resources:
        yield from _references(resource, known)
        if resource.kind == "pipeline":
            yield from _structure(resource)
    yield from _pipeline_cycles(snapshot)


def _references(resource: FactoryResource, known: set[tuple[str, str]]) -> Iterator[Finding]:
    for found in references_in(resource.properties):
        if found.kind.name == "bigDataPool":
            continue  # a workspace's pools: see synapse_rules
        key = _KEY.search(found.path)
        expected = EXPECTED.get(key.group(1)) if key else None
        if expected is not None and found.kind.reference_type != expected:
            yield finding(
                "LW-REF-002",
                f"'{key.group(1) if key else ''}' takes a {expected}, not a "
                f"{found.kind.reference_type}.",
                resource,
                f"{found.path}.type",
            )
            continue
        if (found.kind.name, found.name.casefold()) not in known:
            yield finding(
                "LW-REF-001",
                f"{found.kind.title} '{found.name}' is not in the factory.",
                resource,
                f"{found.path}.referenceName",
            )


def _structure(resource: FactoryResource) -> Iterator[Finding]:
    for problem in structure_problems(resource.document):
        if problem.path.endswith(".name"):
            code = "LW-NAME-005"
        elif problem.path.endswith(".dependsOn"):
            code = "LW-CYCLE-001"
        else:
            code = "LW-REF-003"
        yield finding(code, problem.message, resource, problem.path)


def _pipeline_cycles(snapshot: FactorySnapshot) -> Iterator[Finding]:
    pipelines = {r.name.casefold(): r for r in snapshot.of_kind("pipeline")}
    edges: dict[str, list[str]] = {}
    calls: dict[str, tuple[str | int, ...]] = {}
    for key, resource in pipelines.items():
        edges[key] = []
        for activity in activities(resource.document):
            if activity.type != "ExecutePipeline":
                continue
            target = (activity.body.get("typeProperties") or {}).get("pipeline")
            name = target.get("referenceName") if isinstance(target, dict) else None
            if isinstance(name, str) and name.casefold() in pipelines:
                edges[key].append(name.casefold())
                calls.setdefault(key, activity.path)
    cycle = find_cycle(edges)
    if cycle:
        chain = " → ".join(pipelines[k].name for k in [*cycle, cycle[0]])
        yield finding(
            "LW-CYCLE-002",
            f"Execute Pipeline calls go round in a cycle: {chain} (it would never end).",
            pipelines[cycle[0]],
            json_path((*calls[cycle[0]], "typeProperties", "pipeline", "referenceName")),
        )

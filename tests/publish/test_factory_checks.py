"""Validate all: one minimal factory per rule that breaks it, its code and JSON path; and the
project's own real files validate with no error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from connectors.adf_repository import parse_repository
from connectors.factory_checks import RULES, Severity, validate
from connectors.factory_snapshot import PARAMETERISATION_FILE, FactorySnapshot

DATA = Path(__file__).resolve().parents[1] / "connectors" / "data"

BLOB = {
    "name": "Blob",
    "properties": {
        "type": "AzureBlobFS",
        "typeProperties": {"url": "https://contosolake.dfs.core.windows.net/"},
    },
}
DATASET = {
    "name": "Files",
    "properties": {
        "type": "Binary",
        "linkedServiceName": {"referenceName": "Blob", "type": "LinkedServiceReference"},
    },
}


def wait(name: str, after: list[str] | None = None, **type_properties: Any) -> dict:
    return {
        "name": name,
        "type": "Wait",
        "dependsOn": [{"activity": a, "dependencyConditions": ["Succeeded"]} for a in after or []],
        "typeProperties": {"waitTimeInSeconds": 1, **type_properties},
    }


def pipeline(name: str, activities: list[dict], **properties: Any) -> dict:
    return {"name": name, "properties": {"activities": activities, **properties}}


def snapshot(*resources: tuple[str, dict], kept: dict[str, bytes] | None = None):
    return FactorySnapshot.of(
        "f", [(kind, doc["name"], doc) for kind, doc in resources], kept or {}
    )


def codes(snap: FactorySnapshot) -> list[tuple[str, str, str]]:
    return [(f.code, f.name, f.path) for f in validate(snap)]


BROKEN: dict[str, tuple[FactorySnapshot, tuple[str, str, str]]] = {
    "LW-SHAPE-001": (
        snapshot(
            (
                "linkedService",
                {
                    "name": "S",
                    "properties": {
                        "type": "Spark",
                        "version": "2.0",
                        "typeProperties": {"port": 443},
                    },
                },
            )
        ),  # noqa: E501
        ("LW-SHAPE-001", "S", "$.properties.typeProperties.host"),
    ),
    "LW-SHAPE-002": (
        snapshot(("dataset", {"name": "D", "properties": {"type": "Binary"}})),
        ("LW-SHAPE-002", "D", "$.properties.linkedServiceName"),
    ),
    "LW-REF-001": (
        snapshot(("dataset", DATASET)),
        ("LW-REF-001", "Files", "$.properties.linkedServiceName.referenceName"),
    ),
    "LW-REF-002": (
        snapshot(
            ("linkedService", BLOB),
            (
                "dataset",
                {
                    **DATASET,
                    "properties": {
                        **DATASET["properties"],
                        "linkedServiceName": {"referenceName": "Blob", "type": "PipelineReference"},
                    },
                },
            ),  # noqa: E501
        ),
        ("LW-REF-002", "Files", "$.properties.linkedServiceName.type"),
    ),
    "LW-REF-003": (
        snapshot(("pipeline", pipeline("P", [wait("A", ["Nowhere"])]))),
        ("LW-REF-003", "P", "$.properties.activities[0].dependsOn[0].activity"),
    ),
    "LW-CYCLE-001": (
        snapshot(("pipeline", pipeline("P", [wait("A", ["B"]), wait("B", ["A"])]))),
        ("LW-CYCLE-001", "P", "$.properties.activities[0].dependsOn"),
    ),
    "LW-CYCLE-002": (
        snapshot(
            (
                "pipeline",
                pipeline(
                    "P1",
                    [
                        {
                            "name": "Call",
                            "type": "ExecutePipeline",
                            "typeProperties": {
                                "pipeline": {"referenceName": "P2", "type": "PipelineReference"}
                            },
                        }
                    ],
                ),
            ),  # noqa: E501
            (
                "pipeline",
                pipeline(
                    "P2",
                    [
                        {
                            "name": "Back",
                            "type": "ExecutePipeline",
                            "typeProperties": {
                                "pipeline": {"referenceName": "P1", "type": "PipelineReference"}
                            },
                        }
                    ],
                ),
            ),  # noqa: E501
        ),
        ("LW-CYCLE-002", "P1", "$.properties.activities[0].typeProperties.pipeline.referenceName"),
    ),
    "LW-NAME-001": (
        snapshot(("pipeline", pipeline("Load.daily", [wait("A")]))),
        ("LW-NAME-001", "Load.daily", "$.name"),
    ),
    "LW-NAME-002": (
        snapshot(("linkedService", {**BLOB, "name": "blob-store"})),
        ("LW-NAME-002", "blob-store", "$.name"),
    ),
    "LW-NAME-003": (
        snapshot(("integrationRuntime", {"name": "ir--one", "properties": {"type": "SelfHosted"}})),
        ("LW-NAME-003", "ir--one", "$.name"),
    ),
    "LW-NAME-004": (
        snapshot(
            ("pipeline", pipeline("Load", [wait("A")])), ("pipeline", pipeline("LOAD", [wait("A")]))
        ),  # noqa: E501
        ("LW-NAME-004", "LOAD", "$.name"),
    ),
    "LW-NAME-005": (
        snapshot(("pipeline", pipeline("P", [wait("A"), wait("a")]))),
        ("LW-NAME-005", "P", "$.properties.activities[1].name"),
    ),
    "LW-NAME-006": (
        snapshot(("pipeline", pipeline("1load", [wait("A")]))),
        ("LW-NAME-006", "1load", "$.name"),
    ),
    "LW-EXPR-001": (
        snapshot(("pipeline", pipeline("P", [wait("A", waitTimeInSeconds="@add(1,")]))),
        ("LW-EXPR-001", "P", "$.properties.activities[0].typeProperties.waitTimeInSeconds"),
    ),
    "LW-EXPR-002": (
        snapshot(
            ("pipeline", pipeline("P", [wait("A", waitTimeInSeconds="@pipeline().parameters.n")]))
        ),  # noqa: E501
        ("LW-EXPR-002", "P", "$.properties.activities[0].typeProperties.waitTimeInSeconds"),
    ),
    "LW-EXPR-003": (
        snapshot(("pipeline", pipeline("P", [wait("A", waitTimeInSeconds="@variables('v')")]))),
        ("LW-EXPR-003", "P", "$.properties.activities[0].typeProperties.waitTimeInSeconds"),
    ),
    "LW-EXPR-004": (
        snapshot(
            ("pipeline", pipeline("P", [wait("A", waitTimeInSeconds="@activity('Gone').output.n")]))
        ),  # noqa: E501
        ("LW-EXPR-004", "P", "$.properties.activities[0].typeProperties.waitTimeInSeconds"),
    ),
    "LW-EXPR-005": (
        snapshot(
            (
                "factory",
                {
                    "name": "f",
                    "properties": {"globalParameters": {"env": {"type": "string", "value": "dev"}}},
                },
            ),  # noqa: E501
            (
                "pipeline",
                pipeline("P", [wait("A", waitTimeInSeconds="@pipeline().globalParameters.region")]),
            ),  # noqa: E501
        ),
        ("LW-EXPR-005", "P", "$.properties.activities[0].typeProperties.waitTimeInSeconds"),
    ),
    "LW-EXPR-006": (
        snapshot(
            (
                "linkedService",
                {
                    "name": "Blob",
                    "properties": {
                        "type": "AzureBlobFS",
                        "typeProperties": {"url": "@{linkedService().account}"},
                    },
                },
            )
        ),  # noqa: E501
        ("LW-EXPR-006", "Blob", "$.properties.typeProperties.url"),
    ),
    "LW-LIMIT-001": (
        snapshot(*(("pipeline", pipeline(f"P{i}", [])) for i in range(5001))),
        ("LW-LIMIT-001", "", "$"),
    ),
    "LW-LIMIT-002": (
        snapshot(("pipeline", pipeline("P", [wait(f"A{i}") for i in range(81)]))),
        ("LW-LIMIT-002", "P", "$.properties.activities"),
    ),
    "LW-LIMIT-003": (
        snapshot(
            (
                "pipeline",
                pipeline("P", [], parameters={f"p{i}": {"type": "string"} for i in range(51)}),
            )
        ),  # noqa: E501
        ("LW-LIMIT-003", "P", "$.properties.parameters"),
    ),
    "LW-LIMIT-004": (
        snapshot(
            (
                "pipeline",
                pipeline("P", [wait("A", waitTimeInSeconds="@concat('" + "x" * 8200 + "')")]),
            )
        ),  # noqa: E501
        ("LW-LIMIT-004", "P", "$.properties.activities[0].typeProperties.waitTimeInSeconds"),
    ),
    "LW-LIMIT-005": (
        snapshot(("pipeline", pipeline("P", [wait("A")], description="x" * 210_000))),
        ("LW-LIMIT-005", "P", "$"),
    ),
    "LW-LIMIT-006": (
        snapshot(
            (
                "linkedService",
                {**BLOB, "properties": {**BLOB["properties"], "description": "x" * 110_000}},
            )
        ),  # noqa: E501
        ("LW-LIMIT-006", "Blob", "$"),
    ),
    "LW-ARM-001": (
        snapshot(*(("pipeline", pipeline(f"P{i}", [])) for i in range(801))),
        ("LW-ARM-001", "", "$"),
    ),
    "LW-ARM-002": (
        snapshot(
            *(("pipeline", pipeline(f"P{i}", [], description="x" * 150_000)) for i in range(30))
        ),  # noqa: E501
        ("LW-ARM-002", "", "$"),
    ),
    "LW-ARM-003": (
        snapshot(
            *(
                (
                    "linkedService",
                    {
                        "name": f"B{i}",
                        "properties": {
                            "type": "AzureBlobFS",
                            "typeProperties": {"url": "https://contosolake.dfs.core.windows.net/"},
                        },
                    },
                )
                for i in range(256)
            )
        ),  # noqa: E501
        ("LW-ARM-003", "", "$.parameters"),
    ),
    "LW-ARM-004": (
        snapshot(kept={PARAMETERISATION_FILE: b"{ not json"}),
        ("LW-ARM-004", "", "$"),
    ),
    "LW-SYN-001": (
        snapshot(
            ("bigDataPool", {"name": "small", "properties": {"nodeCount": 3}}),
            (
                "notebook",
                {
                    "name": "N",
                    "properties": {
                        "bigDataPool": {"referenceName": "large", "type": "BigDataPoolReference"},
                        "cells": [],
                        "metadata": {},
                        "nbformat": 4,
                        "nbformat_minor": 2,
                    },
                },
            ),  # noqa: E501
        ),
        ("LW-SYN-001", "N", "$.properties.bigDataPool.referenceName"),
    ),
    "LW-SYN-002": (
        snapshot(
            (
                "notebook",
                {
                    "name": "N",
                    "properties": {
                        "bigDataPool": {"referenceName": "large", "type": "BigDataPoolReference"},
                        "cells": [],
                        "metadata": {},
                        "nbformat": 4,
                        "nbformat_minor": 2,
                    },
                },
            )
        ),  # noqa: E501
        ("LW-SYN-002", "N", "$.properties.bigDataPool.referenceName"),
    ),
}


def test_every_rule_has_a_factory_that_breaks_it() -> None:
    assert sorted(BROKEN) == sorted(RULES)


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_a_factory_breaking_a_rule_is_reported_with_its_code_and_json_path(code: str) -> None:
    snap, expected = BROKEN[code]
    assert expected in codes(snap)


def test_a_rule_reports_at_its_own_severity_and_names_the_resource_file() -> None:
    snap, _ = BROKEN["LW-REF-001"]
    [found] = [f for f in validate(snap) if f.code == "LW-REF-001"]
    assert found.severity is Severity.ERROR
    assert found.file == "dataset/Files.json"
    assert "Linked service 'Blob' is not in the factory" in found.message


def test_a_valid_factory_has_no_finding() -> None:
    snap = snapshot(
        ("linkedService", BLOB),
        ("dataset", DATASET),
        (
            "pipeline",
            pipeline(
                "Load",
                [wait("A"), wait("B", ["A"], waitTimeInSeconds="@pipeline().parameters.n")],
                parameters={"N": {"type": "int"}},
            ),
        ),  # noqa: E501
    )
    assert validate(snap) == []


def test_more_than_120_activities_is_an_error_not_a_warning() -> None:
    snap = snapshot(("pipeline", pipeline("P", [wait(f"A{i}") for i in range(121)])))
    [found] = [f for f in validate(snap) if f.code == "LW-LIMIT-002"]
    assert found.severity is Severity.ERROR


def _real_files() -> list[tuple[str, bytes]]:
    files = []
    for path in sorted((DATA / "pipelines").glob("*.json")):
        files.append((f"pipeline/{path.name}", path.read_bytes()))
    return files


def test_the_projects_real_pipeline_files_validate_with_no_error() -> None:
    snap = FactorySnapshot.from_repository("real", parse_repository(_real_files()))
    assert snap.resources
    errors = [f for f in validate(snap) if f.severity is Severity.ERROR and f.code != "LW-REF-001"]
    assert errors == []

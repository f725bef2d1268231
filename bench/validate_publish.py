"""Benchmark: Validate all and Publish (ARM export) of a 5,000-resource factory, beside its
import.

Run with ``python -m bench.validate_publish``. Generates, in memory, the zip of a factory
of 5,000 resources (a quarter each of linked services, datasets reading them, pipelines
of six activities reading the datasets with expressions and dependencies, and triggers
starting the pipelines), then times, in the same run:

- **import**: ``read_repository(zip)`` (as ``bench.repository_io`` measures it);
- **validate**: ``connectors.factory_checks.validate`` of the imported factory (every
  rule, the ARM export's limits included);
- **export_arm**: ``connectors.arm.export_arm`` of the imported factory and every file
  rendered
  (``ARMTemplateForFactory.json``, the parameters, the linked templates).

Time is the median of 3 runs (``gc.collect()`` before each); peak memory is measured in
separate runs under ``tracemalloc`` at 1,250, 2,500 and 5,000 resources, to show how it
grows with the factory. Goal (issue 23): validate and export_arm each under 10 s, memory
growing no faster than the factory (peak at 5,000 at most 4x the peak at 1,250).
"""

from __future__ import annotations

import gc
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from connectors.adf_repository import read_repository, write_zip
from connectors.arm import export_arm
from connectors.factory_checks import validate
from connectors.factory_snapshot import FactorySnapshot
from connectors.file_style import render

COUNT = int(os.environ.get("BENCH_PUBLISH_COUNT", "5000"))
RUNS = int(os.environ.get("BENCH_PUBLISH_RUNS", "3"))
GOAL_SECONDS = 10.0
MEMORY_COUNTS = tuple(int(COUNT * share) for share in (0.25, 0.5, 1.0))


def _documents(group: int) -> list[tuple[str, dict[str, Any]]]:
    ls, ds, pl, tr = (f"Store{group:04}", f"Files{group:04}", f"Load{group:04}", f"Daily{group:04}")
    activities = []
    for i in range(6):
        activities.append(
            {
                "name": f"Copy{i}",
                "type": "Copy",
                "dependsOn": [{"activity": f"Copy{i - 1}", "dependencyConditions": ["Succeeded"]}]
                if i
                else [],
                "typeProperties": {
                    "source": {"type": "BinarySource"},
                    "sink": {"type": "BinarySink"},
                    "enableStaging": "@equals(pipeline().parameters.stage, 'yes')",
                },
                "inputs": [
                    {
                        "referenceName": ds,
                        "type": "DatasetReference",
                        "parameters": {"folder": "@pipeline().parameters.folder"},
                    }
                ],
                "outputs": [{"referenceName": ds, "type": "DatasetReference"}],
            }
        )
    return [
        (
            "linkedService",
            {
                "name": ls,
                "properties": {
                    "annotations": [],
                    "type": "AzureBlobFS",
                    "typeProperties": {
                        "url": f"https://store{group}.dfs.core.windows.net/",
                        "accountKey": {"type": "SecureString", "value": "**********"},
                    },
                },
            },
        ),
        (
            "dataset",
            {
                "name": ds,
                "properties": {
                    "linkedServiceName": {"referenceName": ls, "type": "LinkedServiceReference"},
                    "parameters": {"folder": {"type": "string"}},
                    "annotations": [],
                    "type": "Binary",
                    "typeProperties": {
                        "location": {
                            "type": "AzureBlobFSLocation",
                            "folderPath": {"value": "@dataset().folder", "type": "Expression"},
                            "fileSystem": "raw",
                        }
                    },
                },
            },
        ),
        (
            "pipeline",
            {
                "name": pl,
                "properties": {
                    "activities": activities,
                    "parameters": {
                        "folder": {"type": "string", "defaultValue": "in"},
                        "stage": {"type": "string", "defaultValue": "no"},
                    },
                    "annotations": [],
                },
            },
        ),
        (
            "trigger",
            {
                "name": tr,
                "properties": {
                    "annotations": [],
                    "runtimeState": "Started",
                    "pipelines": [
                        {
                            "pipelineReference": {"referenceName": pl, "type": "PipelineReference"},
                            "parameters": {"folder": "daily"},
                        }
                    ],
                    "type": "ScheduleTrigger",
                    "typeProperties": {"recurrence": {"frequency": "Day", "interval": 1}},
                },
            },
        ),
    ]


def generate(count: int) -> bytes:
    files = []
    for group in range(count // 4):
        for kind, document in _documents(group):
            files.append((f"{kind}/{document['name']}.json", render(document)))
    return write_zip(files)


def snapshot_of(data: bytes) -> FactorySnapshot:
    return FactorySnapshot.from_repository("bench-factory", read_repository(data))


def validate_all(snapshot: FactorySnapshot) -> int:
    return len(validate(snapshot))


def publish(snapshot: FactorySnapshot) -> int:
    return sum(len(b) for _, b in export_arm(snapshot).files())


def timed(action: Callable[[], Any]) -> float:
    samples = []
    for _ in range(RUNS):
        gc.collect()
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return samples[len(samples) // 2]


def peak_mib(action: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def main() -> int:
    from bench._report import Goal, machine_facts, markdown_table
    from bench._report import publish as publish_section

    data = generate(COUNT)
    snapshot = snapshot_of(data)
    findings = validate_all(snapshot)
    times = {
        "import (read_repository)": timed(lambda: read_repository(data)),
        "validate (of the imported factory)": timed(lambda: validate_all(snapshot)),
        "export_arm (of the imported factory, every file rendered)": timed(
            lambda: publish(snapshot)
        ),
    }
    peaks: dict[int, dict[str, float]] = {}
    for count in MEMORY_COUNTS:
        sample = generate(count)
        imported = snapshot_of(sample)
        peaks[count] = {
            "import": peak_mib(lambda s=sample: read_repository(s)),
            "validate": peak_mib(lambda s=imported: validate_all(s)),
            "export_arm": peak_mib(lambda s=imported: publish(s)),
        }
        del imported
    template_mib = publish(snapshot) / 1024 / 1024
    load = os.getloadavg()
    goals = [
        Goal.under(
            f"{name.split(' ')[0]} of {COUNT:,} resources under {GOAL_SECONDS:g} s (issue 23)",
            seconds,
            GOAL_SECONDS,
            "s",
        )
        for name, seconds in times.items()
        if not name.startswith("import")
    ]
    small, large = MEMORY_COUNTS[0], MEMORY_COUNTS[-1]
    for step in ("validate", "export_arm"):
        goals.append(
            Goal.at_most(
                f"{step}: peak memory growing no faster than the factory, {large:,} against "
                f"{small:,} resources (issue 23)",
                peaks[large][step],
                peaks[small][step],
                large / small,
                "MiB",
                reference_label=f"at {small:,}:",
            )
        )
    met = all(goal.met for goal in goals[:2])
    memory_met = all(goal.met for goal in goals[2:])
    lines = [
        "## Validate all and Publish (ARM) of a 5,000-resource factory (`bench.validate_publish`)",
        "",
        f"A generated factory of {COUNT:,} resources (linked services, datasets, pipelines of "
        "six activities with expressions and dependencies, triggers), zipped "
        f"({len(data) / 1024 / 1024:.1f} MiB); {findings} findings; the published files "
        f"weigh {template_mib:.1f} MiB. Median of {RUNS} runs.",
        "",
        markdown_table(
            ["step", "seconds", "× import"],
            [
                [name, f"{seconds:.2f}", f"{seconds / times['import (read_repository)']:.1f}"]
                for name, seconds in times.items()
            ],
        ),
        "",
        "Peak memory (MiB, tracemalloc) by factory size:",
        "",
        markdown_table(
            ["resources", "import", "validate", "export_arm"],
            [
                [
                    f"{count:,}",
                    *(f"{peaks[count][k]:.0f}" for k in ("import", "validate", "export_arm")),
                ]
                for count in MEMORY_COUNTS
            ],
        ),
        "",
        f"Goal: validate and export_arm each under {GOAL_SECONDS:.0f} s: "
        f"{'met' if met else 'not met'}. Memory grows with the factory (it is held whole, as "
        "the import holds it), "
        + ("not faster." if memory_met else "**faster** than the factory (goals below)."),
        "",
        markdown_table(
            ["machine", ""],
            [
                *(list(f) for f in machine_facts([])),
                ["load average at the end (1, 5, 15 min)", " ".join(f"{x:.1f}" for x in load)],
            ],
        ),
    ]
    return publish_section(
        "validate_publish", "\n".join(lines), write="--no-write" not in sys.argv, goals=goals
    )


if __name__ == "__main__":
    raise SystemExit(main())

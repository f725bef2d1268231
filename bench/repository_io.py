"""Benchmark: reading and writing a whole ADF/Synapse repository of 5,000 resources.

Run with ``python -m bench.repository_io`` (or ``bash scripts/bench.sh``). Generates, in
memory, a zip of 5,000 resources spread over every folder kind (each file in one of four
styles: tabs, 2 or 4 spaces, one line; LF or CRLF; with or without a final newline; some
with a BOM) plus the files beside them, then times, in the same run:

- **import**: ``read_repository(zip)``: the safety checks, every entry read, kind, style,
  envelope and per-file report;
- **export**: ``export_bytes`` for every resource (original bytes when unedited, one in ten
  edited and re-serialised) and ``write_zip``;
- **floor**: the same zip read with ``zipfile`` and every file ``json.loads``-ed; every
  document ``json.dumps``-ed and zipped: what any import or export has to do at least.

Time is the median of 5 runs (``gc.collect()`` before each); peak memory is measured in a
separate run under ``tracemalloc``, at 1,250, 2,500 and 5,000 resources, to show how it
grows with the number of files. Goal: import and export each under 10 s.
"""

from __future__ import annotations

import copy
import gc
import io
import json
import os
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

from connectors.adf_repository import Repository, export_bytes, read_repository, write_zip
from connectors.file_style import FileStyle, render
from connectors.repository_layout import resource_path

COUNT = int(os.environ.get("BENCH_REPOSITORY_COUNT", "5000"))
RUNS = int(os.environ.get("BENCH_REPOSITORY_RUNS", "5"))
GOAL_SECONDS = 10.0
KINDS = [
    "linkedService",
    "dataset",
    "pipeline",
    "trigger",
    "dataflow",
    "integrationRuntime",
    "credential",
    "managedPrivateEndpoint",
    "notebook",
    "sqlscript",
    "sparkJobDefinition",
    "bigDataPool",
]
STYLES = [
    FileStyle(indent="\t"),
    FileStyle(indent="  ", newline="\r\n", final_newline=True),
    FileStyle(indent="    ", final_newline=True, bom=True),
    FileStyle(indent=None),
]


def _document(kind: str, index: int) -> dict[str, Any]:
    name = f"{kind}_{index:05d}"
    properties: dict[str, Any] = {"annotations": [], "type": "Spark", "description": "é" * 8}
    if kind == "linkedService":
        properties["typeProperties"] = {
            "host": "@{linkedService().hostName}",
            "port": 443,
            "authenticationType": "UsernameAndPassword",
            "username": "etl",
            "password": {"type": "SecureString", "value": "**********"},
        }
        properties["parameters"] = {"hostName": {"type": "String"}}
    elif kind == "pipeline":
        properties["activities"] = [
            {"name": f"Copy{i}", "type": "Copy", "inputs": [{"referenceName": f"d{i}"}]}
            for i in range(8)
        ]
    else:
        properties["typeProperties"] = {"table": f"t{index}", "schema": "dbo", "values": [1, 2, 3]}
    return {"name": name, "properties": properties}


def generate(count: int) -> bytes:
    files = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        document = _document(kind, index)
        path = resource_path(kind, document["name"])
        files.append((path, render(document, STYLES[index % len(STYLES)])))
    files.append(("publish_config.json", b'{"publishBranch": "adf_publish"}'))
    files.append(("README.md", b"# generated\n"))
    return write_zip(files)


def import_repository(data: bytes) -> Repository:
    return read_repository(data)


def export_repository(repository: Repository) -> bytes:
    out = []
    for index, f in enumerate(repository.files):
        if f.document is None:
            out.append((f.path, f.raw))
            continue
        document = f.document
        if index % 10 == 0:
            document = copy.deepcopy(document)
            document["properties"]["description"] = "edited"
        out.append((f.path, export_bytes(document, original=f.raw, style=f.style)))
    return write_zip(out)


def floor_import(data: bytes) -> list[Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            json.loads(archive.read(info).decode("utf-8-sig"))
            for info in archive.infolist()
            if info.filename.endswith(".json")
        ]


def floor_export(documents: list[tuple[str, Any]]) -> bytes:
    return write_zip((path, json.dumps(doc, indent="\t").encode()) for path, doc in documents)


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


def measure(count: int, with_time: bool) -> dict[str, float]:
    data = generate(count)
    repository = import_repository(data)
    assert repository.ok, repository.report[:3]
    documents = [(f.path, f.document) for f in repository.files if f.document is not None]
    figures = {
        "zip_mib": len(data) / 1024 / 1024,
        "raw_mib": sum(len(f.raw) for f in repository.files) / 1024 / 1024,
        "import_peak": peak_mib(lambda: import_repository(data)),
        "export_peak": peak_mib(lambda: export_repository(repository)),
        "floor_import_peak": peak_mib(lambda: floor_import(data)),
        "floor_export_peak": peak_mib(lambda: floor_export(documents)),
    }
    if with_time:
        figures |= {
            "import_s": timed(lambda: import_repository(data)),
            "export_s": timed(lambda: export_repository(repository)),
            "floor_import_s": timed(lambda: floor_import(data)),
            "floor_export_s": timed(lambda: floor_export(documents)),
        }
    return figures


def main() -> int:
    from bench._report import machine_facts, markdown_table, write_section

    by_count = {n: measure(n, with_time=(n == COUNT)) for n in (COUNT // 4, COUNT // 2, COUNT)}
    full = by_count[COUNT]
    met = full["import_s"] < GOAL_SECONDS and full["export_s"] < GOAL_SECONDS
    times = markdown_table(
        ["step", "ours (s)", "floor (s)", "ratio", f"goal < {GOAL_SECONDS:.0f} s"],
        [
            [
                step,
                f"{full[f'{key}_s']:.2f}",
                f"{full[f'floor_{key}_s']:.2f}",
                f"{full[f'{key}_s'] / full[f'floor_{key}_s']:.1f}",
                "met" if full[f"{key}_s"] < GOAL_SECONDS else "**missed**",
            ]
            for step, key in (("import", "import"), ("export", "export"))
        ],
    )
    memory = markdown_table(
        [
            "resources",
            "files (MiB)",
            "import peak (MiB)",
            "floor import peak",
            "export peak (MiB)",
            "floor export peak",
            "import peak per file (KiB)",
        ],
        [
            [
                f"{n:,}",
                f"{f['raw_mib']:.1f}",
                f"{f['import_peak']:.1f}",
                f"{f['floor_import_peak']:.1f}",
                f"{f['export_peak']:.1f}",
                f"{f['floor_export_peak']:.1f}",
                f"{f['import_peak'] * 1024 / n:.2f}",
            ]
            for n, f in by_count.items()
        ],
    )
    facts = markdown_table(["machine", "value"], [[k, v] for k, v in machine_facts([])])
    body = f"""## Repository import and export: {COUNT:,} resources

Generated by `python -m bench.repository_io` (part of `bash scripts/bench.sh`).

{facts}

### Method

{(__doc__ or "").split("Run with", 1)[1].split(". ", 1)[1].strip()}

What is measured is the plain-Python layer in `connectors/` (`adf_repository.py`,
`repository_source.py`, `file_style.py`), which the portal's import and export call; the
database writes of the portal are not part of these figures.

### Time ({COUNT:,} resources, zip {full["zip_mib"]:.1f} MiB, median of {RUNS})

{times}

### Peak memory (tracemalloc)

{memory}

The import holds every file's bytes and its parsed document (that is its result); its peak
per file stays flat as the repository grows, so memory grows with the content, not beyond it.
"""
    write_section("repository_io", body)
    print(times)
    print(memory)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

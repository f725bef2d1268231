"""The SqlDWSink of a Copy activity, checked against its JSON Schema (facts sheet §4), and the
staging rule of §5 for a source PolyBase and COPY cannot read directly (Spark among them)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from connectors.problems import Problem
from connectors.schema_store import compile_validator
from connectors.validation import _problems

SCHEMA = Path(__file__).parent / "copysink-SqlDWSink.schema.json"
DIRECT_SOURCES = (
    "BlobSource",
    "AzureBlobFSSource",
    "DelimitedTextSource",
    "ParquetSource",
    "OrcSource",
)
"""Sources PolyBase or COPY may read without staging (Blob / ADLS Gen2 in a supported format)."""


@cache
def _validator() -> Any:
    import json

    return compile_validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def check_copy_activity(activity: dict[str, Any]) -> list[Problem]:
    """Problems of a Copy activity writing into a SqlDWSink, each at its JSON path (from
    the activity)."""
    tp = activity.get("typeProperties") if isinstance(activity, dict) else None
    if not isinstance(tp, dict):
        return [Problem("$.typeProperties", "A Copy activity has typeProperties.")]
    sink = tp.get("sink")
    where = "$.typeProperties"
    problems = _problems(_validator(), sink, ("typeProperties", "sink"))
    if not isinstance(sink, dict):
        return problems
    source = (tp.get("source") or {}).get("type") if isinstance(tp.get("source"), dict) else None
    loads_directly = sink.get("allowPolyBase") is True or sink.get("allowCopyCommand") is True
    if loads_directly and source not in DIRECT_SOURCES and tp.get("enableStaging") is not True:
        method = "PolyBase" if sink.get("allowPolyBase") is True else "COPY"
        problems.append(
            Problem(
                f"{where}.enableStaging",
                f"{method} cannot read a {source or 'this'} source directly: turn on staged "
                "copy (enableStaging with an Azure Blob or ADLS Gen2 staging linked service).",
            )
        )
    if tp.get("enableStaging") is True:
        staging = tp.get("stagingSettings") or {}
        if not (staging.get("linkedServiceName") or {}).get("referenceName"):
            problems.append(
                Problem(
                    f"{where}.stagingSettings.linkedServiceName",
                    "Staged copy needs a staging linked service (Azure Blob or ADLS Gen2).",
                )
            )
    return problems

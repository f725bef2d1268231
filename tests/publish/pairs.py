"""Publish pairs: what ADF Studio's Publish wrote to ``adf_publish`` beside the source tree
it was built from, and a semantic comparison of our export with it.

The pairs are public repositories' data (``scripts/collect_publish_pairs.py`` gathers
them); they are not kept in this repository. They are read from ``$LINKWRIGHT_PUBLISH_PAIRS``
or ``../shared/publish_pairs`` beside the project: ``manifest.json`` and ``blobs/<id>``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectors.adf_repository import parse_repository
from connectors.arm import TEMPLATE_FILE, export_arm
from connectors.factory_snapshot import FactorySnapshot

ROOT = Path(__file__).resolve().parents[2]


def pairs_folder() -> Path | None:
    configured = os.environ.get("LINKWRIGHT_PUBLISH_PAIRS")
    candidates = [Path(configured)] if configured else []
    candidates.append(ROOT.parent / "shared" / "publish_pairs")
    for folder in candidates:
        if (folder / "manifest.json").is_file():
            return folder
    return None


@dataclass
class Pair:
    entry: dict[str, Any]
    folder: Path

    @property
    def label(self) -> str:
        e = self.entry
        return f"{e['repository']}@{e['publish_commit'][:8]} ({e['factory']})"

    def blob(self, blob_id: str) -> bytes:
        return (self.folder / "blobs" / blob_id).read_bytes()

    def source(self) -> FactorySnapshot:
        files = [(path, self.blob(b)) for path, b in self.entry["source"].items()]
        return FactorySnapshot.from_repository(self.entry["factory"], parse_repository(files))

    def published(self, path: str) -> Any:
        return json.loads(self.blob(self.entry["published"][path]).decode("utf-8-sig"))


def load_pairs(folder: Path) -> list[Pair]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return [Pair(entry, folder) for entry in manifest]


@dataclass
class Comparison:
    resources: int = 0
    equal_resources: int = 0
    parameters_equal: bool = True
    variables_equal: bool = True
    differences: list[str] = field(default_factory=list)


def _resource_key(resource: dict[str, Any]) -> tuple[str, str]:
    return resource["type"].casefold(), resource["name"]


def _resource_view(resource: dict[str, Any]) -> dict[str, Any]:
    view = {k: v for k, v in resource.items() if k not in ("dependsOn", "type")}
    view["dependsOn"] = sorted(set(resource.get("dependsOn", [])))
    return view


def _parameter_view(parameters: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    return {
        name: (str(spec.get("type", "")).casefold(), spec.get("defaultValue"))
        for name, spec in parameters.items()
    }


def compare(ours: dict[str, Any], theirs: dict[str, Any]) -> Comparison:
    result = Comparison()
    mine = {_resource_key(r): r for r in ours["resources"]}
    for resource in theirs["resources"]:
        key = _resource_key(resource)
        result.resources += 1
        found = mine.pop(key, None)
        if found is None:
            result.differences.append(f"missing resource {key}")
        elif _resource_view(found) != _resource_view(resource):
            result.differences.append(f"resource {key} differs")
        else:
            result.equal_resources += 1
    for key in mine:
        result.resources += 1
        result.differences.append(f"extra resource {key}")
    a, b = _parameter_view(ours["parameters"]), _parameter_view(theirs["parameters"])
    if a != b:
        result.parameters_equal = False
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                result.differences.append(f"parameter {name}: ours {a.get(name)} ADF {b.get(name)}")
    if ours.get("variables") != theirs.get("variables"):
        result.variables_equal = False
        result.differences.append("variables differ")
    return result


def compare_pair(pair: Pair) -> Comparison:
    exported = export_arm(pair.source())
    return compare(exported.template, pair.published(TEMPLATE_FILE))

"""References between resources, found by walking a document.

ADF writes a reference as ``{"referenceName": "X", "type": "LinkedServiceReference"}``
wherever it occurs (a dataset's ``linkedServiceName``, a pipeline activity's ``inputs``,
a trigger's ``pipelines``...). A ``referenceName`` that is an expression is not a
reference to a named resource and is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connectors.kinds import ResourceKind, kind_for_reference
from connectors.problems import json_path


@dataclass(frozen=True)
class Reference:
    kind: ResourceKind
    name: str
    path: str
    """JSON path of the reference object in the document (``$.properties...``)."""


def _is_reference(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and isinstance(node.get("referenceName"), str)
        and not node["referenceName"].startswith("@")
        and kind_for_reference(node.get("type")) is not None
    )


def _walk(node: Any, path: tuple[str | int, ...], found: list[tuple[tuple, dict]]) -> None:
    """Append to ``found`` every reference in ``node`` with its path, in document order.
    Only objects and arrays are visited: a value that is neither (most of a document) is
    passed over where it is met, without a call or a path of its own."""
    if isinstance(node, dict):
        if _is_reference(node):
            found.append((path, node))
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                _walk(value, (*path, key), found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, (dict, list)):
                _walk(value, (*path, index), found)


def references_in(properties: Any) -> list[Reference]:
    """Every reference in a resource's ``properties``, in document order."""
    nodes: list[tuple[tuple, dict]] = []
    _walk(properties, ("properties",), nodes)
    found = []
    for path, node in nodes:
        kind = kind_for_reference(node["type"])
        assert kind is not None
        found.append(Reference(kind, node["referenceName"], json_path(path)))
    return found


def rename_references(
    properties: Any, kind: ResourceKind, old: str, new: str, same: Callable[[str, str], bool]
) -> Any:
    """A copy of ``properties`` whose references to ``kind`` ``old`` name ``new``."""
    if (
        _is_reference(properties)
        and kind_for_reference(properties["type"]) == kind
        and same(properties["referenceName"], old)
    ):
        properties = {**properties, "referenceName": new}
    if isinstance(properties, dict):
        return {k: rename_references(v, kind, old, new, same) for k, v in properties.items()}
    if isinstance(properties, list):
        return [rename_references(v, kind, old, new, same) for v in properties]
    return properties

"""What an override row's cells may name, for completion while editing a config file: the
factory's resources of a row's type (its name cell), and the property paths of the
resources a row names (its path cell).

The paths come from the JSON Schema the connector registry gives the resource (a linked
service's connector version, a dataset's type), followed through ``$ref``, ``anyOf`` and
``if``/``then``, and from the resource's own definition (its parameters, activities by
name...): nothing here lists a connector's fields. Paths are written as the tool reads
them, relative to ``properties``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.environments.adftools import Override, matching
from connectors.environments.base import Base, BaseResource
from connectors.environments.findings import Where
from connectors.environments.paths import Segment
from connectors.registry import dataset_type, get_connector, has_form
from connectors.schema_store import schema_registry

MAX_NAMES = 200
MAX_PATHS = 400
_MAX_DEPTH = 8
_NOWHERE = {"row": Where("")}


def resource_names(base: Base, kind: str | None) -> list[str]:
    """The names a row of this kind may name (every kind's for the JSON form's None)."""
    resources = base.of_kind(kind) if kind is not None else base.resources
    return sorted({r.name for r in resources}, key=str.casefold)[:MAX_NAMES]


def property_paths(base: Base, kind: str | None, name: str) -> list[str]:
    """The property paths of the resources ``name`` names (wildcards allowed): those of
    each one's schema first, then those its definition holds, each once."""
    if not name:
        return []
    override = Override("", kind, name, "", None, "", _NOWHERE)
    seen: dict[str, None] = {}
    for resource in matching(base, override)[:20]:
        for path in (*schema_paths(resource), *definition_paths(resource.properties)):
            seen.setdefault(path, None)
            if len(seen) >= MAX_PATHS:
                return list(seen)
    return list(seen)


def schema_of(resource: BaseResource) -> dict[str, Any] | None:
    """The JSON Schema of the resource's ``properties`` (None: kept as a document)."""
    properties = resource.properties
    if not isinstance(properties, dict):
        return None
    type_name = properties.get("type")
    if has_form(resource.kind, type_name):
        connector = get_connector(str(type_name))
        version = connector.version_of(properties)
        return connector.version(version).schema if version is not None else None
    dataset = dataset_type(resource.kind, type_name)
    return dataset.schema if dataset is not None else None


_PATHS: dict[int, tuple[dict[str, Any], tuple[str, ...]]] = {}
"""Each schema's paths, by the schema object (the registry reads each schema once)."""


def schema_paths(resource: BaseResource) -> tuple[str, ...]:
    schema = schema_of(resource)
    if schema is None:
        return ()
    known = _PATHS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    resolver = schema_registry().resolver(base_uri=str(schema.get("$id", "")))
    paths = tuple(dict.fromkeys(_walk(schema, (), resolver, 0)))
    _PATHS[id(schema)] = (schema, paths)
    return paths


def _walk(node: Any, prefix: tuple[str, ...], resolver: Any, depth: int) -> Iterator[str]:
    if not isinstance(node, dict) or depth > _MAX_DEPTH:
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        try:
            found = resolver.lookup(ref)
        except Exception:  # an unresolvable reference offers nothing more
            found = None
        if found is not None:
            yield from _walk(found.contents, prefix, found.resolver, depth + 1)
    if _is_expression(node):
        return
    children = node.get("properties")
    if isinstance(children, dict):
        for key, child in children.items():
            path = (*prefix, key)
            yield _joined(path)
            yield from _walk(child, path, resolver, depth + 1)
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(keyword) or ():
            yield from _walk(branch, prefix, resolver, depth + 1)
    for keyword in ("then", "else"):
        yield from _walk(node.get(keyword), prefix, resolver, depth + 1)


def _is_expression(node: dict[str, Any]) -> bool:
    """An expression object (``{"type": "Expression", "value": ...}``): its members are not
    the property's own."""
    kind = (node.get("properties") or {}).get("type")
    return isinstance(kind, dict) and kind.get("const") == "Expression"


def _joined(keys: tuple[str | int, ...], by_name: tuple[bool, ...] = ()) -> str:
    out = ""
    for at, key in enumerate(keys):
        shown = str(Segment(key, by_name=at < len(by_name) and by_name[at]))
        out += shown if shown.startswith("[") or not out else "." + shown
    return out


def definition_paths(properties: Any) -> list[str]:
    """The paths of every value the definition holds (array items by ``name`` when each
    has one, else by index)."""
    out: list[str] = []

    def visit(node: Any, keys: tuple[str | int, ...], by_name: tuple[bool, ...]) -> None:
        if len(out) >= MAX_PATHS or len(keys) > _MAX_DEPTH:
            return
        if keys:
            out.append(_joined(keys, by_name))
        if isinstance(node, dict):
            if _is_expression({"properties": {"type": {"const": node.get("type")}}}):
                return
            for key, child in node.items():
                visit(child, (*keys, key), (*by_name, False))
        elif isinstance(node, list):
            named = bool(node) and all(isinstance(i, dict) and "name" in i for i in node)
            for index, child in enumerate(node):
                key = str(child["name"]) if named else index
                visit(child, (*keys, key), (*by_name, named))

    visit(properties, (), ())
    return out


__all__ = [
    "MAX_NAMES",
    "MAX_PATHS",
    "definition_paths",
    "property_paths",
    "resource_names",
    "schema_of",
    "schema_paths",
]

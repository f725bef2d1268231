"""An environment's effective definitions: the repository's values with its overrides
applied in file order, each resource copied on its first change (an unchanged resource is
the repository's own object, and its check is the repository's)."""

from __future__ import annotations

from typing import Any

from connectors.environments.base import Base, BaseResource, Change
from connectors.environments.paths import Action


class Workspace:
    """The definitions as the overrides read so far leave them."""

    def __init__(self, base: Base) -> None:
        self.base = base
        self.changed: dict[tuple[str, str], Any] = {}
        self.changes: list[Change] = []

    def properties(self, resource: BaseResource) -> Any:
        return self.changed.get(resource.key, resource.properties)

    def apply(self, change: Change) -> None:
        key = change.resource.key
        if key not in self.changed:
            self.changed[key] = json_copy(change.resource.properties)
        apply_change(self.changed[key], change.keys, change.action, change.value)
        self.changes.append(change)


def apply_change(
    properties: Any, keys: tuple[str | int, ...], action: Action, value: Any = None
) -> None:
    """Set, add (creating the objects on the way) or remove the value at ``keys``."""
    node = properties
    for key in keys[:-1]:
        if action is Action.ADD and isinstance(node, dict) and key not in node:
            node[key] = {}
        node = node[key]
    last = keys[-1]
    if action is Action.REMOVE:
        if isinstance(node, dict):
            node.pop(last, None)  # type: ignore[arg-type]
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            del node[last]
        return
    node[last] = json_copy(value)


def json_copy(node: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars): what ``copy.deepcopy`` gives,
    several times faster (no memo, no other types to handle)."""
    if isinstance(node, dict):
        return {key: json_copy(value) for key, value in node.items()}
    if isinstance(node, list):
        return [json_copy(value) for value in node]
    return node


__all__ = ["Workspace", "apply_change", "json_copy"]

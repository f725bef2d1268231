"""azure.datafactory.tools JSON config files, kept byte for byte and edited entry by entry.

``{"<object name>": [{"name": "<path>", "value": ..., "action": "add|update|remove"}]}``:
the object name may hold wildcards and is looked up among every kind (the first match
decides the kind); ``action`` is ``update`` when absent. The tool reads each value as text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from connectors import json_edit, json_limits
from connectors.environments.findings import Finding, Where, error
from connectors.environments.text import decode, encode
from connectors.json_spans import container_at, members

ACTIONS = ("add", "update", "remove")


@dataclass(frozen=True)
class JsonEntry:
    object_name: str
    index: int
    path: str
    value: str
    action: str
    where: dict[str, Where] = field(default_factory=dict)
    """Where the entry and each of its fields (``name``, ``value``, ``action``) start."""


@dataclass
class ConfigJson:
    path: str
    text: str
    bom: bool = False

    def to_bytes(self) -> bytes:
        return encode(self.text, self.bom)

    def document(self) -> Any:
        return json.loads(self.text)

    # --- edits: each rewrites only the entry it concerns --------------------------------

    def set_entry(self, object_name: str, index: int, **changes: Any) -> None:
        """Change ``name``, ``value`` or ``action`` of one entry (an absent ``action`` is
        added after the entry's last member)."""
        for key, value in changes.items():
            entry = self.document()[object_name][index]
            if key in entry:
                self.text = json_edit.replace_value(self.text, [object_name, index, key], value)
            else:
                self.text = json_edit.append(self.text, [object_name, index], value, key=key)

    def add_entry(self, object_name: str, path: str, value: str, action: str = "update") -> None:
        entry: dict[str, Any] = {"name": path, "value": value}
        if action != "update":
            entry["action"] = action
        if object_name in self.document():
            self.text = json_edit.append(self.text, [object_name], entry)
        else:
            self.text = json_edit.append(self.text, [], [entry], key=object_name)

    def remove_entry(self, object_name: str, index: int) -> None:
        if len(self.document()[object_name]) == 1:
            self.text = json_edit.remove(self.text, [object_name])
        else:
            self.text = json_edit.remove(self.text, [object_name, index])


def parse_config_json(path: str, raw: bytes) -> ConfigJson:
    text, bom = decode(raw)
    return ConfigJson(path, text, bom)


def as_text(value: Any) -> str | None:
    """The value as the tool reads it (a ``[string]``): None for an object or array."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float, str)):
        return str(value)
    return None


def entries(config: ConfigJson) -> tuple[list[JsonEntry], list[Finding]]:
    """Every entry with where it is, and what keeps the tool from reading the file."""
    whole = Where(config.path, 1)
    try:
        document = json_limits.loads(config.text)
    except json_limits.JsonRefused as exc:
        return [], [error(Where(config.path, exc.lineno or 1, exc.colno or 0), str(exc))]
    if not isinstance(document, dict):
        return [], [error(whole, 'A JSON config is one object: {"<object name>": [entries]}.')]
    found: list[JsonEntry] = []
    problems: list[Finding] = []
    positions = json_edit.Positions(config.text)
    top = container_at(config.text, [])
    for key, key_start, _, _ in members(config.text, top):
        assert isinstance(key, str)
        line, column = json_edit.line_column(config.text, key_start)
        at_key = Where(config.path, line, column, "object")
        items = document[key]
        if not isinstance(items, list):
            problems.append(error(at_key, f"'{key}' holds a list of entries: [{{...}}]."))
            continue
        for index, item in enumerate(items):
            entry, entry_problems = _entry(config.path, positions, key, index, item, at_key)
            problems.extend(entry_problems)
            if entry is not None:
                found.append(entry)
    return found, problems


def _entry(
    path_of_file: str,
    positions: json_edit.Positions,
    key: str,
    index: int,
    item: Any,
    at_key: Where,
) -> tuple[JsonEntry | None, list[Finding]]:
    def where(*path: str | int, field_name: str = "") -> Where:
        line, column = positions.of([key, index, *path])
        return Where(path_of_file, line, column, field_name)

    at_item = where()
    if not isinstance(item, dict):
        return None, [error(at_item, 'An entry is an object: {"name": path, "value": ...}.')]
    problems: list[Finding] = []
    places = {"row": at_item, "object": at_key}
    for name in ("name", "value", "action"):
        if name in item:
            places[name] = where(name, field_name=name)
    path = item.get("name")
    if not isinstance(path, str) or not path:
        problems.append(
            error(places.get("name", at_item), "The entry's 'name' (the property path) is empty.")
        )
    action = item.get("action", "update")
    if not isinstance(action, str) or action.casefold() not in ACTIONS:
        problems.append(
            error(
                places.get("action", at_item),
                "The action is add, update or remove (the tool reads anything else as update).",
            )
        )
    value = as_text(item.get("value"))
    if value is None:
        problems.append(
            error(
                places.get("value", at_item),
                "The tool reads each value as text: write a JSON object or array as a "
                'string ("{...}").',
            )
        )
    if problems:
        return None, problems
    assert isinstance(path, str) and isinstance(action, str) and value is not None
    return JsonEntry(key, index, path, value, action.casefold(), places), []


__all__ = ["ACTIONS", "ConfigJson", "JsonEntry", "as_text", "entries", "parse_config_json"]

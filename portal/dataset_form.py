"""The form of a connector-declared dataset type, generated from its JSON Schema.

The table fields are the schema's ``typeProperties`` properties (title, description); the
envelope fields (description, linked service, columns, parameters, annotations, folder) are
the schema's top-level properties that every dataset has. A value typed as ``@...`` is an
ADF expression; it keeps the object form (``{"value", "type": "Expression"}``) when the
stored value had it. Properties the form does not show are kept as they were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from connectors import json_limits
from connectors.base import DatasetType
from connectors.form_edits import kept_as_written
from connectors.problems import Problem

JSON_FIELDS = ("parameters", "annotations", "schema")


@dataclass(frozen=True)
class TableField:
    name: str
    title: str
    description: str

    @property
    def input_name(self) -> str:
        return f"tp-{self.name}"


def table_fields(declared: DatasetType) -> list[TableField]:
    props = declared.schema["properties"]["typeProperties"].get("properties", {})
    return [
        TableField(name, spec.get("title", name), spec.get("description", ""))
        for name, spec in props.items()
    ]


def title_of(declared: DatasetType, name: str) -> str:
    return str(declared.schema["properties"].get(name, {}).get("title", name))


def _text(value: Any) -> str:
    if isinstance(value, dict) and value.get("type") == "Expression":
        return str(value.get("value", ""))
    return "" if value is None else str(value)


def initial(declared: DatasetType, name: str, properties: dict[str, Any]) -> dict[str, str]:
    """The form's values for a stored dataset."""
    tp = properties.get("typeProperties") or {}
    reference = properties.get("linkedServiceName") or {}
    data = {
        "name": name,
        "description": str(properties.get("description", "")),
        "linkedService": str(reference.get("referenceName", "")),
        "folder": str((properties.get("folder") or {}).get("name", "")),
    }
    for f in table_fields(declared):
        data[f.input_name] = _text(tp.get(f.name))
    for key in JSON_FIELDS:
        default: Any = [] if key != "parameters" else {}
        data[key] = json.dumps(properties.get(key, default), ensure_ascii=False)
    return data


def properties_from(
    declared: DatasetType, data: dict[str, str], stored: dict[str, Any] | None
) -> tuple[dict[str, Any], list[Problem]]:
    """The dataset's ``properties`` from the form, on top of the stored ones: only the
    values changed on the form differ from the stored ones
    (:func:`connectors.form_edits.kept_as_written`)."""
    properties, problems = _from_form(declared, data, stored)
    if stored is None or problems:
        return properties, problems
    untouched, _ = _from_form(declared, initial(declared, "", stored), stored)
    merged: dict[str, Any] = kept_as_written(stored, untouched, properties)
    return merged, problems


def _from_form(
    declared: DatasetType, data: dict[str, str], stored: dict[str, Any] | None
) -> tuple[dict[str, Any], list[Problem]]:
    properties: dict[str, Any] = dict(stored or {})
    problems: list[Problem] = []
    properties["type"] = declared.type
    description = data.get("description", "").strip()
    if description:
        properties["description"] = description
    else:
        properties.pop("description", None)
    reference = dict(properties.get("linkedServiceName") or {})
    reference.update(
        referenceName=data.get("linkedService", "").strip(), type="LinkedServiceReference"
    )
    properties["linkedServiceName"] = reference
    stored_tp = (stored or {}).get("typeProperties") or {}
    tp = dict(stored_tp)
    for f in table_fields(declared):
        text = data.get(f.input_name, "").strip()
        if not text:
            tp.pop(f.name, None)
        elif text.startswith("@") and isinstance(stored_tp.get(f.name), dict):
            tp[f.name] = {"value": text, "type": "Expression"}
        else:
            tp[f.name] = text
    properties["typeProperties"] = tp
    folder = data.get("folder", "").strip()
    if folder:
        properties["folder"] = {"name": folder}
    else:
        properties.pop("folder", None)
    for key in JSON_FIELDS:
        raw = data.get(key, "").strip()
        if not raw:
            properties.pop(key, None)
            continue
        try:
            properties[key] = json_limits.loads(raw)
        except json_limits.JsonRefused as exc:
            problems.append(Problem(f"$.properties.{key}", str(exc)))
    return properties, problems

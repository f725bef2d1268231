"""What the linked-service editor page shows: fields, values, errors and the live JSON.

Built from a connector version's field specs (its JSON Schema and UI hints); the portal
never names a connector's properties itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.adf_format import dump_linked_service
from connectors.base import Connector, ConnectorVersion
from connectors.formdata import PARAMETER_TYPES, PREFIX, parameter_rows, properties_from_form
from connectors.formspec import HELD, FieldSpec, conditionally_required, defaults, field_specs
from connectors.problems import Problem
from connectors.validation import check_properties
from portal.test_value_fields import test_value_fields

TYPE_PROPERTIES = "$.properties.typeProperties."
ENVELOPE_FIELDS = {
    "$.name": "name",
    "$.properties.description": "description",
    "$.properties.annotations": "annotations",
    "$.properties.connectVia": "connectVia",
    "$.properties.parameters": "parameters",
}


@dataclass
class BoundField:
    spec: FieldSpec
    key: str
    value: str
    visible: bool
    required: bool
    errors: list[str]
    data: Mapping[str, str]

    @property
    def id(self) -> str:
        return "id_" + self.key

    @property
    def default_label(self) -> str:
        default = self.spec.default
        if default is None:
            return "(not set)"
        shown = str(default).lower() if isinstance(default, bool) else str(default)
        return f"(default: {shown})"

    @property
    def expression_value(self) -> str:
        return self.data.get(self.key + "__expression", "")

    @property
    def secret_kind(self) -> str:
        return self.data.get(self.key + "__kind", "SecureString")

    @property
    def key_vault(self) -> dict[str, str]:
        return {
            part: self.data.get(f"{self.key}__{part}", "")
            for part in ("store", "secretName", "secretVersion")
        }

    stored_secret: bool = False
    held_by: str = ""
    """For a secret: the encrypted credential (e.g. encryptedCredential) that holds it
    instead, as ADF wrote it; empty when there is none."""


# Shown in the Code panel while Name is empty: plainly not a name (ADF forbids < and >).
NAME_MISSING = "<name missing: enter a Name>"


@dataclass
class EditorForm:
    connector: Connector
    version: ConnectorVersion
    data: Mapping[str, str]
    properties: dict[str, Any]
    fields: list[BoundField]
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    other_errors: list[Problem] = field(default_factory=list)

    @property
    def visible_fields(self) -> list[BoundField]:
        return [f for f in self.fields if f.visible]

    @property
    def name(self) -> str:
        return self.data.get("name", "")

    @property
    def code(self) -> str:
        return dump_linked_service(self.name or NAME_MISSING, self.properties)

    @property
    def parameters(self) -> list[dict[str, str]]:
        rows = parameter_rows(self.data)
        if self.data.get("_add_parameter") or not rows:
            rows.append({"name": "", "type": "String", "default": ""})
        return rows

    parameter_types = PARAMETER_TYPES

    @property
    def warnings(self) -> list[Problem]:
        """Values ADF accepts but reads otherwise than written (see connectors.tolerance)."""
        return check_properties(self.version, self.properties).warnings

    def errors_for(self, name: str) -> list[str]:
        return self.field_errors.get(name, [])

    @property
    def test_value_fields(self) -> list[dict[str, Any]]:
        """The "Values for this test" fields of the definition on the form."""
        return test_value_fields(self.version, self.properties, self.data)

    @property
    def has_errors(self) -> bool:
        return bool(self.field_errors or self.other_errors)


def build_editor_form(
    connector: Connector,
    version: ConnectorVersion,
    data: Mapping[str, str],
    stored: Mapping[str, Any] | None = None,
    problems: list[Problem] | None = None,
) -> EditorForm:
    properties = properties_from_form(connector, version, data, stored)
    type_properties = properties["typeProperties"]
    field_errors: dict[str, list[str]] = {}
    other: list[Problem] = []
    spec_names = {s.name for s in field_specs(version)}
    for problem in problems or []:
        target = _field_for(problem.path, spec_names)
        if target:
            field_errors.setdefault(target, []).append(problem.message)
        else:
            other.append(problem)
    fallback = defaults(version)
    needed = conditionally_required(version, type_properties)
    stored_tp = (stored or {}).get("typeProperties", {})

    def stored_secret(name: str) -> bool:
        value = stored_tp.get(name)
        return isinstance(value, dict) and value.get("type") == "SecureString"

    held_by = {
        spec.held_for: spec.name
        for spec in field_specs(version)
        if spec.widget == HELD and type_properties.get(spec.name) not in (None, "")
    }

    fields = [
        BoundField(
            spec=spec,
            key=PREFIX + spec.name,
            value=data.get(PREFIX + spec.name, ""),
            visible=spec.visible(type_properties, fallback),
            required=spec.required or spec.name in needed,
            errors=field_errors.get(PREFIX + spec.name, []),
            data=data,
            stored_secret=spec.widget == "secret" and stored_secret(spec.name),
            held_by=held_by.get(spec.name, ""),
        )
        for spec in field_specs(version)
    ]
    return EditorForm(
        connector=connector,
        version=version,
        data=data,
        properties=properties,
        fields=fields,
        field_errors=field_errors,
        other_errors=other,
    )


def _field_for(path: str, spec_names: set[str]) -> str | None:
    if path.startswith(TYPE_PROPERTIES):
        head = path[len(TYPE_PROPERTIES) :].split(".")[0].split("[")[0]
        if head in spec_names:
            return PREFIX + head
    for prefix, name in ENVELOPE_FIELDS.items():
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            return name
    return None

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
from connectors.form_edits import kept_as_written
from connectors.formdata import (
    PARAMETER_TYPES,
    PREFIX,
    Removed,
    applicable_data,
    form_choices,
    form_from_properties,
    kept_hidden,
    missing_for_choices,
    parameter_rows,
    properties_from_form,
    removed_as_hidden,
)
from connectors.formspec import HELD, FieldSpec, conditionally_required, defaults, field_specs
from connectors.problems import Problem
from connectors.secrets import is_secure_string, wrap_secret_parameters
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
    kept: bool = False
    """Hidden by the other values, but holding its stored value, kept as it is."""
    held_by: str = ""
    """For a secret: the encrypted credential (e.g. encryptedCredential) that holds it
    instead, as ADF wrote it; empty when there is none."""


ENVELOPE_LABELS = {
    "name": ("Name", "id_name"),
    "description": ("Description", "id_description"),
    "annotations": ("Annotations", "id_annotations"),
    "connectVia": ("Connect via integration runtime", "id_connectVia"),
    "parameters": ("Parameters", "id_param-0-name"),
}


@dataclass(frozen=True)
class ErrorItem:
    """One line of the error summary: which field, what is wrong, and the id of the
    control to jump to ("" when the problem has no field of its own)."""

    label: str
    message: str
    anchor: str


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
    removed: list[Removed] = field(default_factory=list)
    """What the last change took out of the form (a version switch, a field now hidden)."""

    @property
    def visible_fields(self) -> list[BoundField]:
        return [f for f in self.fields if f.visible]

    @property
    def kept_fields(self) -> list[BoundField]:
        """Hidden fields kept with their stored value, shown apart with a note."""
        return [f for f in self.fields if f.kept and not f.visible]

    @property
    def name(self) -> str:
        return self.data.get("name", "")

    @property
    def code(self) -> str:
        # A SecureString parameter's typed default is a secret too: masked like the others.
        shown = wrap_secret_parameters(self.properties)
        return dump_linked_service(self.name or NAME_MISSING, shown)

    stored_secret_defaults: frozenset[str] = frozenset()
    """Names of the SecureString parameters whose default is stored (encrypted)."""

    @property
    def parameters(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = list(parameter_rows(self.data))
        if self.data.get("_add_parameter") or not rows:
            rows.append({"name": "", "type": "String", "default": ""})
        for row in rows:
            row["stored"] = row["name"] in self.stored_secret_defaults
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
        """The "Values for this test" fields of the definition on the form (none for a
        connector without a connection test)."""
        if self.connector.test_connection is None:
            return []
        return test_value_fields(self.version, self.properties, self.data)

    unanswered: list[Problem] = field(default_factory=list)
    """What the form's own choices (such as the authentication) require and the form lacks:
    nothing is saved while there is any."""

    def error_summary(self) -> list[ErrorItem]:
        """Every error of the form, in the order of the page, each linking to its field."""
        items = []
        for key, (label, anchor) in ENVELOPE_LABELS.items():
            if key == "annotations":
                items += self._connection_errors()
            items += [ErrorItem(label, m, anchor) for m in self.field_errors.get(key, [])]
        items += [ErrorItem(p.path, p.message, "code_view") for p in self.other_errors]
        return items

    def _connection_errors(self) -> list[ErrorItem]:
        items = []
        for bound in self.fields:
            anchor = bound.id
            if bound.spec.widget == "secret" and bound.secret_kind != "SecureString":
                anchor += "__store"
            elif bound.spec.widget == HELD:
                anchor = "held_" + bound.spec.name
            if not bound.visible and not bound.kept:
                anchor = ""
            items += [ErrorItem(bound.spec.label, m, anchor) for m in bound.errors]
        return items

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
    data, removed = applicable_data(version, data)
    stored_tp = (stored or {}).get("typeProperties", {})
    removed += removed_as_hidden(version, data, stored_tp)
    kept = kept_hidden(version, data, stored_tp)
    properties = properties_from_form(connector, version, data, stored)
    type_properties = properties["typeProperties"]
    saved = _as_written(connector, properties, stored)
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
    choices = form_choices(version, data)
    conditions = {**type_properties, **choices}
    needed = conditionally_required(version, conditions)

    def stored_secret(name: str) -> bool:
        value = stored_tp.get(name)
        # A plain-text secret (a connection string as ADF writes it) is stored too.
        return isinstance(value, str) or (
            isinstance(value, dict) and value.get("type") == "SecureString"
        )

    held_by = {
        spec.held_for: spec.name
        for spec in field_specs(version)
        if spec.widget == HELD and type_properties.get(spec.name) not in (None, "")
    }

    fields = [
        BoundField(
            spec=spec,
            key=PREFIX + spec.name,
            value=_value(spec, data, choices),
            visible=spec.visible(conditions, fallback),
            required=spec.required or spec.name in needed,
            errors=field_errors.get(PREFIX + spec.name, []),
            data=data,
            stored_secret=spec.widget == "secret" and stored_secret(spec.name),
            kept=spec.name in kept,
            held_by=held_by.get(spec.name, ""),
        )
        for spec in field_specs(version)
    ]
    stored_parameters = (stored or {}).get("parameters") or {}
    return EditorForm(
        connector=connector,
        version=version,
        data=data,
        properties=saved,
        fields=fields,
        field_errors=field_errors,
        other_errors=other,
        removed=removed,
        stored_secret_defaults=frozenset(
            name
            for name, spec in stored_parameters.items()
            if isinstance(spec, dict) and is_secure_string(spec.get("defaultValue"))
        ),
        unanswered=missing_for_choices(version, conditions),
    )


def _as_written(
    connector: Connector, properties: dict[str, Any], stored: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What the form saves for a stored definition: only the values changed on the form
    differ from the stored ones (:func:`connectors.form_edits.kept_as_written`)."""
    version_id = connector.version_of(dict(stored)) if stored else None
    if stored is None or version_id is None:
        return properties
    version = connector.version(version_id)
    shown, _ = applicable_data(version, form_from_properties(version, stored))
    untouched = properties_from_form(connector, version, shown, stored)
    merged: dict[str, Any] = kept_as_written(stored, untouched, properties)
    return merged


def _value(spec: FieldSpec, data: Mapping[str, str], choices: Mapping[str, Any]) -> str:
    """A field's value as the form shows it (a form-only choice left empty: its default)."""
    if spec.form_only:
        return str(choices[spec.name] or "")
    return data.get(PREFIX + spec.name, "")


def _field_for(path: str, spec_names: set[str]) -> str | None:
    if path.startswith(TYPE_PROPERTIES):
        head = path[len(TYPE_PROPERTIES) :].split(".")[0].split("[")[0]
        if head in spec_names:
            return PREFIX + head
    for prefix, name in ENVELOPE_FIELDS.items():
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            return name
    return None

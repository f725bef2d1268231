"""Form fields derived from a connector version's JSON Schema and its UI hints.

Nothing here lists a connector's fields: the schema's ``typeProperties`` says which
properties exist, their types, allowed values, defaults and descriptions; the UI hints
add labels, placeholders and when a field shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from connectors import expressions
from connectors.base import ActivityPart, ConnectorVersion
from connectors.encrypted_credentials import KEYWORD
from connectors.schema_store import resolve

EXPRESSION = "expression"
HELD = "held"
"""The widget of an encrypted credential: shown as held by ADF, never typed."""
REFERENCE = "reference"
"""The widget of a reference to another resource: its name typed, the object written."""
FORM_ONLY = "x-form-only"
"""typeProperties keyword: choices the form asks for that ADF does not write (the
authentication of a storage account, told by the properties present). name -> schema."""
FORM_VALUE = "x-form-value"
"""On an ``allOf`` rule: the form-only values it stands for (``{"authentication":
"ServicePrincipal"}``). Its ``if`` tells them from a definition's properties; its ``then``
says what they require."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    help: str
    widget: str
    """One of: text, integer, boolean, choice, secret, held, reference."""
    required: bool
    choices: tuple[str, ...] = ()
    default: Any = None
    expression: bool = False
    show_when: Mapping[str, list[Any]] | list[Mapping[str, list[Any]]] = field(default_factory=dict)
    refresh: bool = False
    placeholder: str = ""
    held_for: str = ""
    """For a held (encrypted) credential: the secret property it holds."""
    reference_type: str = ""
    """For a reference (``{"referenceName", "type"}``): its ``type``, e.g. CredentialReference."""
    multiline: bool = False
    """A text shown as a text area (a query)."""
    form_only: bool = False
    """A choice of the form that is not written to the definition (see FORM_ONLY)."""

    def visible(self, values: Mapping[str, Any], defaults: Mapping[str, Any]) -> bool:
        """Shown when every condition of the hint holds (a list of hints: any of them).

        A condition on a property that holds an expression counts as met: the value is
        only known at run time. A held credential shows only when there is one.
        """
        if self.widget == HELD:
            return values.get(self.name) not in (None, "")
        alternatives = self.show_when if isinstance(self.show_when, list) else [self.show_when]
        return not alternatives or any(
            _conditions_hold(conditions, values, defaults) for conditions in alternatives
        )


def _conditions_hold(
    conditions: Mapping[str, list[Any]], values: Mapping[str, Any], defaults: Mapping[str, Any]
) -> bool:
    for prop, allowed in conditions.items():
        value = values.get(prop, defaults.get(prop))
        if not expressions.is_expression(value) and value not in allowed:
            return False
    return True


def is_expression(value: Any) -> TypeGuard[dict[str, Any]]:
    """The ``{"type": "Expression"}`` object form (see :mod:`connectors.expressions` for
    both forms)."""
    return isinstance(value, dict) and value.get("type") == "Expression"


def _widget(schema: dict[str, Any]) -> tuple[str, tuple[str, ...], bool]:
    """(widget, choices, accepts an expression) for one property schema."""
    ref = str(schema.get("$ref", ""))
    if KEYWORD in schema:
        return HELD, (), False
    if ref.endswith("/secret"):
        return "secret", (), False
    resolved = resolve(schema)
    if _reference_type(resolved):
        return REFERENCE, (), False
    if "enum" in resolved:
        return "choice", tuple(resolved["enum"]), False
    branches = [resolve(b) for b in resolved.get("anyOf", [resolved])]
    expression = any(
        b.get("properties", {}).get("type", {}).get("const") == "Expression" for b in branches
    )
    types = {b.get("type") for b in branches if b.get("type") != "object"}
    if "boolean" in types:
        return "boolean", ("true", "false"), expression
    if "integer" in types:
        return "integer", (), expression
    return "text", (), expression


def _reference_type(resolved: dict[str, Any]) -> str:
    """``CredentialReference`` and the like: an object naming another resource."""
    const = resolved.get("properties", {}).get("type", {}).get("const", "")
    names = resolved.get("properties", {}).get("referenceName")
    return str(const) if names is not None and str(const).endswith("Reference") else ""


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def field_specs(version: ConnectorVersion | ActivityPart) -> list[FieldSpec]:
    """The form's fields: the form-only choices first, then every property of the schema."""
    schema = version.type_properties_schema
    hints = version.ui.get("fields", {})
    required = set(schema.get("required", []))
    fields = [(n, p, True, True) for n, p in schema.get(FORM_ONLY, {}).items()]
    fields += [(n, p, n in required, False) for n, p in schema["properties"].items()]
    specs = []
    for name, prop_schema, is_required, form_only in fields:
        hint = hints.get(name, {})
        widget, choices, expression = _widget(prop_schema)
        if hint.get("widget") == "secret":
            # A property the connector holds as a secret although the schema also takes
            # plain text (a connection string): it is never shown, only typed again.
            widget, choices, expression = "secret", (), False
        specs.append(
            FieldSpec(
                name=name,
                label=hint.get("label", name),
                help=_sentence(hint.get("help", prop_schema.get("description", ""))),
                widget=widget,
                required=is_required,
                choices=choices,
                default=prop_schema.get("default"),
                expression=expression,
                show_when=hint.get("showWhen", {}),
                refresh=bool(hint.get("refresh")),
                placeholder=hint.get("placeholder", ""),
                held_for=str(prop_schema.get(KEYWORD, "")),
                reference_type=_reference_type(resolve(prop_schema)) if widget == REFERENCE else "",
                multiline=bool(hint.get("multiline")),
                form_only=form_only,
            )
        )
    return specs


def defaults(version: ConnectorVersion | ActivityPart) -> dict[str, Any]:
    schema = version.type_properties_schema
    declared = {**schema.get(FORM_ONLY, {}), **schema["properties"]}
    return {name: prop["default"] for name, prop in declared.items() if "default" in prop}


def _chosen(rule: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Whether a rule stands for the form-only values chosen in ``values``."""
    chosen = rule.get(FORM_VALUE) or {}
    return bool(chosen) and all(values.get(name) == value for name, value in chosen.items())


def conditionally_required(
    version: ConnectorVersion | ActivityPart, values: Mapping[str, Any]
) -> set[str]:
    """Properties the schema's if/then rules require for these values (form-only choices
    included: a rule standing for a chosen value requires what its ``then`` does)."""
    needed: set[str] = set()
    for rule in version.type_properties_schema.get("allOf", []):
        if _chosen(rule, values) or ("if" in rule and _matches(rule["if"], values)):
            needed.update(rule.get("then", {}).get("required", []))
    return needed


def chosen_requirements(
    version: ConnectorVersion | ActivityPart, values: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(property, why) for each property a chosen form-only value requires and ``values``
    lacks, in the rule's order; the why is the rule's own sentence for it."""
    missing: list[tuple[str, str]] = []
    for rule in version.type_properties_schema.get("allOf", []):
        if not _chosen(rule, values):
            continue
        then = rule.get("then", {})
        custom = then.get("errorMessage", {})
        why = custom.get("required") if isinstance(custom, dict) else None
        why = why or f"Required for {str(rule.get('title', 'this choice')).lower()}."
        missing += [(n, why) for n in then.get("required", []) if values.get(n) in (None, "")]
    return missing


def derived_choices(
    version: ConnectorVersion | ActivityPart, type_properties: Mapping[str, Any]
) -> dict[str, Any]:
    """The value of each form-only choice for a definition: that of the first rule standing
    for one whose ``if`` holds for its properties, else the choice's default."""
    schema = version.type_properties_schema
    rules = schema.get("allOf", [])
    derived: dict[str, Any] = {}
    for name, prop in schema.get(FORM_ONLY, {}).items():
        derived[name] = next(
            (
                rule[FORM_VALUE][name]
                for rule in rules
                if name in rule.get(FORM_VALUE, {})
                and "if" in rule
                and _matches(rule["if"], type_properties)
            ),
            prop.get("default"),
        )
    return derived


def _matches(schema: dict[str, Any], values: Mapping[str, Any]) -> bool:
    from jsonschema import Draft202012Validator  # on first use: ~0.1 s to import

    return bool(Draft202012Validator(schema).is_valid(dict(values)))

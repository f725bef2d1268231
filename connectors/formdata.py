"""Converts between ADF ``properties`` and the flat string values of an HTML form.

Form keys: ``tp-<property>`` for typeProperties (with ``__kind``, ``__store``,
``__secretName``, ``__secretVersion`` for secrets and ``__expression`` for booleans),
``description``, ``annotations`` (one per line), ``connectVia``, ``param-<n>-name|type|default``.
A text or integer value that starts with ``@`` is an ADF expression (``@@`` escapes a
literal ``@``), as in ADF Studio's dynamic content.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connectors import json_limits
from connectors.base import ActivityPart, Connector, ConnectorVersion
from connectors.expressions import is_expression_text
from connectors.formspec import (
    EXPRESSION,
    HELD,
    REFERENCE,
    FieldSpec,
    chosen_requirements,
    defaults,
    derived_choices,
    field_specs,
    is_expression,
)
from connectors.problems import Problem
from connectors.secrets import MASK, is_secret_parameter, is_secure_string
from connectors.tolerance import parameter_type

PREFIX = "tp-"
EMPTY_TEXT = '""'
"""Typed as a String parameter's default: the empty string (an empty field is no default)."""
PARAMETER_TYPES = ("String", "Int", "Float", "Bool", "Array", "Object", "SecureString")
SECURE_STRING = "SecureString"
KEY_VAULT = "AzureKeyVaultSecret"


def _expression(text: str, stored: Any = None) -> Any:
    """An expression as ADF Studio writes it on a linked service: the plain string
    (``"@{linkedService().host}"``), unless the stored value used the
    ``{"type": "Expression"}`` object form, which it keeps."""
    if is_expression(stored) and text.startswith("@"):
        return {"type": "Expression", "value": text}
    return text


def _text_or_expression(raw: str, stored: Any = None) -> Any:
    """Text as ADF holds it: ``@...`` is an expression, ``@@...`` a literal ``@`` (kept
    escaped, as ADF writes it), ``@{...}`` inside the text an interpolation."""
    if is_expression_text(raw):
        return _expression(raw, stored)
    return raw


def _text_value(raw: str, spec: FieldSpec, stored: Any) -> Any:
    if spec.expression:
        return _text_or_expression(raw, stored)
    return raw


def _integer_value(raw: str, spec: FieldSpec, stored: Any) -> Any:
    if spec.expression and raw.startswith("@"):
        return _expression(raw, stored)
    try:
        return int(raw)
    except ValueError:
        return raw  # the schema reports it as "Enter a whole number ..."


def _stored_part(stored: Any, name: str) -> Any:
    return stored.get(name) if isinstance(stored, dict) else None


def _secret_value(data: Mapping[str, str], key: str, stored: Any) -> Any:
    kind = data.get(key + "__kind", SECURE_STRING)
    if kind == KEY_VAULT:
        store: dict[str, Any] = {
            "referenceName": data.get(key + "__store", "").strip(),
            "type": "LinkedServiceReference",
        }
        previous = (stored.get("store") if isinstance(stored, dict) else None) or {}
        if previous.get("referenceName") == store["referenceName"] and "parameters" in previous:
            store["parameters"] = previous["parameters"]
        secret: dict[str, Any] = {
            "type": KEY_VAULT,
            "store": store,
            # Like a text field: "@..." is an expression, "@@" a literal "@".
            "secretName": _text_or_expression(
                data.get(key + "__secretName", "").strip(), _stored_part(stored, "secretName")
            ),
        }
        version = data.get(key + "__secretVersion", "").strip()
        if version:
            secret["secretVersion"] = _text_or_expression(
                version, _stored_part(stored, "secretVersion")
            )
        return secret
    typed = data.get(key, "")
    if typed:
        return {"type": SECURE_STRING, "value": typed}
    if data.get(key + "__clear") != "on" and isinstance(stored, str):
        # Held as plain text by ADF (a connection string without its password): kept.
        return stored  # type: ignore[return-value]
    # Left untouched: the mask, which the save resolves to the stored secret at this path
    # (the mask itself is never stored), unless asked to clear it.
    if (
        data.get(key + "__clear") != "on"
        and isinstance(stored, dict)
        and stored.get("type") == SECURE_STRING
    ):
        return {"type": SECURE_STRING, "value": MASK}
    return None


def _field_value(spec: FieldSpec, data: Mapping[str, str], stored: Any) -> Any:
    key = PREFIX + spec.name
    if spec.widget == "secret":
        return _secret_value(data, key, stored)
    if spec.widget == HELD:
        # Only ADF can read it: kept as stored, never typed (see type_properties_from_form).
        return stored
    raw = data.get(key, "").strip()
    if spec.multiline:
        raw = raw.replace("\r\n", "\n")  # a browser sends a text area's lines with CRLF
    if raw == "":
        return None
    if spec.widget == REFERENCE:
        reference: dict[str, Any] = {"referenceName": raw, "type": spec.reference_type}
        if (
            isinstance(stored, dict)
            and stored.get("referenceName") == raw
            and "parameters" in stored
        ):
            reference["parameters"] = stored["parameters"]
        return reference
    if spec.widget == "boolean":
        if raw == EXPRESSION:
            text = data.get(key + "__expression", "").strip()
            return _expression(text, stored) if text else None
        return {"true": True, "false": False}.get(raw, raw)
    if spec.widget == "integer":
        return _integer_value(raw, spec, stored)
    if spec.widget == "text":
        return _text_value(raw, spec, stored)
    return raw


def _raw_type_properties(
    version: ConnectorVersion | ActivityPart, data: Mapping[str, str], stored: Mapping[str, Any]
) -> dict[str, Any]:
    """Every value the form holds, shown or not, its form-only choices included."""
    specs = field_specs(version)
    raw: dict[str, Any] = {}
    for spec in specs:
        value = _field_value(spec, data, stored.get(spec.name))
        if value is not None:
            raw[spec.name] = value
    switched = _switched(version, raw, stored)
    for spec in specs:
        if spec.widget == HELD and (switched or raw.get(spec.held_for) not in (None, False)):
            # A password typed (or a Key Vault secret chosen) replaces the encrypted one;
            # another authentication chosen leaves it behind.
            raw.pop(spec.name, None)
    return raw


def _switched(
    version: ConnectorVersion | ActivityPart, raw: Mapping[str, Any], stored: Mapping[str, Any]
) -> bool:
    """Whether a form-only choice differs from what the stored definition is (another
    authentication chosen): what the stored one held for its own is then not kept."""
    if not stored:
        return False
    derived = derived_choices(version, stored)
    return any(raw.get(name, value) != value for name, value in derived.items())


def form_choices(version: ConnectorVersion, data: Mapping[str, str]) -> dict[str, Any]:
    """The form-only choices of the form (a choice left empty: its default)."""
    return {
        s.name: data.get(PREFIX + s.name) or s.default for s in field_specs(version) if s.form_only
    }


def missing_for_choices(version: ConnectorVersion, values: Mapping[str, Any]) -> list[Problem]:
    """A problem at each property a form-only choice requires and the form lacks (the
    values: its typeProperties and its choices): nothing is saved while there is one."""
    return [
        Problem(f"$.properties.typeProperties.{name}", why)
        for name, why in chosen_requirements(version, values)
    ]


def _unchanged(value: Any, stored: Any) -> bool:
    """The form gives back what is stored (an untouched secret comes back as the mask)."""
    if stored is None:
        return False
    if value == stored:
        return True
    return (
        is_secure_string(stored)
        and isinstance(value, dict)
        and value.get("type") == SECURE_STRING
        and value.get("value") == MASK
    )


def kept_hidden(
    version: ConnectorVersion, data: Mapping[str, str], stored: Mapping[str, Any] | None = None
) -> set[str]:
    """Properties the form hides with these values but holds as stored, untouched (e.g. a
    username with Anonymous, written through the API): kept, never dropped silently."""
    stored = stored or {}
    raw = _raw_type_properties(version, data, stored)
    if _switched(version, raw, stored):
        return set()
    fallback = defaults(version)
    return {
        s.name
        for s in field_specs(version)
        if s.name in raw
        and s.widget != HELD
        and not s.form_only
        and not s.visible(raw, fallback)
        and _unchanged(raw[s.name], stored.get(s.name))
    }


def type_properties_from_form(
    version: ConnectorVersion | ActivityPart,
    data: Mapping[str, str],
    stored: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The typeProperties the form describes, in schema order: the visible fields, and the
    hidden ones still holding their stored value (:func:`kept_hidden`); never a form-only
    choice, and nothing hidden once another one than the stored definition's is chosen."""
    stored = stored or {}
    specs = field_specs(version)
    raw = _raw_type_properties(version, data, stored)
    fallback = defaults(version)
    keep_hidden = not _switched(version, raw, stored)
    return {
        s.name: raw[s.name]
        for s in specs
        if s.name in raw
        and not s.form_only
        and (
            s.visible(raw, fallback)
            or (keep_hidden and s.widget != HELD and _unchanged(raw[s.name], stored.get(s.name)))
        )
    }


@dataclass(frozen=True)
class Removed:
    """A value the form held that a change took out: the version does not have or offer
    it, or it no longer applies with the other values."""

    name: str
    label: str
    value: str
    """As typed ("" for a secret, which is never shown)."""
    reason: str


def applicable_data(
    version: ConnectorVersion, data: Mapping[str, str]
) -> tuple[dict[str, str], list[Removed]]:
    """The form's values this version can hold, and those taken out: a property the
    version lacks, or a choice it does not offer (left unanswered: "Select..." again)."""
    specs = {s.name: s for s in field_specs(version)}
    cleaned = dict(data)
    removed = []
    for key, value in data.items():
        if not key.startswith(PREFIX) or "__" in key or not value.strip():
            continue
        name = key[len(PREFIX) :]
        spec = specs.get(name)
        if spec is None:
            del cleaned[key]
            removed.append(Removed(name, name, value, f"version {version.version} has no {name}"))
        elif spec.widget == "choice" and value not in spec.choices:
            cleaned[key] = ""
            offered = ", ".join(spec.choices)
            reason = f"not offered by version {version.version} (it offers {offered})"
            removed.append(Removed(name, spec.label, value, reason))
    return cleaned, removed


def removed_as_hidden(
    version: ConnectorVersion, data: Mapping[str, str], stored: Mapping[str, Any] | None = None
) -> list[Removed]:
    """Values typed into fields that the other values now hide: not saved, so listed."""
    stored = stored or {}
    raw = _raw_type_properties(version, data, stored)
    kept = type_properties_from_form(version, data, stored)
    removed = []
    for spec in field_specs(version):
        if spec.name not in raw or spec.name in kept or spec.widget == HELD or spec.form_only:
            continue
        value = raw[spec.name]
        shown = "" if spec.widget == "secret" else data.get(PREFIX + spec.name, "")
        if spec.widget == "secret" and not data.get(PREFIX + spec.name) and stored.get(spec.name):
            reason = "the stored one no longer applies with these settings"
        else:
            reason = "does not apply with these settings"
        if value in (None, ""):
            continue
        removed.append(Removed(spec.name, spec.label, shown, reason))
    return removed


def _parameter_default(kind: str, raw: str) -> Any:
    if kind == "Int":
        try:
            return int(raw)
        except ValueError:
            return raw
    if kind == "Float":
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "Bool":
        return {"true": True, "false": False}.get(raw.lower(), raw)
    if kind in ("Array", "Object"):
        try:
            return json_limits.loads(raw)
        except ValueError:  # TooDeep included: :func:`too_deep_fields` refuses it
            return raw
    return "" if raw == EMPTY_TEXT else raw


def parameter_rows(data: Mapping[str, str]) -> list[dict[str, str]]:
    rows = []
    index = 0
    while f"param-{index}-name" in data:
        rows.append(
            {
                "name": data.get(f"param-{index}-name", "").strip(),
                "type": data.get(f"param-{index}-type", "String"),
                "default": data.get(f"param-{index}-default", ""),
            }
        )
        index += 1
    return rows


def _annotations(text: str) -> list[Any]:
    out: list[Any] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line[0] in "{[":
            try:
                out.append(json_limits.loads(line))
                continue
            except ValueError:
                pass
        out.append(line)
    return out


def too_deep_fields(data: Mapping[str, str]) -> list[Problem]:
    """The form's JSON fields (annotations, parameter defaults) nested deeper than
    :data:`json_limits.MAX_JSON_DEPTH`, one problem per field, to refuse before saving."""
    typed = [
        ("$.properties.annotations", line) for line in data.get("annotations", "").splitlines()
    ]
    typed += [("$.properties.parameters", row["default"]) for row in parameter_rows(data)]
    problems: dict[str, Problem] = {}
    for path, text in typed:
        try:
            json_limits.check_depth(text)
        except json_limits.TooDeep as exc:
            problems.setdefault(path, Problem(path, str(exc)))
    return list(problems.values())


def properties_from_form(
    connector: Connector,
    version: ConnectorVersion,
    data: Mapping[str, str],
    stored: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A whole ADF ``properties`` object, in the order ADF Studio writes it."""
    stored = stored or {}
    properties: dict[str, Any] = {}
    description = data.get("description", "").strip()
    if description:
        properties["description"] = description
    properties["annotations"] = _annotations(data.get("annotations", ""))
    properties["type"] = connector.type
    if version.explicit:
        properties["version"] = version.version
    properties["typeProperties"] = type_properties_from_form(
        version, data, stored.get("typeProperties")
    )
    runtime = data.get("connectVia", "").strip()
    if runtime:
        previous = stored.get("connectVia") or {}
        connect_via = {"referenceName": runtime, "type": "IntegrationRuntimeReference"}
        if previous.get("referenceName") == runtime and "parameters" in previous:
            connect_via["parameters"] = previous["parameters"]
        properties["connectVia"] = connect_via
    parameters: dict[str, Any] = {}
    stored_parameters = stored.get("parameters") or {}
    for row in parameter_rows(data):
        if not row["name"]:
            continue
        spec: dict[str, Any] = {"type": row["type"]}
        if row["default"] != "":
            spec["defaultValue"] = _parameter_default(row["type"], row["default"])
        elif row["type"] == SECURE_STRING and "defaultValue" in stored_parameters.get(
            row["name"], {}
        ):
            # A secure default is never shown: left empty, it keeps the stored one.
            spec["defaultValue"] = MASK
        parameters[row["name"]] = spec
    if parameters:
        properties["parameters"] = parameters
    return properties


def _display(value: Any) -> str:
    """A value as typed in the form: an expression as its text (either form), a string
    as ADF holds it (``@@x`` stays ``@@x``)."""
    if is_expression(value):
        return str(value.get("value", ""))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def form_from_properties(
    version: ConnectorVersion | ActivityPart, properties: Mapping[str, Any]
) -> dict[str, str]:
    """Flat form values for editing a stored definition. Secret values are never included."""
    data: dict[str, str] = {
        "description": properties.get("description", ""),
        "annotations": "\n".join(
            a if isinstance(a, str) else json.dumps(a) for a in properties.get("annotations", [])
        ),
        "connectVia": (properties.get("connectVia") or {}).get("referenceName", ""),
    }
    tp = properties.get("typeProperties", {})
    for spec in field_specs(version):
        key = PREFIX + spec.name
        value = tp.get(spec.name)
        if value is None:
            continue
        if spec.widget == REFERENCE:
            data[key] = str(value.get("referenceName", "")) if isinstance(value, dict) else ""
            continue
        if spec.widget == "secret":
            if not isinstance(value, dict):
                continue  # plain text held as a secret: never shown, kept unless retyped
            data[key + "__kind"] = value.get("type", SECURE_STRING)
            if value.get("type") == KEY_VAULT:
                data[key + "__store"] = (value.get("store") or {}).get("referenceName", "")
                data[key + "__secretName"] = _display(value.get("secretName"))
                data[key + "__secretVersion"] = _display(value.get("secretVersion"))
            continue
        if spec.widget == HELD:
            continue  # never a form value: kept from the stored definition
        if spec.widget == "boolean" and (is_expression(value) or is_expression_text(value)):
            data[key] = EXPRESSION
            data[key + "__expression"] = _display(value)
            continue
        data[key] = _display(value)
    for name, value in derived_choices(version, tp).items():
        data[PREFIX + name] = str(value)
    for index, (name, spec) in enumerate((properties.get("parameters") or {}).items()):
        data[f"param-{index}-name"] = name
        # Edited in the portal, a type is written as ADF Studio spells it.
        data[f"param-{index}-type"] = parameter_type(spec) or "String"
        default = spec.get("defaultValue")
        if default is None or is_secret_parameter(spec):
            data[f"param-{index}-default"] = ""  # a secure default is never shown
        elif isinstance(default, (dict, list)):
            data[f"param-{index}-default"] = json.dumps(default)
        elif isinstance(default, bool):
            data[f"param-{index}-default"] = "true" if default else "false"
        elif default == "":
            data[f"param-{index}-default"] = EMPTY_TEXT
        else:
            data[f"param-{index}-default"] = str(default)
    return data


def form_values(version: ConnectorVersion, values: Mapping[str, Any]) -> dict[str, str]:
    """typeProperties values (e.g. read from a pasted URL) as the form's flat strings;
    secrets are never filled in this way."""
    specs = {s.name: s for s in field_specs(version)}
    return {
        PREFIX + name: _display(value)
        for name, value in values.items()
        if name in specs and specs[name].widget not in ("secret", HELD)
    }

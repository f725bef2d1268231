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
from typing import Any

from connectors import json_limits
from connectors.base import ActivityPart, Connector, ConnectorVersion
from connectors.expressions import is_expression_text
from connectors.formspec import (
    EXPRESSION,
    HELD,
    FieldSpec,
    defaults,
    field_specs,
    is_expression,
)
from connectors.problems import Problem
from connectors.secrets import MASK, is_secret_parameter
from connectors.tolerance import parameter_type

PREFIX = "tp-"
EMPTY_TEXT = '""'
"""Typed as a String parameter's default: the empty string (an empty field is no default)."""
PARAMETER_TYPES = ("String", "Int", "Float", "Bool", "Array", "Object", "SecureString")
SECURE_STRING = "SecureString"
KEY_VAULT = "AzureKeyVaultSecret"


def _expression(text: str, stored: Any = None) -> Any:
    """An expression in the form the stored value had: ADF Studio's plain string
    (``"@{linkedService().host}"``) stays a plain string; otherwise the object."""
    if is_expression_text(stored) or not text.startswith("@"):
        return text
    return {"type": "Expression", "value": text}


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


def _secret_value(data: Mapping[str, str], key: str, stored: Any) -> dict[str, Any] | None:
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


def type_properties_from_form(
    version: ConnectorVersion | ActivityPart,
    data: Mapping[str, str],
    stored: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The typeProperties the form describes: visible fields only, in schema order."""
    stored = stored or {}
    specs = field_specs(version)
    raw: dict[str, Any] = {}
    for spec in specs:
        value = _field_value(spec, data, stored.get(spec.name))
        if value is not None:
            raw[spec.name] = value
    for spec in specs:
        if spec.widget == HELD and raw.get(spec.held_for) not in (None, False):
            # A password typed (or a Key Vault secret chosen) replaces the encrypted one.
            raw.pop(spec.name, None)
    fallback = defaults(version)
    return {s.name: raw[s.name] for s in specs if s.name in raw and s.visible(raw, fallback)}


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
        if spec.widget == "secret":
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

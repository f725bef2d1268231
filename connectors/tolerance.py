"""What real ADF files hold that the seed's tables type otherwise: read leniently, never
silently, and never rewritten.

:func:`lenient_reading` gives the view of a ``properties`` object that the connector's
JSON Schema validates, and a warning (with its JSON path) for every value read otherwise
than written. The definition itself is never changed: what was imported is what is
stored and exported. Every rule is derived from the schema (which types a property
takes, its allowed values, whether it is required), so no connector's fields are named.

- a plain-string expression (``"@{linkedService().host}"``) where the schema takes the
  ``{"type": "Expression"}`` object: ADF's own form, read as that object, no warning;
  ``"@@x"`` is read as the literal ``"@x"``;
- a whole number written as text (``"port": "443"``): read as the number, with a warning;
  text that is no number (``"abc"``) stays an error, as does a number out of range;
- an allowed value with stray spaces (``"HTTP "``): read without them, with a warning;
- ``false`` where an optional property takes no boolean (``"password": false``, which
  exports hold): ignored, with a warning (a required one it stands for is then missing);
- a parameter type in another case (``"string"``, ``"securestring"``): read as the
  declared type, with a warning.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from connectors.base import ConnectorVersion
from connectors.expressions import EXPRESSION, is_expression_text, undeclared_parameters
from connectors.problems import Problem, json_path
from connectors.schema_store import common_def, resolve

_WHOLE_NUMBER = re.compile(r"^\s*[+-]?\d+\s*$")
_JSON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}
_PARAMETER_TYPES: list[str] = common_def("parameters")["additionalProperties"]["properties"][
    "type"
]["enum"]


@dataclass
class Reading:
    view: Any
    """What the schema validates: the definition as ADF reads it."""
    warnings: list[Problem] = field(default_factory=list)
    ignored: set[str] = field(default_factory=set)
    """Paths of values left out of the view (ADF ignores them)."""


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    resolved = resolve(schema)
    if "anyOf" in resolved:
        return [b for branch in resolved["anyOf"] for b in _branches(branch)]
    return [resolved]


def accepted_types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a property schema accepts (an enum's or const's values count)."""
    types: set[str] = set()
    for branch in _branches(schema):
        declared = branch.get("type")
        if declared is not None:
            types |= set(declared if isinstance(declared, list) else [declared])
        types |= {_JSON_TYPES[type(v)] for v in branch.get("enum", [])}
        if "const" in branch:
            types.add(_JSON_TYPES[type(branch["const"])])
    if "integer" in types:
        types.add("number")
    return types


def takes_expression(schema: dict[str, Any]) -> bool:
    """Whether the schema offers the ``{"type": "Expression"}`` form."""
    return any(
        b.get("properties", {}).get("type", {}).get("const") == EXPRESSION
        for b in _branches(schema)
    )


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)[:60]


@dataclass(frozen=True)
class _Accepts:
    """What a property's schema accepts, as :func:`_read_value` asks it."""

    expression: bool
    types: frozenset[str]
    allowed: tuple[Any, ...] | None


_ACCEPTS: dict[int, tuple[dict[str, Any], _Accepts]] = {}
"""By schema object (kept, so that its id is not reused): a connector version's property
schemas are read once, not for every definition read."""


def _accepts(schema: dict[str, Any]) -> _Accepts:
    known = _ACCEPTS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    allowed = next((b["enum"] for b in _branches(schema) if "enum" in b), None)
    accepts = _Accepts(
        takes_expression(schema),
        frozenset(accepted_types(schema)),
        tuple(allowed) if allowed is not None else None,
    )
    if len(_ACCEPTS) > 10_000:  # schemas made on the fly (tests): keep it bounded
        _ACCEPTS.clear()
    _ACCEPTS[id(schema)] = (schema, accepts)
    return accepts


def _read_value(
    name: str, value: Any, schema: dict[str, Any], required: bool
) -> tuple[bool, Any, str | None]:
    """(keep it in the view, the value as read, a warning or None)."""
    accepts = _accepts(schema)
    if accepts.expression and is_expression_text(value):
        # Validated as the expression it is (an interpolation starts with its text).
        text = value if value.startswith("@") else "@" + value
        return True, {"type": EXPRESSION, "value": text}, None
    if isinstance(value, str) and value.startswith("@@"):
        return True, value[1:], None
    types = accepts.types
    if isinstance(value, str) and "integer" in types and _WHOLE_NUMBER.match(value):
        number = int(value)
        return (
            True,
            number,
            (
                f"{name} is the text {_shown(value)} where a number is documented; ADF reads "
                f"it as {number}, and it is kept as written."
            ),
        )
    allowed = accepts.allowed
    if allowed and isinstance(value, str) and value not in allowed and value.strip() in allowed:
        return (
            True,
            value.strip(),
            (
                f"{name} {_shown(value)} has stray spaces; ADF reads it as "
                f"{_shown(value.strip())}, and it is kept as written."
            ),
        )
    if value is False and not required and "boolean" not in types:
        return (
            False,
            None,
            (
                f"{name} is false where {' or '.join(sorted(types))} is expected; ADF ignores "
                f"it (as if {name} were not set), and it is kept as written."
            ),
        )
    return True, value, None


def _read_type_properties(
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    warnings: list[Problem],
    ignored: set[str],
) -> dict[str, Any]:
    schema = version.type_properties_schema
    known = schema.get("properties", {})
    required = set(schema.get("required", []))
    view: dict[str, Any] = {}
    for name, value in type_properties.items():
        if name not in known:
            view[name] = value  # the schema says it is unknown
            continue
        path = json_path(("properties", "typeProperties", name))
        keep, read, warning = _read_value(name, value, known[name], name in required)
        if warning:
            warnings.append(Problem(path, warning))
        if keep:
            view[name] = read
        else:
            ignored.add(path)
    return view


def _read_parameters(parameters: dict[str, Any], warnings: list[Problem]) -> dict[str, Any]:
    by_case = {t.lower(): t for t in _PARAMETER_TYPES}
    view: dict[str, Any] = {}
    for name, spec in parameters.items():
        declared = spec.get("type") if isinstance(spec, dict) else None
        if isinstance(declared, str) and declared not in by_case.values():
            canonical = by_case.get(declared.lower())
            if canonical is not None:
                warnings.append(
                    Problem(
                        json_path(("properties", "parameters", name, "type")),
                        f"Parameter {name} has the type {_shown(declared)}; ADF reads it as "
                        f"{_shown(canonical)}, and it is kept as written.",
                    )
                )
                spec = {**spec, "type": canonical}
        view[name] = spec
    return view


def lenient_reading(version: ConnectorVersion, properties: Any) -> Reading:
    """The view of ``properties`` the schema validates, and what was read otherwise."""
    if not isinstance(properties, dict):
        return Reading(properties)
    warnings: list[Problem] = []
    ignored: set[str] = set()
    view = dict(properties)
    if isinstance(properties.get("typeProperties"), dict):
        view["typeProperties"] = _read_type_properties(
            version, properties["typeProperties"], warnings, ignored
        )
    if isinstance(properties.get("parameters"), dict):
        view["parameters"] = _read_parameters(properties["parameters"], warnings)
    warnings.extend(undeclared_parameters(properties))
    return Reading(view, warnings, ignored)


def parameter_type(spec: Any) -> Any:
    """A parameter declaration's type as ADF reads it (``"securestring"`` is SecureString)."""
    declared = spec.get("type") if isinstance(spec, dict) else None
    if isinstance(declared, str):
        for known in _PARAMETER_TYPES:
            if known.lower() == declared.lower():
                return known
    return declared

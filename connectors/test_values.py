"""Values given for one connection test, as ADF Studio asks for them.

A definition with parameters (``"@{linkedService().host}"``), Azure Key Vault references
or an ``encryptedCredential`` cannot be tested as it is: ADF Studio asks, for its "Test
connection", a value for each parameter (its default prefilled) and, for a secret it
cannot read here, the value to use. This module:

- :func:`asked_for` lists what a test of a definition asks for;
- :func:`with_test_values` puts the typed values into the definition *before* the stored
  secrets are resolved: a parameter's value becomes its default (so a stored secret bound
  to a target that reads parameters is refused when the values send it elsewhere), a
  typed secret replaces the Key Vault reference or the stored secret (for this test only);
- :func:`evaluated` evaluates every expression of ``typeProperties`` with the parameters'
  values (connectors.expression_eval) and says which value each field had;
- :func:`route_note` says where a test runs from when the definition names an
  integration runtime (``connectVia``).

Typed values are never stored: the caller passes them to the test and forgets them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors import json_limits
from connectors.base import ConnectorVersion
from connectors.encrypted_credentials import held_secrets
from connectors.expressions import expression_text, is_expression
from connectors.problems import Problem
from connectors.secrets import MASK, SECURE_STRING, is_secret_parameter, is_secure_string

KEY_VAULT = "AzureKeyVaultSecret"
PARAMETERS_FIELD = "testParameters"
SECRETS_FIELD = "testSecrets"
TYPED = "typed for this test"
DEFAULT = "default"


@dataclass(frozen=True)
class TestValues:
    """What a user typed for one test: parameter name -> value (text as typed, or a JSON
    value from the API), and secret property name (in ``typeProperties``) -> value."""

    __test__ = False  # not a pytest class

    parameters: Mapping[str, Any] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.parameters or self.secrets)


class TestValueError(ValueError):
    """A typed value that cannot be used, or an expression that cannot be evaluated."""

    __test__ = False

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Asked:
    """One value a test asks for: a parameter (``default`` prefilled; None for a secret
    or no default) or a secret (``why`` says why it cannot be read here)."""

    kind: str  # "parameter" or "secret"
    name: str
    type: str = "String"
    default: str | None = None
    secret: bool = False
    why: str = ""
    held: bool = False  # the secret of an encryptedCredential


def _parameters(properties: Any) -> dict[str, Any]:
    declared = properties.get("parameters") if isinstance(properties, dict) else None
    return declared if isinstance(declared, dict) else {}


def _type_properties(properties: Any) -> dict[str, Any]:
    found = properties.get("typeProperties") if isinstance(properties, dict) else None
    return found if isinstance(found, dict) else {}


def _declared_name(declared: dict[str, Any], name: str) -> str | None:
    if name in declared:
        return name
    return next((n for n in declared if str(n).lower() == name.lower()), None)


def used_parameters(properties: Any) -> list[str]:
    """The linked-service parameters the definition's ``typeProperties`` read, in order
    (declared spelling when declared). A malformed expression reads none."""
    declared = _parameters(properties)
    expressions = [v for v in _type_properties(properties).values() if is_expression(v)]
    if not expressions:
        return []
    from connectors.expression_eval import ExpressionError, referenced  # (see _evaluate)

    names: list[str] = []
    for value in expressions:
        try:
            pairs = referenced(value)
        except ExpressionError:
            continue
        for scope, name in pairs:
            if scope == "linkedService":
                names.append(_declared_name(declared, name) or name)
    return list(dict.fromkeys(names))


def _default_text(spec: Any) -> str | None:
    if not isinstance(spec, dict) or "defaultValue" not in spec or is_secret_parameter(spec):
        return None
    default = spec["defaultValue"]
    if default is None:
        return None
    return default if isinstance(default, str) else json.dumps(default)


def asked_for(
    version: ConnectorVersion, properties: Any, *, stored_secrets: bool = False
) -> list[Asked]:
    """What a test of ``properties`` asks for: each parameter it uses, then each secret
    this portal cannot read (an Azure Key Vault reference, an encryptedCredential).

    ``stored_secrets``: also offer, when the definition uses parameters, each stored
    secure string (optional: needed when the parameter values change where it would go),
    for a page that has no field for it otherwise (a saved linked service's page)."""
    declared = _parameters(properties)
    asked = []
    used = used_parameters(properties)
    for name in used:
        spec = declared.get(name)
        asked.append(
            Asked(
                "parameter",
                name,
                type=str(spec.get("type", "String")) if isinstance(spec, dict) else "String",
                default=_default_text(spec),
                secret=is_secret_parameter(spec),
            )
        )
    type_properties = _type_properties(properties)
    for name, value in type_properties.items():
        if isinstance(value, dict) and value.get("type") == KEY_VAULT:
            store = (value.get("store") or {}).get("referenceName")
            asked.append(
                Asked(
                    "secret",
                    name,
                    secret=True,
                    why=f"the Azure Key Vault secret {value.get('secretName')!r} of {store!r}",
                )
            )
        elif stored_secrets and used and is_secure_string(value):
            asked.append(
                Asked(
                    "secret",
                    name,
                    secret=True,
                    why="optional: instead of the stored one, which does not follow "
                    "parameter values that change where it goes",
                )
            )
    for held, secret in held_secrets(version, type_properties):
        asked.append(
            Asked("secret", secret, secret=True, why=f"held encrypted by ADF ({held})", held=True)
        )
    return asked


def _coerced(name: str, spec: Any, value: Any, path: str) -> Any:
    """A typed parameter value as its declared type reads it (form values are text)."""
    declared = str(spec.get("type", "String")).lower() if isinstance(spec, dict) else "string"
    if declared in ("string", "securestring"):
        if not isinstance(value, str):
            raise TestValueError([Problem(path, f"Give the parameter {name} as text.")])
        return value
    if not isinstance(value, str):  # a JSON value from the API: it must be of the type
        fits = {
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "bool": lambda v: isinstance(v, bool),
            "array": lambda v: isinstance(v, list),
            "object": lambda v: isinstance(v, dict),
        }.get(declared, lambda v: True)
        if not fits(value):
            raise TestValueError(
                [
                    Problem(
                        path, f"The parameter {name} is {spec.get('type')}: {value!r} is not one."
                    )
                ]
            )
        return value
    text = value.strip()
    try:
        if declared == "int":
            return int(text)
        if declared == "float":
            return json_limits.json_float(text)
        if declared == "bool":
            if text.lower() not in ("true", "false"):
                raise ValueError(text)
            return text.lower() == "true"
        if declared in ("array", "object"):
            parsed = json_limits.loads(text)
            if not isinstance(parsed, list if declared == "array" else dict):
                raise ValueError(text)
            return parsed
    except ValueError:
        raise TestValueError(
            [Problem(path, f"The parameter {name} is {spec.get('type')}: {value!r} is not one.")]
        ) from None
    return value


def with_test_values(
    version: ConnectorVersion, properties: dict[str, Any], values: TestValues
) -> dict[str, Any]:
    """A copy of ``properties`` with the values typed for this test in it (see the module).

    Raises :class:`TestValueError` naming a parameter or secret the definition does not
    have, or a value its parameter's type does not take.
    """
    if not values:
        return properties
    problems: list[Problem] = []
    declared = dict(_parameters(properties))
    used = used_parameters(properties)
    for name, value in values.parameters.items():
        path = f"$.{PARAMETERS_FIELD}.{name}"
        key = _declared_name(declared, name)
        if key is None:
            if name in used:  # used but not declared: the value is all there is
                declared[name] = {"type": "String", "defaultValue": value}
                continue
            problems.append(Problem(path, f"This linked service has no parameter {name}."))
            continue
        spec = dict(declared[key]) if isinstance(declared[key], dict) else {}
        if is_secret_parameter(spec):
            if not isinstance(value, str):
                problems.append(Problem(path, f"Give the parameter {name} as text."))
                continue
            spec["defaultValue"] = {"type": SECURE_STRING, "value": value}
        else:
            try:
                spec["defaultValue"] = _coerced(name, spec, value, path)
            except TestValueError as exc:
                problems.extend(exc.problems)
                continue
        declared[key] = spec
    type_properties = dict(_type_properties(properties))
    takes = _secret_taker(version, type_properties)
    for name, value in values.secrets.items():
        path = f"$.{SECRETS_FIELD}.{name}"
        if not takes(name):
            problems.append(Problem(path, f"This linked service has no secret {name}."))
        elif not isinstance(value, str) or not value:
            problems.append(Problem(path, f"Give the {name} for this test as text."))
        else:
            type_properties[name] = {"type": SECURE_STRING, "value": value}
    if problems:
        raise TestValueError(problems)
    changed = {**properties, "typeProperties": type_properties}
    if declared:
        changed["parameters"] = declared
    return changed


def _secret_taker(version: ConnectorVersion, type_properties: dict[str, Any]) -> Any:
    """Whether a secret typed under a name replaces one of ``type_properties``: a secure
    string, an Azure Key Vault reference, or a secret only an encryptedCredential holds."""
    held = {secret for _, secret in held_secrets(version, type_properties)}

    def takes(name: str) -> bool:
        current = type_properties.get(name)
        return (
            is_secure_string(current)
            or (isinstance(current, dict) and current.get("type") == KEY_VAULT)
            or name in held
        )

    return takes


def fitting(version: ConnectorVersion, properties: Any, values: TestValues) -> TestValues:
    """Only the values ``properties`` takes: its parameters (declared or used) and its
    secrets. For values given once for many definitions (kept for a browser session, or
    given to a command that checks every query of a factory); :func:`with_test_values`
    refuses the others."""
    declared = _parameters(properties)
    used = used_parameters(properties)
    takes = _secret_taker(version, _type_properties(properties))
    return TestValues(
        parameters={
            k: v
            for k, v in values.parameters.items()
            if _declared_name(declared, k) is not None or k in used
        },
        secrets={k: v for k, v in values.secrets.items() if takes(k)},
    )


def _parameter_values(properties: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Each declared parameter's value (its default, in clear) and the secret ones."""
    values: dict[str, Any] = {}
    secret: set[str] = set()
    for name, spec in _parameters(properties).items():
        if not isinstance(spec, dict):
            continue
        if is_secret_parameter(spec):
            secret.add(name)
        if "defaultValue" not in spec:
            continue
        default = spec["defaultValue"]
        values[name] = default.get("value") if is_secure_string(default) else default
    return values, secret


def evaluated(
    properties: dict[str, Any], values: TestValues | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``properties`` (secrets in clear) with every expression of ``typeProperties``
    evaluated, and what the test used: each parameter it read and each evaluated field
    with its expression and value (a secret's value is never in it), each typed secret.

    Raises :class:`TestValueError` naming each field that cannot be evaluated and why.
    """
    values = values or TestValues()
    parameters, secret_parameters = _parameter_values(properties)
    typed = {str(n).lower() for n in values.parameters}
    shown: list[dict[str, Any]] = []
    problems: list[Problem] = []
    type_properties = dict(_type_properties(properties))
    secret_names = {n.lower() for n in secret_parameters}
    for name in used_parameters(properties):
        if name not in parameters:
            continue
        shown.append(
            {
                "kind": "parameter",
                "name": name,
                "value": MASK if name.lower() in secret_names else parameters[name],
                "source": TYPED if name.lower() in typed else DEFAULT,
            }
        )
    expressions = {n: v for n, v in type_properties.items() if is_expression(v)}
    if expressions:
        type_properties.update(
            _evaluate(expressions, parameters, secret_names, shown=shown, problems=problems)
        )
    for name in values.secrets:
        shown.append({"kind": "secret", "name": name, "value": MASK, "source": TYPED})
    if problems:
        raise TestValueError(problems)
    return {**properties, "typeProperties": type_properties}, shown


def _evaluate(
    expressions: dict[str, Any],
    parameters: dict[str, Any],
    secret_names: set[str],
    *,
    shown: list[dict[str, Any]],
    problems: list[Problem],
) -> dict[str, Any]:
    """Each field's expression evaluated with the parameters' values (field -> value); what
    each used goes to ``shown``, what cannot be evaluated to ``problems``."""
    # The evaluator is imported by a definition that holds an expression: a test of one
    # without starts without it (manage.py test_connection, bench/cli_start.py).
    from connectors.expression_eval import ExpressionError, Scope, evaluate, referenced

    scope = Scope(linked_service=parameters)
    results: dict[str, Any] = {}
    for name, value in expressions.items():
        text = expression_text(value)
        try:
            result = evaluate(value, scope)
            reads_secret = any(
                scope_name == "linkedService" and ref.lower() in secret_names
                for scope_name, ref in referenced(value)
            )
        except ExpressionError as exc:
            problems.append(
                Problem(
                    f"$.properties.typeProperties.{name}",
                    f"{name} is the expression {text!r}: {exc.message}",
                )
            )
            continue
        results[name] = result
        shown.append(
            {
                "kind": "field",
                "name": name,
                "expression": text,
                "value": MASK if reads_secret else result,
            }
        )
    return results


SELF_HOSTED = "SelfHosted"


def route_note(connect_via: Any, runtime_type: str | None) -> str | None:
    """Where the test ran from, when the definition names an integration runtime.

    ``runtime_type`` is the runtime's ``properties.type`` (``SelfHosted``, ``Managed``)
    when the portal holds it, else None.
    """
    if not isinstance(connect_via, dict) or not connect_via.get("referenceName"):
        return None
    name = str(connect_via["referenceName"])
    if runtime_type == SELF_HOSTED:
        return (
            f"This test ran from the portal's network, not through the self-hosted "
            f"integration runtime {name!r} this linked service connects via. From the "
            f"runtime's machine the host may resolve and be reachable differently "
            f"(firewall, private DNS, proxy): a result here does not prove the runtime's."
        )
    if runtime_type:
        return (
            f"This test ran from the portal's network, not from the {runtime_type} "
            f"integration runtime {name!r} this linked service connects via."
        )
    return (
        f"This test ran from the portal's network, not through the integration runtime "
        f"{name!r} this linked service connects via (the portal does not hold it; if it is "
        f"self-hosted, its machine may reach the host differently)."
    )

"""ARM route: which properties ADF's Publish turns into template parameters, and an ARM
parameter file (``ARMTemplateParametersForFactory.json`` style, one per environment) read
as overrides of those properties.

The parameterisation template (``arm-template-parameters-definition.json`` at the
repository's root; ADF's default, ``adf-default-parameterization.json`` beside this module,
when there is none) has a section per resource type; linked services and datasets by their
``properties.type`` (``*`` for the others). A string ``<action>:<name>:<type>`` makes the
property a parameter: ``=`` keeps its value as the default, ``-`` keeps none, ``|`` is a
secret (a Key Vault reference stays as it is); the name is
``<resource>_<path joined by _>``, a name given replaces the last part, one starting with
``-`` follows the resource's name directly; the type is ``string`` unless given (an object
or array keeps its own). ``*`` stands for every property at its level (not deeper), an
array's definition applies to each item, named by the property its second element names.
Every secure string of a linked service is a ``securestring`` parameter
``<resource>_<property>``. Unconfirmed against ADF itself: how it spells resource names
that are not plain words in parameter names, and how it names items of an array whose
definition gives no naming property (here: the item's ``name``, else the pipeline a
trigger's item references, as ADF's templates name trigger parameters, else its index).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from connectors import json_edit, json_limits
from connectors.environments.base import Base, BaseResource, Change
from connectors.environments.effective import Workspace
from connectors.environments.findings import About, Finding, Where, error, note, warning
from connectors.environments.paths import Action
from connectors.environments.secret_values import KEY_VAULT_SECRET, REFUSED_IN_PARAMETERS
from connectors.environments.text import decode, encode
from connectors.environments.tokens import expand_pipeline
from connectors.kinds import KINDS
from connectors.problems import json_path
from connectors.secrets import SECURE_STRING, secure_strings

TEMPLATE_PATH = "arm-template-parameters-definition.json"
DEFAULT_TEMPLATE_FILE = Path(__file__).with_name("adf-default-parameterization.json")
FACTORY_NAME = "factoryName"
PARAMETERS_SCHEMA = "deploymentParameters.json"
SECURE_TYPES = ("securestring", "secureobject")
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "securestring": (str,),
    "int": (int,),
    "bool": (bool,),
    "object": (dict,),
    "secureobject": (dict,),
    "array": (list,),
}


@cache
def default_template() -> dict[str, Any]:
    return dict(json.loads(DEFAULT_TEMPLATE_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class ArmParameter:
    name: str
    type: str
    resource: BaseResource
    keys: tuple[str | int, ...]
    """Where under the resource's ``properties`` its value goes."""
    default: Any = None
    has_default: bool = False

    @property
    def secure(self) -> bool:
        return self.type in SECURE_TYPES


def read_template(raw: bytes | None, path: str = TEMPLATE_PATH) -> tuple[Any, list[Finding]]:
    """The parameterisation template (ADF's default for ``None``), or the default and why
    the file cannot be read."""
    if raw is None:
        return default_template(), []
    try:
        template = json_limits.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return default_template(), [error(Where(path), f"Not UTF-8 text ({exc.reason}).")]
    except json_limits.JsonRefused as exc:
        return default_template(), [error(Where(path, exc.lineno or 1, exc.colno or 0), str(exc))]
    if not isinstance(template, dict):
        return default_template(), [error(Where(path, 1), "The template is one JSON object.")]
    return template, []


def _section(template: Mapping[str, Any], kind: str) -> Any:
    collection = KINDS[kind].collection
    wanted = "Microsoft.DataFactory/factories" + (f"/{collection}" if collection else "")
    return next((v for k, v in template.items() if k.casefold() == wanted.casefold()), None)


def parameters_of(base: Base, template: Mapping[str, Any]) -> list[ArmParameter]:
    """Every parameter Publish makes of the repository's resources, in resource order."""
    found: dict[str, ArmParameter] = {}
    for resource in base.resources:
        section = _section(template, resource.kind)
        properties = resource.properties
        if resource.kind in ("linkedService", "dataset") and isinstance(section, dict):
            type_ = properties.get("type") if isinstance(properties, dict) else None
            section = section.get(type_) if type_ in section else section.get("*")
        if isinstance(section, dict):
            for parameter in _walk(resource, section, {"properties": properties}, (), []):
                found.setdefault(parameter.name, parameter)
        if resource.kind == "linkedService":
            for keys, _secret in secure_strings(properties):
                name = f"{resource.name}_{keys[-1]}"
                found.setdefault(
                    name, ArmParameter(name, "securestring", resource, (*keys, "value"))
                )
    return list(found.values())


def _walk(
    resource: BaseResource, spec: Any, node: Any, keys: tuple[str | int, ...], parts: list[str]
) -> list[ArmParameter]:
    if isinstance(spec, str):
        parameter = _parameter(resource, spec, node, keys, parts)
        return [parameter] if parameter is not None else []
    if isinstance(spec, list) and spec and isinstance(node, list):
        naming = spec[1] if len(spec) > 1 and isinstance(spec[1], str) else None
        out = []
        for index, item in enumerate(node):
            part = _item_part(item, naming, index)
            out += _walk(resource, spec[0], item, (*keys, index), [*parts[:-1], part])
        return out
    if not isinstance(spec, dict) or not isinstance(node, dict):
        return []
    out = []
    for key, sub in spec.items():
        if key != "*" and key in node:
            out += _walk(resource, sub, node[key], (*keys, key), [*parts, key])
    if "*" in spec:
        for key, value in node.items():
            if key not in spec:
                out += _walk(resource, spec["*"], value, (*keys, key), [*parts, key])
    return out


def _item_part(item: Any, naming: str | None, index: int) -> str:
    if naming is not None:
        value: Any = item
        for step in naming.split("."):
            value = value.get(step) if isinstance(value, dict) else None
        if isinstance(value, str):
            return value
    if isinstance(item, dict):
        if isinstance(item.get("name"), str):
            return str(item["name"])
        reference = item.get("pipelineReference")
        if isinstance(reference, dict) and isinstance(reference.get("referenceName"), str):
            return str(reference["referenceName"])
    return str(index)


def _parameter(
    resource: BaseResource, spec: str, value: Any, keys: tuple[str | int, ...], parts: list[str]
) -> ArmParameter | None:
    if not keys or keys[0] != "properties":
        return None  # outside properties (a factory's location): not a resource property
    action, _, rest = spec.partition(":")
    given, _, stype = rest.partition(":")
    if action == "|" and isinstance(value, dict) and value.get("type") == KEY_VAULT_SECRET:
        return None
    if given.startswith("-"):
        name = f"{resource.name}_{given[1:]}"
    elif given:
        name = "_".join([resource.name, *parts[:-1], given])
    else:
        name = "_".join([resource.name, *parts])
    by_value = "object" if isinstance(value, dict) else "array" if isinstance(value, list) else ""
    type_ = stype.casefold() or by_value or "string"
    if action == "|" and not stype:
        type_ = "securestring"
    if isinstance(value, dict) and value.get("type") == SECURE_STRING:
        keys = (*keys, "value")
        value = value.get("value")
    keep = action == "=" and type_ not in SECURE_TYPES
    return ArmParameter(name, type_, resource, keys[1:], value if keep else None, keep)


# --- ARM parameter files -------------------------------------------------------------------


@dataclass
class ArmParametersFile:
    path: str
    text: str
    bom: bool = False

    def to_bytes(self) -> bytes:
        return encode(self.text, self.bom)

    def set_value(self, name: str, value: Any) -> None:
        """Give parameter ``name`` this value (a new parameter goes at the end)."""
        parameters = json.loads(self.text).get("parameters", {})
        if isinstance(parameters.get(name), dict) and "value" in parameters[name]:
            self.text = json_edit.replace_value(self.text, ["parameters", name, "value"], value)
        elif name in parameters:
            self.text = json_edit.replace_value(self.text, ["parameters", name], {"value": value})
        else:
            self.text = json_edit.append(self.text, ["parameters"], {"value": value}, key=name)

    def remove(self, name: str) -> None:
        self.text = json_edit.remove(self.text, ["parameters", name])


def parse_arm_parameters(path: str, raw: bytes) -> ArmParametersFile:
    text, bom = decode(raw)
    return ArmParametersFile(path, text, bom)


def looks_like_parameters(document: Any) -> bool:
    """An ARM deployment parameters document (its schema, or its two keys)."""
    if not isinstance(document, dict) or not isinstance(document.get("parameters"), dict):
        return False
    schema = document.get("$schema")
    return PARAMETERS_SCHEMA in str(schema) or "contentVersion" in document


def resolve(
    workspace: Workspace,
    file: ArmParametersFile,
    parameters: list[ArmParameter],
    variables: Mapping[str, str],
    environment: str,
) -> list[Finding]:
    """Apply an ARM parameter file's values to ``workspace``; what is wrong, at its line."""
    whole = Where(file.path, 1)
    try:
        document = json_limits.loads(file.text)
    except json_limits.JsonRefused as exc:
        return [error(Where(file.path, exc.lineno or 1, exc.colno or 0), str(exc))]
    if not looks_like_parameters(document):
        return [error(whole, 'An ARM parameter file has "parameters": {"<name>": {"value": ...}}.')]
    positions = json_edit.Positions(file.text)
    by_name = {p.name: p for p in parameters}
    folded = {p.name.casefold(): p for p in parameters}
    findings: list[Finding] = []
    given = document["parameters"]
    for name, entry in given.items():
        line, column = positions.of(["parameters", name])
        at = Where(file.path, line, column, name)
        if name == FACTORY_NAME:
            continue
        parameter = by_name.get(name) or folded.get(name.casefold())
        if parameter is None:
            findings.append(_unknown(at, name, parameters))
            continue
        findings.extend(
            _apply(workspace, positions, parameter, (name, entry), at, variables, environment)
        )
    at_parameters = Where(file.path, positions.of(["parameters"])[0])
    given_folded = {n.casefold() for n in given}
    for parameter in parameters:
        if not parameter.has_default and parameter.name.casefold() not in given_folded:
            findings.append(
                warning(
                    at_parameters,
                    f"No value for parameter '{parameter.name}' (it has no default): the "
                    "deployment fails unless its pipeline overrides it.",
                    resource=parameter.resource.label,
                    json_path=json_path(("properties", *parameter.keys)),
                )
            )
    return findings


def _unknown(at: Where, name: str, parameters: list[ArmParameter]) -> Finding:
    from difflib import get_close_matches

    close = get_close_matches(name, [p.name for p in parameters], n=1, cutoff=0.75)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return error(
        at,
        f"The ARM template has no parameter '{name}'{hint}: the parameterisation template "
        "makes none of that name from the repository's resources.",
    )


def _apply(
    workspace: Workspace,
    positions: json_edit.Positions,
    parameter: ArmParameter,
    named: tuple[str, Any],
    at: Where,
    variables: Mapping[str, str],
    environment: str,
) -> list[Finding]:
    name, entry = named
    about: About = {
        "resource": parameter.resource.label,
        "json_path": json_path(("properties", *parameter.keys)),
    }
    if not isinstance(entry, dict) or ("value" not in entry and "reference" not in entry):
        return [error(at, 'A parameter is {"value": ...} or {"reference": {"keyVault": ...}}.')]
    if "reference" in entry:
        if not parameter.secure:
            return [note(at, "Its value comes from Key Vault at deploy time.", **about)]
        return []
    value = entry["value"]
    line, column = positions.of(["parameters", name, "value"])
    where = Where(at.file, line, column, name)
    expansion = expand_pipeline(value) if isinstance(value, str) else None
    if parameter.secure:
        if expansion is not None and expansion.only_tokens:
            return [
                note(where, f"{expansion.tokens[0].text} is a secret given at deploy.", **about)
            ]
        return [error(where, REFUSED_IN_PARAMETERS, clear_secret=True, **about)]
    findings: list[Finding] = []
    unresolved = False
    if expansion is not None and expansion.tokens:
        text, missing = expansion.resolve(variables)
        for token in missing:
            findings.append(
                warning(
                    where, f"{token.text} has no value in environment '{environment}'.", **about
                )
            )
        unresolved = bool(missing)
        value = text
        if not unresolved and parameter.type not in ("string", "securestring"):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                findings.append(
                    error(where, f"The {parameter.type} parameter's value is not one.", **about)
                )
                return findings
    if not unresolved and not _fits(parameter.type, value):
        findings.append(
            error(
                where,
                f"Parameter '{parameter.name}' is of type {parameter.type}; the value is not.",
                **about,
            )
        )
        return findings
    workspace.apply(
        Change(parameter.resource, parameter.keys, Action.UPDATE, value, where, unresolved)
    )
    return findings


def _fits(type_: str, value: Any) -> bool:
    expected = _JSON_TYPES.get(type_)
    if expected is None:
        return True
    if type_ == "int" and isinstance(value, bool):
        return False
    return isinstance(value, expected)


__all__ = [
    "FACTORY_NAME",
    "TEMPLATE_PATH",
    "ArmParameter",
    "ArmParametersFile",
    "default_template",
    "looks_like_parameters",
    "parameters_of",
    "parse_arm_parameters",
    "read_template",
    "resolve",
]

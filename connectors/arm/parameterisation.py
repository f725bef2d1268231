"""ADF's ARM parameterisation template: which properties of a resource become template
parameters when the factory is published.

The template (the repository's ``arm-template-parameters-definition.json``, else ADF's
default, :data:`DEFAULT_DEFINITION`) maps an ARM resource type to the shape of the
properties to parameterise. A string leaf ``"<action>:<name>:<type>"`` parameterises the
value found there: action ``=`` keeps the current value as the default, ``-`` gives no
default, ``|`` keeps the default of a plain value and, for a Key Vault secret, parameterises
its ``secretName``; an empty name gives ``<resource>_<path joined by _>``, a name starting
with ``-`` gives ``<resource>_<name>``, any other name replaces the last path segment; an
empty type is the value's own (string, int, bool, object, array). ``*`` stands for every
key not named beside it; an array ``[{...}, "a.b"]`` applies its object to every item,
named by the item's ``a.b`` (else its index). Linked services and datasets are keyed by
their ``properties.type`` first (``*`` for any type).

Every secure string of a linked service (``{"type": "SecureString", "value": ...}``) is a
``secureString`` parameter ``<resource>_<property>`` without a default, whatever the
template says, as ADF does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from connectors.expressions import is_expression_object
from connectors.secrets import SECURE_STRING

_NO_DEFAULT: Any = object()

DEFAULT_DEFINITION: dict[str, Any] = json.loads(
    resources.files("connectors.arm").joinpath("default_parameterisation.json").read_text()
)
"""ADF's default parameterisation template (Microsoft's "Use custom parameters with the
Resource Manager template", current text)."""

_TYPES = {
    t.casefold(): t
    for t in ("string", "secureString", "int", "bool", "object", "secureObject", "array")
}
_TYPE_KEYED = ("linkedservices", "datasets")
"""ARM types whose template is keyed by the resource's ``properties.type`` (or ``*``)."""
AKV_SECRET = "AzureKeyVaultSecret"


class DefinitionError(ValueError):
    """The repository's parameterisation template is not usable; the message says where."""


@dataclass
class TemplateParameter:
    name: str
    type: str
    default: Any = _NO_DEFAULT
    metadata: str | None = None

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT

    def declaration(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.metadata is not None:
            out["metadata"] = self.metadata
        if self.has_default:
            out["defaultValue"] = self.default
        return out

    def value_entry(self) -> dict[str, Any]:
        """Its entry in the parameters file: the default, or empty when it has none."""
        return {"value": self.default if self.has_default else ""}


def reference(name: str) -> str:
    return f"[parameters('{_quote(name)}')]"


def _quote(text: str) -> str:
    return text.replace("'", "''")


def value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


@dataclass
class _Run:
    """Parameters found for one resource."""

    label: str
    holds_credentials: bool = False
    """The resource keeps a credential beside (encrypted, a secure string, a Key Vault
    secret): ADF then holds its connection string as a secret, without a default."""
    found: list[TemplateParameter] = field(default_factory=list)

    def add(self, parameter: TemplateParameter) -> str:
        if all(p.name != parameter.name for p in self.found):
            self.found.append(parameter)
        return reference(parameter.name)

    def name_for(self, path: tuple[str, ...], given: str) -> str:
        if given.startswith("-"):
            return f"{self.label}_{given[1:]}"
        parts = list(path)
        if given:
            parts[-1] = given
        return "_".join((self.label, *parts))


def _is_parameterised(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("[parameters(")


class Parameterisation:
    def __init__(self, definition: dict[str, Any]) -> None:
        self.by_type = {key.casefold(): value for key, value in definition.items()}

    @classmethod
    def from_text(cls, text: str | bytes | None) -> Parameterisation:
        """The repository's template, or ADF's default when it has none (or an empty file,
        which ADF treats the same way)."""
        if text is None:
            return cls(DEFAULT_DEFINITION)
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        if not text.strip():
            return cls(DEFAULT_DEFINITION)
        try:
            definition = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DefinitionError(
                f"Not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
            ) from None
        if not isinstance(definition, dict):
            raise DefinitionError("The parameterisation template is one JSON object.")
        return cls(definition)

    def template_for(self, arm_type: str, resource_type: Any) -> Any:
        template = self.by_type.get(arm_type.casefold())
        if template is None:
            return None
        if arm_type.rsplit("/", 1)[-1].casefold() in _TYPE_KEYED and isinstance(template, dict):
            specific = template.get(resource_type) if isinstance(resource_type, str) else None
            return specific if specific is not None else template.get("*")
        return template

    def apply(
        self,
        arm_type: str,
        label: str,
        resource: dict[str, Any],
        secure_strings: bool,
        holds_credentials: bool = False,
    ) -> tuple[dict[str, Any], list[TemplateParameter]]:
        """``resource`` (the ARM resource object, ``properties`` and all) with its
        parameterised values replaced by parameter references, and those parameters."""
        run = _Run(label, holds_credentials)
        properties = resource.get("properties")
        resource_type = properties.get("type") if isinstance(properties, dict) else None
        template = self.template_for(arm_type, resource_type)
        out = resource
        if template is not None:
            out = _walk(template, resource, (), run)
        if secure_strings:
            out = _secure_strings(out, run, ())
        return out, run.found


def _walk(template: Any, value: Any, path: tuple[str, ...], run: _Run) -> Any:
    if isinstance(template, str):
        return _parameterise(value, path, template, run)
    if isinstance(template, list):
        if not isinstance(value, list) or not template:
            return value
        item_template = template[0]
        label_path = template[1] if len(template) > 1 and isinstance(template[1], str) else ""
        # An item is named by its label in place of the array's own key.
        return [
            _walk(item_template, item, (*path[:-1], _item_label(item, label_path, index)), run)
            for index, item in enumerate(value)
        ]
    if not isinstance(template, dict) or not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        sub = template.get(key, template.get("*"))
        out[key] = item if sub is None else _walk(sub, item, (*path, key), run)
    return out


def _item_label(item: Any, label_path: str, index: int) -> str:
    if not label_path and isinstance(item, dict) and "pipelineReference" in item:
        label_path = "pipelineReference.referenceName"  # a trigger's pipelines, by name
    node = item
    for part in label_path.split(".") if label_path else ():
        node = node.get(part) if isinstance(node, dict) else None
    return str(node) if isinstance(node, (str, int)) and label_path else str(index)


def _parameterise(value: Any, path: tuple[str, ...], spec: str, run: _Run) -> Any:
    if value is None or _is_parameterised(value) or not path:
        return value
    action, _, rest = spec.partition(":")
    given, _, declared_type = rest.partition(":")
    action = action[:1] or "="
    if isinstance(value, dict) and value.get("type") == AKV_SECRET and action == "|":
        secret = value.get("secretName")
        if secret is None:
            return value
        return {**value, "secretName": _parameterise(secret, (*path, "secretName"), "=", run)}
    if is_expression_object(value):
        parameter = TemplateParameter(run.name_for(path, given), "string", value.get("value"))
        if action == "-":
            parameter.default = _NO_DEFAULT
        return {**value, "value": run.add(parameter)}
    if isinstance(value, dict) and value.get("type") == SECURE_STRING:
        name = run.name_for(path, given)
        parameter = TemplateParameter(name, "secureString", metadata=_secure_metadata(path, run))
        return {**value, "value": run.add(parameter)}
    kind = _TYPES.get(declared_type.casefold(), declared_type) or value_type(value)
    metadata = _secure_metadata(path, run) if kind == "secureString" else None
    keep = action == "=" or (
        action == "|" and not (kind == "secureString" and run.holds_credentials)
    )
    default = value if keep else _NO_DEFAULT
    return run.add(TemplateParameter(run.name_for(path, given), kind, default, metadata))


def holds_credentials(type_properties: Any) -> bool:
    """Whether a linked service's ``typeProperties`` keep a credential: an encrypted one,
    a secure string or a Key Vault secret."""
    if not isinstance(type_properties, dict):
        return False
    return "encryptedCredential" in type_properties or any(
        isinstance(v, dict) and v.get("type") in (SECURE_STRING, AKV_SECRET)
        for v in type_properties.values()
    )


def _secure_metadata(path: tuple[str, ...], run: _Run) -> str:
    return f"Secure string for '{path[-1]}' of '{run.label}'"


def _secure_strings(node: Any, run: _Run, path: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        if node.get("type") == SECURE_STRING and path and not _is_parameterised(node.get("value")):
            return _parameterise(node, path, "-:-" + path[-1], run)
        return {key: _secure_strings(value, run, (*path, key)) for key, value in node.items()}
    if isinstance(node, list):
        return [_secure_strings(value, run, (*path, str(i))) for i, value in enumerate(node)]
    return node

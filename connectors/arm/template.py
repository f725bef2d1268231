"""The ARM template ADF Studio's Publish writes for a factory (``ARMTemplateForFactory.json``).

Each resource becomes ``{"name": "[concat(parameters('factoryName'), '/<name>')]", "type":
"Microsoft.DataFactory/factories/<collection>", "apiVersion": "2018-06-01", "properties":
..., "dependsOn": [...]}``; ``dependsOn`` lists the resources it references (and the
factory itself when the template holds it). Properties follow the parameterisation
template (:mod:`connectors.arm.parameterisation`); strings that start with ``[`` are
escaped as ``[[`` so that ARM keeps them literal; values the service keeps to itself
(a linked service's ``encryptedCredential``, the factory identity's ids) are left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from connectors.arm.parameterisation import (
    Parameterisation,
    TemplateParameter,
    holds_credentials,
)
from connectors.arm.service_defaults import dataflow_endpoint_names, service_defaults
from connectors.factory_snapshot import FactoryResource, FactorySnapshot
from connectors.kinds import FACTORY_SERVICE, KINDS
from connectors.references import references_in

API_VERSION = "2018-06-01"
TEMPLATE_SCHEMA = "http://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#"
PARAMETERS_SCHEMA = (
    "https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json#"
)
CONTENT_VERSION = "1.0.0.0"
FACTORY_ID = "[concat('Microsoft.DataFactory/factories/', parameters('factoryName'))]"
FACTORY_LABEL = "dataFactory"
"""The name parameters of the factory resource start with (``dataFactory_location``)."""

KIND_ORDER = (
    "pipeline", "dataset", "linkedService", "trigger", "integrationRuntime", "dataflow",
    "managedVirtualNetwork", "managedPrivateEndpoint", "credential", "globalParameter",
    "notebook", "sparkJobDefinition", "sqlscript", "bigDataPool", "sparkConfiguration",
    "kqlScript", "factory",
)  # fmt: skip
"""The order of kinds in ADF's templates (within a kind, names ignoring case)."""

_DROPPED = {
    "linkedService": (("properties", "typeProperties", "encryptedCredential"),),
    "factory": (("identity", "principalId"), ("identity", "tenantId")),
}
_GLOBAL_PARAMETERS_TYPE = f"{FACTORY_SERVICE}/globalparameters"
PUBLISH_CONFIG_FILE = "publish_config.json"
GLOBAL_PARAMETERS_NAME = "default"
"""The name ADF gives the global parameters' resource."""


@dataclass
class ArmResource:
    kind: str
    name: str
    body: dict[str, Any]
    parameters: list[TemplateParameter] = field(default_factory=list)


def arm_type(kind: str) -> str:
    if kind == "factory":
        return FACTORY_SERVICE
    if kind == "globalParameter":
        return _GLOBAL_PARAMETERS_TYPE
    return f"{FACTORY_SERVICE}/{KINDS[kind].arm_collection}"


def _literal(text: str) -> str:
    return text.replace("'", "''")


def arm_name(resource: FactoryResource) -> str:
    if resource.kind == "factory":
        return "[parameters('factoryName')]"
    return f"[concat(parameters('factoryName'), '/{_literal(_child_name(resource))}')]"


def _child_name(resource: FactoryResource) -> str:
    if resource.kind == "managedPrivateEndpoint":
        parts = resource.path.split("/")
        network = parts[1] if len(parts) == 4 else "default"
        return f"{network}/{resource.name}"
    return resource.name


def resource_id(kind: str, name: str) -> str:
    collection = KINDS[kind].arm_collection
    return f"[concat(variables('factoryId'), '/{collection}/{_literal(name)}')]"


def escape_brackets(node: Any) -> Any:
    """ARM evaluates a string that starts with ``[``; ``[[`` keeps it literal."""
    if isinstance(node, str):
        return "[" + node if node.startswith("[") else node
    if isinstance(node, dict):
        return {key: escape_brackets(value) for key, value in node.items()}
    if isinstance(node, list):
        return [escape_brackets(value) for value in node]
    return node


def _without(document: dict[str, Any], paths: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    for path in paths:
        node: Any = document
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and path[-1] in node:
            document = _copy_along(document, path[:-1])
            target = document
            for key in path[:-1]:
                target = target[key]
            del target[path[-1]]
    return document


def _copy_along(document: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    out = dict(document)
    node = out
    for key in path:
        node[key] = dict(node[key])
        node = node[key]
    return out


@dataclass(frozen=True)
class PublishConfig:
    """The repository's ``publish_config.json``: whether the factory itself
    (``includeFactoryTemplate``) and its global parameters (``includeGlobalParamsTemplate``)
    are published."""

    include_factory: bool = False
    include_global_parameters: bool = False

    @classmethod
    def of(cls, snapshot: FactorySnapshot) -> PublishConfig:
        raw = snapshot.kept_files.get(PUBLISH_CONFIG_FILE)
        try:
            found = json.loads(raw.decode("utf-8-sig")) if raw else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            found = {}
        if not isinstance(found, dict):
            found = {}
        return cls(
            found.get("includeFactoryTemplate") is True,
            found.get("includeGlobalParamsTemplate") is True,
        )


def global_parameters_of(snapshot: FactorySnapshot) -> dict[str, Any]:
    for resource in snapshot.resources:
        if resource.kind == "factory":
            found = resource.properties.get("globalParameters")
            if isinstance(found, dict) and found:
                return found
    return {}


def _factory_body(document: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    properties = document.get("properties")
    if isinstance(properties, dict):
        kept = {k: v for k, v in properties.items() if v not in ({}, [], None)}
        if kept:
            body["properties"] = kept
    for key in ("location", "identity"):
        if document.get(key) not in (None, {}):
            body[key] = document[key]
    return body


class TemplateBuilder:
    def __init__(self, snapshot: FactorySnapshot, parameterisation: Parameterisation) -> None:
        self.snapshot = snapshot
        self.parameterisation = parameterisation
        config = PublishConfig.of(snapshot)
        self.published = [
            r
            for r in snapshot.resources
            if (r.kind != "factory" or config.include_factory)
            and (r.kind != "globalParameter" or config.include_global_parameters)
        ]
        globals_ = global_parameters_of(snapshot)
        if config.include_global_parameters and globals_:
            self.published.append(
                FactoryResource(
                    "globalParameter",
                    GLOBAL_PARAMETERS_NAME,
                    {"name": GLOBAL_PARAMETERS_NAME, "properties": globals_},
                )
            )
        self.known = {(r.kind, r.name.casefold()): r.name for r in self.published}
        self.with_factory = any(r.kind == "factory" for r in self.published)

    def ordered(self) -> list[FactoryResource]:
        rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
        return sorted(
            self.published,
            key=lambda r: (rank.get(r.kind, len(rank)), r.name.casefold(), r.name),
        )

    def depends_on(self, resource: FactoryResource) -> list[str]:
        out = ["[variables('factoryId')]"] if self.with_factory else []
        if resource.kind == "factory":
            return []
        for found in references_in(resource.properties):
            target = self.known.get((found.kind.name, found.name.casefold()))
            if target is None or (found.kind.name == resource.kind and target == resource.name):
                continue
            entry = resource_id(found.kind.name, target)
            if entry not in out:
                out.append(entry)
        if resource.kind == "managedPrivateEndpoint":
            network = _child_name(resource).split("/")[0]
            if ("managedVirtualNetwork", network.casefold()) in self.known:
                entry = resource_id("managedVirtualNetwork", network)
                if entry not in out:
                    out.append(entry)
        return out

    def resource(self, resource: FactoryResource) -> ArmResource:
        kind = resource.kind
        if kind == "factory":
            source: dict[str, Any] = _factory_body(resource.document)
        else:
            source = {"properties": self.with_defaults(resource)}
        source = escape_brackets(_without(source, _DROPPED.get(kind, ())))
        label = FACTORY_LABEL if kind == "factory" else resource.name
        body, parameters = self.parameterisation.apply(
            arm_type(kind),
            label,
            source,
            secure_strings=kind == "linkedService",
            holds_credentials=holds_credentials(resource.properties.get("typeProperties")),
        )
        arm: dict[str, Any] = {
            "name": arm_name(resource),
            "type": arm_type(kind),
            "apiVersion": API_VERSION,
            "properties": body.get("properties", {}),
            "dependsOn": self.depends_on(resource),
        }
        for key, value in body.items():
            if key != "properties":
                arm[key] = value
        return ArmResource(kind, resource.name, arm, parameters)

    def with_defaults(self, resource: FactoryResource) -> dict[str, Any]:
        """The properties with the empty values ADF's service adds (``policy``, a
        reference's ``parameters``...)."""
        return service_defaults(resource.kind, resource.properties, self.dataflow_datasets)

    def dataflow_datasets(self, name: str) -> list[str]:
        for resource in self.snapshot.resources:
            if resource.kind == "dataflow" and resource.name.casefold() == name.casefold():
                return dataflow_endpoint_names(resource.properties)
        return []

    def resources(self) -> list[ArmResource]:
        return [self.resource(r) for r in self.ordered()]


def factory_name_parameter(name: str) -> TemplateParameter:
    return TemplateParameter("factoryName", "string", name, "Data Factory name")


def parameters_in_order(factory_name: str, resources: list[ArmResource]) -> list[TemplateParameter]:
    """``factoryName``, then the secure strings, then the others (each once), as ADF
    lists them."""
    found: dict[str, TemplateParameter] = {}
    for resource in resources:
        for parameter in resource.parameters:
            found.setdefault(parameter.name, parameter)
    secure = [p for p in found.values() if p.type.casefold().startswith("secure")]
    others = [p for p in found.values() if not p.type.casefold().startswith("secure")]
    return [factory_name_parameter(factory_name), *secure, *others]


def template(parameters: list[TemplateParameter], resources: list[dict[str, Any]]) -> dict:
    return {
        "$schema": TEMPLATE_SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "parameters": {p.name: p.declaration() for p in parameters},
        "variables": {"factoryId": FACTORY_ID},
        "resources": resources,
    }


def parameters_file(parameters: list[TemplateParameter]) -> dict[str, Any]:
    return {
        "$schema": PARAMETERS_SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "parameters": {p.name: p.value_entry() for p in parameters},
    }

"""ADF's linked templates: the factory split into ``ArmTemplate_N.json`` files that each stay
within Azure Resource Manager's limits, deployed in turn by ``ArmTemplate_master.json``.

Resources go in dependency order (what a resource depends on comes first, in an earlier
or the same file), and a file is closed before it would pass :data:`MAX_RESOURCES`
resources or :data:`MAX_BYTES` bytes. A ``dependsOn`` entry naming a resource of an earlier
file is left out of the later one: the master deploys the files one after another.
"""

from __future__ import annotations

import json
import re
from typing import Any

from connectors.arm.parameterisation import TemplateParameter, reference
from connectors.arm.template import (
    CONTENT_VERSION,
    FACTORY_ID,
    ArmResource,
    parameters_file,
    template,
)

MAX_RESOURCES = 800
"""Resources per ARM template (Azure Resource Manager's limit)."""
MAX_BYTES = 4 * 1024 * 1024
"""Bytes per ARM template (Azure Resource Manager's limit)."""
MAX_PARAMETERS = 256
"""Parameters per ARM template (Azure Resource Manager's limit)."""
DEPLOYMENTS_API_VERSION = "2018-02-01"
CONTAINER_PARAMETERS = (
    TemplateParameter(
        "containerUri", "string", metadata="URI to storage account containing linked ARM templates"
    ),
    TemplateParameter(
        "containerSasToken",
        "string",
        metadata="Sas token to storage account containing linked ARM templates",
    ),
)
_PARAMETER = re.compile(r"\[parameters\('((?:[^']|'')*)'\)\]")
_HEADROOM = 16 * 1024
"""Bytes kept free in each file for its header (schema, parameters, variables)."""
INDENT_ALLOWANCE = 2.5
"""How much larger a tab-indented file may be than its compact JSON (measured: 1.3 to 1.8
on ADF's templates); a chunk's compact size is kept under the limit divided by this, as
the compact form is what Python's C encoder gives quickly."""


def _size(body: dict[str, Any]) -> int:
    compact = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return int(len(compact) * INDENT_ALLOWANCE)


def dependency_order(resources: list[ArmResource]) -> list[ArmResource]:
    """``resources`` with every resource after those it depends on (ADF's order kept
    otherwise; a cycle, which ADF refuses, leaves the rest in their order)."""
    by_id = {_own_id(r): r for r in resources}
    placed: set[int] = set()
    out: list[ArmResource] = []

    def place(resource: ArmResource, visiting: set[int]) -> None:
        key = id(resource)
        if key in placed or key in visiting:
            return
        visiting.add(key)
        for entry in resource.body.get("dependsOn", []):
            target = by_id.get(entry)
            if target is not None:
                place(target, visiting)
        placed.add(key)
        out.append(resource)

    for resource in resources:
        place(resource, set())
    return out


def _own_id(resource: ArmResource) -> str:
    name = resource.body["name"]
    if not name.startswith("[concat(parameters('factoryName'), '/"):
        return "[variables('factoryId')]"
    child = name[len("[concat(parameters('factoryName'), '/") : -len("')]")]
    collection = resource.body["type"].split("/factories/", 1)[1]
    return f"[concat(variables('factoryId'), '/{collection}/{child}')]"


def split(resources: list[ArmResource]) -> list[list[ArmResource]]:
    chunks: list[list[ArmResource]] = [[]]
    size = 0
    for resource in dependency_order(resources):
        body_size = _size(resource.body)
        current = chunks[-1]
        if current and (len(current) >= MAX_RESOURCES or size + body_size > MAX_BYTES - _HEADROOM):
            chunks.append([])
            size = 0
        chunks[-1].append(resource)
        size += body_size
    return chunks


def _used_parameters(bodies: list[dict[str, Any]], all_parameters: list[TemplateParameter]):
    text = json.dumps(bodies, ensure_ascii=False)
    used = {match.replace("''", "'") for match in _PARAMETER.findall(text)}
    return [p for p in all_parameters if p.name == "factoryName" or p.name in used]


def linked_templates(
    factory_name: str, parameters: list[TemplateParameter], resources: list[ArmResource]
) -> dict[str, dict[str, Any]]:
    chunks = split(resources)
    files: dict[str, dict[str, Any]] = {}
    deployments = []
    earlier: set[str] = set()
    for index, chunk in enumerate(chunks):
        own = {_own_id(r) for r in chunk}
        bodies = []
        for resource in chunk:
            depends = [d for d in resource.body.get("dependsOn", []) if d not in earlier]
            bodies.append({**resource.body, "dependsOn": depends})
        earlier |= own
        used = _used_parameters(bodies, parameters)
        files[f"ArmTemplate_{index}.json"] = template(used, bodies)
        deployments.append(_deployment(factory_name, index, used))
    master = template([*parameters, *CONTAINER_PARAMETERS], deployments)
    master["variables"] = {"factoryId": FACTORY_ID}
    files["ArmTemplate_master.json"] = master
    files["ArmTemplateParameters_master.json"] = parameters_file(
        [*parameters, *CONTAINER_PARAMETERS]
    )
    return files


def _deployment(factory_name: str, index: int, used: list[TemplateParameter]) -> dict[str, Any]:
    return {
        "name": f"{factory_name}_ArmTemplate_{index}",
        "type": "Microsoft.Resources/deployments",
        "apiVersion": DEPLOYMENTS_API_VERSION,
        "properties": {
            "mode": "incremental",
            "templateLink": {
                "uri": (
                    f"[concat(parameters('containerUri'), '/ArmTemplate_{index}.json', "
                    "parameters('containerSasToken'))]"
                ),
                "contentVersion": CONTENT_VERSION,
            },
            "parameters": {p.name: {"value": reference(p.name)} for p in used},
        },
        "dependsOn": (
            []
            if index == 0
            else [
                "[resourceId('Microsoft.Resources/deployments', "
                f"'{factory_name}_ArmTemplate_{index - 1}')]"
            ]
        ),
    }

"""Publish a factory as ADF Studio's Publish does: the files it commits to ``adf_publish``.

:func:`export_arm` takes a :class:`~connectors.factory_snapshot.FactorySnapshot` and gives
an :class:`ArmExport`: ``ARMTemplateForFactory.json`` and
``ARMTemplateParametersForFactory.json`` (the whole factory in one template),
``linkedTemplates/`` (``ArmTemplate_master.json``, ``ArmTemplate_N.json``,
``ArmTemplateParameters_master.json``) and ``globalParameters/<factory>_GlobalParameters.json``
when the factory has global parameters. Parameters follow the repository's
``arm-template-parameters-definition.json`` when it has one, else ADF's default.

ADF's Publish writes the linked templates for every factory, however small; so does this.
A single template past Azure Resource Manager's limits (800 resources, 4 MB) cannot be
deployed whole: the linked templates split the resources so that each one stays within
them. Secure strings are parameters without a value: no secret is ever written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from connectors.arm.linked import INDENT_ALLOWANCE, linked_templates
from connectors.arm.parameterisation import DefinitionError, Parameterisation, TemplateParameter
from connectors.arm.template import (
    ArmResource,
    TemplateBuilder,
    global_parameters_of,
    parameters_file,
    parameters_in_order,
    template,
)
from connectors.factory_snapshot import PARAMETERISATION_FILE, FactorySnapshot
from connectors.file_style import STUDIO_STYLE, render

TEMPLATE_FILE = "ARMTemplateForFactory.json"
PARAMETERS_FILE = "ARMTemplateParametersForFactory.json"

__all__ = [
    "ArmExport",
    "DefinitionError",
    "PARAMETERS_FILE",
    "TEMPLATE_FILE",
    "export_arm",
    "parameterisation_of",
]


@dataclass
class ArmExport:
    factory_name: str
    parameters: list[TemplateParameter]
    resources: list[ArmResource]
    template: dict[str, Any]
    parameters_file: dict[str, Any]
    linked: dict[str, dict[str, Any]]
    """``linkedTemplates/<file>`` -> document."""
    global_parameters: dict[str, Any] | None
    _cache: dict[str, bytes] = field(default_factory=dict, repr=False)

    def documents(self) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = [
            (TEMPLATE_FILE, self.template),
            (PARAMETERS_FILE, self.parameters_file),
        ]
        out.extend((f"linkedTemplates/{name}", doc) for name, doc in self.linked.items())
        if self.global_parameters:
            out.append(
                (
                    f"globalParameters/{self.factory_name}_GlobalParameters.json",
                    self.global_parameters,
                )
            )
        return out

    def files(self) -> list[tuple[str, bytes]]:
        """Every file, as ADF writes them (tab-indented JSON)."""
        return [(path, self._rendered(path, document)) for path, document in self.documents()]

    def template_bytes(self) -> int:
        return len(self._rendered(TEMPLATE_FILE, self.template))

    def exceeds_bytes(self, limit: int) -> bool:
        """Whether ``ARMTemplateForFactory.json`` as written is larger than ``limit``; the
        file is rendered only when its compact JSON leaves the answer open."""
        compact = len(json.dumps(self.template, ensure_ascii=False, separators=(",", ":")))
        if compact > limit:
            return True  # indentation only adds
        if compact * INDENT_ALLOWANCE < limit:
            return False
        return self.template_bytes() > limit

    def _rendered(self, path: str, document: Any) -> bytes:
        if path not in self._cache:
            self._cache[path] = render(document, STUDIO_STYLE)
        return self._cache[path]


def parameterisation_of(snapshot: FactorySnapshot) -> Parameterisation:
    """The repository's parameterisation template, else ADF's default.

    Raises :class:`DefinitionError` when the repository's file is not usable."""
    return Parameterisation.from_text(snapshot.kept_files.get(PARAMETERISATION_FILE))


def _global_parameters(snapshot: FactorySnapshot) -> dict[str, Any] | None:
    return global_parameters_of(snapshot) or None


def export_arm(snapshot: FactorySnapshot) -> ArmExport:
    builder = TemplateBuilder(snapshot, parameterisation_of(snapshot))
    resources = builder.resources()
    parameters = parameters_in_order(snapshot.name, resources)
    bodies = [r.body for r in resources]
    return ArmExport(
        snapshot.name,
        parameters,
        resources,
        template(parameters, bodies),
        parameters_file(parameters),
        linked_templates(snapshot.name, parameters, resources),
        _global_parameters(snapshot),
    )

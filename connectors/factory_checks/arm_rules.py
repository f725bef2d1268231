"""The limits an ARM deployment of the publish would meet (Azure Resource Manager: 800
resources and 4 MB per template, 256 parameters), and a parameterisation template that
cannot be used."""

from __future__ import annotations

from collections.abc import Iterator

from connectors.arm import DefinitionError, export_arm
from connectors.arm.linked import MAX_BYTES, MAX_PARAMETERS, MAX_RESOURCES
from connectors.factory_checks.findings import Finding, finding
from connectors.factory_snapshot import PARAMETERISATION_FILE, FactorySnapshot


def check(snapshot: FactorySnapshot) -> Iterator[Finding]:
    try:
        exported = export_arm(snapshot)
    except DefinitionError as exc:
        yield Finding_for_file(str(exc))
        return
    resources = len(exported.resources)
    if resources > MAX_RESOURCES:
        yield finding(
            "LW-ARM-001",
            f"The ARM template holds {resources:,} resources; one template takes "
            f"{MAX_RESOURCES} at most: deploy linkedTemplates/ArmTemplate_master.json.",
        )
    if exported.exceeds_bytes(MAX_BYTES):
        yield finding(
            "LW-ARM-002",
            "ARMTemplateForFactory.json is larger than the 4 MB Azure takes: deploy "
            "linkedTemplates/ArmTemplate_master.json.",
        )
    count = len(exported.parameters)
    if count > MAX_PARAMETERS:
        yield finding(
            "LW-ARM-003",
            f"The ARM template has {count} parameters; Azure takes {MAX_PARAMETERS} at most. "
            f"Parameterise fewer properties in {PARAMETERISATION_FILE}.",
            path="$.parameters",
        )


def Finding_for_file(message: str) -> Finding:  # noqa: N802
    base = finding("LW-ARM-004", message)
    return Finding(base.code, base.severity, base.message, file=PARAMETERISATION_FILE)

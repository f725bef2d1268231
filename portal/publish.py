"""Validate all and Publish for a factory kept in the portal: the factory as its git
repository (:func:`portal.imports.export_repository`, secrets masked) read into a
:class:`~connectors.factory_snapshot.FactorySnapshot`, checked by
:mod:`connectors.factory_checks` and published by :mod:`connectors.arm`."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.adf_repository import parse_repository, write_zip
from connectors.arm import ArmExport, export_arm
from connectors.factory_checks import Finding, Severity, has_errors, validate
from connectors.factory_snapshot import FactorySnapshot
from portal.imports import export_repository
from portal.models import Factory

ENVIRONMENT_NOTE = (
    "--environment is accepted for the environments feature, which is not there yet: "
    "the factory is checked and published as it is."
)


def snapshot_of(factory: Factory) -> FactorySnapshot:
    repository = parse_repository(export_repository(factory))
    return FactorySnapshot.from_repository(factory.name, repository, factory.is_workspace)


def validate_factory(factory: Factory) -> tuple[FactorySnapshot, list[Finding]]:
    snapshot = snapshot_of(factory)
    return snapshot, validate(snapshot)


@dataclass
class Publish:
    findings: list[Finding]
    export: ArmExport | None
    """None when validation found an error and the publish was not forced."""

    @property
    def refused(self) -> bool:
        return self.export is None


def publish_factory(factory: Factory, force: bool = False) -> Publish:
    """The ARM export, unless validation finds an error (then refused, unless forced)."""
    snapshot, findings = validate_factory(factory)
    if has_errors(findings, Severity.ERROR) and not force:
        return Publish(findings, None)
    return Publish(findings, export_arm(snapshot))


def publish_zip(export: ArmExport) -> bytes:
    return write_zip(export.files())

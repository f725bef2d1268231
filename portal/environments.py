"""A factory's environments: kept from an imported repository, written back byte for byte,
and checked with :mod:`connectors.environments` against the factory's resources.

An imported repository's override files (``deployment/config-<stage>.csv|json``, ARM
parameter files) become environments, each file kept as its exact bytes (a secret written
in clear in a row is kept as the mask, that row alone changed, and the import warns); every
other file that is not a resource stays a :class:`~portal.models.RepositoryFile`. A factory with
environments has one that is the repository's own values (``dev``, or ``repository`` when
a ``dev`` stage has files of its own), first in the order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F

from connectors.adf_repository import ReportLine, Status
from connectors.environments import (
    Base,
    BaseResource,
    Change,
    EnvironmentInput,
    EnvironmentResult,
    Finding,
    Format,
    OverrideFile,
    check_environments,
    recognise,
    stage_rank,
)
from connectors.environments.arm import TEMPLATE_PATH
from connectors.environments.masking import masked_file
from connectors.kinds import KINDS
from connectors.problems import Problem
from portal.models import Environment, EnvironmentFile, Factory, RepositoryFile, Resource

REPOSITORY_NAMES = ("dev", "repository")
CLEAR_SECRET_KEPT = (
    "a secret written in clear is kept and exported as the mask (**********); put a Key "
    "Vault reference or an environment token in its place"
)


@transaction.atomic
def keep_files(factory: Factory, files: Iterable[tuple[str, bytes]]) -> dict[str, list[ReportLine]]:
    """Keep an imported repository's files that are not resources: override files as
    environments' files, the others as kept files. Returns the report lines of the
    override files (the others keep theirs)."""
    lines: dict[str, list[ReportLine]] = {}
    stages: dict[str, list[tuple[str, Format, bytes]]] = {}
    for path, data in files:
        found = recognise(path, data)
        if found is None:
            RepositoryFile.objects.update_or_create(
                factory=factory, path=path, defaults={"data": data}
            )
            continue
        stages.setdefault(found.environment, []).append((path, found.format, data))
        message = f"environment '{found.environment}': {found.format.label}"
        lines[path] = [ReportLine(path, Status.IMPORTED, message)]
    if not stages:
        return lines
    ensure_repository_environment(factory, avoid=set(stages))
    base, template = base_of(factory), template_of(factory)
    for name in sorted(stages, key=stage_rank):
        environment, _ = Environment.objects.get_or_create(
            factory=factory, name=name, defaults={"position": _next_position(factory)}
        )
        for position, (path, format_, raw) in enumerate(sorted(stages[name])):
            data, masked = masked_file(OverrideFile(path, format_, raw), base, template)
            lines[path] += [
                ReportLine(path, Status.WARNING, f"line {line}: {CLEAR_SECRET_KEPT}")
                for line in masked
            ]
            RepositoryFile.objects.filter(factory=factory, path=path).delete()
            EnvironmentFile.objects.update_or_create(
                factory=factory,
                path=path,
                defaults={
                    "environment": environment,
                    "format": str(format_),
                    "data": data,
                    "position": position,
                },
            )
    return lines


def ensure_repository_environment(factory: Factory, avoid: Collection[str] = ()) -> Environment:
    """The factory's environment of the repository's own values (made first when absent;
    its name is none of ``avoid``, the stages about to be made)."""
    existing = Environment.objects.filter(factory=factory, is_repository=True).first()
    if existing is not None:
        return existing
    taken = {*avoid, *Environment.objects.filter(factory=factory).values_list("name", flat=True)}
    name = next((n for n in REPOSITORY_NAMES if n not in taken), "repository-values")
    Environment.objects.filter(factory=factory).update(position=F("position") + 1)
    return Environment.objects.create(factory=factory, name=name, position=0, is_repository=True)


def environment_named(factory: Factory, name: str | None) -> Environment | None:
    """The factory's environment of this name (None for no name)."""
    if not name:
        return None
    found = Environment.objects.filter(factory=factory, name=name).first()
    if found is None:
        raise Environment.DoesNotExist(f"No environment named '{name}' in factory '{factory}'.")
    found.factory = factory
    return found


def _next_position(factory: Factory) -> int:
    last = Environment.objects.filter(factory=factory).order_by("-position").first()
    return 0 if last is None else last.position + 1


# --- checking -------------------------------------------------------------------------------


def base_of(factory: Factory) -> Base:
    """The factory's live resources as the repository holds them (secrets masked)."""
    resources = Resource.objects.live().filter(factory=factory).order_by("kind", "name_key")
    return Base(
        (
            BaseResource(r.kind, r.name, r.masked_properties, KINDS[r.kind].git_path(r.name))
            for r in resources
        ),
        factory.name,
    )


def inputs_of(environments: Iterable[Environment]) -> list[EnvironmentInput]:
    files: dict[int, list[OverrideFile]] = {}
    environments = list(environments)
    rows = EnvironmentFile.objects.filter(environment__in=environments).order_by("position", "path")
    for row in rows:
        files.setdefault(row.environment_id, []).append(
            OverrideFile(row.path, Format(row.format), bytes(row.data))
        )
    return [
        EnvironmentInput(e.name, files.get(e.pk, []), e.token_values, e.is_repository)
        for e in environments
    ]


def template_of(factory: Factory) -> bytes | None:
    """The factory's parameterisation template (None: ADF's default applies)."""
    kept = RepositoryFile.objects.filter(factory=factory, path=TEMPLATE_PATH).first()
    return bytes(kept.data) if kept is not None else None


@dataclass
class FactoryCheck:
    factory: Factory
    base: Base
    results: list[EnvironmentResult]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


@dataclass
class Effective:
    """One resource's definition in one environment: ``properties`` (the repository's
    values with the environment's overrides, secrets as the mask), the ``problems`` of that
    definition and the ``findings`` at the rows of its overrides, and the overrides that
    use a token with no value in the environment (``unresolved``)."""

    environment: Environment
    properties: Any
    changed: bool
    problems: list[Problem]
    findings: list[Finding]
    unresolved: list[Change]


def effective_definition(resource: Resource, environment: Environment) -> Effective:
    """``resource``'s effective definition in ``environment`` (checked as the factory's
    check does: the same files, template and token values)."""
    checked = check_factory(environment.factory, only=environment.name)
    result = checked.results[0]
    return _effective_of(checked.base, result, environment, resource)


def effective_definitions(resource: Resource) -> list[Effective]:
    """``resource``'s effective definition in each environment of its factory, in order."""
    environments = list(Environment.objects.filter(factory=resource.factory))
    checked = check_factory(resource.factory)
    return [
        _effective_of(checked.base, result, environment, resource)
        for environment, result in zip(environments, checked.results, strict=True)
    ]


def effective_properties(environment: Environment, resources: Iterable[Resource]) -> dict[int, Any]:
    """Each resource's effective definition in ``environment`` (secrets as the mask), by
    the resource's id: one check of the environment for them all."""
    checked = check_factory(environment.factory, only=environment.name)
    result = checked.results[0]
    return {r.pk: _effective_of(checked.base, result, environment, r).properties for r in resources}


def _effective_of(
    base: Base, result: EnvironmentResult, environment: Environment, resource: Resource
) -> Effective:
    found = base.get(resource.kind, resource.name)
    if found is None:  # deleted meanwhile
        return Effective(environment, resource.masked_properties, False, [], [], [])
    return Effective(
        environment,
        result.effective(found),
        result.changed(found),
        result.problems.get(found.key, []),
        [f for f in result.findings if f.resource == found.label],
        [c for c in result.workspace.changes if c.resource.key == found.key and c.unresolved],
    )


def check_factory(factory: Factory, only: str | None = None) -> FactoryCheck:
    """Every environment of the factory (or the one named ``only``) checked."""
    environments = Environment.objects.filter(factory=factory)
    if only is not None:
        environments = environments.filter(name=only)
    base = base_of(factory)
    results = check_environments(base, inputs_of(environments), template_raw=template_of(factory))
    return FactoryCheck(factory, base, results)


__all__ = [
    "Effective",
    "FactoryCheck",
    "effective_definition",
    "effective_definitions",
    "effective_properties",
    "base_of",
    "check_factory",
    "environment_named",
    "ensure_repository_environment",
    "inputs_of",
    "keep_files",
    "template_of",
]

"""Checking environments: every override file read, every row applied to the repository's
values, and every resource's effective definition validated, in each environment.

An unchanged resource's effective definition is the repository's own object, so its check
is made once and holds in every environment; a changed one is checked once per distinct
content. A problem of an effective definition is reported at the row of the override that
caused it (the one that set that path, or the resource's last one), and only where the
repository's values have no problem at that path already (those are the repository
environment's).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.environments import adftools, arm
from connectors.environments.base import Base, BaseResource, Change
from connectors.environments.config_csv import check_structure, parse_config_csv
from connectors.environments.config_json import entries, parse_config_json
from connectors.environments.effective import Workspace
from connectors.environments.files import Format
from connectors.environments.findings import Finding, Severity, Where, error
from connectors.environments.text import NotText
from connectors.environments.validate import definition_problems, properties_problems
from connectors.problems import Problem, json_path


@dataclass(frozen=True)
class OverrideFile:
    path: str
    format: Format
    raw: bytes


@dataclass
class EnvironmentInput:
    name: str
    files: list[OverrideFile] = field(default_factory=list)
    variables: Mapping[str, str] = field(default_factory=dict)
    """Token values of this environment (``ProjectName`` for ``$($Env:ProjectName)``);
    never secrets."""
    is_repository: bool = False
    """The repository's own values: no overrides, its problems are the base's."""


@dataclass
class EnvironmentResult:
    name: str
    workspace: Workspace
    findings: list[Finding] = field(default_factory=list)
    problems: dict[tuple[str, str], list[Problem]] = field(default_factory=dict)
    """Each resource's effective definition's problems (every resource, by key)."""

    def effective(self, resource: BaseResource) -> Any:
        return self.workspace.properties(resource)

    def changed(self, resource: BaseResource) -> bool:
        return resource.key in self.workspace.changed

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors


class Validation:
    """Problems of definitions, each computed once: the repository's by resource, the
    changed ones by content."""

    def __init__(self) -> None:
        self._base: dict[tuple[str, str], list[Problem]] = {}
        self._by_content: dict[tuple[str, str, str], list[Problem]] = {}

    def base(self, resource: BaseResource) -> list[Problem]:
        found = self._base.get(resource.key)
        if found is None:
            found = definition_problems(resource.kind, resource.name, resource.properties)
            self._base[resource.key] = found
        return found

    def effective(self, resource: BaseResource, properties: Any) -> list[Problem]:
        content = json.dumps(properties, sort_keys=True, ensure_ascii=False, default=str)
        key = (resource.kind, resource.name, content)
        found = self._by_content.get(key)
        if found is None:
            named = [p for p in self.base(resource) if p.path == "$.name"]
            found = [*named, *properties_problems(resource.kind, properties)]
            self._by_content[key] = found
        return found


def read_file(
    file: OverrideFile,
    base: Base,
    workspace: Workspace,
    *,
    environment: str,
    variables: Mapping[str, str],
    parameters: list[arm.ArmParameter],
) -> list[Finding]:
    """Read one override file and apply it to ``workspace``; what is wrong, at its rows."""
    try:
        if file.format is Format.ADFTOOLS_CSV:
            config = parse_config_csv(file.path, file.raw)
            structure = check_structure(config)
            rows = adftools.csv_overrides(config)
            return structure + adftools.resolve(workspace, rows, variables, environment)
        if file.format is Format.ADFTOOLS_JSON:
            config_json = parse_config_json(file.path, file.raw)
            items, problems = entries(config_json)
            rows = adftools.json_overrides(file.path, items)
            return problems + adftools.resolve(workspace, rows, variables, environment)
        parameters_file = arm.parse_arm_parameters(file.path, file.raw)
        return arm.resolve(workspace, parameters_file, parameters, variables, environment)
    except NotText as exc:
        return [error(Where(file.path, 1), str(exc))]


def check_environment(
    base: Base,
    environment: EnvironmentInput,
    *,
    template: Any = None,
    validation: Validation | None = None,
    parameters: list[arm.ArmParameter] | None = None,
) -> EnvironmentResult:
    validation = validation or Validation()
    workspace = Workspace(base)
    result = EnvironmentResult(environment.name, workspace)
    if parameters is None and any(f.format is Format.ARM_PARAMETERS for f in environment.files):
        parameters = arm.parameters_of(base, template or arm.default_template())
    for file in environment.files:
        result.findings += read_file(
            file,
            base,
            workspace,
            environment=environment.name,
            variables=environment.variables,
            parameters=parameters or [],
        )
    by_resource: dict[tuple[str, str], list[Change]] = {}
    for change in workspace.changes:
        by_resource.setdefault(change.resource.key, []).append(change)
    for resource in base.resources:
        own = validation.base(resource)
        changes = by_resource.get(resource.key)
        if changes is None:
            result.problems[resource.key] = own
            if environment.is_repository:
                result.findings += [_at_resource(resource, p) for p in own]
            continue
        found = validation.effective(resource, workspace.changed[resource.key])
        found = _without_unresolved(found, changes)
        result.problems[resource.key] = found
        known = {p.path for p in own}
        for problem in found:
            if problem.path not in known:
                result.findings.append(_at_override(resource, problem, changes))
    return result


def _covers(change_path: str, problem_path: str) -> bool:
    return problem_path == change_path or problem_path.startswith(
        (change_path + ".", change_path + "[")
    )


def _path_of(change: Change) -> str:
    return json_path(("properties", *change.keys))


def _without_unresolved(problems: list[Problem], changes: list[Change]) -> list[Problem]:
    """A value with a token that has no value is not checked (the token is named)."""
    unresolved = [_path_of(c) for c in changes if c.unresolved]
    if not unresolved:
        return problems
    return [p for p in problems if not any(_covers(u, p.path) for u in unresolved)]


def _at_override(resource: BaseResource, problem: Problem, changes: list[Change]) -> Finding:
    """The problem at the row that caused it: the last override of its path (or of a value
    inside it), else the one that replaced a value the message names (a renamed activity a
    dependency still names), else the resource's last override."""

    def names_previous(change: Change) -> bool:
        return isinstance(change.previous, str) and f"'{change.previous}'" in problem.message

    cause = next(
        (
            c
            for c in reversed(changes)
            if _covers(_path_of(c), problem.path) or _covers(problem.path, _path_of(c))
        ),
        None,
    ) or next((c for c in reversed(changes) if names_previous(c)), changes[-1])
    return Finding(
        Severity.ERROR,
        f"In this environment: {problem.message}",
        cause.where,
        resource=resource.label,
        json_path=problem.path,
    )


def _at_resource(resource: BaseResource, problem: Problem) -> Finding:
    return Finding(
        Severity.ERROR,
        problem.message,
        resource.where,
        resource=resource.label,
        json_path=problem.path,
    )


def check_environments(
    base: Base, environments: list[EnvironmentInput], *, template_raw: bytes | None = None
) -> list[EnvironmentResult]:
    """Every environment checked against the same repository values (each definition's
    check made once for all of them)."""
    template, template_findings = arm.read_template(template_raw)
    validation = Validation()
    parameters: list[arm.ArmParameter] | None = None
    if any(f.format is Format.ARM_PARAMETERS for e in environments for f in e.files):
        parameters = arm.parameters_of(base, template)
    results = [
        check_environment(
            base, environment, template=template, validation=validation, parameters=parameters
        )
        for environment in environments
    ]
    for result in results:
        if any(f.format is Format.ARM_PARAMETERS for f in _files(environments, result.name)):
            result.findings = template_findings + result.findings
    return results


def _files(environments: list[EnvironmentInput], name: str) -> list[OverrideFile]:
    return next((e.files for e in environments if e.name == name), [])


def base_from_repository(repository: Any, factory_name: str = "") -> Base:
    """The repository's resources (``connectors.adf_repository.Repository``) as the base."""
    return Base(
        (
            BaseResource(f.kind, f.name, f.document.get("properties", {}), f.path)
            for f in repository.resources
            if f.document is not None and f.name is not None and f.kind is not None
        ),
        factory_name,
    )


__all__ = [
    "EnvironmentInput",
    "EnvironmentResult",
    "OverrideFile",
    "Validation",
    "check_environment",
    "check_environments",
    "base_from_repository",
    "read_file",
]

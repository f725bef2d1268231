"""What the pages show of a factory's environments: the matrix of its resources in each
environment (valid or not, the last test there, what differs from the repository's values),
an environment's override files row by row with each row's findings, and one resource's
effective definition in each environment beside its own.

Read-only: the checks are :mod:`portal.environments`'; every write is a service's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max

from connectors.diff import Change, diff
from connectors.environments import BaseResource, EnvironmentResult, Finding
from portal.environments import Effective, FactoryCheck, check_factory, effective_definitions
from portal.models import ConnectionTest, Environment, EnvironmentFile, Factory, Resource


def masked_equal(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two masked secrets: the same when their (masked) values are."""
    return a == b


def differences(base: Any, effective: Any) -> list[Change]:
    """What an environment changes in a definition (a secret only as "secret changed")."""
    return diff({"properties": base}, {"properties": effective}, masked_equal)


@dataclass
class Cell:
    """One resource in one environment."""

    environment: Environment
    changes: list[Change]
    problems: int
    errors: list[Finding]
    test: ConnectionTest | None

    @property
    def valid(self) -> bool:
        return not self.problems and not self.errors


@dataclass
class Row:
    resource: BaseResource
    saved: int | None
    """The saved resource's id (None: not a live resource)."""
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Matrix:
    environments: list[Environment]
    rows: list[Row]
    results: list[EnvironmentResult]

    @property
    def pending(self) -> bool:
        """A test shown is still queued or running (the page asks again)."""
        return any(c.test is not None and not c.test.done for r in self.rows for c in r.cells)

    @property
    def invalid(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if not cell.valid)


def last_tests(environments: list[Environment]) -> dict[tuple[int, int], ConnectionTest]:
    """The last connection test of each linked service in each environment (two queries)."""
    latest = (
        ConnectionTest.objects.filter(environment__in=environments, resource__isnull=False)
        .values("environment_id", "resource_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    tests = ConnectionTest.objects.filter(pk__in=list(latest))
    return {(t.environment_id, t.resource_id): t for t in tests if t.environment_id}


def matrix(factory: Factory) -> Matrix:
    """Every live resource of ``factory`` in each of its environments."""
    environments = list(Environment.objects.filter(factory=factory))
    checked = check_factory(factory)
    saved = {
        (kind, key): pk
        for kind, key, pk in Resource.objects.live()
        .filter(factory=factory)
        .values_list("kind", "name_key", "pk")
    }
    tests = last_tests(environments)
    rows = []
    for resource in checked.base.resources:
        stored = saved.get(resource.key)
        row = Row(resource, stored)
        for environment, result in zip(environments, checked.results, strict=True):
            changes = (
                differences(resource.properties, result.effective(resource))
                if result.changed(resource)
                else []
            )
            row.cells.append(
                Cell(
                    environment,
                    changes,
                    len(result.problems.get(resource.key, [])),
                    [f for f in result.findings if f.is_error and f.resource == resource.label],
                    tests.get((environment.pk, stored)) if stored is not None else None,
                )
            )
        rows.append(row)
    return Matrix(environments, rows, checked.results)


@dataclass
class FileLine:
    number: int
    text: str
    findings: list[Finding]


@dataclass
class FileRows:
    path: str
    format: str
    lines: list[FileLine]
    file_findings: list[Finding]
    """Findings about the file as a whole (line 0)."""
    findings: list[Finding] = field(default_factory=list)
    """Every finding in the file."""
    table: Any = None
    """The Editor's table of its rows (:class:`portal.override_table.FileTable`), if any."""


def override_rows(
    environment: Environment, checked: FactoryCheck | None = None
) -> tuple[list[FileRows], list[Finding]]:
    """The environment's override files line by line, each line with the findings at it;
    and the findings at no file of the environment (a resource's own problems)."""
    checked = checked or check_factory(environment.factory, only=environment.name)
    result = checked.results[0]
    files = EnvironmentFile.objects.filter(environment=environment).order_by("position", "path")
    by_file: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_file.setdefault(finding.where.file, []).append(finding)
    shown: list[FileRows] = []
    for file in files:
        findings = by_file.pop(file.path, [])
        text = bytes(file.data).decode("utf-8-sig", errors="replace")
        lines = [
            FileLine(n, line, [f for f in findings if f.where.line == n])
            for n, line in enumerate(text.splitlines(), 1)
        ]
        whole = [f for f in findings if not 0 < f.where.line <= len(lines)]
        shown.append(FileRows(file.path, file.get_format_display(), lines, whole, findings))
    return shown, [f for found in by_file.values() for f in found]


@dataclass
class EffectiveView:
    effective: Effective
    changes: list[Change]


def resource_environments(resource: Resource) -> list[EffectiveView]:
    """``resource``'s effective definition in each environment, with what differs."""
    if not Environment.objects.filter(factory=resource.factory).exists():
        return []
    base = resource.masked_properties
    return [
        EffectiveView(e, differences(base, e.properties) if e.changed else [])
        for e in effective_definitions(resource)
    ]


__all__ = [
    "Cell",
    "EffectiveView",
    "FileLine",
    "FileRows",
    "Matrix",
    "Row",
    "differences",
    "last_tests",
    "matrix",
    "override_rows",
    "resource_environments",
]

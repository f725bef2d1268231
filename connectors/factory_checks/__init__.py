"""Validate all, offline: ADF's checks of a whole factory, each finding with a stable code,
a severity, the resource and the JSON path of the culprit.

:func:`validate` takes a :class:`~connectors.factory_snapshot.FactorySnapshot` and gives
its findings, worst first then in resource order; :data:`RULES` lists every rule by code.
Reports in text, JSON, JUnit XML and SARIF are in :mod:`connectors.factory_checks.reports`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from connectors.factory_checks import (
    arm_rules,
    expression_rules,
    limits,
    names,
    reference_rules,
    shape,
    synapse_rules,
)
from connectors.factory_checks.findings import RULES, Finding, Rule, Severity
from connectors.factory_snapshot import FactorySnapshot

CHECKS: tuple[Callable[[FactorySnapshot], Iterator[Finding]], ...] = (
    shape.check,
    reference_rules.check,
    names.check,
    expression_rules.check,
    limits.check,
    synapse_rules.check,
    arm_rules.check,
)

__all__ = ["RULES", "Finding", "Rule", "Severity", "has_errors", "validate"]


def validate(snapshot: FactorySnapshot) -> list[Finding]:
    found = [f for check in CHECKS for f in check(snapshot)]
    order = {(r.kind, r.name): i for i, r in enumerate(snapshot.resources)}
    return sorted(
        found,
        key=lambda f: (-f.severity.rank, order.get((f.kind, f.name), -1), f.path, f.code),
    )


def has_errors(findings: list[Finding], fail_on: Severity = Severity.ERROR) -> bool:
    return any(f.severity.rank >= fail_on.rank for f in findings)

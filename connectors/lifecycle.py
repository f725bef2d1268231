"""Where a connector version stands in Microsoft's connector lifecycle, and what that means
for one definition: the stage and its date, whether ADF's automatic upgrade takes it (and
if not, why), and what blocks upgrading it here.

A :class:`Lifecycle` is declared beside a connector version (``ConnectorVersion.lifecycle``);
:func:`standing` reads one linked service's properties against it. Plain data: the portal's
inventory page, API and ``manage.py lifecycle`` show it as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.base import Connector

STAGES = ("deprecated", "end of support", "removed")


@dataclass(frozen=True)
class Lifecycle:
    stage: str
    """One of :data:`STAGES`."""
    date: str
    """ISO date the stage takes effect (end of support: pipelines fail after it)."""
    source: str
    """Where the stage and date are given (the connector page)."""
    automatic_skips: Callable[[Mapping[str, Any]], list[str]] | None = None
    """(properties) -> why ADF's automatic upgrade does not take this definition (empty:
    it does); None: Microsoft names no automatic upgrade for this version."""


def standing(connector: Connector, version: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """One definition's place in the lifecycle (empty when its version has none)."""
    found = connector.versions.get(version)
    lifecycle = getattr(found, "lifecycle", None)
    if lifecycle is None:
        return {}
    skips = lifecycle.automatic_skips(properties) if lifecycle.automatic_skips else None
    path = connector.upgrade
    blockers: list[str] = []
    if path is not None and path.from_version == version:
        for rule in path.rules:
            if rule.applies(properties):
                blockers.extend(rule.blockers(properties))
    return {
        "connector": connector.type,
        "version": version,
        "stage": lifecycle.stage,
        "date": lifecycle.date,
        "source": lifecycle.source,
        "automatic": None if skips is None else not skips,
        "automatic_skips": skips or [],
        "upgrade_to": path.to_version if path is not None else None,
        "blocked_by": blockers,
    }


__all__ = ["STAGES", "Lifecycle", "standing"]

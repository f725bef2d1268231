"""The connector lifecycle inventory: every live linked service whose connector version is
deprecated, at end of support or removed, with its stage and date, whether ADF's automatic
upgrade takes it, what blocks upgrading it here, and where its wizard is. Read only; the
connector declares the lifecycle (:mod:`connectors.lifecycle`), the portal lists it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from connectors.kinds import LINKED_SERVICE
from connectors.lifecycle import standing
from connectors.registry import connectors
from portal.addresses import resource_url
from portal.models import Factory, Resource


@dataclass(frozen=True)
class Entry:
    service: Resource
    standing: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "factory": self.service.factory.name,
            "name": self.service.name,
            **self.standing,
            "wizard": resource_url(self.service, "upgrade")
            if self.standing["upgrade_to"]
            else None,
        }


def _retiring() -> list[tuple[str, str]]:
    return [
        (c.type, v.version)
        for c in connectors()
        for v in c.versions.values()
        if getattr(v, "lifecycle", None) is not None
    ]


def _listed(factories: list[Factory]) -> Any:
    found = Resource.objects.none()
    for connector_type, version in _retiring():
        found = found | Resource.objects.live().filter(
            factory__in=factories,
            kind=LINKED_SERVICE.name,
            connector=connector_type,
            connector_version=version,
        )
    return found


def inventory(factories: list[Factory]) -> list[Entry]:
    """The entries of ``factories``, per factory, connector, version and name."""
    found = _listed(factories)
    by_type = {c.type: c for c in connectors()}
    entries = [
        Entry(s, standing(by_type[s.connector], s.connector_version, s.properties))
        for s in found.select_related("factory")
    ]
    return sorted(
        entries,
        key=lambda e: (
            e.service.factory.name,
            e.service.connector,
            e.service.connector_version,
            e.service.name_key,
        ),
    )


def count(factory: Factory) -> int:
    """How many of ``factory``'s linked services the inventory lists."""
    return int(_listed([factory]).count())


def summary(entries: list[Entry]) -> list[tuple[str, str, str, str, int]]:
    """(connector, version, stage, date, how many) per connector version listed."""
    counted = Counter(
        (e.standing["connector"], e.standing["version"], e.standing["stage"], e.standing["date"])
        for e in entries
    )
    return [(*key, n) for key, n in sorted(counted.items())]


__all__ = ["Entry", "count", "inventory", "summary"]

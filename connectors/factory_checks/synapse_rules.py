"""Synapse: the Spark pool a notebook or Spark job definition runs on. When the repository
holds the workspace's pools, the pool must be one of them; otherwise the pool is kept
outside the repository, which is said (info), not refused."""

from __future__ import annotations

from collections.abc import Iterator

from connectors.factory_checks.findings import Finding, finding
from connectors.factory_snapshot import FactorySnapshot

POOL_PROPERTY = {"notebook": "bigDataPool", "sparkJobDefinition": "targetBigDataPool"}


def check(snapshot: FactorySnapshot) -> Iterator[Finding]:
    pools = {r.name.casefold() for r in snapshot.of_kind("bigDataPool")}
    for resource in snapshot.resources:
        key = POOL_PROPERTY.get(resource.kind)
        reference = resource.properties.get(key) if key else None
        if not isinstance(reference, dict) or not isinstance(reference.get("referenceName"), str):
            continue
        name = reference["referenceName"]
        where = f"$.properties.{key}.referenceName"
        if pools and name.casefold() not in pools:
            yield finding(
                "LW-SYN-001",
                f"The Spark pool '{name}' is not among the workspace's pools "
                f"({', '.join(sorted(p.name for p in snapshot.of_kind('bigDataPool')))}).",
                resource,
                where,
            )
        elif not pools:
            yield finding(
                "LW-SYN-002",
                f"The Spark pool '{name}' is not kept in the repository: it is taken to exist "
                "in the workspace.",
                resource,
                where,
            )

"""Which shape (connector version) an AzureSqlDW definition is written in.

ADF writes no version for either: a ``connectionString`` is the legacy shape; ``server``,
``database`` and ``authenticationType`` are the recommended one (the facts sheet's reading;
ADF's own marker is unconfirmed).
"""

from __future__ import annotations

from typing import Any

LEGACY = "legacy"
RECOMMENDED = "recommended"
RECOMMENDED_ONLY = ("server", "database", "authenticationType", "userName")


def shape_of(properties: dict[str, Any]) -> str:
    tp = properties.get("typeProperties") if isinstance(properties, dict) else None
    tp = tp if isinstance(tp, dict) else {}
    if "connectionString" in tp:
        return LEGACY
    if any(name in tp for name in RECOMMENDED_ONLY):
        return RECOMMENDED
    return LEGACY

"""Names by ADF's naming rules per kind (Microsoft's "Azure Data Factory - naming rules"),
and duplicate names within a kind, ignoring case."""

from __future__ import annotations

import re
from collections.abc import Iterator

from connectors.factory_checks.findings import Finding, finding
from connectors.factory_snapshot import FactorySnapshot

FORBIDDEN = set(".+?/<>*%&:\\")
"""Characters no linked service, dataset, pipeline or data flow name may hold."""
NO_DASH = ("linkedService", "dataset", "dataflow")
CHECKED = ("linkedService", "dataset", "pipeline", "dataflow", "trigger")
INTEGRATION_RUNTIME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*$")


def check(snapshot: FactorySnapshot) -> Iterator[Finding]:
    seen: dict[tuple[str, str], str] = {}
    for resource in snapshot.resources:
        name = resource.name
        key = (resource.kind, name.casefold())
        if key in seen:
            yield finding(
                "LW-NAME-004",
                f"'{name}' is also the name of {seen[key]} (ADF's names ignore case).",
                resource,
                "$.name",
            )
        else:
            seen[key] = resource.path or name
        if resource.kind in CHECKED:
            bad = sorted({c for c in name if c in FORBIDDEN})
            if bad:
                listed = " ".join(f"'{c}'" for c in bad)
                yield finding(
                    "LW-NAME-001",
                    f"'{name}' holds {listed}, which ADF does not allow in names.",
                    resource,
                    "$.name",
                )
            if not name[:1].isalpha():
                yield finding(
                    "LW-NAME-006",
                    f"'{name}' does not start with a letter, as ADF's naming rules ask.",
                    resource,
                    "$.name",
                )
        if resource.kind in NO_DASH and "-" in name:
            yield finding(
                "LW-NAME-002",
                f"'{name}' holds a dash: ADF allows none in the names of linked services, "
                "datasets and data flows.",
                resource,
                "$.name",
            )
        if resource.kind == "integrationRuntime" and not INTEGRATION_RUNTIME.match(name):
            yield finding(
                "LW-NAME-003",
                f"'{name}': an integration runtime's name has only letters, digits and "
                "single dashes, and starts and ends with a letter or digit.",
                resource,
                "$.name",
            )

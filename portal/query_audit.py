"""Every activity of a factory that a connector part authors (a Copy from Spark, a Lookup on
a Spark dataset), with its linked service and connector version, and "Check all": each
query checked on its server with the limits of connection tests. Shared by the bulk page,
the API and ``manage.py check_queries``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connectors import activity_parts
from connectors.base import ActivityPart
from connectors.kinds import KINDS
from connectors.pipeline_activities import Activity
from portal import query_checks
from portal.models import Factory, Resource
from portal.pipelines import LINKED_SERVICE, Datasets, activity_rows, linked_service_of
from portal.query_checks import QueryResult
from portal.services.actor import Actor
from portal.services.call_values import ValuesFor, no_values

PIPELINE = KINDS["pipeline"].name


@dataclass
class QueryRow:
    pipeline: Resource
    activity: Activity
    part: ActivityPart
    dataset: str
    linked_service: Resource | None
    query: Any
    """The query (text or expression), or None in Table mode."""
    result: QueryResult | None = None

    @property
    def mode(self) -> str:
        return activity_parts.QUERY_MODE if self.query not in (None, "") else "Table"

    def as_dict(self) -> dict[str, Any]:
        service = self.linked_service
        return {
            "pipeline": self.pipeline.name,
            "activity": self.activity.name,
            "activityType": self.activity.type,
            "path": self.activity.key,
            "dataset": self.dataset,
            "linkedService": service.name if service else None,
            "connectorVersion": service.connector_version if service else None,
            "useQuery": self.mode,
            "query": self.query,
            "check": self.result.as_dict() if self.result is not None else None,
        }


def bulk_rows(factory: Factory) -> list[QueryRow]:
    datasets = Datasets(factory)
    rows: list[QueryRow] = []
    pipelines = Resource.objects.live().filter(factory=factory, kind=PIPELINE).order_by("name_key")
    services: dict[str, Resource | None] = {}
    linked_services = {
        r.name_key: r for r in Resource.objects.live().filter(factory=factory, kind=LINKED_SERVICE)
    }
    for pipeline in pipelines:
        for row in activity_rows(pipeline, datasets):
            if row.part is None:
                continue
            values = activity_parts.values_of(row.part, row.activity.body)
            dataset = str(values.get("dataset") or "")
            if dataset.casefold() not in services:
                services[dataset.casefold()] = linked_service_of(
                    datasets.resource(dataset), linked_services
                )
            rows.append(
                QueryRow(
                    pipeline,
                    row.activity,
                    row.part,
                    dataset,
                    services[dataset.casefold()],
                    values.get("query") if values.get("useQuery") == "Query" else None,
                )  # fmt: skip
            )
    return rows


def check_rows(
    rows: list[QueryRow],
    *,
    actor: Actor,
    rate_limited: bool = True,
    parameters: Mapping[str, str] | None = None,
    values_for: ValuesFor = no_values,
) -> None:
    """Check each row's query with its pipeline parameters' defaults as test values, or
    the ``parameters`` given (name -> text, for every pipeline that reads it);
    ``values_for`` the linked services'. The result is set on the row."""
    datasets: dict[int, Datasets] = {}
    for row in rows:
        factory = row.pipeline.factory
        lookup = datasets.setdefault(factory.pk, Datasets(factory))
        row.result = query_checks.run_query(
            row.query,
            dataset_name=row.dataset,
            datasets=lookup,
            what="check",
            actor=actor,
            test_values=_test_values(row, parameters or {}),
            values_for=values_for,
            rate_limited=rate_limited,
            label=f"activity '{row.activity.name}' of pipeline '{row.pipeline.name}'",
        )


def _test_values(row: QueryRow, given: Mapping[str, str]) -> dict[tuple[str, str], Any]:
    declared = row.pipeline.properties.get("parameters")
    declared = declared if isinstance(declared, dict) else {}
    form = query_checks.default_test_values(row.query, declared)
    by_name = {name.casefold(): value for name, value in given.items()}
    for scope, name in query_checks.test_value_fields(row.query):
        if scope == "pipeline" and name.casefold() in by_name:
            form[query_checks.test_value_key(scope, name)] = by_name[name.casefold()]
    return query_checks.test_values_from(form, row.query, declared)

"""Datasets whose type a connector declares, on a live server: table list, Import schema,
Preview data. The page, the API and the CLI call these; the connector does the work.

Each call goes through the one live path (:mod:`portal.services.live`): the per-user rate,
the waiting places and pool, the address policy and deadline, redaction, and its record
and audit row (the table or query, never the rows). Callers check the POST and Editor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from connectors.base import ConnectorVersion, DatasetType, LiveCatalog, TestOptions
from connectors.kinds import LINKED_SERVICE
from connectors.registry import connector_of_dataset, dataset_type
from portal.models import Factory, Resource
from portal.services import live as live_path
from portal.services.actor import Actor
from portal.services.call_values import NO_VALUES, CallValues, for_call
from portal.services.live import LiveRefused, Operation, Target


@dataclass(frozen=True)
class LiveDataset:
    """A dataset (or a dataset type and linked service, for a form not yet saved)."""

    factory: Factory
    declared: DatasetType
    catalog: LiveCatalog
    linked_service: Resource
    version: ConnectorVersion
    resource: Resource | None = None
    values: CallValues = NO_VALUES
    """The values for the calls to the linked service's server (see
    :mod:`portal.services.call_values`)."""

    def with_values(self, values: CallValues) -> LiveDataset:
        return replace(self, values=values)

    @property
    def type_properties(self) -> dict[str, Any]:
        if self.resource is None:
            return {}
        tp = self.resource.properties.get("typeProperties")
        return tp if isinstance(tp, dict) else {}


def declared_type(resource: Resource) -> DatasetType | None:
    return dataset_type(resource.kind, resource.connector)


def for_dataset(resource: Resource) -> LiveDataset:
    declared = declared_type(resource)
    if declared is None:
        raise LiveRefused(
            f"Datasets of type {resource.connector or '(none)'} cannot be read from a server here.",
            404,
        )
    reference = resource.properties.get("linkedServiceName")
    name = reference.get("referenceName") if isinstance(reference, dict) else None
    if not isinstance(name, str) or not name:
        raise LiveRefused("The dataset names no linked service.")
    if name.startswith("@"):
        raise LiveRefused(
            "The dataset's linked service is an ADF expression, which only Data Factory can "
            "evaluate."
        )
    return for_linked_service(resource.factory, declared, name, resource=resource)


def for_linked_service(
    factory: Factory,
    declared: DatasetType,
    name: str,
    *,
    resource: Resource | None = None,
) -> LiveDataset:
    connector = connector_of_dataset(declared)
    if connector.live is None:
        raise LiveRefused(f"{connector.title} offers no catalog or preview.", 404)
    service = (
        Resource.objects.live()
        .filter(factory=factory, kind=LINKED_SERVICE.name, name_key=Resource.key_for(name))
        .first()
    )
    if service is None:
        raise LiveRefused(f"No linked service named '{name}' in factory {factory.name}.", 404)
    if service.connector != connector.type:
        raise LiveRefused(
            f"Linked service '{service.name}' is {service.connector or 'not a connector'}; "
            f"a {declared.type} dataset needs a {connector.title} linked service."
        )
    version = connector.version(service.connector_version)
    return LiveDataset(factory, declared, connector.live, service, version, resource)


def linked_services_for(factory: Factory, declared: DatasetType) -> list[Resource]:
    """The factory's linked services a dataset of this type may use (for the picker)."""
    return list(
        Resource.objects.live()
        .filter(factory=factory, kind=LINKED_SERVICE.name, connector=declared.linked_service_type)
        .order_by("name_key")
    )


def table_of(live: LiveDataset, type_properties: dict[str, Any] | None = None) -> Any:
    """The table the dataset (or these typeProperties) names; LiveRefused says why none."""
    try:
        return live.catalog.table_of(
            live.type_properties if type_properties is None else type_properties
        )
    except ValueError as exc:
        raise LiveRefused(str(exc)) from None


# -- the calls (each through the one live path) --------------------------------------
def schemas(live: LiveDataset, actor: Actor, *, rate_limited: bool = True) -> dict[str, Any]:
    return _run(
        live, actor, Operation.CATALOG, "schemas", live.catalog.schemas, rate_limited=rate_limited
    )


def tables(
    live: LiveDataset,
    actor: Actor,
    *,
    schema: str,
    search: str = "",
    offset: int = 0,
    limit: int = 50,
    rate_limited: bool = True,
) -> dict[str, Any]:
    return _run(
        live,
        actor,
        Operation.CATALOG,
        f"tables of schema {schema}" + (f" matching {search!r}" if search else ""),
        live.catalog.tables,
        schema=schema,
        search=search,
        offset=offset,
        limit=limit,
        rate_limited=rate_limited,
    )


def columns(
    live: LiveDataset, actor: Actor, table: Any = None, *, rate_limited: bool = True
) -> dict[str, Any]:
    table = table if table is not None else table_of(live)
    return _run(
        live,
        actor,
        Operation.CATALOG,
        f"columns of table {table.label}",
        live.catalog.columns,
        table=table,
        rate_limited=rate_limited,
    )


def preview(
    live: LiveDataset,
    actor: Actor,
    *,
    rows: int | None = None,
    query: str | None = None,
    rate_limited: bool = True,
    table: Any = None,
) -> dict[str, Any]:
    """Preview the dataset's table (or ``table``, or ``query``)."""
    wanted = live.catalog.default_rows if rows is None else rows
    if not 1 <= wanted <= live.catalog.max_rows:
        raise LiveRefused(f"rows is a whole number from 1 to {live.catalog.max_rows}.")
    if query:
        table = None
    elif table is None:
        table = table_of(live)
    what = "query " + " ".join(query.split())[:300] if query else f"table {table.label}"
    req = live.catalog.preview_request(table=table, query=query, rows=wanted)
    return _run(
        live,
        actor,
        Operation.PREVIEW,
        f"preview of {what} ({wanted} rows)",
        live.catalog.preview,
        req,
        rate_limited=rate_limited,
    )


def _run(
    live: LiveDataset,
    actor: Actor,
    operation: str,
    what: str,
    call: Any,
    *args: Any,
    rate_limited: bool = True,
    **kwargs: Any,
) -> dict[str, Any]:
    target = Target(
        live.factory,
        live.resource,
        live.linked_service.name,
        live.linked_service.connector,
        live.version.version,
        label="" if live.resource else f"(unsaved, {live.linked_service.name})",
    )
    prepared = for_call(actor, operation, target, live.linked_service, live.values)
    type_properties = prepared.type_properties

    def work(options: TestOptions) -> dict[str, Any]:
        return call(live.version, type_properties, options, *args, **kwargs)  # type: ignore[no-any-return]

    report = live_path.call(
        actor,
        operation,
        target,
        work,
        redaction=prepared.redaction,
        detail=f"{what} through linked service {live.linked_service.name} {live.version.version}",
        rate_limited=rate_limited,
    )
    report["linkedService"] = live.linked_service.name
    report["connectorVersion"] = live.version.version
    if prepared.used:
        report["values"] = prepared.used
    return report


# -- the upgrade's real type impact ---------------------------------------------------
@dataclass
class ColumnImpact:
    name: str
    server_type: str
    source_type: str
    before: str
    after: str

    @property
    def becomes_readable(self) -> bool:
        return self.before == NOT_SUPPORTED and self.after != NOT_SUPPORTED


@dataclass
class DatasetImpact:
    dataset: Resource
    source: str
    """``server`` (columns read live), ``imported schema`` or ``none``."""
    note: str = ""
    columns: list[ColumnImpact] | None = None

    @property
    def changed(self) -> list[ColumnImpact]:
        return [c for c in self.columns or [] if not c.becomes_readable]

    @property
    def readable(self) -> list[ColumnImpact]:
        return [c for c in self.columns or [] if c.becomes_readable]


NOT_SUPPORTED = "Not supported"


def datasets_using(service: Resource) -> list[Resource]:
    """Live datasets of the service's factory, of a declared type, that use it."""
    from portal.references import incoming

    found = {
        link.source.pk: link.source
        for link in incoming(service)
        if declared_type(link.source) is not None
    }
    return sorted(found.values(), key=lambda r: r.name_key)


def datasets_by_linked_service(
    factories: list[Factory],
) -> dict[tuple[int, str], list[Resource]]:
    """Every live dataset of a declared type in ``factories``, by its factory and the key
    of the linked service it names (one query, for overviews of many linked services)."""
    found: dict[tuple[int, str], list[Resource]] = {}
    for dataset in Resource.objects.live().filter(factory__in=factories, kind="dataset"):
        if declared_type(dataset) is None:
            continue
        reference = dataset.properties.get("linkedServiceName")
        name = reference.get("referenceName") if isinstance(reference, dict) else None
        if isinstance(name, str):
            found.setdefault((dataset.factory_id, Resource.key_for(name)), []).append(dataset)
    return found


def type_impact(
    service: Resource,
    from_version: str,
    to_version: str,
    *,
    actor: Actor | None = None,
    using: list[Resource] | None = None,
) -> list[DatasetImpact]:
    """For each dataset using ``service``: the columns whose interim type changes from
    ``from_version`` to ``to_version``, read from the server (or, when it cannot be reached
    or no ``actor`` asks for the server to be read, from the dataset's imported ``schema``,
    said so)."""
    impacts = []
    server_down = "" if actor is not None else "not read from the server here"
    for dataset in datasets_using(service) if using is None else using:
        declared = declared_type(dataset)
        assert declared is not None
        catalog = connector_of_dataset(declared).live
        if catalog is None:
            continue
        impact = DatasetImpact(dataset, "none")
        types: list[tuple[str, str]] | None = None
        if not server_down and actor is not None:
            try:
                report = columns(for_dataset(dataset), actor)
            except LiveRefused as exc:
                impact.note = exc.message
            else:
                if report.get("ok"):
                    got = report["result"]["columns"]
                    types = [(c["name"], c["server_type"]) for c in got]
                    impact.source = "server"
                else:
                    failed: dict[str, Any] = next(
                        (s for s in report.get("stages", []) if s["status"] == "failed"), {}
                    )
                    server_down = f"{failed.get('name', 'server')}: {failed.get('detail', '')}"
        if types is None:
            stored = dataset.properties.get("schema")
            if isinstance(stored, list) and stored:
                types = [
                    (str(e.get("name")), str(e.get("type", "")))
                    for e in stored
                    if isinstance(e, dict)
                ]
                impact.source = "imported schema"
            impact.note = impact.note or server_down
        if types is not None:
            impact.columns = []
            for name, server_type in types:
                before = catalog.type_of(server_type, from_version)
                after = catalog.type_of(server_type, to_version)
                if before["interim_type"] != after["interim_type"]:
                    impact.columns.append(
                        ColumnImpact(
                            name,
                            server_type,
                            str(after["source_type"]),
                            str(before["interim_type"]),
                            str(after["interim_type"]),
                        )
                    )
        impacts.append(impact)
    return impacts

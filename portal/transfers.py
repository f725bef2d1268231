"""Transfer plans between a connector's store and Spark (``Connector.transfer_plan``), from
the resources of one factory. No connector type is named here: the pool's connector says
whether it has a designer, the registry which dataset type reads a Spark side's columns live.

The Spark columns come, in this order, from what the user typed, from the live server (the
source dataset's linked service, or the Copy route's linked service for a table name), or
from the dataset's imported ``schema``; ``columns_origin`` in the plan says which, and why a
live read fell back. Servers are read only when an ``actor`` asks for it (a POST), through
the one live path (:mod:`portal.services.live`); without one the plan is made from what the
portal holds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from connectors.kinds import KINDS, LINKED_SERVICE
from connectors.registry import connectors, get_connector, has_form, live_dataset_type
from portal import datasets
from portal.models import ConnectionTest, Factory, Resource
from portal.services import live
from portal.services.actor import Actor
from portal.services.call_values import ValuesFor, ValuesRefused, for_call, no_values

LIVE = "live server"
IMPORTED = "imported schema"
TYPED = "typed"
NONE = "none"


class TransferUnavailable(LookupError):
    pass


def _find(factory: Factory, kind: str, name: str) -> Resource | None:
    return (
        Resource.objects.live()
        .filter(factory=factory, kind=kind, name_key=Resource.key_for(name))
        .first()
    )


def pool_service(factory: Factory, name: str) -> Resource:
    service = _find(factory, LINKED_SERVICE.name, name)
    if service is None or not has_form(service.kind, service.connector):
        raise TransferUnavailable(f"No linked service named {name!r}.")
    if get_connector(service.connector).transfer_plan is None:
        raise TransferUnavailable(
            f"{name} is a {get_connector(service.connector).title} linked service, which has "
            "no transfer designer."
        )
    return service


def plan(
    factory: Factory,
    *,
    pool: str,
    actor: Actor | None = None,
    values_for: ValuesFor = no_values,
    **arguments: Any,
) -> dict[str, Any]:
    """The connector's plan; secrets are never handed over (definitions are masked). With an
    ``actor``, the Spark columns and the pool's target table are read live, each linked
    service called with ``values_for`` it (see :mod:`portal.services.call_values`)."""
    service = pool_service(factory, pool)
    spark = arguments.get("spark_linked_service") or ""
    if spark and _find(factory, LINKED_SERVICE.name, spark) is None:
        raise TransferUnavailable(f"No linked service named {spark!r}.")

    def lookup(kind: str, name: str) -> dict[str, Any] | None:
        found = _find(factory, kind, name)
        return found.masked_properties if found is not None else None

    origin = spark_columns(
        factory,
        source=str(arguments.get("source") or ""),
        spark_linked_service=spark,
        typed=arguments.get("columns"),
        actor=actor,
        values_for=values_for,
    )
    if origin.origin == LIVE:
        arguments["columns"] = origin.columns
    designer = get_connector(service.connector).transfer_plan
    assert designer is not None
    result = designer(
        pool=service.name,
        pool_properties=service.masked_properties,
        lookup=lookup,
        staging_types={c.type: c.title for c in connectors() if c.staging_store},
        **_live(service, actor, values_for),
        **arguments,
    )
    if origin.origin == IMPORTED and not result.get("columns"):
        origin = ColumnOrigin(NONE, f"{origin.detail}; the dataset has no imported schema either")
    result["columns_origin"] = {"origin": origin.origin, "detail": origin.detail}
    return result


def live_services(
    factory: Factory, *, pool: str, source: str, spark_linked_service: str
) -> list[Resource]:
    """The linked services a plan that reads the servers may call: the pool, and on the
    Spark side the source dataset's linked service, or the Spark linked service a table
    name is read through (as :func:`spark_columns` decides)."""
    names = [pool]
    text = source.strip()
    dataset = _find(factory, KINDS["dataset"].name, text) if text else None
    if dataset is not None:
        reference = dataset.properties.get("linkedServiceName")
        names.append(reference.get("referenceName", "") if isinstance(reference, dict) else "")
    elif text and not text.lower().startswith(("select ", "with ")):
        names.append(spark_linked_service)
    found: dict[int, Resource] = {}
    for name in names:
        service = _find(factory, LINKED_SERVICE.name, name) if isinstance(name, str) else None
        if service is not None:
            found.setdefault(service.pk, service)
    return list(found.values())


@dataclass(frozen=True)
class ColumnOrigin:
    origin: str
    """``live server``, ``imported schema``, ``typed`` or ``none``."""
    detail: str
    columns: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def typed_columns(text: str) -> tuple[tuple[str, str], ...]:
    """Spark columns typed one per line as ``name type`` (or ``name: type``); a column
    without a type is a string."""
    out = []
    for line in text.splitlines():
        name, _, kind = line.strip().replace(":", " ", 1).partition(" ")
        if name:
            out.append((name, kind.strip() or "string"))
    return tuple(out)


NOT_READ = "not read from the server: press Read live"


def spark_columns(
    factory: Factory,
    *,
    source: str,
    spark_linked_service: str,
    typed: Any = None,
    actor: Actor | None = None,
    values_for: ValuesFor = no_values,
) -> ColumnOrigin:
    """Where the Spark columns of a transfer come from, and the columns when read live."""
    if typed:
        return ColumnOrigin(TYPED, "typed in the request")
    text = source.strip()
    if not text:
        return ColumnOrigin(NONE, "no Spark source named: type the columns")
    if text.lower().startswith(("select ", "with ")):
        return ColumnOrigin(NONE, "a query's columns are not read: type them")
    dataset = _find(factory, KINDS["dataset"].name, text)
    if dataset is not None:
        return _dataset_columns(dataset, actor, values_for)
    if not spark_linked_service:
        return ColumnOrigin(
            NONE, "a table name without a Spark linked service is not read: type the columns"
        )
    service = _find(factory, LINKED_SERVICE.name, spark_linked_service)
    declared = live_dataset_type(service.connector) if service is not None else None
    if service is None or declared is None:
        return ColumnOrigin(
            NONE, f"{spark_linked_service} offers no live catalog: type the columns"
        )
    if actor is None:
        return ColumnOrigin(NONE, f"{NOT_READ}, or type the columns")
    schema_field, table_field = declared.picker_fields
    schema, _, table = text.rpartition(".")
    try:
        found = datasets.for_linked_service(factory, declared, service.name)
        found = found.with_values(values_for(found.linked_service))
        ref = datasets.table_of(found, {schema_field: schema, table_field: table})
        report = datasets.columns(found, actor, ref)
    except datasets.LiveRefused as exc:
        return ColumnOrigin(NONE, f"the server could not be read ({exc}): type the columns")
    return _from_report(report, service.name, fallback=NONE, then="type the columns")


def _dataset_columns(dataset: Resource, actor: Actor | None, values_for: ValuesFor) -> ColumnOrigin:
    has_schema = bool(dataset.properties.get("schema"))
    fallback = IMPORTED if has_schema else NONE
    then = "using the dataset's imported schema" if has_schema else "type the columns"
    if datasets.declared_type(dataset) is None:
        return ColumnOrigin(fallback, f"{dataset.name} is not read live; {then}")
    if actor is None:
        return ColumnOrigin(fallback, f"{NOT_READ}; {then}")
    try:
        found = datasets.for_dataset(dataset)
        found = found.with_values(values_for(found.linked_service))
        report = datasets.columns(found, actor)
    except datasets.LiveRefused as exc:
        return ColumnOrigin(fallback, f"the server could not be read ({exc}); {then}")
    return _from_report(report, found.linked_service.name, fallback=fallback, then=then)


def _from_report(report: dict[str, Any], service: str, *, fallback: str, then: str) -> ColumnOrigin:
    result = report.get("result") if report.get("ok") else None
    found = (result or {}).get("columns") or []
    if not found:
        return ColumnOrigin(fallback, f"the server could not be read ({_why(report)}); {then}")
    columns = tuple((str(c["name"]), str(c["server_type"])) for c in found)
    table = (result or {}).get("table", "")
    return ColumnOrigin(LIVE, f"read from {service} just now ({table})", columns)


def _why(report: dict[str, Any]) -> str:
    if report.get("refused"):
        return str(report["refused"])
    for stage in report.get("stages", []):
        if stage.get("status") == "failed":
            return f"{stage.get('name')}: {stage.get('detail')}"
    return "no columns"


def _live(service: Resource, actor: Actor | None, values_for: ValuesFor) -> dict[str, Any]:
    """What a live check of the pool needs: only when an actor asks for live reads, and only
    while the saved definition's latest connection test passed (the same target, the same
    secrets). The check runs through the one live path, with the values for the pool."""
    if actor is None:
        return {}
    latest = (
        ConnectionTest.objects.filter(resource=service, unsaved=False)
        .order_by("-created_at")
        .first()
    )
    if latest is None or latest.status != ConnectionTest.Status.PASSED:
        return {}
    if latest.revision != service.revision:
        return {}
    target = live.Target(
        service.factory, service, service.name, service.connector, service.connector_version
    )
    operation = live.Operation.CATALOG
    try:
        prepared = for_call(actor, operation, target, service, values_for(service))
    except ValuesRefused as exc:
        # Nothing is sent: the check reads the masked settings and gets the refusal.
        refused = {"ok": False, "checked": f"not checked: {exc.message}"}
        masked = service.masked_properties.get("typeProperties") or {}
        return {"live_type_properties": masked, "run_live": lambda _work: refused}

    def run_live(work: live.Work) -> dict[str, Any]:
        try:
            return live.call(
                actor,
                operation,
                target,
                work,
                redaction=prepared.redaction,
                detail=f"transfer designer: does the target table exist, through {service.name}",
            )
        except live.LiveRefused as exc:
            return {"ok": False, "checked": f"not checked: {exc.message}"}

    return {"live_type_properties": prepared.type_properties, "run_live": run_live}

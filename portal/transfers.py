"""Transfer plans between a connector's store and Spark (``Connector.transfer_plan``), from
the resources of one factory. No connector type is named here: the pool's connector says
whether it has a designer."""

from __future__ import annotations

from typing import Any

from connectors.kinds import LINKED_SERVICE
from connectors.registry import get_connector, has_form
from portal.models import ConnectionTest, Factory, Resource, unseal


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


def plan(factory: Factory, *, pool: str, **arguments: Any) -> dict[str, Any]:
    """The connector's plan; secrets are never handed over (definitions are masked)."""
    service = pool_service(factory, pool)
    spark = arguments.get("spark_linked_service") or ""
    if spark and _find(factory, LINKED_SERVICE.name, spark) is None:
        raise TransferUnavailable(f"No linked service named {spark!r}.")

    def lookup(kind: str, name: str) -> dict[str, Any] | None:
        found = _find(factory, kind, name)
        return found.masked_properties if found is not None else None

    designer = get_connector(service.connector).transfer_plan
    assert designer is not None
    return designer(
        pool=service.name,
        pool_properties=service.masked_properties,
        lookup=lookup,
        **_live(service),
        **arguments,
    )


def _live(service: Resource) -> dict[str, Any]:
    """What a live check of the pool needs, only while the saved definition's latest
    connection test passed (the same target, the same secrets)."""
    latest = (
        ConnectionTest.objects.filter(resource=service, unsaved=False)
        .order_by("-created_at")
        .first()
    )
    if latest is None or latest.status != ConnectionTest.Status.PASSED:
        return {}
    if latest.revision != service.revision:
        return {}
    from portal.connection_tests import options

    clear = unseal(service.properties)
    return {"live_type_properties": clear.get("typeProperties", {}), "test_options": options()}

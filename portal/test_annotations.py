"""What a connection test's report says besides its stages: the values the test used
(parameters, evaluated fields, typed secrets as the mask) and where it ran from."""

from __future__ import annotations

from typing import Any

from connectors.kinds import KINDS
from connectors.test_values import route_note
from portal.models import Factory, Resource

INTEGRATION_RUNTIME = KINDS["integrationRuntime"]


def annotated(
    tester: Any,
    used: list[dict[str, Any]],
    properties: dict[str, Any],
    resource: Resource | None,
    factory: Factory | None,
) -> Any:
    """``tester`` whose report also holds ``values`` (what the test used) and ``notes``
    (where it ran from, when the definition connects via an integration runtime)."""
    return _with(tester, _annotations(used, properties, resource, factory))


def _annotations(
    used: list[dict[str, Any]],
    properties: dict[str, Any],
    resource: Resource | None,
    factory: Factory | None,
) -> dict[str, Any]:
    """What the report says besides the stages: the values the test used, where it ran."""
    extra: dict[str, Any] = {}
    if used:
        extra["values"] = used
    note = route_note(properties.get("connectVia"), _runtime_type(properties, resource, factory))
    if note:
        extra["notes"] = [note]
    return extra


def _runtime_type(
    properties: dict[str, Any], resource: Resource | None, factory: Factory | None
) -> str | None:
    """The type (SelfHosted, Managed) of the integration runtime the definition connects
    via, when the portal holds it in the linked service's factory."""
    via = properties.get("connectVia")
    name = via.get("referenceName") if isinstance(via, dict) else None
    if not isinstance(name, str) or not name:
        return None
    runtimes = Resource.objects.live().filter(
        kind=INTEGRATION_RUNTIME.name, name_key=Resource.key_for(name)
    )
    if resource is not None:
        runtimes = runtimes.filter(factory_id=resource.factory_id)
    elif factory is not None:
        runtimes = runtimes.filter(factory=factory)
    else:
        runtimes = runtimes.filter(factory__name=Factory.DEFAULT_NAME)
    runtime = runtimes.first()
    kind = runtime.properties.get("type") if runtime is not None else None
    if kind is None and name.lower() == "autoresolveintegrationruntime":
        return "Azure"
    return str(kind) if kind else None


def _with(tester: Any, extra: dict[str, Any]) -> Any:
    """``tester`` with ``extra`` added to its report."""
    if not extra:
        return tester

    def test(*args: Any) -> Any:
        report = tester(*args)
        return {**report, **extra} if isinstance(report, dict) else report

    return test

"""What every page of a resource starts with: the resource of the URL, in the factory the
access decorator found (``request.factory``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from connectors.base import Connector
from connectors.kinds import KINDS, ResourceKind
from connectors.registry import UnknownConnector, get_connector
from portal.models import Resource
from portal.numbers import whole_number


def kind_or_404(kind: str) -> ResourceKind:
    if kind not in KINDS:
        raise Http404(f"No resource kind '{kind}'.")
    return KINDS[kind]


def resource_of(request: HttpRequest, kind: str, name: str, *, deleted: bool = False) -> Resource:
    """The live (or, with ``deleted``, the deleted) ``kind`` named ``name`` in the URL's
    factory (404 when there is none)."""
    resource_kind = kind_or_404(kind)
    found = Resource.objects.deleted() if deleted else Resource.objects.live()
    resource = (
        found.filter(factory=request.factory, kind=kind, name_key=Resource.key_for(name))  # type: ignore[attr-defined]
        .select_related("factory", "updated_by")
        .first()
    )
    if resource is None:
        state = "deleted " if deleted else ""
        raise Http404(f"No {state}{resource_kind.title.lower()} named '{name}'.")
    return resource


def connector_or_404(connector_type: str) -> Connector:
    try:
        return get_connector(connector_type)
    except UnknownConnector as exc:
        raise Http404(str(exc)) from None


def based_on(data: Any) -> int | None:
    """The revision a form was based on (``based_on``), or None."""
    return whole_number(str(data.get("based_on", "") or ""))

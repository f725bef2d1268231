"""The one address of every resource and action: ``/factories/<f>/<kind>/<name>/<action>/``
(and the same under ``/api/v1/``), in every factory."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from portal.models import Resource


def resource_url(resource: Resource, action: str = "", *args: Any) -> str:
    """The page of ``resource`` (``action`` empty) or of one of its actions."""
    route = f"resource-{action}" if action else "resource-detail"
    return reverse(route, args=[resource.factory.name, resource.kind, resource.name, *args])


def deleted_url(resource: Resource, action: str) -> str:
    """An action on a deleted resource (``undelete``, ``purge``)."""
    return reverse(f"resource-{action}", args=[resource.factory.name, resource.kind, resource.name])


def api_resource_url(resource: Resource, action: str = "") -> str:
    """The API address of ``resource`` or of one of its actions."""
    url = reverse(
        "api-factory-resource", args=[resource.factory.name, resource.kind, resource.name]
    )
    return f"{url}/{action}" if action else url

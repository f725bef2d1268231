"""The portal's 403 and 404 pages: in the portal's layout, saying why, with a way on.

A 404 for a linked service that was deleted says so and points at the Deleted page (only
to a user with a role in its factory: to anyone else it is not theirs to know of).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from portal.models import Resource
from portal.roles import role_of

RESOURCE_ROUTES = ("linkedservice-", "resource-", "upgrade-wizard")


def _resource_of(request: HttpRequest) -> Resource | None:
    """The resource the URL names by its pk, if the user may know of it."""
    match = getattr(request, "resolver_match", None)
    if match is None or "pk" not in match.kwargs:
        return None
    if not (match.url_name or "").startswith(RESOURCE_ROUTES):
        return None
    resource = Resource.objects.filter(pk=match.kwargs["pk"]).select_related("factory").first()
    if resource is None or role_of(request.user, resource.factory) is None:
        return None
    return resource


def _onward(links: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"url": url, "label": label} for url, label in links]


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    resource = _resource_of(request)
    links = [(reverse("linkedservice-list"), "Linked services"), (reverse("home"), "Home")]
    if resource is not None and resource.purged_at is not None:
        title = "This linked service was deleted and purged"
        why = (
            f"'{resource.name}' was deleted, and an Admin purged it to free its name. "
            "Its revisions are still kept in the database, but it has no page any more."
        )
    elif resource is not None and resource.deleted_at is not None:
        title = "This linked service was deleted"
        why = (
            f"'{resource.name}' was deleted on {resource.deleted_at:%Y-%m-%d %H:%M}. "
            "See Deleted to restore it; its history is kept."
        )
        links = [
            (reverse("linkedservice-deleted"), "See Deleted"),
            (reverse("linkedservice-history", args=[resource.pk]), f"History of {resource.name}"),
            *links,
        ]
    else:
        title = "Page not found"
        why = "There is nothing at this address, or it is not in a factory you have a role in."
    context = {"title": title, "why": why, "links": _onward(links), "status": 404}
    return render(request, "errors/error.html", context, status=404)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    why = str(exception) if exception is not None and str(exception) else ""
    resource = _resource_of(request)
    links = []
    if resource is not None and resource.deleted_at is None:
        links.append((reverse("linkedservice-detail", args=[resource.pk]), f"View {resource.name}"))
    links += [(reverse("linkedservice-list"), "Linked services"), (reverse("home"), "Home")]
    context = {
        "title": "Not allowed",
        "why": why or "Your role does not allow this.",
        "links": _onward(links),
        "status": 403,
        "role": role_of(request.user, resource.factory if resource else None),
    }
    return render(request, "errors/error.html", context, status=403)

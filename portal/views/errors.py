"""The portal's 403 and 404 pages: in the portal's layout, saying why, with a way on.

A 404 for a resource that was deleted says so and points at its factory's Deleted page and
its history (only to a user with a role in its factory: to anyone else it is not theirs to
know of).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from connectors.kinds import KINDS
from portal.addresses import resource_url
from portal.models import Factory, Resource
from portal.roles import role_of


def _factory_of(request: HttpRequest) -> Factory | None:
    """The factory the URL names, if the user has a role in it."""
    match = getattr(request, "resolver_match", None)
    name = match.kwargs.get("factory") if match is not None else None
    factory = Factory.named(name) if isinstance(name, str) else None
    if factory is None or role_of(request.user, factory) is None:
        return None
    return factory


def _resource_of(request: HttpRequest, factory: Factory | None) -> Resource | None:
    """The resource the URL names in its factory (live or deleted), if the user may know
    of it."""
    match = getattr(request, "resolver_match", None)
    if factory is None or match is None:
        return None
    kind, name = match.kwargs.get("kind"), match.kwargs.get("name")
    if kind not in KINDS or not isinstance(name, str):
        return None
    return (
        Resource.objects.filter(factory=factory, kind=kind, name_key=Resource.key_for(name))
        .select_related("factory")
        .first()
    )


def _onward(links: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"url": url, "label": label} for url, label in links]


def _home_links(factory: Factory | None) -> list[tuple[str, str]]:
    links = [(reverse("resource-list", args=[factory.name]), factory.name)] if factory else []
    return [*links, (reverse("factory-list"), "Factories"), (reverse("home"), "Home")]


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    factory = _factory_of(request)
    resource = _resource_of(request, factory)
    links = _home_links(factory)
    kind = KINDS[resource.kind].title.lower() if resource is not None else ""
    if resource is not None and resource.purged_at is not None:
        title = f"This {kind} was deleted and purged"
        why = (
            f"'{resource.name}' was deleted, and an Admin purged it to free its name. "
            "Its revisions are still kept in the database, but it has no page any more."
        )
    elif resource is not None and resource.deleted_at is not None:
        title = f"This {kind} was deleted"
        why = (
            f"'{resource.name}' was deleted on {resource.deleted_at:%Y-%m-%d %H:%M}. "
            "See Deleted to restore it; its history is kept."
        )
        links = [
            (reverse("deleted-list", args=[resource.factory.name]), "See Deleted"),
            (resource_url(resource, "history"), f"History of {resource.name}"),
            *links,
        ]
    else:
        title = "Page not found"
        why = "There is nothing at this address, or it is not in a factory you have a role in."
    context = {"title": title, "why": why, "links": _onward(links), "status": 404}
    return render(request, "errors/error.html", context, status=404)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    why = str(exception) if exception is not None and str(exception) else ""
    factory = _factory_of(request)
    resource = _resource_of(request, factory)
    links = []
    if resource is not None and resource.deleted_at is None:
        links.append((resource_url(resource), f"View {resource.name}"))
    links += _home_links(factory)
    context = {
        "title": "Not allowed",
        "why": why or "Your role does not allow this.",
        "links": _onward(links),
        "status": 403,
        "role": role_of(request.user, factory),
    }
    return render(request, "errors/error.html", context, status=403)

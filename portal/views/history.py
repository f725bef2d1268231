"""A resource's history: its revisions, the changes between two, one revision's own page,
restore; the factory's deleted resources, undelete and purge."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from portal.addresses import resource_url
from portal.listing import DEFAULT_SORT, Listing, page_of, page_size
from portal.models import Resource, revision_changes
from portal.numbers import whole_number
from portal.services import resources
from portal.services.actor import Actor
from portal.services.resources import DefinitionInvalid, StaleRevision
from portal.views.access import admin_required, editor_required, reader_required
from portal.views.shortcuts import based_on, kind_or_404, resource_of


def _any_state(request: HttpRequest, kind: str, name: str) -> Resource:
    """The resource live or deleted (its history stays readable after a delete)."""
    kind_or_404(kind)
    resource = (
        Resource.objects.filter(
            factory=request.factory,  # type: ignore[attr-defined]
            kind=kind,
            name_key=Resource.key_for(name),
            purged_at__isnull=True,
        )
        .select_related("factory")
        .first()
    )
    if resource is None:
        return resource_of(request, kind, name)  # the 404 with its wording
    return resource


@reader_required
@require_safe
def history(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """One page of revisions, newest first, and the changes between two (by default the
    latest and the one before it), wherever they are in the history."""
    service = _any_state(request, kind, name)
    latest = service.revision
    new = whole_number(request.GET.get("new", "")) or latest
    old = whole_number(request.GET.get("old", ""))
    if old is None:
        old = max(new - 1, 1)
    pair = {r.number: r for r in service.revisions.filter(number__in=[old, new])}
    changes = None
    if new in pair and old in pair:
        changes = revision_changes(pair[old], pair[new])
    page = page_of(service.revisions.select_related("author"), request.GET)
    shown = {r.number for r in page.object_list}
    pages = Listing(
        page, DEFAULT_SORT, {"old": str(old), "new": str(new)}, [], page_size(request.GET)
    )
    context = {
        "service": service,
        "revisions": page.object_list,
        "listing": pages,
        "old": old,
        "new": new,
        "old_elsewhere": old not in shown,
        "new_elsewhere": new not in shown,
        "changes": changes,
    }
    if request.htmx and request.htmx.target == "diff":  # type: ignore[attr-defined]
        return render(request, "linkedservices/_diff.html", context)
    return render(request, "linkedservices/history.html", context)


@reader_required
@require_safe
def revision_detail(
    request: HttpRequest, factory: str, kind: str, name: str, number: int
) -> HttpResponse:
    """One revision's own page: its comment and the whole account of the change (an
    upgrade's plan), which the history's one-line comment links to."""
    service = _any_state(request, kind, name)
    revision = get_object_or_404(service.revisions.select_related("author"), number=number)
    return render(
        request, "linkedservices/revision.html", {"service": service, "revision": revision}
    )


@editor_required
def restore(request: HttpRequest, factory: str, kind: str, name: str, number: int) -> HttpResponse:
    service = resource_of(request, kind, name)
    if request.method != "POST":
        return redirect(resource_url(service, "history"))
    try:
        result = resources.restore(
            Actor.of(request), service, number, based_on=based_on(request.POST)
        )
    except StaleRevision as exc:
        messages.error(
            request,
            f"Not restored: '{service.name}' changed (now revision {exc.current.revision}) "
            "since you opened the history.",
        )
    except DefinitionInvalid as exc:
        messages.error(request, "Not restored: " + "; ".join(map(str, exc.problems)))
    else:
        messages.success(
            request, f"Revision {number} restored as revision {result.revision.number}."
        )
    return redirect(resource_url(service, "history"))


@reader_required
@require_safe
def deleted_list(request: HttpRequest, factory: str) -> HttpResponse:
    services = (
        Resource.objects.deleted()
        .filter(factory=request.factory)  # type: ignore[attr-defined]
        .select_related("updated_by", "factory")
    )
    return render(
        request,
        "linkedservices/deleted.html",
        {"services": services, "factory": request.factory},  # type: ignore[attr-defined]
    )


@editor_required
def undelete(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    service = resource_of(request, kind, name, deleted=True)
    if request.method == "POST":
        try:
            resources.undelete(Actor.of(request), service)
        except StaleRevision:
            messages.error(request, f"'{service.name}' changed meanwhile: see its state here.")
            return redirect("deleted-list", factory)
        messages.success(request, f"'{service.name}' restored with all its revisions.")
        return redirect(resource_url(service))
    return redirect("deleted-list", factory)


@admin_required
def purge(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    service = resource_of(request, kind, name, deleted=True)
    if request.method == "POST":
        resources.purge(Actor.of(request), service)
        messages.success(request, f"'{service.name}' purged: its name can be used again.")
        return redirect("deleted-list", factory)
    return render(request, "linkedservices/confirm_purge.html", {"service": service})

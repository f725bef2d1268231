"""History of a linked service: revisions, diff between two, restore; deleted ones."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from portal import audit
from portal.definitions import (
    DefinitionInvalid,
    StaleRevision,
    purge_definition,
    restore_revision,
    undelete_definition,
)
from portal.listing import DEFAULT_SORT, Listing, page_of, page_size
from portal.models import AuditEvent, Resource, revision_changes
from portal.numbers import whole_number
from portal.views.access import admin_required, editor_required, reader_required


@reader_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """One page of revisions, newest first, and the changes between two (by default the
    latest and the one before it), wherever they are in the history."""
    service = get_object_or_404(Resource.objects.filter(purged_at__isnull=True), pk=pk)
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
    if request.htmx and request.htmx.target == "diff":
        return render(request, "linkedservices/_diff.html", context)
    return render(request, "linkedservices/history.html", context)


@editor_required
def restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    service = get_object_or_404(Resource.objects.live(), pk=pk)
    if request.method != "POST":
        return redirect("linkedservice-history", pk=pk)
    based_on = request.POST.get("based_on", "")
    try:
        result = restore_revision(
            user=request.user,
            instance=service,
            number=number,
            based_on=whole_number(based_on),
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
        audit.record(
            AuditEvent.Action.RESTORE,
            request=request,
            resource=result.resource,
            detail=f"restored revision {number}",
        )
        messages.success(
            request, f"Revision {number} restored as revision {result.revision.number}."
        )
    return redirect("linkedservice-history", pk=pk)


@reader_required
def deleted_list(request: HttpRequest) -> HttpResponse:
    services = (
        Resource.objects.deleted()
        .filter(factory=request.factory)  # type: ignore[attr-defined]
        .select_related("updated_by")
    )
    return render(request, "linkedservices/deleted.html", {"services": services})


@editor_required
def undelete(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Resource.objects.deleted(), pk=pk)
    if request.method == "POST":
        try:
            undelete_definition(user=request.user, instance=service)
        except StaleRevision:
            messages.error(request, f"'{service.name}' changed meanwhile: see its state here.")
            return redirect("linkedservice-deleted")
        audit.record(AuditEvent.Action.UNDELETE, request=request, resource=service)
        messages.success(request, f"'{service.name}' restored with all its revisions.")
        return redirect("linkedservice-detail", pk=pk)
    return redirect("linkedservice-deleted")


@admin_required
def purge(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Resource.objects.deleted(), pk=pk)
    if request.method == "POST":
        purge_definition(instance=service)
        audit.record(AuditEvent.Action.PURGE, request=request, resource=service)
        messages.success(request, f"'{service.name}' purged: its name can be used again.")
        return redirect("linkedservice-deleted")
    return render(request, "linkedservices/confirm_purge.html", {"service": service})

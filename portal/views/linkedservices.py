"""List, detail, delete and export of linked services."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from connectors.adf_format import dump_linked_service, git_archive
from connectors.registry import connectors, get_connector
from portal import audit
from portal.definitions import StaleRevision, delete_definition
from portal.models import AuditEvent, LinkedService
from portal.numbers import whole_number
from portal.views.access import editor_required

log = logging.getLogger("portal.linkedservices")


def filtered(request: HttpRequest) -> QuerySet[LinkedService]:
    services = LinkedService.objects.live().select_related("updated_by")
    query = request.GET.get("q", "").strip()
    if query:
        services = services.filter(Q(name__icontains=query) | Q(description__icontains=query))
    if connector := request.GET.get("connector"):
        services = services.filter(connector=connector)
    if version := request.GET.get("version"):
        services = services.filter(connector_version=version)
    return services


def linkedservice_list(request: HttpRequest) -> HttpResponse:
    context = {
        "services": filtered(request),
        "connectors": connectors(),
        "versions": sorted({v for c in connectors() for v in c.versions}),
        "filters": request.GET,
    }
    if request.htmx and request.htmx.target == "ls-table":
        return render(request, "linkedservices/_table.html", context)
    return render(request, "linkedservices/list.html", context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(LinkedService.objects.live(), pk=pk)
    return render(
        request,
        "linkedservices/detail.html",
        {
            "service": service,
            "code": dump_linked_service(service.name, service.properties),
            "revisions": service.revisions.select_related("author")[:10],
            "latest": service.revisions.first(),
            "tests": service.tests.select_related("user")[:5],
            "testable": get_connector(service.connector).test_connection is not None,
        },
    )


@editor_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(LinkedService.objects.live(), pk=pk)
    if request.method == "POST":
        based_on = request.POST.get("based_on", "")
        try:
            delete_definition(
                user=request.user,
                instance=service,
                based_on=whole_number(based_on),
            )
        except StaleRevision as exc:
            messages.error(
                request,
                f"'{service.name}' changed (now revision {exc.current.revision}) since you "
                "opened this page: review it before deleting.",
            )
            return redirect("linkedservice-detail", pk=service.pk)
        audit.record(AuditEvent.Action.DELETE, request=request, linked_service=service)
        messages.success(
            request, f"Linked service '{service.name}' deleted; it can be restored from Deleted."
        )
        return redirect("linkedservice-list")
    return render(request, "linkedservices/confirm_delete.html", {"service": service})


def export_one(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(LinkedService.objects.live(), pk=pk)
    body = dump_linked_service(service.name, service.properties)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = _attachment(f"{service.name}.json")
    audit.record(AuditEvent.Action.EXPORT, request=request, linked_service=service)
    return response


def export_all(request: HttpRequest) -> HttpResponse:
    services = list(filtered(request))
    body = git_archive((s.name, s.properties) for s in services)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = _attachment(f"linkedServices-{stamp}.zip")
    audit.record(
        AuditEvent.Action.EXPORT,
        request=request,
        detail=f"zip of {len(services)} linked service(s)",
    )
    return response


def _attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"

"""List, detail, delete and export of linked services."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from connectors.base import Connector
from connectors.kinds import KINDS, LINKED_SERVICE
from connectors.registry import connectors, get_connector, has_form
from portal import audit
from portal.definitions import DefinitionInvalid, StaleRevision, delete_definition
from portal.imports import export_archive, export_file
from portal.listing import filter_resources, listing, sort_key, sort_resources
from portal.models import AuditEvent, Factory, Resource
from portal.numbers import whole_number
from portal.test_value_fields import test_value_fields
from portal.views.access import editor_required, reader_required
from portal.views.resources import resource_url

log = logging.getLogger("portal.linkedservices")


COLUMNS = [
    ("name", "Name"),
    ("connector", "Connector"),
    ("version", "Version"),
    ("description", "Description"),
    ("updated", "Last changed"),
    ("by", "By"),
]


def services_of(request: HttpRequest) -> QuerySet[Resource]:
    """The live linked services of the default factory (the list and the zip export)."""
    return Resource.objects.live().filter(factory=Factory.default(), kind=LINKED_SERVICE.name)


@reader_required
def linkedservice_list(request: HttpRequest) -> HttpResponse:
    found = listing(services_of(request).select_related("updated_by"), request.GET, COLUMNS)
    context = {
        "listing": found,
        "services": found.page.object_list,
        "connectors": connectors(),
        "versions": sorted({v for c in connectors() for v in c.versions}),
        "filters": request.GET,
    }
    if request.htmx and request.htmx.target == "ls-table":
        return render(request, "linkedservices/_table.html", context)
    return render(request, "linkedservices/list.html", context)


@reader_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Resource.objects.live(), pk=pk)
    if not has_form(service.kind, service.connector):
        return redirect(resource_url(service))
    return render(
        request,
        "linkedservices/detail.html",
        {
            "service": service,
            "code": export_file(service),
            "revisions": service.revisions.select_related("author")[:10],
            "latest": service.revisions.first(),
            "tests": service.tests.select_related("user")[:5],
            "testable": get_connector(service.connector).test_connection is not None,
            "untested_because": get_connector(service.connector).untested_because,
            "test_value_fields": test_value_fields(
                service.connector_definition, service.properties, stored_secrets=True
            ),
            "transfer_url": transfer_url(service),
            "transfer_label": transfer_label(get_connector(service.connector)),
        },
    )


def transfer_label(connector: Connector) -> str:
    if connector.transfer_plan is not None:
        return "SQL pool from Spark"
    return "Stage a Spark to SQL pool copy" if connector.staging_store else "Spark to SQL pool"


def transfer_url(service: Resource) -> str:
    """The transfer designer with this linked service filled in: as the pool when its
    connector has a designer, as the staging store of a Copy activity when its connector
    can be one, else as the Spark side of a Copy activity."""
    from django.urls import reverse

    from connectors.registry import connectors

    if not any(c.transfer_plan is not None for c in connectors()):
        return ""
    base = reverse("transfer-designer", args=[service.factory.name])
    from urllib.parse import urlencode

    connector = get_connector(service.connector)
    if connector.transfer_plan is not None:
        return f"{base}?{urlencode({'pool': service.name})}"
    side = "staging_linked_service" if connector.staging_store else "spark"
    return f"{base}?{urlencode({side: service.name, 'route': 'copy'})}"


@editor_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Resource.objects.live(), pk=pk)
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
        except DefinitionInvalid as exc:
            for problem in exc.problems:
                messages.error(request, problem.message)
            return redirect("linkedservice-detail", pk=service.pk)
        audit.record(AuditEvent.Action.DELETE, request=request, resource=service)
        messages.success(
            request,
            f"{KINDS[service.kind].title} '{service.name}' deleted; it can be restored from "
            "Deleted.",
        )
        return redirect("linkedservice-list")
    return render(request, "linkedservices/confirm_delete.html", {"service": service})


@reader_required
def export_one(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Resource.objects.live(), pk=pk)
    body = export_file(service)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = _attachment(f"{service.name}.json")
    audit.record(AuditEvent.Action.EXPORT, request=request, resource=service)
    return response


@reader_required
def export_all(request: HttpRequest) -> HttpResponse:
    services = list(
        sort_resources(filter_resources(services_of(request), request.GET), sort_key(request.GET))
    )
    body = export_archive(services)
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

"""A factory's resources of every kind: the factory's page (its resources, filtered as you
type), a resource's page (its JSON with references as links, and what its connector
offers: form, connection test and its history, clone, upgrade, the transfer designer),
delete and export.

One set of views for every kind; the connector registry says what else a resource has.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from connectors.base import Connector
from connectors.kinds import KINDS
from connectors.registry import connectors, get_connector, has_form
from portal.addresses import resource_url
from portal.downloads import attachment, repository_zip
from portal.environment_matrix import resource_environments
from portal.imports import export_file
from portal.lifecycle import count as lifecycle_count
from portal.listing import listing
from portal.models import Environment, Factory, Resource
from portal.references import incoming, outgoing
from portal.roles import Role, has_role
from portal.services import repository, resources
from portal.services.actor import Actor
from portal.services.resources import DefinitionInvalid, StaleRevision
from portal.test_value_fields import password_held, test_value_fields
from portal.views.access import editor_required, reader_required
from portal.views.json_editor import form_url
from portal.views.shortcuts import based_on, kind_or_404, resource_of

RESOURCE_COLUMNS = [
    ("name", "Name"),
    ("kind", "Kind"),
    ("connector", "Type"),
    ("version", "Version"),
    ("description", "Description"),
    ("updated", "Last changed"),
]
TABLE_TARGET = "resources-table"


@reader_required
@require_safe
def resource_list(request: HttpRequest, factory: str) -> HttpResponse:
    """The factory's page: its resources of every kind, filtered by kind, type, version,
    name or description and annotation (the filters apply as you type)."""
    home: Factory = request.factory  # type: ignore[attr-defined]
    found = listing(
        Resource.objects.live().filter(factory=home).select_related("updated_by"),
        request.GET,
        RESOURCE_COLUMNS,
    )
    context = {
        "factory": home,
        "rows": [(r, KINDS.get(r.kind)) for r in found.page.object_list],
        "listing": found,
        "kinds": KINDS.values(),
        "connectors": connectors(),
        "versions": sorted({v for c in connectors() for v in c.versions}),
        "filters": request.GET,
        "can_edit_here": has_role(request.user, Role.EDITOR, home),
        "lifecycle_count": lifecycle_count(home),
    }
    if request.htmx and request.htmx.target == TABLE_TARGET:  # type: ignore[attr-defined]
        return render(request, "resources/_table.html", context)
    return render(request, "resources/list.html", context)


def linked_json(resource: Resource) -> SafeString:
    """The exported JSON, escaped, with each reference's name a link to its target (or
    marked broken)."""
    text = str(escape(export_file(resource)))
    for link in outgoing(resource):
        needle = escape(json.dumps(link.reference.name, ensure_ascii=False))
        if link.target is None:
            anchor = f'<span class="broken" title="Not in this factory (broken)">{needle}</span>'
        else:
            anchor = f'<a href="{escape(resource_url(link.target))}">{needle}</a>'
        key = escape('"referenceName": ')
        text = text.replace(f"{key}{needle}", f"{key}{anchor}")
    return mark_safe(text)  # noqa: S308 - built from escaped text only


@reader_required
@require_safe
def resource_detail(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """A resource's page, whatever its kind and factory."""
    resource = resource_of(request, kind, name)
    home = resource.factory
    return render(
        request,
        "resources/detail.html",
        {
            "factory": home,
            "resource": resource,
            "kind": kind_or_404(kind),
            "code": linked_json(resource),
            "references": outgoing(resource),
            "referenced_by": incoming(resource),
            "edit_url": form_url(resource),
            "revisions": resource.revisions.select_related("author")[:10],
            "latest": resource.revisions.first(),
            "can_edit_here": has_role(request.user, Role.EDITOR, home),
            **_connector_features(resource),
            **_activities(resource),
            "environments_here": resource_environments(resource),
        },
    )


def _connector_features(resource: Resource) -> dict[str, Any]:
    """What the resource's connector offers on its page (nothing for a document)."""
    if not has_form(resource.kind, resource.connector):
        return {}
    connector = get_connector(resource.connector)
    testable = connector.test_connection is not None
    features: dict[str, Any] = {
        "has_connector": True,
        "testable": testable,
        "untested_because": connector.untested_because,
        "transfer_url": transfer_url(resource),
        "transfer_label": transfer_label(connector),
    }
    if testable:
        features["tests"] = resource.tests.select_related("user", "environment")[:5]
        features["environments"] = list(Environment.objects.filter(factory=resource.factory))
        features["test_value_fields"] = test_value_fields(
            resource.connector_definition, resource.properties, stored_secrets=True
        )
        features["password_held"] = password_held(
            resource.connector_definition, resource.properties
        )
    return features


def transfer_label(connector: Connector) -> str:
    if connector.transfer_plan is not None:
        return "SQL pool from Spark"
    return "Stage a Spark to SQL pool copy" if connector.staging_store else "Spark to SQL pool"


def transfer_url(service: Resource) -> str:
    """The transfer designer with this linked service filled in: as the pool when its
    connector has a designer, as the staging store of a Copy activity when its connector
    can be one, as the Spark side of a Copy activity when its connector reads a live
    catalog, else nothing."""
    if not any(c.transfer_plan is not None for c in connectors()):
        return ""
    base = reverse("transfer-designer", args=[service.factory.name])
    connector = get_connector(service.connector)
    if connector.transfer_plan is not None:
        return f"{base}?{urlencode({'pool': service.name})}"
    if connector.staging_store:
        return f"{base}?{urlencode({'staging_linked_service': service.name, 'route': 'copy'})}"
    if connector.live is None:
        return ""
    return f"{base}?{urlencode({'spark': service.name, 'route': 'copy'})}"


def _activities(resource: Resource) -> dict[str, Any]:
    """The activity list of a resource that holds activities (a pipeline); nothing else."""
    from portal.pipelines import Datasets, activity_rows, pipeline_problems

    if not isinstance(resource.properties.get("activities"), list):
        return {}
    datasets = Datasets(resource.factory)
    return {
        "has_activities": True,
        "activity_rows": activity_rows(resource, datasets),
        "pipeline_problems": pipeline_problems(resource, datasets),
    }


@editor_required
def delete(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """Delete (after a confirmation page): refused while others reference it; restorable."""
    resource = resource_of(request, kind, name)
    if request.method != "POST":
        return render(request, "resources/confirm_delete.html", {"resource": resource})
    try:
        resources.delete(Actor.of(request), resource, based_on=based_on(request.POST))
    except StaleRevision as exc:
        messages.error(
            request,
            f"'{resource.name}' changed (now revision {exc.current.revision}) since you "
            "opened this page: review it before deleting.",
        )
        return redirect(resource_url(resource))
    except DefinitionInvalid as exc:
        for problem in exc.problems:
            messages.error(request, problem.message)
        return redirect(resource_url(resource))
    messages.success(
        request,
        f"{KINDS[resource.kind].title} '{resource.name}' deleted; it can be restored from Deleted.",
    )
    return redirect("resource-list", resource.factory.name)


@reader_required
@require_safe
def export_one(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """The resource's file as a repository export writes it (its stored bytes when it was
    not edited since it was imported)."""
    resource = resource_of(request, kind, name)
    path, data = repository.export_resource(Actor.of(request), resource)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = attachment(path.rsplit("/", 1)[-1])
    return response


@reader_required
@require_safe
def export_factory(request: HttpRequest, factory: str) -> HttpResponse:
    """The factory as its git repository, zipped (every file kept as is included)."""
    home: Factory = request.factory  # type: ignore[attr-defined]
    return repository_zip(Actor.of(request), home)

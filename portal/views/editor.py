"""The "New linked service" flow: connector gallery, then the schema-driven form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from connectors.base import Connector
from connectors.formdata import form_from_properties, too_deep_fields
from connectors.registry import UnknownConnector, connectors, get_connector, has_form
from portal import audit
from portal.definitions import DefinitionInvalid, StaleRevision, save_definition
from portal.editor_form import build_editor_form
from portal.models import AuditEvent, Resource, Revision, revision_changes
from portal.numbers import whole_number
from portal.views.access import editor_required

FIELDS_TARGET = "form_fields"
CODE_TARGET = "code_view"


@editor_required
def gallery(request: HttpRequest, factory: str | None = None) -> HttpResponse:
    query = request.GET.get("q", "")
    found = [c for c in connectors() if c.matches(query)] if query else connectors()
    template = (
        "linkedservices/_gallery_cards.html"
        if request.htmx and request.htmx.target == "gallery"
        else "linkedservices/gallery.html"
    )
    home = request.factory if factory else None  # type: ignore[attr-defined]
    return render(request, template, {"connectors": found, "query": query, "factory": home})


def connector_or_404(connector_type: str) -> Connector:
    try:
        return get_connector(connector_type)
    except UnknownConnector as exc:
        raise Http404(str(exc)) from None


@editor_required
def create(request: HttpRequest, connector_type: str, factory: str | None = None) -> HttpResponse:
    """A new linked service, in the factory of the URL (or the default one)."""
    return _editor(request, connector_or_404(connector_type), None)


@editor_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    instance = get_object_or_404(Resource.objects.live(), pk=pk)
    if not has_form(instance.kind, instance.connector):
        return redirect("resource-edit-json", instance.factory.name, instance.kind, instance.name)
    return _editor(request, connector_or_404(instance.connector), instance)


def _initial_data(
    request: HttpRequest, connector: Connector, instance: Resource | None
) -> dict[str, str]:
    if instance is None:
        return {"version": request.GET.get("version", connector.default_version)}
    version = connector.version(instance.connector_version)
    data = form_from_properties(version, instance.properties)
    data.update(
        {"name": instance.name, "version": version.version, "based_on": str(instance.revision)}
    )
    return data


def _editor(request: HttpRequest, connector: Connector, instance: Resource | None) -> HttpResponse:
    if request.method == "POST":
        data: dict[str, str] = request.POST.dict()
    else:
        data = _initial_data(request, connector, instance)
    version_id = data.get("version") or connector.default_version
    if version_id not in connector.versions:
        version_id = connector.default_version
        data["version"] = version_id
    version = connector.version(version_id)
    stored = instance.properties if instance is not None else None
    problems: list[Any] = []
    conflict: Resource | None = None
    changes_since: list[Any] = []

    wants_save = request.method == "POST" and not request.htmx and "_refresh" not in data
    wants_save = wants_save and "_add_parameter" not in data
    if wants_save:
        problems = too_deep_fields(data)
    if wants_save and not problems:
        form = build_editor_form(connector, version, data, stored)
        try:
            result = save_definition(
                user=request.user,
                name=data.get("name", ""),
                properties=form.properties,
                action=Revision.Action.CREATE if instance is None else Revision.Action.EDIT,
                comment=data.get("comment", "").strip(),
                instance=instance,
                based_on=whole_number(data.get("based_on")),
                factory=getattr(request, "factory", None),
            )
        except DefinitionInvalid as exc:
            problems = exc.problems
        except StaleRevision as exc:
            conflict = exc.current
            based_on = whole_number(data.get("based_on"))
            if based_on:
                changes_since = revision_changes(
                    conflict.revision_at(based_on), conflict.revision_at(conflict.revision)
                )
        else:
            audit.record(
                AuditEvent.Action.CREATE if instance is None else AuditEvent.Action.EDIT,
                request=request,
                resource=result.resource,
                detail=data.get("comment", "").strip(),
            )
            verb = "created" if instance is None else "saved"
            messages.success(request, f"Linked service '{result.resource.name}' {verb}.")
            return redirect("linkedservice-detail", pk=result.resource.pk)

    form = build_editor_form(connector, version, data, stored, problems)
    context: dict[str, Any] = {
        "form": form,
        "connector": connector,
        "instance": instance,
        "conflict": conflict,
        "changes_since": changes_since,
        "action_url": request.path,
        "cancel_url": reverse("linkedservice-detail", args=[instance.pk])
        if instance
        else reverse("linkedservice-gallery"),
        "test_url": reverse("linkedservice-test-form", args=[instance.pk])
        if instance
        else reverse("linkedservice-test-new", args=[connector.type]),
        "testable": connector.test_connection is not None,
        "focus_errors": wants_save,
    }
    if request.htmx and request.htmx.target == CODE_TARGET:
        return render(request, "linkedservices/_code_view.html", context)
    if request.htmx and request.htmx.target == FIELDS_TARGET:
        return render(request, "linkedservices/_form_fields_response.html", context)
    status = 400 if problems or conflict else 200
    return render(request, "linkedservices/form.html", context, status=status)

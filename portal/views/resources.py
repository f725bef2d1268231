"""Factories and their resources of every kind: list, detail (formatted JSON with its
references as links), and editing as JSON with a diff before saving.

One set of views for every kind; the connector registry says which resources also have
a schema-driven form (:func:`connectors.registry.has_form`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from connectors import json_limits
from connectors.kinds import KINDS, ResourceKind
from connectors.problems import Problem
from connectors.registry import connectors, dataset_type, has_form
from portal import audit
from portal.definitions import (
    DefinitionInvalid,
    StaleRevision,
    check,
    resolve_secrets,
    save_definition,
)
from portal.imports import export_file
from portal.listing import listing
from portal.models import AuditEvent, Factory, Resource, Revision, properties_changes
from portal.numbers import whole_number
from portal.references import incoming, outgoing
from portal.roles import Role, has_role
from portal.views.access import editor_required, reader_required


def resource_url(resource: Resource) -> str:
    return reverse("resource-detail", args=[resource.factory.name, resource.kind, resource.name])


RESOURCE_COLUMNS = [
    ("name", "Name"),
    ("kind", "Kind"),
    ("connector", "Type"),
    ("revision", "Revision"),
    ("updated", "Last changed"),
]


@reader_required
def resource_list(request: HttpRequest, factory: str) -> HttpResponse:
    home: Factory = request.factory  # type: ignore[attr-defined]
    resources = Resource.objects.live().filter(factory=home).select_related("updated_by")
    found = listing(resources, request.GET, RESOURCE_COLUMNS)
    rows = [(r, KINDS.get(r.kind)) for r in found.page.object_list]
    return render(
        request,
        "resources/list.html",
        {
            "factory": home,
            "rows": rows,
            "listing": found,
            "kinds": KINDS.values(),
            "kind": request.GET.get("kind", ""),
            "q": request.GET.get("q", "").strip(),
            "annotation": request.GET.get("annotation", "").strip(),
            "dataset_types": [d for c in connectors() for d in c.datasets.values()],
        },
    )


def _resource(request: HttpRequest, kind: str, name: str) -> tuple[Resource, ResourceKind]:
    if kind not in KINDS:
        raise Http404(f"No resource kind '{kind}'.")
    resource = (
        Resource.objects.live()
        .filter(factory=request.factory, kind=kind, name_key=Resource.key_for(name))  # type: ignore[attr-defined]
        .select_related("factory", "updated_by")
        .first()
    )
    if resource is None:
        raise Http404(f"No {KINDS[kind].title.lower()} named '{name}'.")
    return resource, KINDS[kind]


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
def resource_detail(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    resource, resource_kind = _resource(request, kind, name)
    return render(
        request,
        "resources/detail.html",
        {
            "factory": resource.factory,
            "resource": resource,
            "kind": resource_kind,
            "code": linked_json(resource),
            "references": outgoing(resource),
            "referenced_by": incoming(resource),
            "has_form": has_form(resource.kind, resource.connector),
            "dataset_form": dataset_type(resource.kind, resource.connector) is not None,
            "revisions": resource.revisions.select_related("author")[:10],
            "can_edit_here": has_role(request.user, Role.EDITOR, resource.factory),
            **_activities(resource),
        },
    )


def at_lines(text: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """Each problem with the line of the JSON text it is about (None: the whole text)."""
    from connectors.json_lines import line_of

    found = []
    for p in problems:
        syntax = re.match(r"Not valid JSON at line (\d+),", p.message)
        line = int(syntax.group(1)) if syntax else line_of(text, p.path)
        found.append({"path": p.path, "message": p.message, "line": line})
    return found


def parse_document(text: str, kind: str) -> tuple[str | None, Any, list[Problem]]:
    """(name, properties, problems) of a resource's JSON text, as the JSON editor reads it."""
    holder = Resource(kind=kind)
    return _parse(text, holder)


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


def _parse(text: str, resource: Resource) -> tuple[str | None, Any, list[Problem]]:
    try:
        document = json_limits.loads(text)
    except json_limits.TooDeep as exc:
        return None, None, [Problem("$", str(exc))]
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return None, None, [Problem("$", f"Not valid JSON at {where}: {exc.msg}.")]
    from connectors.documents import envelope_problems

    problems = envelope_problems(KINDS[resource.kind], document)
    if problems:
        return None, None, problems
    return document["name"], document.get("properties", {}), []


@editor_required
def resource_edit_json(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """Edit a resource as JSON: check it, show what changes, then save it as a revision."""
    resource, resource_kind = _resource(request, kind, name)
    context: dict[str, Any] = {
        "factory": resource.factory,
        "resource": resource,
        "kind": resource_kind,
        "has_form": has_form(resource.kind, resource.connector),
        "text": export_file(resource),
        "based_on": resource.revision,
    }
    if request.method != "POST":
        return render(request, "resources/edit_json.html", context)
    text = request.POST.get("text", "")
    based_on = request.POST.get("based_on", "")
    context.update(text=text, based_on=based_on)
    new_name, properties, problems = _parse(text, resource)
    if not problems:
        resolved, problems = resolve_secrets(properties, resource.properties, trusted=False)
    if not problems and "save" not in request.POST:
        # The preview checks as the save will (schema included): errors show at their line.
        _, problems = check(new_name, resolved, resource, kind=resource.kind)
    if problems:
        context["problems"] = at_lines(text, problems)
        return render(request, "resources/edit_json.html", context, status=400)
    if "save" not in request.POST:
        context["changes"] = properties_changes(resource.properties, resolved)
        context["renamed"] = new_name != resource.name
        context["preview"] = True
        return render(request, "resources/edit_json.html", context)
    try:
        result = save_definition(
            user=request.user,
            name=new_name or "",
            properties=properties,
            action=Revision.Action.EDIT,
            instance=resource,
            based_on=whole_number(based_on),
            update_references=request.POST.get("update_references") == "on",
        )
    except DefinitionInvalid as exc:
        context["problems"] = at_lines(text, exc.problems)
        return render(request, "resources/edit_json.html", context, status=400)
    except StaleRevision as exc:
        context["problems"] = [
            Problem("$", f"'{exc.current.name}' is now at revision {exc.current.revision}: "
                    "someone saved in between. Reload it and re-apply your change.")
        ]  # fmt: skip
        return render(request, "resources/edit_json.html", context, status=409)
    audit.record(AuditEvent.Action.EDIT, request=request, resource=result.resource)
    messages.success(
        request, f"'{result.resource.name}' saved as revision {result.revision.number}."
    )
    return redirect(resource_url(result.resource))

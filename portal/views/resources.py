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
from portal.imports import document_text, export_file
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


_REFUSED_AT = re.compile(r"\bline (\d+), column \d+")
"""Where :func:`connectors.json_limits.loads` says it refused the text."""


def at_lines(text: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """Each problem with the line of the JSON text it is about (None: the whole text)."""
    from connectors.json_lines import line_of

    found = []
    for p in problems:
        refused = _REFUSED_AT.search(p.message) if p.path == "$" else None
        line = int(refused.group(1)) if refused else line_of(text, p.path)
        found.append({"path": p.path, "message": p.message, "line": line})
    return found


def parse_document(text: str, kind: str) -> tuple[str | None, Any, list[Problem]]:
    """(name, properties, problems) of a resource's JSON text, as the JSON editor reads it."""
    try:
        document = json_limits.loads(text)
    except json_limits.JsonRefused as exc:
        return None, None, [Problem("$", str(exc))]
    from connectors.documents import envelope_problems

    problems = envelope_problems(KINDS[kind], document)
    if problems:
        return None, None, problems
    return document["name"], document.get("properties", {}), []


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


def _form_url(resource: Resource) -> str | None:
    """The form this resource's JSON can be applied to (None: it has no form)."""
    if has_form(resource.kind, resource.connector):
        return reverse("linkedservice-edit", args=[resource.pk])
    if dataset_type(resource.kind, resource.connector) is not None:
        return reverse("dataset-form", args=[resource.factory.name, resource.name])
    return None


@editor_required
def resource_edit_json(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """Edit a resource as JSON: check it, show what changes, then save it as a revision."""
    resource, resource_kind = _resource(request, kind, name)
    context: dict[str, Any] = {
        "factory": resource.factory,
        "resource": resource,
        "kind": resource_kind,
        "title": f"Edit {resource.name}",
        "back_url": resource_url(resource),
        "action_url": "",
        "apply_url": _form_url(resource),
        "text": export_file(resource),
        "based_on": resource.revision,
    }
    if request.method != "POST":
        return render(request, "resources/edit_json.html", context)
    return json_editor_post(request, context, resource.factory, resource.kind, resource)


def new_json_context(
    factory: Factory, kind: str, type_name: str, form_url_name: str, text: str
) -> dict[str, Any]:
    """The JSON editor of a definition not saved yet: its text, checked and saved as a new
    resource of ``kind``, or applied to the new ``type_name`` form (``form_url_name``)."""
    if not (has_form(kind, type_name) or dataset_type(kind, type_name) is not None):
        raise Http404(f"No {kind} type '{type_name}' with a form.")
    form_url = reverse(form_url_name, args=[factory.name, type_name])
    return {
        "factory": factory,
        "resource": None,
        "kind": KINDS[kind],
        "title": f"New {KINDS[kind].title.lower()}",
        "back_url": form_url,
        "action_url": reverse(f"{form_url_name}-json", args=[factory.name, type_name]),
        "apply_url": form_url,
        "text": text,
        "based_on": "",
    }


def clone_json_context(source: Resource, text: str) -> dict[str, Any]:
    """The JSON editor of a clone of ``source``: saved as a new resource (an untouched
    secret carried over from the source while its target stays the same) or applied to the
    clone's form."""
    context = new_json_context(
        source.factory, source.kind, source.connector, "resource-create", text
    )
    form_url = reverse("linkedservice-clone", args=[source.pk])
    context.update(
        title=f"Clone of {source.name}",
        back_url=form_url,
        apply_url=form_url,
        action_url=reverse("linkedservice-clone-json", args=[source.pk]),
        clone_of=source,
    )
    return context


def new_json_page(
    request: HttpRequest, kind: str, type_name: str, form_url_name: str, text: str
) -> HttpResponse:
    """The JSON editor opened from a new form ("{ } Edit JSON"), on that form's values."""
    home: Factory = request.factory  # type: ignore[attr-defined]
    context = new_json_context(home, kind, type_name, form_url_name, text)
    return render(request, "resources/edit_json.html", context)


@editor_required
def new_json(
    request: HttpRequest, factory: str, type_name: str, kind: str, form: str
) -> HttpResponse:
    """ADF's { } editor for a definition not saved yet: check it, then create it through
    the one save service, or apply it to the new form (``form``: that form's URL name)."""
    home: Factory = request.factory  # type: ignore[attr-defined]
    skeleton = {"type": type_name, "typeProperties": {}}
    context = new_json_context(home, kind, type_name, form, document_text(kind, "", skeleton, home))
    if request.method != "POST":
        return render(request, "resources/edit_json.html", context)
    return json_editor_post(request, context, home, kind, None)


def json_editor_post(
    request: HttpRequest,
    context: dict[str, Any],
    factory: Factory,
    kind: str,
    resource: Resource | None,
    *,
    clone_of: Resource | None = None,
) -> HttpResponse:
    """The JSON editor's text: back to editing, its preview (checked as the save will check
    it, errors at their line), or its save (a new resource when ``resource`` is None; a
    clone of ``clone_of``, whose untouched secrets it carries, when that is given)."""
    page = "resources/edit_json.html"
    text = request.POST.get("text", "")
    based_on = request.POST.get("based_on", "")
    context.update(text=text, based_on=based_on)
    if "back" in request.POST:
        return render(request, page, context)
    source = resource if resource is not None else clone_of
    stored = source.properties if source is not None else None
    new_name, properties, problems = parse_document(text, kind)
    if not problems:
        resolved, problems = resolve_secrets(properties, stored, trusted=False)
    if not problems and "save" not in request.POST:
        # The preview checks as the save will (schema included): errors show at their line.
        _, problems = check(new_name, resolved, resource, factory=factory, kind=kind)
    if problems:
        context["problems"] = at_lines(text, problems)
        return render(request, page, context, status=400)
    if "save" not in request.POST:
        context["changes"] = properties_changes(stored or {}, resolved)
        context["renamed"] = resource is not None and new_name != resource.name
        context["preview"] = True
        return render(request, page, context)
    try:
        result = save_definition(
            user=request.user,
            name=new_name or "",
            properties=properties,
            action=Revision.Action.EDIT if resource is not None else Revision.Action.CREATE,
            instance=resource,
            based_on=whole_number(based_on) if resource is not None else None,
            update_references=request.POST.get("update_references") == "on",
            factory=factory,
            kind=kind,
            secrets_from=clone_of,
        )
    except DefinitionInvalid as exc:
        context["problems"] = at_lines(text, exc.problems)
        return render(request, page, context, status=400)
    except StaleRevision as exc:
        context["problems"] = [
            Problem("$", f"'{exc.current.name}' is now at revision {exc.current.revision}: "
                    "someone saved in between. Reload it and re-apply your change.")
        ]  # fmt: skip
        return render(request, page, context, status=409)
    created = resource is None
    action = AuditEvent.Action.CREATE if created else AuditEvent.Action.EDIT
    audit.record(action, request=request, resource=result.resource)
    verb = "created" if created else "saved as revision"
    number = "" if created else f" {result.revision.number}"
    messages.success(request, f"'{result.resource.name}' {verb}{number}.")
    return redirect(resource_url(result.resource))

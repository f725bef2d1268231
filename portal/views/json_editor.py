"""ADF's ``{ }`` editor: a resource edited as JSON (checked as the save will check it,
errors at their line, the changes shown before saving), a new definition's JSON, and a
clone's; each can also be applied to the resource's form."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from connectors import json_limits
from connectors.kinds import KINDS
from connectors.problems import Problem
from connectors.registry import dataset_type, has_form
from portal.addresses import resource_url
from portal.definitions import check, masks_held
from portal.imports import document_text, export_file
from portal.models import Factory, Resource, properties_changes
from portal.numbers import whole_number
from portal.secret_resolution import resolve_secrets
from portal.services import resources
from portal.services.actor import Actor
from portal.services.resources import DefinitionInvalid, StaleRevision
from portal.views.access import editor_required
from portal.views.shortcuts import kind_or_404, resource_of

PAGE = "resources/edit_json.html"


def form_url(resource: Resource) -> str | None:
    """The form this resource is edited with (None: it has none, only JSON)."""
    if has_form(resource.kind, resource.connector) or dataset_type(
        resource.kind, resource.connector
    ):
        return resource_url(resource, "edit")
    return None


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


@editor_required
def resource_edit_json(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """Edit a resource as JSON: check it, show what changes, then save it as a revision."""
    resource = resource_of(request, kind, name)
    context: dict[str, Any] = {
        "factory": resource.factory,
        "resource": resource,
        "kind": KINDS[kind],
        "title": f"Edit {resource.name}",
        "back_url": resource_url(resource),
        "action_url": "",
        "apply_url": form_url(resource),
        "text": export_file(resource),
        "based_on": resource.revision,
    }
    if request.method != "POST":
        return render(request, PAGE, context)
    return json_editor_post(request, context, resource.factory, resource.kind, resource)


def new_json_context(factory: Factory, kind: str, type_name: str, text: str) -> dict[str, Any]:
    """The JSON editor of a definition not saved yet: its text, checked and saved as a new
    resource of ``kind``, or applied to the new ``type_name`` form."""
    kind_or_404(kind)
    if not (has_form(kind, type_name) or dataset_type(kind, type_name) is not None):
        raise Http404(f"No {kind} type '{type_name}' with a form.")
    new_form = reverse("resource-new", args=[factory.name, kind, type_name])
    return {
        "factory": factory,
        "resource": None,
        "kind": KINDS[kind],
        "title": f"New {KINDS[kind].title.lower()}",
        "back_url": new_form,
        "action_url": reverse("resource-new-json", args=[factory.name, kind, type_name]),
        "apply_url": new_form,
        "text": text,
        "based_on": "",
    }


def clone_json_context(source: Resource, text: str) -> dict[str, Any]:
    """The JSON editor of a clone of ``source``: saved as a new resource (an untouched
    secret carried over from the source while its target stays the same) or applied to the
    clone's form."""
    context = new_json_context(source.factory, source.kind, source.connector, text)
    clone_form = resource_url(source, "clone")
    context.update(
        title=f"Clone of {source.name}",
        back_url=clone_form,
        apply_url=clone_form,
        action_url=resource_url(source, "clone-json"),
        clone_of=source,
    )
    return context


def new_json_page(request: HttpRequest, kind: str, type_name: str, text: str) -> HttpResponse:
    """The JSON editor opened from a new form ("{ } Edit JSON"), on that form's values."""
    home: Factory = request.factory  # type: ignore[attr-defined]
    return render(request, PAGE, new_json_context(home, kind, type_name, text))


@editor_required
def new_json(request: HttpRequest, factory: str, kind: str, type_name: str) -> HttpResponse:
    """ADF's { } editor for a definition not saved yet: check it, then create it through
    the one save service, or apply it to the new form."""
    home: Factory = request.factory  # type: ignore[attr-defined]
    skeleton = {"type": type_name, "typeProperties": {}}
    context = new_json_context(home, kind, type_name, document_text(kind, "", skeleton, home))
    if request.method != "POST":
        return render(request, PAGE, context)
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
    text = request.POST.get("text", "")
    based_on = request.POST.get("based_on", "")
    context.update(text=text, based_on=based_on)
    if "back" in request.POST:
        return render(request, PAGE, context)
    source = resource if resource is not None else clone_of
    stored = source.properties if source is not None else None
    new_name, properties, problems = parse_document(text, kind)
    if not problems:
        resolved, problems = resolve_secrets(
            properties, stored, trusted=False, masks_held=masks_held(kind, properties)
        )
    if not problems and "save" not in request.POST:
        # The preview checks as the save will (schema included): errors show at their line.
        _, problems = check(new_name, resolved, resource, factory=factory, kind=kind)
    if problems:
        context["problems"] = at_lines(text, problems)
        return render(request, PAGE, context, status=400)
    if "save" not in request.POST:
        context["changes"] = properties_changes(stored or {}, resolved)
        context["renamed"] = resource is not None and new_name != resource.name
        context["preview"] = True
        return render(request, PAGE, context)
    try:
        result = resources.save(
            Actor.of(request),
            name=new_name or "",
            properties=properties,
            instance=resource,
            based_on=whole_number(based_on) if resource is not None else None,
            update_references=request.POST.get("update_references") == "on",
            factory=factory,
            kind=kind,
            secrets_from=clone_of,
        )
    except DefinitionInvalid as exc:
        context["problems"] = at_lines(text, exc.problems)
        return render(request, PAGE, context, status=400)
    except StaleRevision as exc:
        context["problems"] = [
            Problem("$", f"'{exc.current.name}' is now at revision {exc.current.revision}: "
                    "someone saved in between. Reload it and re-apply your change.")
        ]  # fmt: skip
        return render(request, PAGE, context, status=409)
    created = resource is None
    verb = "created" if created else "saved as revision"
    number = "" if created else f" {result.revision.number}"
    messages.success(request, f"'{result.resource.name}' {verb}{number}.")
    return redirect(resource_url(result.resource))

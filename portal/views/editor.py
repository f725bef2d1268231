"""The "New" flow: the gallery (connectors for linked services, dataset types for datasets),
then the schema-driven form of the chosen type; editing and cloning with that form.

Which form a resource has is the registry's answer (:func:`connectors.registry.has_form`
for a connector's linked services, :func:`connectors.registry.dataset_type` for datasets);
nothing here names a connector or a kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from connectors.base import Connector
from connectors.formdata import PREFIX, form_from_properties, form_values, too_deep_fields
from connectors.formspec import field_specs
from connectors.kinds import LINKED_SERVICE
from connectors.problems import Problem
from connectors.registry import DATASET, connectors, dataset_type, has_form
from connectors.secrets import MASK, secure_strings
from portal.addresses import resource_url
from portal.editor_form import build_editor_form
from portal.imports import document_text
from portal.models import Factory, Resource, revision_changes
from portal.numbers import whole_number
from portal.services import resources
from portal.services.actor import Actor
from portal.services.resources import DefinitionInvalid, StaleRevision
from portal.views import datasets
from portal.views.access import editor_required
from portal.views.json_editor import (
    clone_json_context,
    json_editor_post,
    new_json_page,
    parse_document,
)
from portal.views.shortcuts import connector_or_404, kind_or_404, resource_of

FIELDS_TARGET = "form_fields"
CODE_TARGET = "code_view"
TEST_VALUES_TARGET = "test_values_block"


@editor_required
def gallery(request: HttpRequest, factory: str) -> HttpResponse:
    """The connectors whose linked services have a form, and the dataset types, searched
    as you type; each card opens the type's form in this factory."""
    query = request.GET.get("q", "")
    found = [c for c in connectors() if c.matches(query)] if query else connectors()
    dataset_types = [
        d for c in connectors() for d in c.datasets.values() if not query or _matches(d, query)
    ]
    template = (
        "linkedservices/_gallery_cards.html"
        if request.htmx and request.htmx.target == "gallery"
        else "linkedservices/gallery.html"
    )
    context = {
        "connectors": found,
        "dataset_types": dataset_types,
        "query": query,
        "factory": request.factory,  # type: ignore[attr-defined]
        "linked_service": LINKED_SERVICE.name,
        "dataset": DATASET.name,
    }
    return render(request, template, context)


def _matches(declared: Any, query: str) -> bool:
    text = f"{declared.type} {declared.title}".casefold()
    return all(word in text for word in query.casefold().split())


@editor_required
def new(request: HttpRequest, factory: str, kind: str, type_name: str) -> HttpResponse:
    """A new resource of ``kind`` and ``type_name`` with its form, in the factory of the URL."""
    kind_or_404(kind)
    if has_form(kind, type_name):
        return _editor(request, connector_or_404(type_name), None)
    if dataset_type(kind, type_name) is not None:
        return datasets.form_page(request, None, type_name)
    raise Http404(f"No {kind} type '{type_name}' with a form.")


@editor_required
def edit(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """The resource's form (its JSON editor when its type has no form)."""
    instance = resource_of(request, kind, name)
    if has_form(instance.kind, instance.connector):
        return _editor(request, connector_or_404(instance.connector), instance)
    if dataset_type(instance.kind, instance.connector) is not None:
        return datasets.form_page(request, instance, instance.connector)
    return redirect(resource_url(instance, "json"))


def _clone_source(request: HttpRequest, kind: str, name: str) -> Resource:
    source = resource_of(request, kind, name)
    if not has_form(source.kind, source.connector):
        raise Http404("Only a resource with a connector's form can be cloned here.")
    return source


@editor_required
def clone(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """A new linked service from a copy of this one: a new name, the same values, and its
    secrets carried over without being shown (while their target stays the same)."""
    source = _clone_source(request, kind, name)
    return _editor(request, connector_or_404(source.connector), None, clone_of=source)


@editor_required
def clone_json(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """ADF's { } editor for a clone: the copy's JSON (secrets masked: an untouched one is
    carried over from the source while its target stays the same), checked and saved as a
    new linked service, or applied to the clone's form."""
    source = _clone_source(request, kind, name)
    text = document_text(source.kind, clone_name(source), source.masked_properties, source.factory)
    context = clone_json_context(source, text)
    if request.method != "POST":
        return render(request, "resources/edit_json.html", context)
    return json_editor_post(request, context, source.factory, source.kind, None, clone_of=source)


def clone_name(source: Resource) -> str:
    """A free name for a copy: ``<name>_copy``, then ``_copy2``... (a taken name is refused
    by the save anyway; this only proposes)."""
    base = source.name[:250] + "_copy"
    taken = set(
        Resource.objects.filter(
            factory=source.factory, kind=source.kind, name_key__startswith=base.casefold()
        ).values_list("name_key", flat=True)
    )
    name, number = base, 1
    while name.casefold() in taken:
        number += 1
        name = f"{base}{number}"
    return name


def _initial_data(
    request: HttpRequest,
    connector: Connector,
    instance: Resource | None,
    clone_of: Resource | None = None,
) -> dict[str, str]:
    if clone_of is not None:
        version = connector.version(clone_of.connector_version)
        data = form_from_properties(version, clone_of.properties)
        data.update(
            {
                "name": clone_name(clone_of),
                "version": version.version,
                "comment": f"Cloned from {clone_of.name}",
            }
        )
        return data
    if instance is None:
        return {"version": request.GET.get("version", connector.default_version)}
    version = connector.version(instance.connector_version)
    data = form_from_properties(version, instance.properties)
    data.update(
        {"name": instance.name, "version": version.version, "based_on": str(instance.revision)}
    )
    return data


@dataclass
class Pasted:
    """What "Fill the form" did with a pasted connection URL."""

    filled: list[str]
    notes: list[str]
    error: str = ""


def _paste(connector: Connector, version: Any, data: dict[str, str]) -> Pasted:
    """Fill ``data`` from the pasted URL, through the connector's own parser."""
    text = data.pop("_paste_url", "").strip()
    if connector.parse_connection_url is None:
        return Pasted([], [], "This connector offers no connection URL to paste.")
    if not text:
        return Pasted([], [], "Paste a connection URL or JDBC string first.")
    try:
        found = connector.parse_connection_url(version, text)
    except ValueError as exc:
        return Pasted([], [], str(exc))
    values = form_values(version, found.values)
    data.update(values)
    labels = {PREFIX + s.name: s.label for s in field_specs(version)}
    return Pasted([labels[k] for k in values], found.notes)


def _from_json(
    request: HttpRequest,
    connector: Connector,
    instance: Resource | None,
    data: dict[str, str],
    clone_of: Resource | None = None,
) -> tuple[dict[str, str], list[Any]]:
    """The form's values from the JSON editor's text ("Apply to the form"); nothing is
    saved until the form is. Problems of the text come back with the stored values (a new
    form's defaults)."""
    text = data.get("text", "")
    name, properties, problems = parse_document(text, LINKED_SERVICE.name)
    based_on = data.get("based_on") or (str(instance.revision) if instance is not None else "")
    if not problems and properties.get("type") != connector.type:
        why = f"This form is for {connector.title} ({connector.type}): keep that type."
        problems = [Problem("$.properties.type", why)]
    version_id = connector.version_of(properties) if not problems else None
    if problems or version_id is None:
        if not problems:
            problems = [Problem("$.properties.version", connector.version_problem(properties))]
        kept = _initial_data(request, connector, instance, clone_of)
        return kept, problems
    version = connector.version(version_id)
    applied = form_from_properties(version, properties)
    applied.update({"name": str(name), "version": version_id, "based_on": based_on})
    if any(s.get("value") not in (None, MASK) for _, s in secure_strings(properties)):
        messages.warning(
            request,
            "A secret typed in the JSON is not carried into the form (a secret is never put "
            "in a page): type it in the form, or save from the JSON editor.",
        )
    messages.info(request, "Applied from the JSON editor: check the form, then save.")
    return applied, []


def _editor(
    request: HttpRequest,
    connector: Connector,
    instance: Resource | None,
    clone_of: Resource | None = None,
) -> HttpResponse:
    if request.method == "POST":
        data: dict[str, str] = request.POST.dict()
    else:
        data = _initial_data(request, connector, instance, clone_of)
    version_id = data.get("version") or connector.default_version
    if version_id not in connector.versions:
        version_id = connector.default_version
        data["version"] = version_id
    version = connector.version(version_id)
    source = instance if instance is not None else clone_of
    stored = source.properties if source is not None else None
    problems: list[Any] = []
    conflict: Resource | None = None
    changes_since: list[Any] = []

    if request.method == "POST" and "_to_json" in data and instance is None:
        # "{ } Edit JSON" on a new form or a clone: the JSON editor opens on the form's values.
        text = build_editor_form(connector, version, data, stored).code
        if clone_of is not None:
            return render(request, "resources/edit_json.html", clone_json_context(clone_of, text))
        return new_json_page(request, LINKED_SERVICE.name, connector.type, text)
    from_json: list[Any] = []
    applying = request.method == "POST" and "_from_json" in data
    if applying:
        data, from_json = _from_json(request, connector, instance, data, clone_of)
        version = connector.version(data["version"])
    pasted = _paste(connector, version, data) if "_paste" in data else None
    wants_save = request.method == "POST" and not request.htmx and "_refresh" not in data
    wants_save = wants_save and "_add_parameter" not in data and pasted is None
    wants_save = wants_save and not applying and "_to_json" not in data
    problems.extend(from_json)
    if wants_save:
        problems = too_deep_fields(data)
    if wants_save and not problems:
        form = build_editor_form(connector, version, data, stored)
        problems = form.unanswered
    if wants_save and not problems:
        try:
            result = resources.save(
                Actor.of(request),
                name=data.get("name", ""),
                properties=form.properties,
                comment=data.get("comment", "").strip(),
                audit_detail=data.get("comment", "").strip(),
                instance=instance,
                based_on=whole_number(data.get("based_on")),
                factory=request.factory,  # type: ignore[attr-defined]
                kind=LINKED_SERVICE.name,
                secrets_from=clone_of,
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
            verb = "created" if instance is None else "saved"
            messages.success(request, f"Linked service '{result.resource.name}' {verb}.")
            return redirect(resource_url(result.resource))

    form = build_editor_form(connector, version, data, stored, problems)
    home: Factory = request.factory  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "factory": home,
        "form": form,
        "connector": connector,
        "instance": instance,
        "conflict": conflict,
        "changes_since": changes_since,
        "action_url": request.path,
        "clone_of": clone_of,
        "pasted": pasted,
        "can_paste": connector.parse_connection_url is not None,
        "cancel_url": resource_url(source)
        if source
        else reverse("resource-gallery", args=[home.name]),
        # A clone is tested as an edit of its source: its carried secrets come from there.
        "test_url": resource_url(source, "test-form")
        if source
        else reverse("resource-new-test", args=[home.name, LINKED_SERVICE.name, connector.type]),
        "testable": connector.test_connection is not None,
        "untested_because": connector.untested_because,
        "focus_errors": wants_save,
    }
    if request.htmx and request.htmx.target == CODE_TARGET:
        return render(request, "linkedservices/_code_view.html", context)
    if request.htmx and request.htmx.target == FIELDS_TARGET:
        return render(request, "linkedservices/_form_fields_response.html", context)
    if request.htmx and request.htmx.target == TEST_VALUES_TARGET:
        return render(request, "linkedservices/_test_values_block.html", context)
    status = 400 if problems or conflict else 200
    return render(request, "linkedservices/form.html", context, status=status)

"""Datasets whose type a connector declares: the form generated from the type's JSON
Schema, and its live helpers (table picker, Import schema, Preview data) as htmx fragments.

Thin: the form comes from :mod:`portal.dataset_form`, the server calls from
:mod:`portal.datasets`, saving from :func:`portal.definitions.save_definition`.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from connectors.base import DatasetType
from connectors.registry import DATASET, connector_of_dataset, dataset_type
from portal import dataset_form, datasets
from portal.addresses import resource_url
from portal.call_value_panel import panel, values_from
from portal.imports import document_text
from portal.models import Factory, Resource, properties_changes
from portal.numbers import whole_number
from portal.roles import Role, has_role
from portal.services import resources
from portal.services.actor import Actor
from portal.services.resources import DefinitionInvalid, StaleRevision
from portal.views.access import live_route
from portal.views.json_editor import new_json_page, parse_document
from portal.views.shortcuts import resource_of


def _declared(type_name: str) -> DatasetType:
    declared = dataset_type(DATASET.name, type_name)
    if declared is None:
        raise Http404(f"No dataset type '{type_name}' with a form.")
    return declared


LIVE_HELPERS = ("tables", "columns", "preview")
ENTER_CALLS = "browse_tables"
"""The button Enter in a "Values for this call" field presses (never Save)."""


def _call_values(
    request: HttpRequest, factory: Factory, declared: DatasetType, name: str
) -> HttpResponse:
    """The "Values for this call" panel of the linked service chosen on the form (htmx)."""
    chosen = None
    if has_role(request.user, Role.EDITOR, factory):
        services = datasets.linked_services_for(factory, declared)
        chosen = next((s for s in services if s.name == name), None)
    shown = panel(request, chosen, enter_clicks=ENTER_CALLS)
    return render(request, "connection_tests/_call_values.html", {"panel": shown})


def form_page(request: HttpRequest, resource: Resource | None, type_name: str) -> HttpResponse:
    """The dataset form of ``type_name`` (the registry's dataset type): new, or ``resource``
    edited. Called by :mod:`portal.views.editor` once the access decorator ran."""
    factory: Factory = request.factory  # type: ignore[attr-defined]
    declared = _declared(type_name)
    if request.method == "GET" and request.GET.get("panel") == "call_values":
        return _call_values(request, factory, declared, request.GET.get("linkedService", ""))
    stored = resource.properties if resource is not None else None
    problems: list[Any] = []
    if request.method == "POST" and "_from_json" in request.POST:
        data, problems = _from_json(request, declared, resource)
    elif request.method == "POST":
        data = request.POST.dict()
        properties, problems = dataset_form.properties_from(declared, data, stored)
        if "_to_json" in data and resource is None and not problems:
            # "{ } Edit JSON" on a new form: the JSON editor opens on the form's values.
            name = data.get("name", "").strip()
            text = document_text(DATASET.name, name, properties, factory)
            return new_json_page(request, DATASET.name, declared.type, text)
        if "move_table_name" in data:
            properties, problems = _moved(factory, declared, properties, problems)
            data = dataset_form.initial(declared, data.get("name", ""), properties)
            data["based_on"] = request.POST.get("based_on", "")
        elif not problems:
            try:
                result = resources.save(
                    Actor.of(request),
                    name=data.get("name", "").strip(),
                    properties=properties,
                    instance=resource,
                    based_on=whole_number(data.get("based_on")) if resource else None,
                    factory=factory,
                    kind=DATASET.name,
                )
            except DefinitionInvalid as exc:
                problems = list(exc.problems)
            except StaleRevision:
                messages.error(request, "Someone saved this dataset meanwhile; reload it.")
            else:
                messages.success(request, f"Dataset '{result.resource.name}' saved.")
                return redirect(resource_url(result.resource))
    elif resource is not None:
        data = dataset_form.initial(declared, resource.name, resource.properties)
        data["based_on"] = str(resource.revision)
    else:
        data = {"linkedService": request.GET.get("linkedService", "")}
    services = datasets.linked_services_for(factory, declared)
    catalog = connector_of_dataset(declared).live
    where = (
        [factory.name, DATASET.name, resource.name]
        if resource is not None
        else [factory.name, DATASET.name, declared.type]
    )
    route = "resource-" if resource is not None else "resource-new-"
    live_urls = {what: reverse(route + what, args=where) for what in LIVE_HELPERS}
    # Each live helper is a call to the server: Editors only, like a test.
    live = catalog is not None and has_role(request.user, Role.EDITOR, factory)
    chosen = next((s for s in services if s.name == data.get("linkedService")), None)
    return render(
        request,
        "datasets/form.html",
        {
            "factory": factory,
            "declared": declared,
            "resource": resource,
            "data": data,
            "problems": problems,
            "fields": [
                (f, data.get(f.input_name, "")) for f in dataset_form.table_fields(declared)
            ],
            "services": services,
            "has_table_name": bool(data.get("tp-tableName")),
            "live": live,
            "call_values": panel(request, chosen, enter_clicks=ENTER_CALLS) if live else None,
            "form_url": request.path,
            "can_move_table_name": catalog is not None and catalog.move_legacy_table is not None,
            "live_urls": live_urls,
        },
        status=400 if problems else 200,
    )


def _from_json(
    request: HttpRequest, declared: DatasetType, resource: Resource | None
) -> tuple[dict[str, str], list[Any]]:
    """The form's values from the JSON editor's text ("Apply to the form"); nothing is
    saved until the form is. Problems of the text come back with the stored values."""
    from connectors.problems import Problem

    name, properties, problems = parse_document(request.POST.get("text", ""), DATASET.name)
    if not problems and (
        not isinstance(properties, dict) or properties.get("type") != declared.type
    ):
        why = f"This form is for {declared.title} ({declared.type}) datasets: keep that type."
        problems = [Problem("$.properties.type", why)]
    based_on = request.POST.get("based_on") or (str(resource.revision) if resource else "")
    if problems:
        kept = resource.properties if resource is not None else {}
        data = dataset_form.initial(declared, resource.name if resource else "", kept)
        return {**data, "based_on": based_on}, problems
    data = dataset_form.initial(declared, str(name), properties)
    stored = resource.properties if resource is not None else None
    shown, _ = dataset_form.properties_from(declared, data, stored)
    # What the form cannot hold (an empty list or object it adds is no difference).
    changes = properties_changes(properties, shown)
    left_out = [c.path for c in changes if not (c.kind == "added" and c.new in ([], {}))]
    if left_out:
        messages.warning(
            request,
            "Not in the form, so not applied: " + ", ".join(left_out) + ". Save from the JSON "
            "editor to keep them.",
        )
    messages.info(request, "Applied from the JSON editor: check the form, then save.")
    return {**data, "based_on": based_on}, []


def _moved(
    factory: Factory, declared: DatasetType, properties: dict[str, Any], problems: list[Any]
) -> tuple[dict[str, Any], list[Any]]:
    """``tableName`` moved to ``schema`` + ``table`` by the connector (not saved yet)."""
    from connectors.problems import Problem

    live = connector_of_dataset(declared).live
    tp = properties.get("typeProperties") or {}
    if live is None or live.move_legacy_table is None:
        return properties, problems
    try:
        moved = live.move_legacy_table(tp)
    except ValueError as exc:
        return properties, [*problems, Problem("$.properties.typeProperties.tableName", str(exc))]
    return {**properties, "typeProperties": moved}, problems


# -- live fragments (POST, Editor: each is a call to the linked service's server) -----
def _live(
    request: HttpRequest, kind: str, type_name: str | None, name: str | None
) -> tuple[datasets.LiveDataset, dict[str, Any]]:
    """The live dataset the form's values name (its linked service and table fields; for a
    saved dataset, what the form leaves out is the saved dataset's), and those
    typeProperties."""
    saved = resource_of(request, kind, name) if name is not None else None
    declared = _declared(saved.connector if saved is not None else str(type_name))
    saved_tp = (saved.properties.get("typeProperties") or {}) if saved is not None else {}
    reference = (saved.properties.get("linkedServiceName") or {}) if saved is not None else {}
    service = request.POST.get("linkedService", "").strip() or str(
        reference.get("referenceName", "") if isinstance(reference, dict) else ""
    )
    if not service:
        raise datasets.LiveRefused("Choose a linked service first.")
    typed = {
        f.name: request.POST.get(f.input_name, "").strip()
        for f in dataset_form.table_fields(declared)
        if f.input_name in request.POST
    }
    type_properties = {**saved_tp, **{k: v for k, v in typed.items() if v}} if typed else saved_tp
    found = datasets.for_linked_service(request.factory, declared, service, resource=saved)  # type: ignore[attr-defined]
    return found.with_values(values_from(request)(found.linked_service)), type_properties


def _fragment(
    request: HttpRequest, template: str, context: dict[str, Any], error: datasets.LiveRefused
) -> HttpResponse:
    context["error"] = error.message
    return render(request, template, context, status=error.status)


@live_route
def live_tables(
    request: HttpRequest,
    factory: str,
    kind: str,
    type_name: str | None = None,
    name: str | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {"what": "tables"}
    actor = Actor.of(request)
    try:
        live, type_properties = _live(request, kind, type_name, name)
        field = live.declared.picker_fields[0]
        schema = str(request.POST.get(f"tp-{field}", "") or type_properties.get(field, ""))
        schema = schema.strip() or "default"
        offset = whole_number(request.POST.get("offset", "0")) or 0
        search = request.POST.get("search", "")
        context["report"] = datasets.tables(
            live, actor, schema=schema, search=search, offset=offset, limit=50
        )
        if context["report"].get("ok") and not offset and not search:
            # The schema list only with the first unfiltered page (one more session).
            found = datasets.schemas(live, actor)
            context["schemas"] = found.get("result", {}).get("schemas", [])
        context["schema"] = schema
        context["next_offset"] = offset + 50
        context["previous_offset"] = max(0, offset - 50)
    except datasets.LiveRefused as exc:
        return _fragment(request, "datasets/_tables.html", context, exc)
    return render(request, "datasets/_tables.html", context)


@live_route
def live_columns(
    request: HttpRequest,
    factory: str,
    kind: str,
    type_name: str | None = None,
    name: str | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {"what": "columns"}
    try:
        live, type_properties = _live(request, kind, type_name, name)
        table = datasets.table_of(live, type_properties)
        context["report"] = datasets.columns(live, Actor.of(request), table)
    except datasets.LiveRefused as exc:
        return _fragment(request, "datasets/_columns.html", context, exc)
    if context["report"].get("ok"):
        context["schema_json"] = json.dumps(context["report"]["result"]["schema"])
    return render(request, "datasets/_columns.html", context)


@live_route
def live_preview(
    request: HttpRequest,
    factory: str,
    kind: str,
    type_name: str | None = None,
    name: str | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {"what": "preview"}
    try:
        live, type_properties = _live(request, kind, type_name, name)
        rows = whole_number(request.POST.get("rows", "")) or live.catalog.default_rows
        table = datasets.table_of(live, type_properties)
        context["report"] = datasets.preview(live, Actor.of(request), rows=rows, table=table)
    except datasets.LiveRefused as exc:
        return _fragment(request, "datasets/_preview.html", context, exc)
    return render(request, "datasets/_preview.html", context)

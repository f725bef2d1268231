"""A pipeline's activities: one activity's page (the connector part's editor, or its JSON
read-only), its query checked and previewed, saved with only that activity's bytes
changed; the factory's queries in bulk."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from connectors.formspec import defaults
from connectors.problems import Problem
from portal import query_checks
from portal.addresses import resource_url
from portal.call_value_panel import panel, values_from
from portal.editor_form import BoundField
from portal.models import Factory
from portal.numbers import whole_number
from portal.pipelines import (
    ActivityEdit,
    ActivityInvalid,
    ActivityNotEditable,
    build_edit,
    linked_service_of,
    load_activity,
)
from portal.query_audit import bulk_rows, check_rows
from portal.roles import Role, has_role
from portal.services import activities
from portal.services.actor import Actor
from portal.services.resources import DefinitionInvalid, StaleRevision
from portal.views.access import deny, reader_required
from portal.views.shortcuts import resource_of


def activity_url(factory: str, kind: str, name: str, key: str) -> str:
    return reverse("resource-activity", args=[factory, kind, name, key])


def _fields(edit: ActivityEdit) -> list[BoundField]:
    """The part's fields bound to the form; a field whose schema says ``x-choices:
    datasets`` lists the factory's datasets of the part's type."""
    from connectors.formspec import conditionally_required, field_specs

    fallback = defaults(edit.part)
    needed = conditionally_required(edit.part, edit.values)
    out = []
    for spec in field_specs(edit.part):
        schema = edit.part.schema["properties"].get(spec.name, {})
        if schema.get("x-choices") == "datasets":
            names = edit.datasets.names_of_type(edit.part.dataset_type)
            current = edit.data.get("tp-" + spec.name, "")
            if current and current not in names:
                names = [current, *names]
            spec = dataclasses.replace(spec, widget="choice", choices=tuple(names))
        out.append(
            BoundField(
                spec=spec,
                key="tp-" + spec.name,
                value=edit.data.get("tp-" + spec.name, ""),
                visible=spec.visible(edit.values, fallback),
                required=spec.required or spec.name in needed,
                errors=edit.field_errors(spec.name),
                data=edit.data,
            )
        )
    return out


def _context(request: HttpRequest, edit: ActivityEdit, **extra: Any) -> dict[str, Any]:
    query = edit.values.get("query") if edit.values.get("useQuery") == "Query" else None
    test_fields = [
        {
            "scope": scope,
            "name": name,
            "key": query_checks.test_value_key(scope, name),
            "label": _reference_label(scope, name),
            "value": request.POST.get(query_checks.test_value_key(scope, name))
            if request.method == "POST"
            else query_checks.default_test_values(query, edit.parameters).get(
                query_checks.test_value_key(scope, name), ""
            ),
        }
        for scope, name in query_checks.test_value_fields(query)
    ]
    resource = edit.resource
    can_edit_here = has_role(request.user, Role.EDITOR, resource.factory)
    service = linked_service_of(edit.datasets.resource(str(edit.values.get("dataset", ""))))
    return {
        "factory": resource.factory,
        "resource": resource,
        "activity": edit.activity,
        "edit": edit,
        "fields": [f for f in _fields(edit) if f.visible],
        "test_fields": test_fields,
        "action_url": activity_url(
            resource.factory.name, resource.kind, resource.name, edit.activity.key
        ),
        "based_on": request.POST.get("based_on") or resource.revision,
        "can_edit_here": can_edit_here,
        # Check and Preview call the server: the values for that call (Editors only).
        "call_values": panel(request, service, enter_clicks="check_query")
        if can_edit_here
        else None,
        **extra,
    }


def _reference_label(scope: str, name: str) -> str:
    if scope == "pipeline":
        return f"pipeline().parameters.{name}"
    if scope == "variables":
        return f"variables('{name}')"
    return f"item().{name}" if name else "item()"


@reader_required
def activity(request: HttpRequest, factory: str, kind: str, name: str, key: str) -> HttpResponse:
    resource = resource_of(request, kind, name)
    try:
        found, _ = load_activity(resource, key)
    except LookupError as exc:
        raise Http404(str(exc)) from None
    try:
        edit = build_edit(resource, key, request.POST if request.method == "POST" else None)
    except ActivityNotEditable as exc:
        return render(
            request,
            "resources/activity_readonly.html",
            {"factory": resource.factory, "resource": resource, "activity": found, "why": exc},
        )
    if request.method != "POST":
        return render(request, "resources/activity.html", _context(request, edit))
    if not has_role(request.user, Role.EDITOR, resource.factory):
        deny(request, Role.EDITOR)  # checks and previews reach the server: editors only
    if request.htmx and "save" not in request.POST:  # type: ignore[attr-defined]
        return render(request, "resources/_activity_fields.html", _context(request, edit))
    action = next((a for a in ("save", "check", "preview") if a in request.POST), "refresh")
    if action in ("check", "preview"):
        return _run_query(request, edit, action)
    if action == "save":
        return _save(request, edit)
    return render(request, "resources/activity.html", _context(request, edit))


def _run_query(request: HttpRequest, edit: ActivityEdit, action: str) -> HttpResponse:
    query = edit.values.get("query")
    status = 200
    if edit.problems:
        result = query_checks.QueryResult(False, "Correct the fields marked first.")
        status = 400
    else:
        result = query_checks.run(
            edit,
            what=action,
            actor=Actor.of(request),
            test_values=query_checks.test_values_from(request.POST, query, edit.parameters),
            values_for=values_from(request),
        )
        if result.refused_status:
            status = result.refused_status
    return render(
        request,
        "resources/activity.html",
        _context(request, edit, result=result, action=action),
        status=status,
    )


def _save(request: HttpRequest, edit: ActivityEdit) -> HttpResponse:
    try:
        result = activities.save(
            Actor.of(request), edit, based_on=whole_number(request.POST.get("based_on", ""))
        )
    except ActivityInvalid:
        return render(request, "resources/activity.html", _context(request, edit), status=400)
    except DefinitionInvalid as exc:
        edit.problems.extend(exc.problems)
        return render(request, "resources/activity.html", _context(request, edit), status=400)
    except StaleRevision as exc:
        edit.problems.append(
            Problem("$", f"'{exc.current.name}' is now at revision {exc.current.revision}: "
                    "someone saved in between. Reload it and re-apply your change.")
        )  # fmt: skip
        return render(request, "resources/activity.html", _context(request, edit), status=409)
    messages.success(
        request,
        f"Activity '{edit.activity.name}' saved: '{result.resource.name}' revision "
        f"{result.revision.number}.",
    )
    return redirect(resource_url(result.resource))


@reader_required
def factory_queries(request: HttpRequest, factory: str) -> HttpResponse:
    """Every activity of the factory that reads through a connector part, and "Check all"."""
    home: Factory = request.factory  # type: ignore[attr-defined]
    rows = bulk_rows(home)
    checked = False
    if request.method == "POST":
        if not has_role(request.user, Role.EDITOR, home):
            deny(request, Role.EDITOR)
        if "check_all" in request.POST:
            check_rows(rows, actor=Actor.of(request))
            checked = True
    failing = [r for r in rows if r.result is not None and not r.result.ok]
    return render(
        request,
        "resources/queries.html",
        {
            "factory": home,
            "rows": rows,
            "checked": checked,
            "failing": failing,
            "can_edit_here": has_role(request.user, Role.EDITOR, home),
        },
    )

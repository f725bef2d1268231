"""The transfer designer page: Spark to a dedicated SQL pool (or back), both routes.

Thin: the pool's connector plans (``Connector.transfer_plan``); the Copy activity is saved
into a pipeline through the generic document save path."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from connectors.kinds import LINKED_SERVICE
from connectors.registry import connectors, get_connector, has_form
from portal.addresses import resource_url
from portal.call_value_panel import panel, values_from
from portal.models import Resource
from portal.roles import Role, has_role
from portal.services import transfers as transfer_actions
from portal.services.actor import Actor
from portal.services.call_values import no_values
from portal.services.resources import DefinitionInvalid
from portal.transfers import TransferUnavailable, live_services, plan, typed_columns
from portal.views.access import deny, editor_required, reader_required

TEXT = (
    "pool",
    "table",
    "direction",
    "route",
    "spark_pool",
    "spark",
    "source",
    "authentication",
    "user",
    "table_type",
    "data_source",
    "file_format",
    "temp_folder",
    "staging_linked_service",
    "staging_path",
    "copy_method",
    "table_option",
    "pre_copy_script",
    "spark_dataset",
    "pool_dataset",
    "pipeline",
    "columns",
)
OVERRIDES = (
    "authentication",
    "user",
    "table_type",
    "data_source",
    "file_format",
    "temp_folder",
    "staging_linked_service",
    "staging_path",
    "copy_method",
    "table_option",
    "pre_copy_script",
    "spark_dataset",
    "pool_dataset",
)
OUTPUT_TITLES = {
    "scala_synapsesql": "Scala (synapsesql)",
    "scala_sqlanalytics": "Scala (sqlanalytics, the seed's API)",
    "pyspark_synapsesql": "PySpark (synapsesql)",
    "pyspark_sqlanalytics": "PySpark (temp view + %%spark cell)",
    "prerequisites_tsql": "Prerequisite T-SQL",
    "storage_acl_plan": "Storage permissions (Option 2 ACLs, Option 1 role)",
}


def _choices(factory: Any) -> tuple[list[str], list[str], list[str]]:
    """The factory's linked services: pools (their connector has a designer), staging
    stores (their connector says a staged copy may use them), and the others."""
    pools, others, staging = [], [], []
    services = Resource.objects.live().filter(factory=factory, kind=LINKED_SERVICE.name)
    for service in services.order_by("name"):
        known = has_form(service.kind, service.connector)
        connector = get_connector(service.connector) if known else None
        if connector is not None and connector.transfer_plan is not None:
            pools.append(service.name)
        elif connector is not None and connector.staging_store:
            staging.append(service.name)
        else:
            others.append(service.name)
    return pools, others, staging


def _form(data: Any) -> dict[str, str]:
    form = {name: str(data.get(name, "")).strip() for name in TEXT}
    form["columns"] = str(data.get("columns", "")).strip()[:20000]
    form["direction"] = form["direction"] or "write"
    form["route"] = form["route"] or ("copy" if form["spark"] else "notebook")
    form["table_type"] = form["table_type"] or "INTERNAL"
    form["copy_method"] = form["copy_method"] or "copy"
    form["table_option"] = form["table_option"] or "none"
    return form


def _spark_service(form: dict[str, str]) -> str:
    """The Spark linked service of the chosen route (none on the notebook route)."""
    return "" if form["route"] == "notebook" else form["spark"]


def _panels(request: HttpRequest, form: dict[str, str]) -> list[Any]:
    """A "Values for this call" panel per linked service a plan reading the servers calls."""
    services = live_services(
        request.factory,  # type: ignore[attr-defined]
        pool=form["pool"],
        source=form["source"],
        spark_linked_service=_spark_service(form),
    )
    shown = (panel(request, service, enter_clicks="plan_live_button") for service in services)
    return [p for p in shown if p is not None]


def _plans(request: HttpRequest, form: dict[str, str], actor: Actor | None) -> dict[str, Any]:
    """The plan of the chosen route, and the Copy activity equivalent when it can be built
    (servers read only with an ``actor``: a POST)."""
    extra: dict[str, Any] = {name: form[name] for name in OVERRIDES if form[name]}
    if form["columns"]:
        # Typed columns stand in for a dataset's schema (or the live catalog's).
        extra["columns"] = typed_columns(form["columns"])
    base = {
        "pool": form["pool"],
        "table": form["table"],
        "direction": form["direction"],
        "source": form["source"],
        **extra,
    }
    notebook = form["route"] == "notebook"
    chosen = plan(
        request.factory,  # type: ignore[attr-defined]
        spark_pool=form["spark_pool"] if notebook else "",
        spark_linked_service=_spark_service(form),
        actor=actor,
        values_for=values_from(request) if actor is not None else no_values,
        **base,
    )
    equivalent = None
    if notebook and form["spark"]:
        equivalent = plan(request.factory, spark_linked_service=form["spark"], **base)  # type: ignore[attr-defined]
    return {"plan": chosen, "copy_plan": equivalent if notebook else chosen}


@reader_required
def designer(request: HttpRequest, factory: str) -> HttpResponse:
    """GET plans from what the portal holds; POST ("Read live", Editor) also reads the
    Spark columns and the pool's target table from the servers."""
    actor = None
    if request.method == "POST":
        if not has_role(request.user, Role.EDITOR, request.factory):  # type: ignore[attr-defined]
            deny(request, Role.EDITOR)
        actor = Actor.of(request)
    form = _form(request.POST if actor is not None else request.GET)
    can_read_live = has_role(request.user, Role.EDITOR, request.factory)  # type: ignore[attr-defined]
    if request.GET.get("panel") == "call_values":  # the panels of the services now named
        panels = _panels(request, form) if can_read_live else []
        return render(request, "transfers/_call_values.html", {"call_values": panels})
    pools, others, staging = _choices(request.factory)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "form": form,
        "pools": pools,
        "others": others,
        "staging": staging,
        "staging_titles": [c.title for c in connectors() if c.staging_store],
        "factory": factory,
        "can_read_live": can_read_live,
        "read_live": actor is not None,
        "call_values": _panels(request, form) if can_read_live else [],
    }
    if form["pool"] and form["table"]:
        try:
            context.update(_plans(request, form, actor))
        except TransferUnavailable as exc:
            context["unavailable"] = str(exc)
    result = context.get("plan")
    if result:
        context["outputs"] = [
            {"name": name, "title": OUTPUT_TITLES.get(name, name), "text": text}
            for name, text in result["outputs"].items()
        ]
        context["problem_fields"] = {p["field"] for p in result["problems"]}
    copy_plan = context.get("copy_plan")
    if copy_plan and copy_plan.get("copy_activity"):
        context["copy_json"] = json.dumps(copy_plan["copy_activity"], indent=2)
    return render(request, "transfers/designer.html", context)


@editor_required
def save_copy_activity(request: HttpRequest, factory: str) -> HttpResponse:
    """Adds the planned Copy activity to a pipeline (a new one when none has the name)."""
    form = _form(request.POST)
    back = reverse("transfer-designer", args=[factory]) + "?" + request.POST.urlencode()
    if request.method != "POST":
        return redirect(back)
    if not form["pipeline"]:
        messages.error(request, "Name the pipeline to save the Copy activity into.")
        return redirect(back)
    try:
        plans = _plans(request, form, Actor.of(request))
    except TransferUnavailable as exc:
        messages.error(request, str(exc))
        return redirect(back)
    copy_plan = plans["copy_plan"]
    if not copy_plan or not copy_plan.get("copy_activity") or copy_plan["blocked"]:
        problems = "; ".join(p["message"] for p in (copy_plan or {}).get("problems", []))
        messages.error(
            request,
            "The Copy activity has blocking problems and was not saved"
            + (f": {problems}" if problems else ": name a Spark linked service and staging."),
        )
        return redirect(back)
    try:
        saved = transfer_actions.save_copy_activity(
            Actor.of(request),
            request.factory,  # type: ignore[attr-defined]
            copy_plan,
            form["pipeline"],
        )
    except DefinitionInvalid as exc:
        for problem in exc.problems:
            messages.error(request, f"{problem.path}: {problem.message}")
        return redirect(back)
    also = (
        f" Datasets created: {', '.join(saved.datasets_created)}." if saved.datasets_created else ""
    )
    messages.success(
        request,
        f"Copy activity '{saved.activity}' saved into pipeline '{saved.pipeline.name}'.{also}",
    )
    return redirect(resource_url(saved.pipeline))

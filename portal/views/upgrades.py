"""The upgrade wizard (one linked service) and the upgrade overview (bulk).

Everything shown comes from the connector's upgrade rules: findings, decisions, data-type
changes. Steps: analyse, types, decide, preview, test, commit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from connectors.adf_format import dump_linked_service
from connectors.registry import get_connector, get_version
from connectors.upgrade import Decision, Plan
from portal.addresses import resource_url
from portal.crypto import decrypt, encrypt
from portal.datasets import datasets_by_linked_service, type_impact
from portal.models import ConnectionTest, Factory, Resource, properties_changes
from portal.numbers import whole_number
from portal.roles import Role, has_role, visible_factories
from portal.services import upgrades as upgrade_actions
from portal.services.actor import Actor
from portal.services.connection_tests import TestRefused, start
from portal.services.resources import DefinitionInvalid, StaleRevision
from portal.test_value_fields import (
    password_held,
    test_value_fields,
    typed_test_values,
)
from portal.upgrades import NotUpgradable, plan_for, upgradable, upgrade_path
from portal.views.access import deny, editor_required, reader_required
from portal.views.shortcuts import resource_of
from portal.views.testing import TEST_PASSWORD, result_context, uploaded_ca

STEPS = ("analyse", "types", "decide", "preview", "test", "commit")
STEP_TITLES = {
    "analyse": "Analyse",
    "types": "Data types",
    "decide": "Decide",
    "preview": "Preview",
    "test": "Test",
    "commit": "Commit",
}


def _secret_key(pk: int) -> str:
    return f"upgrade-secrets-{pk}"


def _answers(request: HttpRequest, service: Resource, base: Plan) -> dict[str, Any]:
    """Answers from the POST; typed secrets are kept encrypted in the session between steps."""
    stored: dict[str, str] = request.session.get(_secret_key(service.pk), {})
    answers: dict[str, Any] = {}
    for decision in base.decisions:
        key = f"d-{decision.id}"
        raw = request.POST.get(key)
        if decision.kind == "secret":
            if raw:
                stored[decision.id] = encrypt(raw)
            if decision.id in stored:
                answers[decision.id] = decrypt(stored[decision.id])
            continue
        if raw is None or raw == "":
            continue
        answers[decision.id] = _typed(decision, raw)
    request.session[_secret_key(service.pk)] = stored
    return answers


def _typed(decision: Decision, raw: str) -> Any:
    if decision.kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if decision.kind == "integer":
        try:
            return int(raw)
        except ValueError:
            return raw
    return raw


def _decision_rows(plan: Plan, answers: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for decision in plan.decisions:
        value = answers.get(decision.id, decision.proposed)
        rows.append(
            {
                "decision": decision,
                "name": f"d-{decision.id}",
                "value": "" if decision.kind == "secret" else _shown(value),
                "entered": decision.kind == "secret" and decision.id in answers,
                "pending": decision.id in plan.pending,
            }
        )
    return rows


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@editor_required
def wizard(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    service = resource_of(request, kind, name)
    if upgrade_path(service) is None:
        messages.info(request, f"'{service.name}' is already at the newest connector version.")
        return redirect(resource_url(service))
    base = plan_for(service)
    answers = _answers(request, service, base) if request.method == "POST" else {}
    plan = plan_for(service, answers) if answers else base
    step = request.POST.get("step", "analyse") if request.method == "POST" else "analyse"
    nav = request.POST.get("nav", "")
    test = None
    if step not in STEPS:
        step = "analyse"
    if nav == "back":
        step = STEPS[max(0, STEPS.index(step) - 1)]
    elif nav == "next":
        can_leave = step != "preview" or plan.ready
        step = STEPS[min(len(STEPS) - 1, STEPS.index(step) + 1)] if can_leave else step
    elif nav.startswith("goto-") and nav[5:] in STEPS:
        step = nav[5:]
    elif nav == "test" and plan.proposed is not None:
        path = upgrade_path(service)
        assert path is not None
        try:
            test = start(
                actor=Actor.of(request),
                version=get_version(service.connector, path.to_version),
                properties=plan.proposed,
                name=service.name,
                resource=service,
                factory=service.factory,
                trusted_references=True,
                ca_certificate=uploaded_ca(request),
                one_off_password=request.POST.get(TEST_PASSWORD) or None,
                test_values=typed_test_values(request.POST),
            )
        except TestRefused as exc:
            messages.error(request, str(exc))
        step = "test"
    elif nav == "commit":
        return _commit(request, service, answers)
    proposed_code = (
        dump_linked_service(service.name, plan.proposed) if plan.proposed is not None else ""
    )
    context = {
        "service": service,
        "plan": plan,
        "step": step,
        "steps": [(s, STEP_TITLES[s]) for s in STEPS],
        "step_index": STEPS.index(step),
        "decisions": _decision_rows(plan, answers),
        "current_code": dump_linked_service(service.name, service.properties),
        "proposed_code": proposed_code,
        "changes": properties_changes(service.properties, plan.proposed)
        if plan.proposed is not None
        else [],
        "test": test,
        "based_on": request.POST.get("based_on") or service.revision,
        "path": upgrade_path(service),
        "connector_title": get_connector(service.connector).title,
        "title": plan.title,
    }
    if step == "test":
        context.update(_test_step(request, service, plan, test))
    if step == "types":
        path = upgrade_path(service)
        assert path is not None
        # Only a POST reaches this step: the datasets' columns are read live.
        context["dataset_impact"] = type_impact(
            service, path.from_version, path.to_version, actor=Actor.of(request)
        )
    return render(request, "upgrades/wizard.html", context)


def _test_step(
    request: HttpRequest, service: Resource, plan: Plan, test: ConnectionTest | None
) -> dict[str, Any]:
    """The Test step's values panel (parameters, secrets, a one-off password) and, once a
    test started, its result fragment that asks again until the verdict is in."""
    path = upgrade_path(service)
    context: dict[str, Any] = {"test_value_fields": []}
    if path is not None and plan.proposed is not None:
        version = get_version(service.connector, path.to_version)
        context["test_value_fields"] = test_value_fields(
            version, plan.proposed, request.POST, stored_secrets=True
        )
        context["password_held"] = password_held(version, plan.proposed)
    if test is not None:
        context.update(result_context(request, test, first=True))
    return context


def _commit(request: HttpRequest, service: Resource, answers: dict[str, Any]) -> HttpResponse:
    try:
        result = upgrade_actions.apply(
            Actor.of(request),
            service,
            answers=answers,
            based_on=whole_number(request.POST.get("based_on", "")),
        )
    except StaleRevision as exc:
        messages.error(
            request,
            f"Not upgraded: '{service.name}' changed (now revision {exc.current.revision}) "
            "since the wizard started. Start again.",
        )
        return redirect(resource_url(service, "upgrade"))
    except (NotUpgradable, DefinitionInvalid) as exc:
        messages.error(request, f"Not upgraded: {exc}")
        return redirect(resource_url(service, "upgrade"))
    request.session.pop(_secret_key(service.pk), None)
    messages.success(
        request,
        f"'{service.name}' upgraded to version {result.resource.connector_version} "
        f"as revision {result.revision.number}.",
    )
    return redirect(resource_url(service))


@reader_required
def overview(request: HttpRequest, factory: str) -> HttpResponse:
    """This factory's definitions on a version past its end of support, a verdict each,
    and the bulk upgrade of the ready ones (Editors)."""
    home: Factory = request.factory  # type: ignore[attr-defined]
    services = list(upgradable(home))
    return _overview(request, [home], services)


def overview_all(request: HttpRequest) -> HttpResponse:
    """The same across every factory the user can see."""
    factories = list(visible_factories(request.user))
    services = list(upgradable(factories))
    return _overview(request, factories, services)


def _overview(
    request: HttpRequest, factories: list[Factory], services: list[Resource]
) -> HttpResponse:
    editable = {f.pk for f in factories if has_role(request.user, Role.EDITOR, f)}
    outcomes = None
    applied = False
    if request.method == "POST":
        if not editable:
            deny(request, Role.EDITOR)
        chosen = set(request.POST.getlist("ids"))
        selected = [
            s
            for s in services
            if s.factory_id in editable and (str(s.pk) in chosen or "all" in chosen)
        ]
        applied = request.POST.get("mode") == "apply"
        outcomes = upgrade_actions.bulk(Actor.of(request), selected, apply=applied)
    rows = []
    impact: dict[int, tuple[int, int]] = {}
    by_service = datasets_by_linked_service(factories)
    for home in factories:
        for service in (s for s in services if s.factory_id == home.pk):
            try:
                rows.append((service, plan_for(service)))
            except NotUpgradable:
                continue
            path = upgrade_path(service)
            if path is not None:
                found = type_impact(
                    service,
                    path.from_version,
                    path.to_version,
                    using=by_service.get((home.pk, service.name_key), []),
                )
                impact[service.pk] = (len(found), sum(len(d.columns or []) for d in found))
    context = {
        "rows": [(s, p, impact.get(s.pk, (0, 0)), s.factory_id in editable) for s, p in rows],
        "outcomes": outcomes,
        "applied": applied,
        "factories": factories,
        "one_factory": factories[0] if len(factories) == 1 else None,
        "can_edit_any": bool(editable),
    }
    return render(request, "upgrades/overview.html", context)

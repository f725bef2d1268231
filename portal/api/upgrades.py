"""Upgrades in the API: analyse and preview one, apply one, and many at once."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.json_limits import control_character_problem
from connectors.problems import Problem
from portal import upgrades
from portal.api import openapi
from portal.api.documents import Invalid, document
from portal.api.preconditions import expected_revision, with_etag
from portal.api.scope import ScopedView
from portal.models import Resource
from portal.services import upgrades as upgrade_actions
from portal.services.actor import Actor


def _upgrade_body(request: Request) -> dict[str, Any]:
    data = request.data if isinstance(request.data, dict) else {}
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise Invalid(
            [Problem("$.answers", "Send the answers as an object: {decision id: answer}.")]
        )
    return answers


class UpgradePlanView(ScopedView):
    """Analyse and preview: the plan for one linked service, given optional answers."""

    @extend_schema(
        summary="Analyse / preview the upgrade of a linked service (answers optional)",
        request={"application/json": openapi.UPGRADE_ANSWERS},
        responses={200: openapi.UPGRADE_PLAN},
        operation_id="planUpgrade",
    )
    def post(self, request: Request, name: str) -> Response:
        service = self.find(name)
        try:
            plan = upgrades.plan_for(service, _upgrade_body(request))
        except upgrades.NotUpgradable as exc:
            raise Invalid([Problem("$.properties.version", str(exc))]) from None
        return with_etag(Response(plan.as_dict()), service)

    # Reading the plan without answers is safe for Readers.
    @extend_schema(
        summary="Analyse the upgrade of a linked service",
        responses={200: openapi.UPGRADE_PLAN},
        operation_id="analyseUpgrade",
    )
    def get(self, request: Request, name: str) -> Response:
        service = self.find(name)
        try:
            plan = upgrades.plan_for(service)
        except upgrades.NotUpgradable as exc:
            raise Invalid([Problem("$.properties.version", str(exc))]) from None
        return with_etag(Response(plan.as_dict()), service)


class UpgradeApplyView(ScopedView):
    @extend_schema(
        summary="Apply the upgrade as a new revision (If-Match required)",
        request={"application/json": openapi.UPGRADE_ANSWERS},
        parameters=[openapi.IF_MATCH],
        responses={200: openapi.DOCUMENT, 400: openapi.ERRORS, 412: openapi.STALE, 428: None},
    )
    def post(self, request: Request, name: str) -> Response:
        service = self.find(name)
        based_on = expected_revision(request, service)
        try:
            result = upgrade_actions.apply(
                Actor.of(request), service, answers=_upgrade_body(request), based_on=based_on
            )
        except upgrades.NotUpgradable as exc:
            raise Invalid([Problem("$", str(exc))]) from None
        return with_etag(Response(document(result.resource)), result.resource)


class UpgradeBulkView(ScopedView):
    @extend_schema(
        summary="Upgrade many: a dry run by default; apply with dryRun false",
        request={"application/json": openapi.BULK_REQUEST},
        responses={200: openapi.BULK_REPORT},
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        names = data.get("names")
        dry_run = data.get("dryRun", True)
        if names is not None and (
            not isinstance(names, list) or not all(isinstance(n, str) for n in names)
        ):
            raise Invalid([Problem("$.names", "A list of linked-service names, or leave it out.")])
        if not isinstance(dry_run, bool):
            raise Invalid([Problem("$.dryRun", "true or false.")])
        for index, name in enumerate(names or []):
            if problem := control_character_problem(name):
                raise Invalid([Problem(f"$.names[{index}]", problem)])
        services = upgrades.upgradable(self.factory)
        if names is not None:
            keys = [Resource.key_for(n) for n in names]
            services = services.filter(name_key__in=keys)
        outcomes = upgrade_actions.bulk(Actor.of(request), list(services), apply=not dry_run)
        return Response({"applied": not dry_run, "results": [o.as_dict() for o in outcomes]})

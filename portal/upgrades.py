"""Upgrading stored definitions to a connector's next version, one at a time or in bulk.

The rules, findings and decisions come from the connector (``Connector.upgrade``); this
module only feeds them stored definitions and answers, and saves the result as a revision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from connectors.kinds import LINKED_SERVICE
from connectors.registry import get_connector, has_form
from connectors.secrets import SECURE_STRING
from connectors.upgrade import Plan, UpgradePath, plan_upgrade
from portal.definitions import (
    BatchNotWritten,
    DefinitionInvalid,
    NewRevision,
    SaveResult,
    StaleRevision,
    append_revisions,
    save_definition,
)
from portal.models import Factory, Resource, Revision


class NotUpgradable(Exception):
    pass


def upgrade_path(service: Resource) -> UpgradePath | None:
    """The connector's upgrade from the resource's version (None: a resource without a
    connector's form, or already on the newest version)."""
    if not has_form(service.kind, service.connector):
        return None
    path = getattr(get_connector(service.connector), "upgrade", None)
    if path is None or service.connector_version != path.from_version:
        return None
    return path


def target_version(service: Resource) -> str:
    """The version an upgrade of ``service`` goes to ("" when it has none)."""
    path = upgrade_path(service)
    return path.to_version if path is not None else ""


def upgradable(factories: Factory | list[Factory] | None = None) -> QuerySet[Resource]:
    """Live linked services of ``factories`` (one or several; default: the default factory)
    that have an upgrade to a newer connector version."""
    from connectors.registry import connectors

    if factories is None:
        factories = Factory.default()
    homes = factories if isinstance(factories, list) else [factories]
    sources = [(c.type, c.upgrade.from_version) for c in connectors() if c.upgrade is not None]
    services = Resource.objects.none()
    for connector_type, version in sources:
        services = services | Resource.objects.live().filter(
            factory__in=homes,
            kind=LINKED_SERVICE.name,
            connector=connector_type,
            connector_version=version,
        )
    return services.select_related("factory", "updated_by").order_by("factory__name", "name_key")


def clean_answers(plan: Plan, raw: dict[str, Any]) -> dict[str, Any]:
    """Answers as the rules take them; a secret may only be a typed value or a Key Vault
    reference (never a reference to a stored secret, which could be someone else's)."""
    answers: dict[str, Any] = {}
    for decision in plan.decisions:
        if decision.id not in raw:
            continue
        value = raw[decision.id]
        if decision.kind == "secret":
            if isinstance(value, dict) and value.get("type") == "AzureKeyVaultSecret":
                answers[decision.id] = value
            elif isinstance(value, dict) and isinstance(value.get("value"), str):
                answers[decision.id] = {"type": SECURE_STRING, "value": value["value"]}
            elif isinstance(value, str) and value:
                answers[decision.id] = {"type": SECURE_STRING, "value": value}
            continue
        answers[decision.id] = value
    return answers


def plan_for(service: Resource, raw_answers: dict[str, Any] | None = None) -> Plan:
    path = upgrade_path(service)
    if path is None:
        raise NotUpgradable(
            f"'{service.name}' has no upgrade from version {service.connector_version}."
        )
    connector = get_connector(service.connector)
    target = connector.version(path.to_version)
    properties = service.properties

    def run(answers: dict[str, Any]) -> Plan:
        return plan_upgrade(
            path.rules,
            properties,
            answers,
            target=target,
            secret_target=connector.secret_target,
            type_changes=path.type_changes,
            title=path.title,
        )

    first = run({})
    if not raw_answers:
        return first
    return run(clean_answers(first, raw_answers))


def apply_upgrade(
    *,
    user: Any,
    service: Resource,
    answers: dict[str, Any] | None = None,
    based_on: int | None = None,
    plan: Plan | None = None,
    also: Callable[[SaveResult], object] | None = None,
) -> SaveResult:
    """Save the upgraded definition as a new revision: a one-line comment, and the plan
    (what changed, one line per finding) as the revision's detail.

    ``plan``: the plan already made for ``service`` as stored (with these ``answers``);
    it is not made again, and its proposal, which the plan validated against the target
    version's schema, is not validated again."""
    plan = plan or plan_for(service, answers)
    if not plan.ready or plan.proposed is None:
        reasons = (
            list(plan.blocked)
            or [f"needs a decision: {d}" for d in plan.pending]
            or [str(p) for p in plan.problems]
        )
        raise NotUpgradable("; ".join(reasons) or "The upgrade is not ready.")
    return save_definition(
        user=user,
        name=service.name,
        properties=plan.proposed,
        action=Revision.Action.UPGRADE,
        comment=plan.short_summary(),
        detail=plan.summary(),
        instance=service,
        based_on=based_on,
        trusted_secret_references=True,
        schema_checked=True,
        also=also,
    )


@dataclass
class BulkOutcome:
    service: Resource
    plan: Plan | None = None
    upgraded: bool = False
    revision: int | None = None
    error: str = ""
    findings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "name": self.service.name,
            "verdict": plan.verdict if plan else "blocked",
            "upgraded": self.upgraded,
            "revision": self.revision,
            "error": self.error or None,
            "pending": list(plan.pending) if plan else [],
            "blocked": list(plan.blocked) if plan else [],
            "changes": [f.line() for f in plan.findings] if plan else [],
            "proposed": plan.as_dict()["proposed"] if plan else None,
        }


BULK_BATCH = 100
"""Ready definitions written per transaction by :func:`bulk_upgrade`."""


def bulk_upgrade(
    *,
    user: Any,
    services: list[Resource],
    apply: bool,
    also: Callable[[list[SaveResult]], object] | None = None,
) -> list[BulkOutcome]:
    """Dry run (``apply`` False) or apply the ready ones; one failure does not stop others.

    Each definition is planned once (the plan it was found ready by is the one applied)
    and its proposal validated once. The ready ones are written in batches of
    ``BULK_BATCH``, one transaction each; ``also`` is called in that transaction with
    the batch's results (their audit rows: each revision with its row, or neither). A
    definition that cannot be written (changed meanwhile, invalid) is left out of its
    batch alone; a batch the database refuses is written again one definition at a time.
    """
    outcomes = []
    ready: list[BulkOutcome] = []
    for service in services:
        outcome = BulkOutcome(service)
        outcomes.append(outcome)
        try:
            outcome.plan = plan_for(service)
        except NotUpgradable as exc:
            outcome.error = str(exc)
            continue
        if not outcome.plan.ready or outcome.plan.proposed is None:
            outcome.error = _why_not_ready(outcome.plan) or "The upgrade is not ready."
            continue
        ready.append(outcome)
    if apply:
        for start in range(0, len(ready), BULK_BATCH):
            _apply_batch(ready[start : start + BULK_BATCH], user=user, also=also)
    return outcomes


def _apply_batch(
    batch: list[BulkOutcome], *, user: Any, also: Callable[[list[SaveResult]], object] | None
) -> None:
    entries = [
        NewRevision(
            instance=outcome.service,
            properties=plan.proposed,
            based_on=outcome.service.revision,
            comment=plan.short_summary(),
            detail=plan.summary(),
        )
        for outcome in batch
        if (plan := outcome.plan) is not None and plan.proposed is not None  # ready ones only
    ]
    written: Sequence[SaveResult | Exception]
    try:
        written = append_revisions(
            entries,
            user=user,
            action=Revision.Action.UPGRADE,
            trusted_secret_references=True,
            schema_checked=True,
            also=also,
        )
    except BatchNotWritten:
        written = [
            _apply_alone(outcome, entry, user=user, also=also)
            for outcome, entry in zip(batch, entries, strict=True)
        ]
    for outcome, result in zip(batch, written, strict=True):
        if isinstance(result, SaveResult):
            outcome.upgraded, outcome.revision = True, result.revision.number
        else:
            outcome.error = str(result) or type(result).__name__


def _apply_alone(
    outcome: BulkOutcome,
    entry: NewRevision,
    *,
    user: Any,
    also: Callable[[list[SaveResult]], object] | None,
) -> SaveResult | NotUpgradable | StaleRevision | DefinitionInvalid:
    """One definition of a refused batch, written in a transaction of its own."""
    try:
        return apply_upgrade(
            user=user,
            service=outcome.service,
            based_on=entry.based_on,
            plan=outcome.plan,
            also=(lambda result: also([result])) if also is not None else None,
        )
    except (NotUpgradable, StaleRevision, DefinitionInvalid) as exc:
        return exc


def _why_not_ready(plan: Plan) -> str:
    if plan.blocked:
        return "blocked: " + "; ".join(plan.blocked)
    if plan.pending:
        labels = [plan.decision(d).label for d in plan.pending]
        return "needs decisions: " + "; ".join(labels)
    return "; ".join(str(p) for p in plan.problems)

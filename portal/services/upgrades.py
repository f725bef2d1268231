"""Upgrade actions: one linked service through the wizard or the API, or many at once. Each
upgrade's revision and its audit row are written in one transaction."""

from __future__ import annotations

from typing import Any

from portal import audit, upgrades
from portal.definitions import SaveResult
from portal.models import AuditEvent, Resource
from portal.services.actor import Actor
from portal.upgrades import BulkOutcome, NotUpgradable

__all__ = ["BulkOutcome", "NotUpgradable", "apply", "bulk"]


def _audited(actor: Actor, detail: str) -> Any:
    def write(result: SaveResult) -> None:
        audit.record(
            AuditEvent.Action.UPGRADE,
            actor=actor,
            resource=result.resource,
            revision=result.revision.number,
            detail=detail,
        )

    return write


def _where(actor: Actor) -> str:
    return {"api": "API", "cli": "command line"}.get(actor.origin, "wizard")


BULK = {"ui": "bulk", "api": "API bulk", "cli": "command line"}
"""The audit detail of a bulk upgrade, by where it was asked."""


def apply(
    actor: Actor,
    service: Resource,
    *,
    answers: dict[str, Any] | None = None,
    based_on: int | None = None,
) -> SaveResult:
    """The upgrade as a new revision (raises NotUpgradable, StaleRevision, DefinitionInvalid)."""
    return upgrades.apply_upgrade(
        user=actor.user,
        service=service,
        answers=answers,
        based_on=based_on,
        also=_audited(actor, f"{_where(actor)}: to version {upgrades.target_version(service)}"),
    )


def bulk(actor: Actor, services: list[Resource], *, apply: bool) -> list[BulkOutcome]:
    """A dry run, or every ready one applied (each audited with its revision, written in
    the transaction that writes the revisions of its batch)."""
    detail = BULK[actor.origin]

    def write(results: list[SaveResult]) -> None:
        audit.record_many(
            AuditEvent.Action.UPGRADE,
            actor=actor,
            done=[(result.resource, result.revision.number) for result in results],
            detail=detail,
        )

    return upgrades.bulk_upgrade(user=actor.user, services=services, apply=apply, also=write)

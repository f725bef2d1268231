"""Resource actions: create, edit (rename included), delete, undelete, purge, restore.

Each takes the :class:`~portal.services.actor.Actor` and writes the resource, its new
revision and its one audit row in one transaction (:mod:`portal.definitions` does the
checking and writing; nothing else calls it from a view, an API view or a command).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from connectors.json_spans import JsonText
from portal import audit
from portal.definitions import (
    DefinitionInvalid,
    SaveResult,
    StaleRevision,
    delete_definition,
    purge_definition,
    restore_revision,
    save_definition,
    save_value,
    undelete_definition,
)
from portal.models import AuditEvent, Factory, Resource, Revision
from portal.services.actor import Actor

__all__ = [
    "DefinitionInvalid",
    "SaveResult",
    "StaleRevision",
    "delete",
    "purge",
    "restore",
    "save",
    "save_part",
    "undelete",
]


def _audit_of(actor: Actor, action: str, detail: str) -> Any:
    def write(result: SaveResult) -> None:
        audit.record(
            action,
            actor=actor,
            resource=result.resource,
            revision=result.revision.number,
            detail=detail or _origin(actor),
        )

    return write


def _origin(actor: Actor) -> str:
    return {"api": "API", "cli": "command line"}.get(actor.origin, "")


def save(
    actor: Actor,
    *,
    name: str,
    properties: dict[str, Any],
    instance: Resource | None = None,
    factory: Factory | None = None,
    kind: str | None = None,
    based_on: int | None = None,
    comment: str = "",
    detail: str = "",
    audit_detail: str = "",
    revision_action: str | None = None,
    audit_action: str | None = None,
    **options: Any,
) -> SaveResult:
    """Create (``instance`` None, in ``factory`` as a ``kind``) or edit a resource.

    ``options`` are :func:`portal.definitions.save_definition`'s (``update_references``,
    ``secrets_from``, ``source_path``/``source_bytes``, ``trusted_secret_references``...).
    The audit row (create or edit, unless ``audit_action`` says otherwise) is written in the
    transaction that writes the revision."""
    created = instance is None
    if kind is not None:
        options["kind"] = kind
    action = revision_action or (Revision.Action.CREATE if created else Revision.Action.EDIT)
    audited = audit_action or (AuditEvent.Action.CREATE if created else AuditEvent.Action.EDIT)
    return save_definition(
        user=actor.user,
        name=name,
        properties=properties,
        action=action,
        comment=comment,
        detail=detail,
        instance=instance,
        based_on=based_on,
        factory=factory,
        also=_audit_of(actor, audited, audit_detail),
        **options,
    )


def save_part(
    actor: Actor,
    resource: Resource,
    *,
    stored: JsonText | None = None,
    at: tuple[str | int, ...],
    value: dict[str, Any],
    based_on: int | None = None,
    comment: str = "",
    audit_detail: str = "",
    source_path: str | None = None,
    source_bytes: bytes | None = None,
) -> SaveResult:
    """Edit one object of a resource, the rest of it as ``stored`` (its definition as the
    caller has read it, if it has): :func:`portal.definitions.save_value`, audited as an
    edit in the same transaction."""
    return save_value(
        user=actor.user,
        instance=resource,
        stored=stored,
        at=at,
        value=value,
        action=Revision.Action.EDIT,
        comment=comment,
        based_on=based_on,
        source_path=source_path,
        source_bytes=source_bytes,
        also=_audit_of(actor, AuditEvent.Action.EDIT, audit_detail),
    )


def delete(actor: Actor, resource: Resource, *, based_on: int | None = None) -> Revision:
    """Soft delete (refused while others reference it), audited in the same transaction."""
    with transaction.atomic():
        revision = delete_definition(user=actor.user, instance=resource, based_on=based_on)
        audit.record(
            AuditEvent.Action.DELETE,
            actor=actor,
            resource=resource,
            revision=revision.number,
            detail=_origin(actor),
        )
    return revision


def undelete(actor: Actor, resource: Resource) -> Revision:
    with transaction.atomic():
        revision = undelete_definition(user=actor.user, instance=resource)
        audit.record(
            AuditEvent.Action.UNDELETE,
            actor=actor,
            resource=resource,
            revision=revision.number,
            detail=_origin(actor),
        )
    return revision


def purge(actor: Actor, resource: Resource) -> None:
    """Free a deleted resource's name (its revisions stay)."""
    with transaction.atomic():
        purge_definition(instance=resource)
        audit.record(AuditEvent.Action.PURGE, actor=actor, resource=resource, detail=_origin(actor))


def restore(
    actor: Actor, resource: Resource, number: int, *, based_on: int | None = None
) -> SaveResult:
    """An old revision made current again as a new revision."""
    with transaction.atomic():
        result = restore_revision(
            user=actor.user, instance=resource, number=number, based_on=based_on
        )
        audit.record(
            AuditEvent.Action.RESTORE,
            actor=actor,
            resource=result.resource,
            revision=result.revision.number,
            detail=f"restored revision {number}"
            + (f" ({_origin(actor)})" if _origin(actor) else ""),
        )
    return result

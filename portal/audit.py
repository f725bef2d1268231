"""The audit log's writer: one row per thing a person (or script) did, and each refusal,
called by portal.services only."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest

from portal.models import AuditEvent, Resource
from portal.services.actor import Actor

log = logging.getLogger("portal.audit")


def _address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    action: str,
    *,
    user: Any = None,
    request: HttpRequest | None = None,
    resource: Resource | None = None,
    name: str = "",
    revision: int | None = None,
    detail: str = "",
    factory: Any = None,
    actor: Actor | None = None,
) -> AuditEvent:
    """One audit row: by ``actor`` (or ``user``, else the request's user), from the
    request's or the actor's address."""
    event = AuditEvent.append(
        **_fields(
            action, user=user, request=request, resource=resource, name=name,
            revision=revision, detail=detail, factory=factory, actor=actor,
        )
    )  # fmt: skip
    _logged(event)
    return event


def record_many(
    action: str, *, actor: Actor, done: list[tuple[Resource, int]], detail: str = ""
) -> list[AuditEvent]:
    """One audit row per (resource, revision) ``actor`` wrote by one action, inserted
    together (a bulk upgrade's batch), each as :func:`record` writes it."""
    events = AuditEvent.append_many(
        [
            AuditEvent(**_fields(action, actor=actor, resource=r, revision=n, detail=detail))
            for r, n in done
        ]
    )
    for event in events:
        _logged(event)
    return events


def _fields(
    action: str,
    *,
    user: Any = None,
    request: HttpRequest | None = None,
    resource: Resource | None = None,
    name: str = "",
    revision: int | None = None,
    detail: str = "",
    factory: Any = None,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """An audit row's columns (see :func:`record`)."""
    if actor is not None:
        user = actor.user if user is None else user
    if user is None and request is not None:
        user = request.user
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    return {
        "user": user if signed_in else None,
        "username": user.get_username() if signed_in else "",
        "action": action,
        "object_name": name or (resource.name if resource else ""),
        "resource": resource,
        "factory": factory or (resource.factory if resource is not None else None),
        "revision": revision if revision is not None else getattr(resource, "revision", None),
        "detail": detail[:2000],
        "remote_addr": _address(request) or (actor.address if actor is not None else None),
    }


def _logged(event: AuditEvent) -> None:
    log.info("audit: %s by %s on %s", event.action, event.username or "-", event.object_name or "-")

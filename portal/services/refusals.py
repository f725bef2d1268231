"""Refusals: a request refused for want of a role (or a read-only token), recorded once as a
log line and an audit row."""

from __future__ import annotations

import logging

from portal import audit
from portal.models import AuditEvent
from portal.services.actor import Actor

log = logging.getLogger("portal.access")


def denied(actor: Actor, detail: str) -> None:
    log.warning("permission denied: user=%s %s", actor.username or "-", detail)
    audit.record(AuditEvent.Action.PERMISSION_DENIED, actor=actor, detail=detail)

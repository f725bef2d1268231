"""Refusals: a request refused for want of a role (or a read-only token), recorded once as a
log line and an audit row."""

from __future__ import annotations

import logging

from portal import audit
from portal.models import AuditEvent
from portal.services.actor import Actor

log = logging.getLogger("portal.access")


def denied(actor: Actor, detail: str, *, needs: str = "", path: str = "") -> None:
    """A refusal: one log line (who, the role needed, the path) and one audit row."""
    log.warning(
        "permission denied: user=%s needs=%s path=%s", actor.username or "-", needs or "-", path
    )
    audit.record(AuditEvent.Action.PERMISSION_DENIED, actor=actor, detail=detail)

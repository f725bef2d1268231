"""Sign-in refusals: each failed sign-in and each refusal of a locked account or address is
an audit row (what :mod:`portal.sign_in_throttle` counts)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from portal import audit
from portal.models import AuditEvent
from portal.services.actor import Actor


def _anonymous(request: Any) -> Actor:
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    return Actor(None, "ui", address)


@receiver(user_login_failed)
def failed(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    attempted = str(credentials.get("username", ""))[:150]
    audit.record(
        AuditEvent.Action.SIGN_IN_FAILED,
        actor=_anonymous(request),
        name=attempted,  # what portal.sign_in_throttle counts per account
        detail=f"user name tried: {attempted}",
    )


def locked(request: Any, username: str, detail: str) -> None:
    audit.record(
        AuditEvent.Action.SIGN_IN_LOCKED,
        actor=_anonymous(request),
        name=username[:150],
        detail=f"user name tried: {username[:150]}; {detail}",
    )

"""The audit log: one row per thing a person (or script) did, and each refusal."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from portal.models import AuditEvent, Resource

log = logging.getLogger("portal.audit")

RATE_WINDOW = timedelta(minutes=1)
"""The window of the per-user rate limits (tests, query checks, previews)."""


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
) -> AuditEvent:
    if user is None and request is not None:
        user = request.user
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    event = AuditEvent.append(
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
        action=action,
        object_name=name or (resource.name if resource else ""),
        resource=resource,
        factory=factory or (resource.factory if resource is not None else None),
        revision=revision if revision is not None else getattr(resource, "revision", None),
        detail=detail[:2000],
        remote_addr=_address(request),
    )
    log.info("audit: %s by %s on %s", action, event.username or "-", event.object_name or "-")
    return event


def rate_wait(user: Any, action: str, limit: int) -> tuple[int, float]:
    """How many ``action`` events ``user`` has in the audit log of the last minute (every
    process's), and the seconds until one more keeps to ``limit`` (0: it may go now)."""
    now = timezone.now()
    recent = AuditEvent.objects.filter(
        user=user if getattr(user, "pk", None) is not None else None,
        action=action,
        at__gte=now - RATE_WINDOW,
    )
    count = recent.count()
    if count < limit:
        return count, 0.0
    # One more may go once the limit-th newest has left the window.
    oldest = recent.order_by("-at").values_list("at", flat=True)[limit - 1]
    return count, max((oldest + RATE_WINDOW - now).total_seconds(), 0.1)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any
) -> None:
    attempted = str(credentials.get("username", ""))[:150]
    record(
        AuditEvent.Action.SIGN_IN_FAILED,
        request=request,
        name=attempted,  # what portal.sign_in_throttle counts per account
        detail=f"user name tried: {attempted}",
    )

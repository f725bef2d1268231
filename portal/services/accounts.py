"""Account actions: users and their site role, personal API tokens. Each audited in the
transaction of its write."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal import audit
from portal.models import ApiToken, AuditEvent
from portal.roles import Role, set_role
from portal.services.actor import Actor

__all__ = [
    "create_first_admin",
    "create_user",
    "deactivate_user",
    "issue_token",
    "revoke_token",
    "set_site_role",
]


def create_first_admin(actor: Actor, username: str, password: str) -> Any:
    """The first account, a superuser (Admin everywhere)."""
    with transaction.atomic():
        user = get_user_model().objects.create_superuser(
            username=username, email="", password=password
        )
        audit.record(
            AuditEvent.Action.USER_CHANGED, actor=actor, name=username, detail="first Admin"
        )
    return user


def create_user(actor: Actor, username: str, password: str, role: Role) -> Any:
    with transaction.atomic():
        user = get_user_model().objects.create_user(username, password=password)
        set_role(user, role)
        audit.record(
            AuditEvent.Action.USER_CHANGED,
            actor=actor,
            name=user.username,
            detail=f"created as {role.value}",
        )
    return user


def deactivate_user(actor: Actor, user: Any) -> None:
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(
            AuditEvent.Action.USER_CHANGED, actor=actor, name=user.username, detail="deactivated"
        )


def set_site_role(actor: Actor, user: Any, role: Role) -> None:
    """The site role (also the role in the default factory); reactivates the user."""
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        set_role(user, role)
        audit.record(
            AuditEvent.Action.USER_CHANGED,
            actor=actor,
            name=user.username,
            detail=f"site role: {role.value}",
        )


def issue_token(
    actor: Actor, name: str, *, read_only: bool, expires_at: datetime | None, scope_label: str
) -> tuple[ApiToken, str]:
    """A new token of the actor's user and its key (shown once, never stored)."""
    with transaction.atomic():
        token, key = ApiToken.issue(actor.user, name, read_only=read_only, expires_at=expires_at)
        expiry = f", expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else ""
        audit.record(
            AuditEvent.Action.TOKEN_CREATED,
            actor=actor,
            name=token.name,
            detail=f"{scope_label}{expiry}",
        )
    return token, key


def token_used(token: ApiToken) -> None:
    """When a token was last used, to the minute (not audited: every API call uses one)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def revoke_token(actor: Actor, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(AuditEvent.Action.TOKEN_REVOKED, actor=actor, name=token.name)

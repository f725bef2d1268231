"""Reader reads, Editor writes, Admin purges: the portal's roles in a factory, for the API.

A read-only token reads whatever its user's role may read and writes nothing.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from portal.log_records import refusal_logged
from portal.models import ApiToken
from portal.roles import Role, has_role
from portal.services import refusals
from portal.services.actor import Actor


class RolePermission(BasePermission):
    """Safe methods need Reader; others need the view's ``write_role`` (Editor)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        needed = (
            Role.READER
            if request.method in SAFE_METHODS
            else getattr(view, "write_role", Role.EDITOR)
        )
        allowed = not getattr(view, "needs_factory_role", True) or has_role(
            request.user, needed, getattr(view, "factory", None)
        )
        needs = ""
        if not allowed:
            self.message = f"This needs the {needed.value} role."
            why, needs = f"needs {needed.value}", needed.value
        elif request.method not in SAFE_METHODS and _read_only_token(request):
            allowed = False
            self.message = (
                f"This token is read-only: it may not {request.method}. Use a read-write token."
            )
            why = "read-only token"
        if not allowed:
            denied(request, f"API {request.method} {request.path}: {why}", needs)
        return allowed


def denied(request: Request, detail: str, needs: str = "") -> None:
    """Record an API refusal (its log line and audit row); Django's own line for the 403
    is then left out (:func:`portal.log_records.refusal_logged`)."""
    refusals.denied(Actor.of(request), detail, needs=needs, path=request.path)
    refusal_logged(request)


def _read_only_token(request: Request) -> bool:
    return isinstance(request.auth, ApiToken) and request.auth.read_only

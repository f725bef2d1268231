"""Reader reads, Editor writes, Admin purges: the portal's roles for the API."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from portal import audit
from portal.models import AuditEvent
from portal.roles import Role, has_role


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
        allowed = has_role(request.user, needed)
        if not allowed:
            self.message = f"This needs the {needed.value} role."
            audit.record(
                AuditEvent.Action.PERMISSION_DENIED,
                user=request.user,
                request=request._request,
                detail=f"API {request.method} {request.path} needs {needed.value}",
            )
        return allowed

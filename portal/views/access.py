"""View decorators for the three roles. Everything else already requires sign-in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from portal import audit
from portal.models import AuditEvent
from portal.roles import Role, has_role

log = logging.getLogger("portal.access")


def role_required(
    role: Role,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, role):
                log.warning(
                    "permission denied: user=%s needs=%s path=%s",
                    request.user.get_username(),
                    role.value,
                    request.path,
                )
                audit.record(
                    AuditEvent.Action.PERMISSION_DENIED,
                    request=request,
                    detail=f"{request.method} {request.path} needs {role.value}",
                )
                raise PermissionDenied(f"This needs the {role.value} role.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


editor_required = role_required(Role.EDITOR)
admin_required = role_required(Role.ADMIN)

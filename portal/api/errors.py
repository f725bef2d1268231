"""API errors as JSON; a stale If-Match also says which revision is current.

Refused authentication (401) and permission (403) come in the documented error shape,
``{"errors": [{"path": ..., "message": ...}]}``: the path is ``Authorization`` for a
missing, unknown, revoked or expired token, ``$`` for a request the caller may not make.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.api.preconditions import PreconditionFailed

_AUTHENTICATION = (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, PreconditionFailed):
        response.data = exc.body()
        response["ETag"] = exc.current.etag
    elif isinstance(exc, (*_AUTHENTICATION, exceptions.PermissionDenied)):
        path = "Authorization" if isinstance(exc, _AUTHENTICATION) else "$"
        response.data = {"errors": [{"path": path, "message": str(exc.detail)}]}
    return response

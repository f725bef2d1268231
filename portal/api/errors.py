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

from connectors.registry import UnknownConnector
from portal.api.preconditions import PreconditionFailed
from portal.definitions import DefinitionInvalid, StaleRevision

_AUTHENTICATION = (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)


def _as_api_exception(exc: Exception) -> Exception:
    """The save service's refusals, in the API's terms (the one place they are mapped)."""
    from portal.api.documents import Invalid

    if isinstance(exc, DefinitionInvalid):
        return Invalid(exc.problems)
    if isinstance(exc, StaleRevision):
        return PreconditionFailed(exc.current)
    if isinstance(exc, UnknownConnector):  # e.g. testing a resource kept as a document
        from connectors.problems import Problem

        return Invalid([Problem("$.properties.type", str(exc))])
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _as_api_exception(exc)
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

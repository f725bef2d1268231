"""API errors, all in one shape: ``{"errors": [{"path", "message"}]}``.

``path`` is the JSONPath of the body value concerned (``$`` for the whole body), or the
name of the query parameter (``?from``), path segment (``{number}``) or header
(``If-Match``) at fault. A stale If-Match also says which revision is current.

Refused authentication (401) and permission (403) come in the same shape: the path is
``Authorization`` for a missing, unknown, revoked or expired token, ``$`` for a request the
caller may not make.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from connectors.registry import UnknownConnector
from portal.api.parsers import BodyTooLarge
from portal.api.preconditions import PreconditionFailed
from portal.definitions import DefinitionInvalid, StaleRevision

API_PREFIX = "/api/"


def errors(message: str, path: str = "$") -> dict[str, Any]:
    return {"errors": [{"path": path, "message": message}]}


def _where(exc: Exception) -> str:
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        return "Authorization"
    return str(getattr(exc, "error_path", "$"))


def _as_errors(data: Any, path: str) -> dict[str, Any]:
    """DRF's ``{"detail": ...}`` (or a field -> messages dict) in the API's shape."""
    if isinstance(data, dict) and "errors" in data:
        return data
    if isinstance(data, dict) and set(data) != {"detail"}:
        found = [
            {"path": f"$.{key}", "message": str(message)}
            for key, messages in data.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
        return {"errors": found}
    detail = data.get("detail") if isinstance(data, dict) else data
    messages = detail if isinstance(detail, list) else [detail]
    return {"errors": [{"path": path, "message": str(m)} for m in messages]}


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
    if isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, PreconditionFailed):
        response.data = exc.body()
        response["ETag"] = exc.current.etag
    else:
        response.data = _as_errors(response.data, _where(exc))
    return response


def _api_or_page(
    status: int, message: Callable[[HttpRequest, Any], str], page: Callable[..., HttpResponse]
) -> Callable[..., HttpResponse]:
    """A Django error handler: JSON in the API's shape under /api/, the usual page elsewhere."""

    def handler(request: HttpRequest, exception: Any = None) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            code = 413 if isinstance(exception, RequestDataTooBig) else status
            text = str(BodyTooLarge().detail) if code == 413 else message(request, exception)
            return JsonResponse(errors(text), status=code)
        return page(request, exception) if exception is not None else page(request)

    return handler


bad_request = _api_or_page(400, lambda r, e: "Bad request.", defaults.bad_request)


def _page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    from portal.views.errors import page_not_found

    return page_not_found(request, exception)


def _permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    from portal.views.errors import permission_denied

    return permission_denied(request, exception)


not_found = _api_or_page(
    404, lambda r, e: f"There is no API endpoint at {r.path}.", _page_not_found
)
forbidden = _api_or_page(
    403,
    lambda r, e: str(e) or "You do not have permission to perform this action.",
    _permission_denied,
)
server_error = _api_or_page(
    500, lambda r, e: "Internal server error; the portal's log says more.", defaults.server_error
)

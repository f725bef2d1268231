"""API errors as JSON; a stale If-Match also says which revision is current."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.api.preconditions import PreconditionFailed


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, PreconditionFailed):
        response.data = exc.body()
        response["ETag"] = exc.current.etag
    return response

"""A dataset on its live server: ``GET .../{kind}/{name}/tables``, ``/columns``, ``/preview``.

Only for datasets whose type a connector declares (:func:`connectors.registry.dataset_type`),
404 otherwise. Tables and columns need Reader; a preview needs Editor (as a connection test
does) and is audited. The answer is 200 with ``ok`` and, like a connection test's, the
staged report: ``result`` when the call succeeded, the failed stage's diagnosis when not (a
server that is down is not the portal's error). Refused before any network: 400.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.problems import Problem
from portal import audit, datasets
from portal.api.documents import Invalid
from portal.api.scope import ScopedView
from portal.models import AuditEvent
from portal.numbers import whole_number
from portal.roles import Role, has_role

LIVE_REPORT = {
    "type": "object",
    "description": "The connection test's staged report; ``result`` when ``ok``.",
    "properties": {
        "ok": {"type": "boolean"},
        "stages": {"type": "array", "items": {"type": "object"}},
        "result": {"type": "object"},
        "linkedService": {"type": "string"},
        "connectorVersion": {"type": "string"},
    },
}


class TooMany(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "refused"


class NotFound(APIException):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"


def _refused(exc: datasets.LiveRefused) -> Exception:
    if exc.status == 429:
        return TooMany(exc.message)
    if exc.status == 404:
        return NotFound({"errors": [{"path": "{name}", "message": exc.message}]})
    return Invalid([Problem("$", exc.message)])


def _answer(report: dict[str, Any]) -> Response:
    if report.get("refused"):
        raise Invalid([Problem("?query", str(report["refused"]))])
    return Response(report, status=status.HTTP_200_OK)


def _number(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    number = whole_number(raw)
    if number is None:
        raise Invalid([Problem(f"?{name}", "A whole number.")])
    return number


class _LiveView(ScopedView):
    def live(self, name: str) -> datasets.LiveDataset:
        try:
            return datasets.for_dataset(self.find(name))
        except datasets.LiveRefused as exc:
            raise _refused(exc) from None


class DatasetTables(_LiveView):
    @extend_schema(
        summary="Tables of a schema on the dataset's server (search, pages, views marked)",
        parameters=[
            OpenApiParameter("schema", str, description="schema (default: the dataset's)"),
            OpenApiParameter("search", str, description="part of the table name"),
            OpenApiParameter("offset", int),
            OpenApiParameter("limit", int, description="1 to 500 (default 50)"),
        ],
        responses={200: LIVE_REPORT},
    )
    def get(self, request: Request, name: str) -> Response:
        live = self.live(name)
        params = request.query_params
        schema = params.get("schema") or _dataset_schema(live) or "default"
        try:
            report = datasets.tables(
                live,
                schema=schema,
                search=params.get("search", ""),
                offset=_number(request, "offset", 0),
                limit=max(1, min(_number(request, "limit", 50), 500)),
            )
        except datasets.LiveRefused as exc:
            raise _refused(exc) from None
        return _answer(report)


class DatasetColumns(_LiveView):
    @extend_schema(
        summary="Import schema: the table's columns with Spark and interim types",
        responses={200: LIVE_REPORT},
    )
    def get(self, request: Request, name: str) -> Response:
        live = self.live(name)
        try:
            report = datasets.columns(live)
        except datasets.LiveRefused as exc:
            raise _refused(exc) from None
        return _answer(report)


class DatasetPreview(_LiveView):
    @extend_schema(
        summary="Preview data: the first rows of the table or of a read-only query (Editor)",
        parameters=[
            OpenApiParameter("rows", int, description="1 to 1000 (default 100)"),
            OpenApiParameter("query", str, description="one read-only SELECT instead"),
        ],
        responses={200: LIVE_REPORT, 400: None, 403: None, 429: None},
    )
    def get(self, request: Request, name: str) -> Response:
        if not has_role(request.user, Role.EDITOR, self.factory):
            audit.record(
                AuditEvent.Action.PERMISSION_DENIED,
                user=request.user,
                request=request._request,
                detail=f"API GET {request.path}: needs Editor",
            )
            raise PermissionDenied("Previewing data needs the Editor role.")
        live = self.live(name)
        try:
            report = datasets.preview(
                live,
                user=request.user,
                rows=_number(request, "rows", live.catalog.default_rows),
                query=request.query_params.get("query") or None,
                request=request._request,
            )
        except datasets.LiveRefused as exc:
            raise _refused(exc) from None
        return _answer(report)


def _dataset_schema(live: datasets.LiveDataset) -> str:
    schema = live.type_properties.get("schema")
    return schema if isinstance(schema, str) and not schema.startswith("@") else ""

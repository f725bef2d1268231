"""A dataset on its live server: ``POST .../{kind}/{name}/tables``, ``/columns``, ``/preview``.

Only for datasets whose type a connector declares (:func:`connectors.registry.dataset_type`),
404 otherwise. Each is a call to the server through the one live path: POST only (GET is
405), Editor (a read-only token gets 403), rate-limited (429) and audited. The options are
in the JSON body (query parameters are read too). The answer is 200 with ``ok`` and, like a
connection test's, the staged report: ``result`` when the call succeeded, the failed
stage's diagnosis when not (a server that is down is not the portal's error). Refused
before any network: 400.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.problems import Problem
from portal import datasets
from portal.api import openapi
from portal.api.call_values import call_values_of
from portal.api.documents import Invalid
from portal.api.scope import ScopedView
from portal.numbers import whole_number
from portal.services.actor import Actor
from portal.services.call_values import ValuesRefused

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
    if isinstance(exc, ValuesRefused):
        return Invalid(exc.problems)
    if exc.status == 429:
        return TooMany(exc.message)
    if exc.status == 404:
        return NotFound({"errors": [{"path": "{name}", "message": exc.message}]})
    return Invalid([Problem("$", exc.message)])


def _answer(report: dict[str, Any]) -> Response:
    if report.get("refused"):
        raise Invalid([Problem("$.query", str(report["refused"]))])
    return Response(report, status=status.HTTP_200_OK)


def _option(request: Request, name: str) -> Any:
    """An option of the call: from the JSON body, else the query string."""
    body = request.data if isinstance(request.data, dict) else {}
    return body[name] if name in body else request.query_params.get(name)


def _text(request: Request, name: str) -> str:
    value = _option(request, name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid([Problem(f"$.{name}", "Text.")])
    return value


def _number(request: Request, name: str, default: int) -> int:
    raw = _option(request, name)
    if raw is None or raw == "":
        return default
    number = raw if isinstance(raw, int) and not isinstance(raw, bool) else whole_number(str(raw))
    if number is None:
        raise Invalid([Problem(f"$.{name}", "A whole number.")])
    return number


class _LiveView(ScopedView):
    """POST only: the permission class asks Editor and refuses read-only tokens."""

    def live(self, name: str) -> datasets.LiveDataset:
        """The dataset with the values for this call in the body (``testPassword``,
        ``testParameters``, ``testSecrets``)."""
        try:
            found = datasets.for_dataset(self.find(name))
        except datasets.LiveRefused as exc:
            raise _refused(exc) from None
        return found.with_values(call_values_of(self.request))


class DatasetTables(_LiveView):
    @extend_schema(
        summary="Tables of a schema on the dataset's server (search, pages, views marked)",
        description="Body: schema (default: the dataset's), search (part of the table "
        "name), offset, limit (1 to 500, default 50); the values for this call as a "
        "connection test takes them: testPassword, testParameters, testSecrets.",
        request={"application/json": openapi.LIVE_OPTIONS},
        responses={200: LIVE_REPORT, 400: None, 403: None, 429: None},
    )
    def post(self, request: Request, name: str) -> Response:
        live = self.live(name)
        schema = _text(request, "schema") or _dataset_schema(live) or "default"
        try:
            report = datasets.tables(
                live,
                Actor.of(request),
                schema=schema,
                search=_text(request, "search"),
                offset=_number(request, "offset", 0),
                limit=max(1, min(_number(request, "limit", 50), 500)),
            )
        except datasets.LiveRefused as exc:
            raise _refused(exc) from None
        return _answer(report)


class DatasetColumns(_LiveView):
    @extend_schema(
        summary="Import schema: the table's columns with Spark and interim types",
        description="Body (optional): the values for this call, as a connection test takes "
        "them: testPassword, testParameters, testSecrets.",
        request={"application/json": openapi.CALL_VALUES_BODY},
        responses={200: LIVE_REPORT, 400: None, 403: None, 429: None},
    )
    def post(self, request: Request, name: str) -> Response:
        live = self.live(name)
        try:
            report = datasets.columns(live, Actor.of(request))
        except datasets.LiveRefused as exc:
            raise _refused(exc) from None
        return _answer(report)


class DatasetPreview(_LiveView):
    @extend_schema(
        summary="Preview data: the first rows of the table or of a read-only query (Editor)",
        description="Body: rows (1 to 1000, default 100), query (one read-only SELECT "
        "instead of the table; the server's analysed plan decides what it does); the values "
        "for this call as a connection test takes them: testPassword, testParameters, "
        "testSecrets.",
        request={"application/json": openapi.LIVE_OPTIONS},
        responses={200: LIVE_REPORT, 400: None, 403: None, 429: None},
    )
    def post(self, request: Request, name: str) -> Response:
        live = self.live(name)
        try:
            report = datasets.preview(
                live,
                Actor.of(request),
                rows=_number(request, "rows", live.catalog.default_rows),
                query=_text(request, "query") or None,
            )
        except datasets.LiveRefused as exc:
            raise _refused(exc) from None
        return _answer(report)


def _dataset_schema(live: datasets.LiveDataset) -> str:
    schema = live.type_properties.get("schema")
    return schema if isinstance(schema, str) and not schema.startswith("@") else ""

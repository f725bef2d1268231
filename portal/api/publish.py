"""``GET /api/v1/factories/{f}/validate`` (Validate all's findings, JSON or, with
``?report=junit|sarif``, those reports) and ``GET /api/v1/factories/{f}/arm`` (a zip of
what ADF's Publish writes; 409 with the errors when validation finds one, unless
``?force=1``). Thin: the work is :mod:`portal.publish`'s."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.factory_checks import Severity
from connectors.factory_checks.reports import FORMATS, render
from connectors.problems import Problem
from portal.api.documents import Invalid
from portal.api.scope import ScopedView
from portal.publish import publish_factory, publish_zip, validate_factory

_CONTENT_TYPES = {
    "json": "application/json",
    "text": "text/plain; charset=utf-8",
    "junit": "application/xml",
    "sarif": "application/sarif+json",
}


class ValidateView(ScopedView):
    @extend_schema(
        summary="Validate all: the factory's findings, each with its code, severity, resource "
        "file and JSON path",
        parameters=[OpenApiParameter("report", str, enum=list(FORMATS), required=False)],
        responses={
            (200, content_type.split(";")[0]): dict if "json" in content_type else str
            for fmt, content_type in _CONTENT_TYPES.items()
        },
    )
    def get(self, request: Request) -> HttpResponse:
        fmt = request.query_params.get("report", "json")
        if fmt not in FORMATS:
            raise Invalid([Problem("?report", f"One of {', '.join(FORMATS)}.")])
        snapshot, findings = validate_factory(self.factory)
        return HttpResponse(render(fmt, snapshot, findings), content_type=_CONTENT_TYPES[fmt])


class ArmView(ScopedView):
    @extend_schema(
        summary="Publish: a zip of the ARM templates ADF's Publish writes to adf_publish "
        "(409 with the errors when validation finds one, unless force=1)",
        parameters=[OpenApiParameter("force", bool, required=False)],
        responses={(200, "application/zip"): {"type": "string", "format": "binary"}},
    )
    def get(self, request: Request) -> HttpResponse:
        force = request.query_params.get("force") in ("1", "true")
        result = publish_factory(self.factory, force=force)
        if result.export is None:
            errors = [f.as_dict() for f in result.findings if f.severity is Severity.ERROR]
            return Response(
                {"detail": "Validation found errors: not published.", "errors": errors},
                status=409,
            )
        response = HttpResponse(publish_zip(result.export), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{self.factory.name}-arm.zip"'
        return response

"""A transfer plan (Spark ↔ a store whose connector has a designer) in the API.

``GET`` plans from what the portal holds (the typed columns, else the dataset's imported
schema) and contacts no server; ``POST`` (Editor, not a read-only token) also reads the
Spark columns and the pool's target table live, through the one live path."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.scope import ScopedView
from portal.services.actor import Actor
from portal.transfers import TransferUnavailable, plan, typed_columns

PARAMETERS = [
    OpenApiParameter("pool", str, required=True, description="the SQL pool's linked service"),
    OpenApiParameter("table", str, required=True, description="DATABASE.SCHEMA.TABLE"),
    OpenApiParameter("direction", str, required=True, enum=["read", "write"]),
    OpenApiParameter("sparkPool", str, description="WORKSPACE/POOL: the notebook route"),
    OpenApiParameter("spark", str, description="a Spark linked service: the Copy route"),
    OpenApiParameter("source", str, description="a Spark table, dataset or query"),
    OpenApiParameter(
        "staging",
        str,
        description="the Copy route's staging linked service: one whose connector is a "
        "staging store (Azure Blob Storage, Azure Data Lake Storage Gen2)",
    ),
    OpenApiParameter("stagingPath", str, description="the folder the copy stages in"),
    OpenApiParameter(
        "columns",
        str,
        description="Spark columns, one per line as NAME TYPE; when absent they are read "
        "from the Spark server, else the dataset's imported schema (see columns_origin)",
    ),
]


class TransferPlan(ScopedView):
    """The plan ``manage.py transfer_plan --json`` prints; ``blocked`` says whether it may run."""

    @extend_schema(
        summary="Plan moving data between Spark and a dedicated SQL pool (no server is read)",
        parameters=PARAMETERS,
    )
    def get(self, request: Request) -> Response:
        return self._plan(request.query_params, None)

    @extend_schema(
        summary="Plan, reading the Spark columns and the pool's target table from the servers",
        parameters=PARAMETERS,
        request=None,
    )
    def post(self, request: Request) -> Response:
        return self._plan(request.query_params, Actor.of(request))

    def _plan(self, query: Any, actor: Actor | None) -> Response:
        missing = [name for name in ("pool", "table", "direction") if not query.get(name)]
        if missing:
            raise ValidationError(
                {"errors": [{"path": n, "message": "Required."} for n in missing]}
            )
        if query["direction"] not in ("read", "write"):
            raise ValidationError({"errors": [{"path": "direction", "message": "read or write"}]})
        if bool(query.get("sparkPool")) == bool(query.get("spark")):
            raise ValidationError(
                {"errors": [{"path": "sparkPool", "message": "Give sparkPool or spark (one)."}]}
            )
        typed = typed_columns(query.get("columns", "")[:20000])
        extra: dict[str, Any] = {**({"columns": typed} if typed else {}), **_staging(query)}
        try:
            result = plan(
                self.factory,
                pool=query["pool"],
                table=query["table"],
                direction=query["direction"],
                spark_pool=query.get("sparkPool", ""),
                spark_linked_service=query.get("spark", ""),
                source=query.get("source", ""),
                actor=actor,
                **extra,
            )
        except TransferUnavailable as exc:
            raise NotFound(str(exc)) from None
        return Response(result)


def _staging(query: Any) -> dict[str, str]:
    """The staging request fields the query names (none: the plan says staging is needed)."""
    named = {"staging_linked_service": "staging", "staging_path": "stagingPath"}
    return {field: query[name] for field, name in named.items() if query.get(name)}

"""Environments in the API: "Test all linked services in E" on the task queue; an
environment's config file read and edited row by row, and what a row's name and path
complete from."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.environments.row_edits import CELLS, RowEdit
from connectors.problems import Problem
from portal.api.call_values import call_values_of
from portal.api.documents import Invalid
from portal.api.scope import ScopedView
from portal.environments import base_of, environment_named
from portal.models import Environment, EnvironmentFile
from portal.override_table import completions, override_page
from portal.services import connection_tests, test_queue
from portal.services.actor import Actor
from portal.services.environments import STALE, RowsRefused, editable, save_rows


class EnvironmentTestAll(ScopedView):
    @extend_schema(
        summary="Test every linked service of the factory in this environment (queued)",
        responses={202: None, 400: None},
    )
    def post(self, request: Request, name: str) -> Response:
        environment = _environment(self, name)
        run = test_queue.test_all(Actor.of(request), environment, call_values_of(request))
        tests = test_queue.verdicts(run.tests)
        body = {
            "environment": environment.name,
            "tests": [connection_tests.as_document(t) for t in tests],
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)


def _environment(view: ScopedView, name: str) -> Environment:
    try:
        environment = environment_named(view.factory, name)
    except Environment.DoesNotExist as exc:
        raise Invalid([Problem("environment", str(exc))]) from None
    assert environment is not None
    return environment


def _file(environment: Environment, path: str) -> EnvironmentFile:
    found = EnvironmentFile.objects.filter(environment=environment, path=path).first()
    if found is None or not editable(found):
        raise Invalid(
            [Problem("file", f"No config file '{path}' edited as rows in {environment.name}.")]
        )
    return found


def _rows_state(environment: Environment, file: EnvironmentFile) -> dict[str, Any]:
    """The file's rows as the table shows them, each with the findings at it."""
    files, _ = override_page(environment, tables=True)
    shown = next(f for f in files if f.path == file.path)
    table = shown.table
    return {
        "environment": environment.name,
        "file": file.path,
        "format": file.format,
        "revision": file.revision,
        "read_from": table.read_from,
        "rows": [
            {
                "row": row.index,
                "line": row.line,
                **row.cells,
                "editable": row.editable,
                "findings": [f.as_dict() for f in row.findings],
            }
            for row in table.rows
            if row.index is not None
        ],
        "findings": [f.as_dict() for f in table.file_findings],
    }


def _edits(body: Any) -> list[RowEdit]:
    rows = body.get("rows") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise Invalid([Problem("rows", "rows is a list of {row, type, name, path, value}.")])
    edits = []
    for at, row in enumerate(rows):
        index = row.get("row") if isinstance(row, dict) else "?"
        cells = {c: row[c] for c in CELLS if isinstance(row, dict) and c in row}
        if not isinstance(row, dict) or not (index is None or isinstance(index, int)):
            raise Invalid([Problem(f"rows[{at}]", "row is the row's number from GET, or null.")])
        if not all(isinstance(v, str) for v in cells.values()):
            raise Invalid([Problem(f"rows[{at}]", "type, name, path and value are strings.")])
        if index is None:
            cells = {c: cells.get(c, "") for c in CELLS}
        edits.append(RowEdit(index, cells, delete=bool(row.get("delete"))))
    return edits


class EnvironmentRows(ScopedView):
    @extend_schema(
        summary="The rows of an environment's config file, each with its findings",
        parameters=[OpenApiParameter("file", str, description="The file's path")],
        responses={200: None, 400: None},
    )
    def get(self, request: Request, name: str) -> Response:
        environment = _environment(self, name)
        return Response(_rows_state(environment, _file(environment, request.GET.get("file", ""))))

    @extend_schema(
        summary="Edit the rows of an environment's config file (a new revision)",
        description='Body: {"file", "read_from" (from GET), "rows": [{"row": n or null for a '
        'new row, "type", "name", "path", "value", "delete": true to remove it}]}. Only '
        "the rows that change are rewritten; a secret in clear is refused (400); a file "
        "changed since read_from answers 409.",
        responses={200: None, 400: None, 409: None},
    )
    def post(self, request: Request, name: str) -> Response:
        environment = _environment(self, name)
        file = _file(environment, str(request.data.get("file", "")))
        edits = _edits(request.data)
        try:
            saved = save_rows(
                Actor.of(request), file, edits, read_from=str(request.data.get("read_from", ""))
            )
        except RowsRefused as exc:
            code = status.HTTP_409_CONFLICT if exc.message == STALE else status.HTTP_400_BAD_REQUEST
            refused = [
                {"edit": at, **f.as_dict()} for at, found in exc.at_edit.items() for f in found
            ]
            return Response({"errors": [{"message": exc.message}], "refused": refused}, code)
        body = _rows_state(environment, saved.file)
        body["summary"] = saved.applied.summary()
        return Response(body)


class EnvironmentCompletion(ScopedView):
    @extend_schema(
        summary="What an override row's name and path complete from",
        parameters=[
            OpenApiParameter("type", str, description="The row's type (linkedService...)"),
            OpenApiParameter("name", str, description="The row's name (wildcards allowed)"),
            OpenApiParameter("any", str, description="1: the JSON form (names of every kind)"),
        ],
        responses={200: None},
    )
    def get(self, request: Request, name: str) -> Response:
        environment = _environment(self, name)
        typed = (request.GET.get("type", ""), request.GET.get("name", ""))
        found = completions(base_of(environment.factory), *typed, bool(request.GET.get("any")))
        names, paths = found
        return Response({"names": names, "paths": paths})

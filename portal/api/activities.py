"""A pipeline's activities over the API: list them, read and replace one connector-authored
part (only that activity's bytes change), check and preview its query; the factory's
queries and "check all"."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from connectors import activity_parts
from connectors.problems import Problem
from portal import query_checks
from portal.api import openapi
from portal.api.call_values import call_values_of
from portal.api.documents import Invalid, document
from portal.api.preconditions import expected_revision, with_etag
from portal.api.scope import ScopedView
from portal.pipelines import (
    ActivityEdit,
    ActivityInvalid,
    ActivityNotEditable,
    activity_rows,
    build_edit,
    load_activity,
    pipeline_problems,
)
from portal.query_audit import bulk_rows, check_rows
from portal.services import activities
from portal.services.actor import Actor


class TooManyTests(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "rate_limited"


def _row(row: Any) -> dict[str, Any]:
    activity = row.activity
    out: dict[str, Any] = {
        "key": activity.key,
        "name": activity.name,
        "type": activity.type,
        "parent": activity.parent or None,
        "dependsOn": activity.depends_on,
        "inputs": [{"name": n, "found": t is not None} for n, t in row.inputs],
        "outputs": [{"name": n, "found": t is not None} for n, t in row.outputs],
        "editable": row.editable,
        "part": row.part.name if row.part else None,
    }
    if row.part is not None:
        out["values"] = activity_parts.values_of(row.part, activity.body)
    return out


class ActivityList(ScopedView):
    @extend_schema(summary="The activities of a pipeline (nested ones too)")
    def get(self, request: Request, name: str) -> Response:
        resource = self.find(name)
        return Response(
            {
                "pipeline": resource.name,
                "revision": resource.revision,
                "activities": [_row(r) for r in activity_rows(resource)],
                "problems": [p.as_dict() for p in pipeline_problems(resource)],
            }
        )


def _values(data: Any) -> dict[str, Any]:
    values = data.get("values") if isinstance(data, dict) else None
    if not isinstance(values, dict):
        raise Invalid([Problem("$.values", "An object of the part's fields.")])
    return values


def _test_values(data: Any, edit: ActivityEdit) -> dict[tuple[str, str], Any]:
    given = data.get("testValues") if isinstance(data, dict) else None
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise Invalid([Problem("$.testValues", 'An object: {"pipeline": {"day": "..."}}.')])
    out: dict[tuple[str, str], Any] = {}
    for scope, names in given.items():
        if scope not in ("pipeline", "variables", "item") or not isinstance(names, dict):
            raise Invalid([Problem(f"$.testValues.{scope}", "pipeline, variables or item.")])
        for name, value in names.items():
            out[(scope, str(name))] = value
    return out


def _edit(
    view: ScopedView, name: str, key: str, values: dict[str, Any] | None = None
) -> ActivityEdit:
    resource = view.find(name)
    try:
        load_activity(resource, key)
        return build_edit(resource, key, values=values)
    except LookupError as exc:
        raise Http404(str(exc)) from None
    except ActivityNotEditable as exc:
        raise Invalid([Problem("$", str(exc))]) from None


class ActivityDetail(ScopedView):
    @extend_schema(summary="One activity: its JSON, its part and the part's values")
    def get(self, request: Request, name: str, key: str) -> Response:
        resource = self.find(name)
        try:
            activity, datasets = load_activity(resource, key)
        except LookupError as exc:
            raise Http404(str(exc)) from None
        found = activity_parts.part_for(activity.body, datasets)
        body: dict[str, Any] = {"key": key, "activity": activity.body, "editable": bool(found)}
        if found is not None:
            body["part"] = found[1].name
            body["values"] = activity_parts.values_of(found[1], activity.body)
        return with_etag(Response(body), resource)

    @extend_schema(
        summary="Replace the part's values (If-Match required); only this activity's bytes change"
    )
    def put(self, request: Request, name: str, key: str) -> Response:
        edit = _edit(self, name, key, _values(request.data))
        based_on = expected_revision(request, edit.resource)
        try:
            result = activities.save(Actor.of(request), edit, based_on=based_on)
        except ActivityInvalid as exc:
            raise Invalid(exc.problems) from None
        return with_etag(Response(document(result.resource)), result.resource)


class ActivityQuery(ScopedView):
    """POST .../activities/<key>/check or /preview: ``{"values"?, "testValues"?}`` and the
    values for the call to the linked service (``testPassword``, ``testParameters``,
    ``testSecrets``)."""

    what = "check"

    @extend_schema(
        summary="Check (EXPLAIN) or preview the activity's query on its server",
        description="Body (each optional): values (the part's fields, instead of the saved "
        "ones), testValues (the query's pipeline parameters, variables and item() fields), "
        "and the values for the call to the dataset's linked service as a connection test "
        "takes them: testPassword, testParameters, testSecrets.",
        request={"application/json": openapi.ACTIVITY_QUERY_BODY},
        responses={200: dict, 429: None},
    )
    def post(self, request: Request, name: str, key: str) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        values = data.get("values")
        if values is not None and not isinstance(values, dict):
            raise Invalid([Problem("$.values", "An object of the part's fields.")])
        edit = _edit(self, name, key, values)
        if edit.problems:
            raise Invalid(edit.problems)
        given = call_values_of(request)
        result = query_checks.run(
            edit,
            what=self.what,
            actor=Actor.of(request),
            test_values=_test_values(data, edit),
            values_for=lambda _service: given,
        )
        if result.problems:
            raise Invalid(result.problems)
        if result.refused_status == 429:
            raise TooManyTests(result.message)
        return Response(result.as_dict())


class ActivityPreview(ActivityQuery):
    what = "preview"


class FactoryQueries(ScopedView):
    @extend_schema(summary="Every activity of the factory that a connector's part authors")
    def get(self, request: Request) -> Response:
        return Response({"activities": [r.as_dict() for r in bulk_rows(self.factory)]})

    @extend_schema(summary="Check all: every query checked on its server (rate limits apply)")
    def post(self, request: Request) -> Response:
        rows = bulk_rows(self.factory)
        check_rows(rows, actor=Actor.of(request))
        failing = [r for r in rows if r.result is None or not r.result.ok]
        return Response(
            {
                "checked": len(rows),
                "failing": len(failing),
                "activities": [r.as_dict() for r in rows],
            }
        )

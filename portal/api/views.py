"""REST API v1 for resources of every kind in a factory: ADF JSON bodies, ETag / If-Match,
roles as in the UI. Refusals of the save service become 400/412 in ``portal.api.errors``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.problems import Problem
from portal import listing
from portal.api import openapi, repositories
from portal.api.documents import Invalid, document, from_body, revision_document
from portal.api.preconditions import expected_revision, with_etag
from portal.api.requests import comment, flag
from portal.api.scope import ScopedView, resource_url
from portal.models import revision_changes
from portal.numbers import MAX_DB_INTEGER, whole_number
from portal.roles import Role
from portal.services import repository, resources
from portal.services.actor import Actor
from portal.services.resources import StaleRevision


class Conflict(APIException):
    """Another writer got there first (no If-Match was involved): try again."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Pagination(PageNumberPagination):
    page_size = listing.DEFAULT_PAGE_SIZE
    page_size_query_param = "pageSize"
    max_page_size = listing.MAX_PAGE_SIZE


def number_from(raw: object, field: str) -> int:
    """A whole number from a path segment or query parameter, or a 400 naming the field."""
    number = whole_number(str(raw) if isinstance(raw, int) else raw)
    if number is None:
        raise Invalid([Problem(field, f"A whole number from 0 to {MAX_DB_INTEGER}.")])
    return number


def _save(request: Request, **kwargs: Any) -> Any:
    return resources.save(Actor.of(request), comment=comment(request), **kwargs)


class ResourceList(ScopedView):
    @extend_schema(
        summary="List linked services",
        parameters=[
            OpenApiParameter("name", str, description="part of the name (case-insensitive)"),
            OpenApiParameter(
                "q", str, description="part of the name or the description (case-insensitive)"
            ),
            OpenApiParameter("connector", str, description="connector type, e.g. Spark"),
            OpenApiParameter("version", str, description="connector version, e.g. 2.0"),
            OpenApiParameter("annotation", str, description="one annotation, whole, any case"),
            OpenApiParameter(
                "sort",
                str,
                description="a column, '-' first for descending: "
                + ", ".join(listing.SORTS)
                + f" (default {listing.DEFAULT_SORT})",
            ),
        ],
        responses={200: openapi.page_of(openapi.DOCUMENT)},
        operation_id="listLinkedServices",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        services = listing.listed(self.resources().live(), params)
        paginator = Pagination()
        page = paginator.paginate_queryset(services, request, view=self)
        return paginator.get_paginated_response([document(s) for s in page or []])

    @extend_schema(
        summary="Create a linked service",
        request={"application/json": openapi.DOCUMENT},
        parameters=[openapi.COMMENT],
        responses={201: openapi.DOCUMENT, 400: openapi.ERRORS},
    )
    def post(self, request: Request) -> Response:
        name, properties = from_body(request.data, self.kind)
        result = _save(request, name=name, properties=properties, **self.scope())
        response = Response(document(result.resource), status=status.HTTP_201_CREATED)
        response["Location"] = resource_url(result.resource)
        return with_etag(response, result.resource)


class ResourceDetail(ScopedView):
    @extend_schema(
        summary="Get a linked service",
        responses={200: openapi.DOCUMENT},
        operation_id="getLinkedService",
    )
    def get(self, request: Request, name: str) -> Response:
        service = self.find(name)
        return with_etag(Response(document(service)), service)

    @extend_schema(
        summary="Replace a linked service (If-Match required)",
        request={"application/json": openapi.DOCUMENT},
        parameters=[openapi.IF_MATCH, openapi.COMMENT],
        responses={200: openapi.DOCUMENT, 400: openapi.ERRORS, 412: openapi.STALE, 428: None},
    )
    def put(self, request: Request, name: str) -> Response:
        service = self.find(name)
        based_on = expected_revision(request, service)
        new_name, properties = from_body(request.data, self.kind)
        result = _save(
            request,
            name=new_name,
            properties=properties,
            instance=service,
            based_on=based_on,
            update_references=flag(request, "updateReferences"),
        )
        return with_etag(Response(document(result.resource)), result.resource)

    @extend_schema(
        summary="Delete a linked service (If-Match required; history is kept)",
        parameters=[openapi.IF_MATCH],
        responses={204: None, 412: openapi.STALE, 428: None},
    )
    def delete(self, request: Request, name: str) -> Response:
        service = self.find(name)
        based_on = expected_revision(request, service)
        resources.delete(Actor.of(request), service, based_on=based_on)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevisionList(ScopedView):
    @extend_schema(
        summary="Revisions of a linked service, newest first, a page at a time",
        responses={200: openapi.page_of(openapi.REVISION)},
        operation_id="listRevisions",
    )
    def get(self, request: Request, name: str) -> Response:
        service = self.find(name, self.resources().filter(purged_at__isnull=True))
        revisions = service.revisions.select_related("author")
        paginator = Pagination()
        page = paginator.paginate_queryset(revisions, request, view=self)
        return paginator.get_paginated_response([revision_document(r) for r in page or []])


class RevisionDetail(ScopedView):
    @extend_schema(
        summary="One revision", responses={200: openapi.REVISION}, operation_id="getRevision"
    )
    def get(self, request: Request, name: str, number: int) -> Response:
        service = self.find(name, self.resources().filter(purged_at__isnull=True))
        revision = service.revisions.filter(number=number_from(number, "{number}")).first()
        if revision is None:
            raise Http404(f"'{service.name}' has no revision {number}.")
        return Response(revision_document(revision))


class RevisionRestore(ScopedView):
    @extend_schema(
        summary="Make an old revision current (writes a new revision; If-Match required)",
        request=None,
        parameters=[openapi.IF_MATCH],
        responses={200: openapi.DOCUMENT, 400: openapi.ERRORS, 412: openapi.STALE, 428: None},
    )
    def post(self, request: Request, name: str, number: int) -> Response:
        service = self.find(name)
        based_on = expected_revision(request, service)
        if not service.revisions.filter(number=number_from(number, "{number}")).exists():
            raise Http404(f"'{service.name}' has no revision {number}.")
        result = resources.restore(Actor.of(request), service, number, based_on=based_on)
        return with_etag(Response(document(result.resource)), result.resource)


class RevisionDiff(ScopedView):
    @extend_schema(
        summary="Differences between two revisions",
        parameters=[
            OpenApiParameter("from", int, required=True),
            OpenApiParameter("to", int, required=True),
        ],
        responses={200: openapi.DIFF},
    )
    def get(self, request: Request, name: str) -> Response:
        service = self.find(name, self.resources().filter(purged_at__isnull=True))
        old_n = number_from(request.query_params.get("from"), "?from")
        new_n = number_from(request.query_params.get("to"), "?to")
        revisions = {r.number: r for r in service.revisions.filter(number__in=[old_n, new_n])}
        missing = [n for n in (old_n, new_n) if n not in revisions]
        if missing:
            raise Http404(f"'{service.name}' has no revision {missing[0]}.")
        changes = revision_changes(revisions[old_n], revisions[new_n])
        return Response({"from": old_n, "to": new_n, "changes": [c.as_dict() for c in changes]})


class DeletedList(ScopedView):
    @extend_schema(
        summary="Deleted linked services", responses={200: openapi.list_of(openapi.DOCUMENT)}
    )
    def get(self, request: Request) -> Response:
        return Response([document(s) for s in self.resources().deleted()])


class DeletedRestore(ScopedView):
    @extend_schema(
        summary="Restore a deleted linked service with its history",
        request=None,
        responses={200: openapi.DOCUMENT},
    )
    def post(self, request: Request, name: str) -> Response:
        service = self.find(name, self.resources().deleted())
        try:
            resources.undelete(Actor.of(request), service)
        except StaleRevision as exc:
            raise Conflict(
                f"'{exc.current.name}' changed while it was being restored (now revision "
                f"{exc.current.revision}); it may be restored already: fetch it again."
            ) from None
        service.refresh_from_db()
        return with_etag(Response(document(service)), service)


class DeletedPurge(ScopedView):
    write_role = Role.ADMIN

    @extend_schema(
        summary="Purge a deleted linked service so its name can be reused (Admin)",
        responses={204: None},
    )
    def delete(self, request: Request, name: str) -> Response:
        service = self.find(name, self.resources().deleted())
        resources.purge(Actor.of(request), service)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ImportView(ScopedView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary="Import ADF JSON (one document or a list), or a whole repository (a zip of "
        "its root: the body as application/zip, or the multipart field 'repository'); all "
        "or nothing unless skipBadFiles",
        request={
            "application/json": openapi.IMPORT_BODY,
            "application/zip": openapi.ZIP,
            "multipart/form-data": openapi.REPOSITORY_UPLOAD,
        },
        parameters=[
            OpenApiParameter("replace", bool, description="replace same-named ones"),
            OpenApiParameter(
                "skipBadFiles",
                bool,
                description="repository: import the good files anyway (the bad ones are "
                "kept as is and exported unchanged)",
            ),
            OpenApiParameter("pedantic", bool, description="also advise ADF Studio's key order"),
        ],
        responses={
            201: openapi.IMPORT_RESULT,
            400: openapi.IMPORT_RESULT,
            409: openapi.IMPORT_RESULT,
        },
    )
    def post(self, request: Request) -> Response:
        import json

        archive = repositories.repository_upload(request)
        if archive is not None:
            with archive:
                return repositories.import_response(request, self.factory, archive)
        many = isinstance(request.data, list)
        body = request.data if many else [request.data]
        files = [
            # As ADF Studio writes a file (tabs, no final newline): what an export gives back.
            (f"document[{i}]", json.dumps(doc, indent="\t", ensure_ascii=False).encode())
            for i, doc in enumerate(body)
        ]
        replace = flag(request, "replace")
        ok, outcomes = repository.import_files(
            Actor.of(request),
            self.factory,
            files,
            replace=replace,
            pedantic=flag(request, "pedantic"),
        )
        result = [
            {
                "source": o.source,
                "name": o.name,
                "replaced": o.replaced,
                "warnings": o.warnings,
                "notes": o.notes,
                "errors": [p.as_dict() for p in o.problems],
            }
            for o in outcomes
        ]
        if ok:
            return Response({"imported": True, "results": result}, status=status.HTTP_201_CREATED)
        errors = [
            {"path": f"$[{i}]{p.path[1:]}" if many else p.path, "message": p.message}
            for i, o in enumerate(outcomes)
            for p in o.problems
        ]
        raced = any(o.conflict for o in outcomes)
        return Response(
            {"imported": False, "errors": errors, "results": result},
            status=status.HTTP_409_CONFLICT if raced else status.HTTP_400_BAD_REQUEST,
        )


class ExportOne(ScopedView):
    @extend_schema(
        summary="The ADF git-integration file of one linked service",
        responses={(200, "application/json"): openapi.DOCUMENT},
    )
    def get(self, request: Request, name: str) -> HttpResponse:
        service = self.find(name)
        _, data = repository.export_resource(Actor.of(request), service)
        response = HttpResponse(data, content_type="application/json; charset=utf-8")
        return with_etag(response, service)


class ExportAll(ScopedView):
    @extend_schema(
        summary="A zip of the factory's repository: every resource at the path it was "
        "imported from (unedited ones byte for byte), and the files kept as is",
        responses={(200, "application/zip"): {"type": "string", "format": "binary"}},
    )
    def get(self, request: Request) -> HttpResponse:
        return repositories.export_response(request, self.factory)

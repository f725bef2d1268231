"""REST API v1 for resources of every kind in a factory: ADF JSON bodies, ETag / If-Match,
roles as in the UI. Refusals of the save service become 400/412 in ``portal.api.errors``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.adf_repository import write_zip
from connectors.ca_certificates import CaCertificateError, parse_ca_pem
from connectors.problems import Problem
from connectors.repository_source import DEFAULT_LIMITS, RepositoryRefused
from portal import audit, connection_tests, upgrades
from portal.api import openapi
from portal.api.documents import Invalid, document, from_body, revision_document
from portal.api.preconditions import expected_revision, with_etag
from portal.api.scope import ScopedView, resource_url
from portal.definitions import check as check_definition
from portal.definitions import (
    delete_definition,
    purge_definition,
    restore_revision,
    save_definition,
    undelete_definition,
)
from portal.imports import export_file, export_repository, import_documents, import_repository
from portal.models import AuditEvent, ConnectionTest, Resource, Revision, revision_changes
from portal.roles import Role, test_visible


class TooManyTests(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "test_refused"


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "pageSize"
    max_page_size = 500


def _audit(
    request: Request,
    action: str,
    resource: Resource | None = None,
    detail: str = "API",
) -> None:
    audit.record(
        action,
        user=request.user,
        request=request._request,
        resource=resource,
        detail=detail,
    )


def _comment(request: Request) -> str:
    return str(request.query_params.get("comment", ""))[:500]


def _save(request: Request, **kwargs: Any) -> Any:
    return save_definition(user=request.user, comment=_comment(request), **kwargs)


class ResourceList(ScopedView):
    @extend_schema(
        summary="List linked services",
        parameters=[
            OpenApiParameter("name", str, description="part of the name (case-insensitive)"),
            OpenApiParameter("connector", str, description="connector type, e.g. Spark"),
            OpenApiParameter("version", str, description="connector version, e.g. 2.0"),
        ],
        responses={200: openapi.page_of(openapi.DOCUMENT)},
        operation_id="listLinkedServices",
    )
    def get(self, request: Request) -> Response:
        services = self.resources().live().order_by("name_key")
        if name := request.query_params.get("name"):
            services = services.filter(Q(name__icontains=name))
        if connector := request.query_params.get("connector"):
            services = services.filter(connector=connector)
        if version := request.query_params.get("version"):
            services = services.filter(connector_version=version)
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
        result = _save(
            request,
            name=name,
            properties=properties,
            action=Revision.Action.CREATE,
            **self.scope(),
        )
        _audit(request, AuditEvent.Action.CREATE, resource=result.resource)
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
            action=Revision.Action.EDIT,
            instance=service,
            based_on=based_on,
            update_references=_flag(request, "updateReferences"),
        )
        _audit(request, AuditEvent.Action.EDIT, resource=result.resource)
        return with_etag(Response(document(result.resource)), result.resource)

    @extend_schema(
        summary="Delete a linked service (If-Match required; history is kept)",
        parameters=[openapi.IF_MATCH],
        responses={204: None, 412: openapi.STALE, 428: None},
    )
    def delete(self, request: Request, name: str) -> Response:
        service = self.find(name)
        based_on = expected_revision(request, service)
        delete_definition(user=request.user, instance=service, based_on=based_on)
        _audit(request, AuditEvent.Action.DELETE, resource=service)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevisionList(ScopedView):
    @extend_schema(
        summary="Revisions of a linked service, newest first",
        responses={200: openapi.list_of(openapi.REVISION)},
        operation_id="listRevisions",
    )
    def get(self, request: Request, name: str) -> Response:
        service = self.find(name, self.resources().filter(purged_at__isnull=True))
        revisions = service.revisions.select_related("author")
        return Response([revision_document(r) for r in revisions])


class RevisionDetail(ScopedView):
    @extend_schema(
        summary="One revision", responses={200: openapi.REVISION}, operation_id="getRevision"
    )
    def get(self, request: Request, name: str, number: int) -> Response:
        service = self.find(name, self.resources().filter(purged_at__isnull=True))
        revision = service.revisions.filter(number=number).first()
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
        if not service.revisions.filter(number=number).exists():
            raise Http404(f"'{service.name}' has no revision {number}.")
        result = restore_revision(
            user=request.user, instance=service, number=number, based_on=based_on
        )
        _audit(
            request,
            AuditEvent.Action.RESTORE,
            resource=result.resource,
            detail=f"API: revision {number}",
        )
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
        try:
            old_n, new_n = int(request.query_params["from"]), int(request.query_params["to"])
        except (KeyError, ValueError):
            raise Invalid([Problem("$", "Give from= and to= revision numbers.")]) from None
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
        undelete_definition(user=request.user, instance=service)
        service.refresh_from_db()
        _audit(request, AuditEvent.Action.UNDELETE, resource=service)
        return with_etag(Response(document(service)), service)


class DeletedPurge(ScopedView):
    write_role = Role.ADMIN

    @extend_schema(
        summary="Purge a deleted linked service so its name can be reused (Admin)",
        responses={204: None},
    )
    def delete(self, request: Request, name: str) -> Response:
        service = self.find(name, self.resources().deleted())
        purge_definition(instance=service)
        _audit(request, AuditEvent.Action.PURGE, resource=service)
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
                "skipBadFiles", bool, description="repository: import the good files anyway"
            ),
        ],
        responses={201: openapi.IMPORT_RESULT, 400: openapi.IMPORT_RESULT},
    )
    def post(self, request: Request) -> Response:
        import json

        archive = _repository_upload(request)
        if archive is not None:
            return self._import_repository(request, archive)
        body = request.data if isinstance(request.data, list) else [request.data]
        files = [
            (f"document[{i}]", json.dumps(doc, ensure_ascii=False).encode())
            for i, doc in enumerate(body)
        ]
        replace = _flag(request, "replace")
        ok, outcomes = import_documents(
            files, user=request.user, replace=replace, factory=self.factory
        )
        if ok:
            for outcome in outcomes:
                _audit(request, AuditEvent.Action.IMPORT, resource=outcome.resource)
        return Response(
            {"imported": ok, "results": _import_results(outcomes)},
            status=status.HTTP_201_CREATED if ok else status.HTTP_400_BAD_REQUEST,
        )

    def _import_repository(self, request: Request, archive: bytes) -> Response:
        try:
            result = import_repository(
                archive,
                user=request.user,
                factory=self.factory,
                replace=_flag(request, "replace"),
                skip_bad_files=_flag(request, "skipBadFiles"),
            )
        except RepositoryRefused as exc:
            raise Invalid([Problem("$", str(exc))]) from exc
        for outcome in result.outcomes:
            _audit(request, AuditEvent.Action.IMPORT, resource=outcome.resource)
        return Response(
            {
                "imported": result.ok,
                "summary": result.summary(),
                "files": [line.as_dict() for line in result.report],
                "results": _import_results(result.outcomes),
            },
            status=status.HTTP_201_CREATED if result.ok else status.HTTP_400_BAD_REQUEST,
        )


def _import_results(outcomes: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "source": o.source,
            "name": o.name,
            "replaced": o.replaced,
            "warnings": o.warnings,
            "errors": [p.as_dict() for p in o.problems],
        }
        for o in outcomes
    ]


ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


def _repository_upload(request: Request) -> bytes | None:
    """A repository zip sent as the body, or as the multipart field ``repository``; None
    for JSON. At most the repository's uncompressed limit is read."""
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if content_type in ZIP_TYPES:
        data = request._request.read(DEFAULT_LIMITS.max_total_bytes + 1)
        if len(data) > DEFAULT_LIMITS.max_total_bytes:
            raise Invalid([Problem("$", "The zip is over 100 MB.")])
        return data
    if content_type == "multipart/form-data":
        upload = request.FILES.get("repository")
        if upload is None:
            raise Invalid([Problem("$.repository", "Send the repository zip in 'repository'.")])
        if upload.size > DEFAULT_LIMITS.max_total_bytes:
            raise Invalid([Problem("$.repository", "The zip is over 100 MB.")])
        return upload.read()
    return None


class ExportOne(ScopedView):
    @extend_schema(
        summary="The ADF git-integration file of one linked service",
        responses={(200, "application/json"): openapi.DOCUMENT},
    )
    def get(self, request: Request, name: str) -> HttpResponse:
        service = self.find(name)
        _audit(request, AuditEvent.Action.EXPORT, resource=service)
        response = HttpResponse(
            export_file(service), content_type="application/json; charset=utf-8"
        )
        return with_etag(response, service)


class ExportAll(ScopedView):
    @extend_schema(
        summary="A zip of the factory's repository: every resource at the path it was "
        "imported from (unedited ones byte for byte), and the files kept as is",
        responses={(200, "application/zip"): {"type": "string", "format": "binary"}},
    )
    def get(self, request: Request) -> HttpResponse:
        files = export_repository(self.factory)
        _audit(
            request,
            AuditEvent.Action.EXPORT,
            detail=f"API zip of factory '{self.factory.name}' ({len(files)} files)",
        )
        response = HttpResponse(write_zip(files), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{self.factory.name}.zip"'
        return response


def _test_response(request: Request, test: ConnectionTest) -> Response:
    code = status.HTTP_200_OK if test.done else status.HTTP_202_ACCEPTED
    response = Response(connection_tests.as_document(test), status=code)
    response["Location"] = reverse("api-connection-test", args=[test.pk])
    return response


def _refusal(exc: connection_tests.TestRefused) -> Exception:
    """A definition that may not be tested is a 400 at its path; anything else a 429."""
    return Invalid(exc.problems) if exc.problems else TooManyTests(str(exc))


def _ca_certificate(request: Request) -> str | None:
    """The ``caCertificate`` of a test request's body (PEM, this test only), or None."""
    data = request.data if isinstance(request.data, dict) else {}
    text = data.get("caCertificate")
    if text is None:
        return None
    if not isinstance(text, str):
        raise Invalid([Problem("$.caCertificate", "Send the CA certificate as PEM text.")])
    try:
        return parse_ca_pem(text)
    except CaCertificateError as exc:
        raise Invalid([Problem("$.caCertificate", str(exc))]) from None


def _flag(request: Request, name: str) -> bool:
    return str(request.query_params.get(name, "")).lower() in ("1", "true", "yes")


def _wants_wait(request: Request) -> bool:
    return _flag(request, "wait")


class LinkedServiceTest(ScopedView):
    @extend_schema(
        summary="Test the saved linked service's connection",
        request={"application/json": openapi.SAVED_TEST_BODY},
        parameters=[openapi.WAIT],
        responses={200: openapi.CONNECTION_TEST, 202: openapi.CONNECTION_TEST, 429: None},
    )
    def post(self, request: Request, name: str) -> Response:
        service = self.find(name)
        ca_certificate = _ca_certificate(request)
        try:
            test = connection_tests.start(
                user=request.user,
                version=service.connector_definition,
                name=service.name,
                resource=service,
                wait=_wants_wait(request),
                request=request,
                ca_certificate=ca_certificate,
            )
        except connection_tests.TestRefused as exc:
            raise _refusal(exc) from None
        return _test_response(request, test)


class UnsavedTest(ScopedView):
    @extend_schema(
        summary="Test an unsaved ADF linked-service document",
        request={"application/json": openapi.TEST_BODY},
        parameters=[openapi.WAIT],
        responses={
            200: openapi.CONNECTION_TEST,
            202: openapi.CONNECTION_TEST,
            400: openapi.ERRORS,
            429: None,
        },
    )
    def post(self, request: Request) -> Response:
        ca_certificate = _ca_certificate(request)
        body = request.data
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if k != "caCertificate"}
        name, properties = from_body(body)
        version, problems = check_definition(name, properties)
        problems = [p for p in problems if p.path != "$.name"]  # a test may reuse a name
        if problems:
            raise Invalid(problems)
        try:
            test = connection_tests.start(
                user=request.user,
                version=version,
                properties=properties,
                name=name,
                wait=_wants_wait(request),
                request=request,
                ca_certificate=ca_certificate,
            )
        except connection_tests.TestRefused as exc:
            raise _refusal(exc) from None
        return _test_response(request, test)


class ConnectionTestDetail(ScopedView):
    @extend_schema(
        summary="A connection test's status and stage results",
        responses={200: openapi.CONNECTION_TEST},
    )
    def get(self, request: Request, pk: int) -> Response:
        test = ConnectionTest.objects.filter(pk=pk).select_related("user", "resource").first()
        if test is None or not test_visible(request.user, test):
            raise Http404("No such connection test.")
        return _test_response(request, test)


def _upgrade_body(request: Request) -> dict[str, Any]:
    data = request.data if isinstance(request.data, dict) else {}
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise Invalid(
            [Problem("$.answers", "Send the answers as an object: {decision id: answer}.")]
        )
    return answers


class UpgradePlanView(ScopedView):
    """Analyse and preview: the plan for one linked service, given optional answers."""

    @extend_schema(
        summary="Analyse / preview the upgrade of a linked service (answers optional)",
        request={"application/json": openapi.UPGRADE_ANSWERS},
        responses={200: openapi.UPGRADE_PLAN},
        operation_id="planUpgrade",
    )
    def post(self, request: Request, name: str) -> Response:
        service = self.find(name)
        try:
            plan = upgrades.plan_for(service, _upgrade_body(request))
        except upgrades.NotUpgradable as exc:
            raise Invalid([Problem("$.properties.version", str(exc))]) from None
        return with_etag(Response(plan.as_dict()), service)

    # Reading the plan without answers is safe for Readers.
    @extend_schema(
        summary="Analyse the upgrade of a linked service",
        responses={200: openapi.UPGRADE_PLAN},
        operation_id="analyseUpgrade",
    )
    def get(self, request: Request, name: str) -> Response:
        service = self.find(name)
        try:
            plan = upgrades.plan_for(service)
        except upgrades.NotUpgradable as exc:
            raise Invalid([Problem("$.properties.version", str(exc))]) from None
        return with_etag(Response(plan.as_dict()), service)


class UpgradeApplyView(ScopedView):
    @extend_schema(
        summary="Apply the upgrade as a new revision (If-Match required)",
        request={"application/json": openapi.UPGRADE_ANSWERS},
        parameters=[openapi.IF_MATCH],
        responses={200: openapi.DOCUMENT, 400: openapi.ERRORS, 412: openapi.STALE, 428: None},
    )
    def post(self, request: Request, name: str) -> Response:
        service = self.find(name)
        based_on = expected_revision(request, service)
        try:
            result = upgrades.apply_upgrade(
                user=request.user,
                service=service,
                answers=_upgrade_body(request),
                based_on=based_on,
            )
        except upgrades.NotUpgradable as exc:
            raise Invalid([Problem("$", str(exc))]) from None
        _audit(request, AuditEvent.Action.UPGRADE, result.resource)
        return with_etag(Response(document(result.resource)), result.resource)


class UpgradeBulkView(ScopedView):
    @extend_schema(
        summary="Upgrade many: a dry run by default; apply with dryRun false",
        request={"application/json": openapi.BULK_REQUEST},
        responses={200: openapi.BULK_REPORT},
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        names = data.get("names")
        dry_run = data.get("dryRun", True)
        if names is not None and (
            not isinstance(names, list) or not all(isinstance(n, str) for n in names)
        ):
            raise Invalid([Problem("$.names", "A list of linked-service names, or leave it out.")])
        if not isinstance(dry_run, bool):
            raise Invalid([Problem("$.dryRun", "true or false.")])
        services = upgrades.upgradable(self.factory)
        if names is not None:
            keys = [Resource.key_for(n) for n in names]
            services = services.filter(name_key__in=keys)
        outcomes = upgrades.bulk_upgrade(
            user=request.user, services=list(services), apply=not dry_run
        )
        for outcome in outcomes:
            if outcome.upgraded:
                _audit(request, AuditEvent.Action.UPGRADE, outcome.service, "API bulk")
        return Response({"applied": not dry_run, "results": [o.as_dict() for o in outcomes]})

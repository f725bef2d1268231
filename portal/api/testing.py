"""Connection tests in the API: a saved linked service's, an unsaved document's, and the
status of one test."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.ca_certificates import CaCertificateError, parse_ca_pem
from connectors.problems import Problem
from connectors.registry import has_form
from connectors.validation import validate_name
from portal.api import openapi
from portal.api.call_values import FIELDS as CALL_VALUE_FIELDS
from portal.api.call_values import call_values_of
from portal.api.documents import Invalid, from_body
from portal.api.requests import flag
from portal.api.scope import ScopedView
from portal.api.views import number_from
from portal.definitions import check as check_definition
from portal.models import ConnectionTest
from portal.roles import test_visible
from portal.services import connection_tests
from portal.services.actor import Actor


class TooManyTests(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "test_refused"


def _test_response(request: Request, test: ConnectionTest) -> Response:
    code = status.HTTP_200_OK if test.done else status.HTTP_202_ACCEPTED
    response = Response(connection_tests.as_document(test), status=code)
    response["Location"] = reverse("api-connection-test", args=[test.pk])
    return response


def _refusal(exc: connection_tests.TestRefused) -> Exception:
    """Too many or too often is a 429; a definition that may not be tested a 400 (at its
    path when one is known)."""
    if exc.status == 429:
        return TooManyTests(str(exc))
    return Invalid(exc.problems or [Problem("$", str(exc))])


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


ONE_OFF_FIELDS = ("caCertificate", *CALL_VALUE_FIELDS)


def _wants_wait(request: Request) -> bool:
    return flag(request, "wait")


class LinkedServiceTest(ScopedView):
    @extend_schema(
        summary="Test the saved linked service's connection",
        request={"application/json": openapi.SAVED_TEST_BODY},
        parameters=[openapi.WAIT],
        responses={200: openapi.CONNECTION_TEST, 202: openapi.CONNECTION_TEST, 429: None},
    )
    def post(self, request: Request, name: str) -> Response:
        service = self.find(name)
        if not has_form(service.kind, service.connector):
            raise Http404(f"'{service.name}' has no connector that can test it here.")
        ca_certificate = _ca_certificate(request)
        values = call_values_of(request)
        try:
            test = connection_tests.start(
                actor=Actor.of(request),
                version=service.connector_definition,
                name=service.name,
                resource=service,
                wait=_wants_wait(request),
                ca_certificate=ca_certificate,
                one_off_password=values.password,
                test_values=values.test_values,
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
        values = call_values_of(request)
        body = request.data
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if k not in ONE_OFF_FIELDS}
        name, properties = from_body(body)
        version, problems = check_definition(name, properties)
        # A test may reuse a name, but the name must still follow the rules.
        problems = [*validate_name(name), *(p for p in problems if p.path != "$.name")]
        if problems:
            raise Invalid(problems)
        try:
            test = connection_tests.start(
                actor=Actor.of(request),
                version=version,
                properties=properties,
                name=name,
                wait=_wants_wait(request),
                ca_certificate=ca_certificate,
                one_off_password=values.password,
                test_values=values.test_values,
                factory=self.factory,
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
        test = (
            ConnectionTest.objects.filter(pk=number_from(pk, "{pk}"))
            .select_related("user", "resource")
            .first()
        )
        if test is None or not test_visible(request.user, test):
            raise Http404("No such connection test.")
        return _test_response(request, test)

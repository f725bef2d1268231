"""Environments in the API: "Test all linked services in E" on the task queue."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.problems import Problem
from portal.api.call_values import call_values_of
from portal.api.documents import Invalid
from portal.api.scope import ScopedView
from portal.environments import environment_named
from portal.models import Environment
from portal.services import connection_tests, test_queue
from portal.services.actor import Actor


class EnvironmentTestAll(ScopedView):
    @extend_schema(
        summary="Test every linked service of the factory in this environment (queued)",
        responses={202: None, 400: None},
    )
    def post(self, request: Request, name: str) -> Response:
        try:
            environment = environment_named(self.factory, name)
        except Environment.DoesNotExist as exc:
            raise Invalid([Problem("environment", str(exc))]) from None
        assert environment is not None
        run = test_queue.test_all(Actor.of(request), environment, call_values_of(request))
        tests = test_queue.verdicts(run.tests)
        body = {
            "environment": environment.name,
            "tests": [connection_tests.as_document(t) for t in tests],
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)

"""The "Test connection" button: start a test, then show its checklist as it completes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from connectors.ca_certificates import MAX_PEM_CHARS, CaCertificateError, parse_ca_pem
from connectors.registry import has_form
from portal.addresses import resource_url
from portal.editor_form import build_editor_form
from portal.environments import effective_definition, environment_named
from portal.models import ConnectionTest, Environment, Resource
from portal.roles import test_visible
from portal.services.actor import Actor
from portal.services.connection_tests import TestRefused, start
from portal.test_value_fields import password_held, test_value_fields, typed_test_values
from portal.views.access import editor_required, live_route
from portal.views.shortcuts import connector_or_404, resource_of

TEST_PASSWORD = "test_password"
"""The form field of a password typed for one test of a definition whose password ADF
holds encrypted; read for that test, never stored."""


FIRST_POLL_MS = 100
"""The result fragment asks again after 100 ms, then 200, 400, 800, then every second: a
quick verdict shows at once, a slow test costs one request a second."""
MAX_POLL_MS = 1000
HISTORY = "history"
"""Query flag of a page that shows the linked service's "Last connection tests": the
fragment then brings that table along (an htmx out-of-band swap) when the test starts
and when it ends."""


def result_context(
    request: HttpRequest,
    test: ConnectionTest | None,
    error: str = "",
    *,
    first: bool = False,
    history: bool | None = None,
) -> dict[str, Any]:
    """What ``_result.html`` needs: the test, when to ask again, and the history table."""
    try:
        poll = min(max(int(request.GET.get("poll", "0")), 0), 10)
    except ValueError:
        poll = 0
    if history is None:
        history = request.GET.get(HISTORY) == "1"
    context: dict[str, Any] = {"test": test, "error": error, "first": first}
    if test is not None and not test.done:
        query = {"poll": poll + 1, **({HISTORY: 1} if history else {})}
        context["poll_url"] = f"{reverse('connection-test', args=[test.pk])}?{urlencode(query)}"
        context["poll_delay_ms"] = min(FIRST_POLL_MS * 2**poll, MAX_POLL_MS)
    if history and test is not None and test.resource_id and (first or test.done):
        context["history_tests"] = test.resource.tests.select_related("user", "environment")[:5]
    return context


def _respond(
    request: HttpRequest,
    test: ConnectionTest | None,
    error: str = "",
    *,
    history: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = result_context(request, test, error, first=True, history=history)
    if request.htmx:
        return render(request, "connection_tests/_result.html", context, status=status)
    if test is None:
        messages.error(request, error)
        return redirect(request.headers.get("Referer") or "factory-list")
    return redirect("connection-test", pk=test.pk)


@live_route
def test_unsaved(request: HttpRequest, factory: str, kind: str, type_name: str) -> HttpResponse:
    """Test the values on a new resource's form."""
    if not has_form(kind, type_name):
        raise Http404(f"No {kind} type '{type_name}' with a connection test.")
    return _test_form(request, type_name, None)


@live_route
def test_edited(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """Test the values on an edit form (an untouched password means the stored one)."""
    instance = resource_of(request, kind, name)
    if not has_form(instance.kind, instance.connector):
        raise Http404("Only a resource with a connector's form can be tested.")
    return _test_form(request, instance.connector, instance)


def _test_form(
    request: HttpRequest, connector_type: str, instance: Resource | None
) -> HttpResponse:
    connector = connector_or_404(connector_type)
    data = request.POST.dict()
    version = connector.versions.get(data.get("version", "")) or connector.version(
        connector.default_version
    )
    stored = instance.properties if instance is not None else None
    form = build_editor_form(connector, version, data, stored)
    try:
        test = start(
            actor=Actor.of(request),
            version=version,
            properties=form.properties,
            name=data.get("name", ""),
            resource=instance,
            factory=request.factory,  # type: ignore[attr-defined]
            ca_certificate=uploaded_ca(request),
            one_off_password=request.POST.get(TEST_PASSWORD) or None,
            test_values=typed_test_values(request.POST),
        )
    except TestRefused as exc:
        return _respond(request, None, str(exc), status=exc.status)
    return _respond(request, test)


def uploaded_ca(request: HttpRequest) -> str | None:
    """The CA certificate uploaded with this test (PEM), or None; read, never stored."""
    upload = request.FILES.get("ca_certificate")
    if upload is None:
        return None
    if upload.size is None or upload.size > MAX_PEM_CHARS:
        raise TestRefused(
            f"The CA certificate file is larger than {MAX_PEM_CHARS} bytes; upload only "
            "the CA certificates (PEM)."
        )
    try:
        return parse_ca_pem(upload.read().decode("ascii"))
    except UnicodeDecodeError:
        raise TestRefused(
            "The CA certificate must be PEM text (this file is binary, perhaps DER)."
        ) from None
    except CaCertificateError as exc:
        raise TestRefused(str(exc)) from None


@live_route
def test_saved(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    service = resource_of(request, kind, name)
    if not has_form(service.kind, service.connector):
        raise Http404("Only linked services of a connector the portal knows can be tested.")
    try:
        test = start(
            actor=Actor.of(request),
            version=service.connector_definition,
            name=service.name,
            resource=service,
            environment=environment_of(service, request.POST.get("environment")),
            ca_certificate=uploaded_ca(request),
            one_off_password=request.POST.get(TEST_PASSWORD) or None,
            test_values=typed_test_values(request.POST),
        )
    except TestRefused as exc:
        return _respond(request, None, str(exc), status=exc.status)
    return _respond(request, test, history=True)


def environment_of(service: Resource, name: str | None) -> Environment | None:
    """The environment of ``service``'s factory a form names (None: none named)."""
    try:
        return environment_named(service.factory, name)
    except Environment.DoesNotExist as exc:
        raise TestRefused(str(exc)) from None


@editor_required
@require_safe
def test_options(request: HttpRequest, factory: str, kind: str, name: str) -> HttpResponse:
    """The "values for this test" of a linked service in the environment chosen beside
    Test connection: what its effective definition there asks for."""
    service = resource_of(request, kind, name)
    if not has_form(service.kind, service.connector):
        raise Http404("Only linked services of a connector the portal knows can be tested.")
    try:
        environment = environment_of(service, request.GET.get("environment"))
    except TestRefused as exc:
        raise Http404(str(exc)) from None
    version = service.connector_definition
    properties: Any = service.properties
    if environment is not None:
        properties = effective_definition(service, environment).properties
    context = {
        "form_id": "test-form",
        "environment": environment.name if environment is not None else "",
        "fields": test_value_fields(version, properties, stored_secrets=True),
        "password_held": password_held(version, properties),
    }
    return render(request, "connection_tests/_options.html", context)


def result(request: HttpRequest, pk: int) -> HttpResponse:
    test = get_object_or_404(ConnectionTest.objects.select_related("resource"), pk=pk)
    if not test_visible(request.user, test):
        raise Http404("No such test.")
    context = result_context(request, test)
    if request.htmx:
        return render(request, "connection_tests/_result.html", context)
    back = resource_url(test.resource) if test.resource is not None else reverse("factory-list")
    return render(request, "connection_tests/page.html", {**context, "back": back})

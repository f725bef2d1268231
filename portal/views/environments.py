"""A factory's environments: the matrix of its resources in each environment, and one
environment's override files row by row with each row's findings. Reader reads; testing
is an Editor's (the test routes)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from portal.environment_matrix import matrix, override_rows
from portal.environments import effective_properties
from portal.models import Environment, Factory
from portal.roles import Role, has_role
from portal.services.actor import Actor
from portal.services.call_values import CallValues
from portal.services.test_queue import linked_services, test_all
from portal.test_value_fields import shared_test_value_fields, typed_test_values
from portal.views.access import editor_required, reader_required
from portal.views.testing import TEST_PASSWORD


@reader_required
@require_safe
def factory_environments(request: HttpRequest, factory: str) -> HttpResponse:
    home: Factory = request.factory  # type: ignore[attr-defined]
    context = {
        "factory": home,
        "matrix": matrix(home),
        "can_edit_here": has_role(request.user, Role.EDITOR, home),
    }
    if request.htmx:
        return render(request, "environments/_matrix.html", context)
    return render(request, "environments/page.html", context)


def _environment_or_404(request: HttpRequest, name: str) -> Environment:
    home: Factory = request.factory  # type: ignore[attr-defined]
    environment = Environment.objects.filter(factory=home, name=name).first()
    if environment is None:
        raise Http404(f"No environment named '{name}' in {home.name}.")
    environment.factory = home
    return environment


@editor_required
@require_http_methods(["GET", "HEAD", "POST"])
def environment_test_all(request: HttpRequest, factory: str, name: str) -> HttpResponse:
    """ "Test all linked services in E": the values the tests ask for (parameters, Key
    Vault secrets, a one-off password; given once for all, each test takes those its
    definition takes, never stored), then queued; the matrix fills as verdicts come."""
    environment = _environment_or_404(request, name)
    home = environment.factory
    if request.method == "POST":
        typed = typed_test_values(request.POST)
        password = request.POST.get(TEST_PASSWORD) or None
        values = CallValues(password, typed.parameters, typed.secrets)
        run = test_all(Actor.of(request), environment, values)
        count = len(run.tests)
        queued = f"{count} test{'' if count == 1 else 's'} queued in {environment.name}."
        messages.info(request, queued)
        return redirect("factory-environments", factory=home.name)
    services = linked_services(environment)
    effective = effective_properties(environment, services)
    fields, held = shared_test_value_fields(
        [(s.name, s.connector_definition, effective[s.pk]) for s in services]
    )
    context = {
        "factory": home,
        "environment": environment,
        "services": services,
        "fields": fields,
        "password_held": held,
    }
    return render(request, "environments/test_all.html", context)


@reader_required
@require_safe
def environment_overrides(request: HttpRequest, factory: str, name: str) -> HttpResponse:
    environment = _environment_or_404(request, name)
    home = environment.factory
    files, elsewhere = override_rows(environment)
    context = {"factory": home, "environment": environment, "files": files, "elsewhere": elsewhere}
    return render(request, "environments/overrides.html", context)

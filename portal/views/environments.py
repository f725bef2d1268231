"""A factory's environments: the matrix of its resources in each environment, and one
environment's override files row by row with each row's findings. Reader reads; testing
is an Editor's (the test routes)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from portal.environment_matrix import matrix, override_rows
from portal.models import Environment, Factory
from portal.roles import Role, has_role
from portal.services.actor import Actor
from portal.services.test_queue import test_all
from portal.views.access import editor_required, reader_required


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
@require_POST
def environment_test_all(request: HttpRequest, factory: str, name: str) -> HttpResponse:
    """ "Test all linked services in E": queued, then the matrix fills as verdicts come."""
    environment = _environment_or_404(request, name)
    home = environment.factory
    run = test_all(Actor.of(request), environment)
    messages.info(request, f"{len(run.tests)} tests queued in {environment.name}.")
    return redirect("factory-environments", factory=home.name)


@reader_required
@require_safe
def environment_overrides(request: HttpRequest, factory: str, name: str) -> HttpResponse:
    environment = _environment_or_404(request, name)
    home = environment.factory
    files, elsewhere = override_rows(environment)
    context = {"factory": home, "environment": environment, "files": files, "elsewhere": elsewhere}
    return render(request, "environments/overrides.html", context)

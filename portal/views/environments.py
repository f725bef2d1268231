"""A factory's environments: the matrix of its resources in each environment, and one
environment's override files row by row with each row's findings. Reader reads; testing
is an Editor's (the test routes)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.environment_matrix import matrix, override_rows
from portal.models import Environment, Factory
from portal.roles import Role, has_role
from portal.views.access import reader_required


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


@reader_required
@require_safe
def environment_overrides(request: HttpRequest, factory: str, name: str) -> HttpResponse:
    home: Factory = request.factory  # type: ignore[attr-defined]
    environment = Environment.objects.filter(factory=home, name=name).first()
    if environment is None:
        raise Http404(f"No environment named '{name}' in {home.name}.")
    environment.factory = home
    files, elsewhere = override_rows(environment)
    context = {"factory": home, "environment": environment, "files": files, "elsewhere": elsewhere}
    return render(request, "environments/overrides.html", context)

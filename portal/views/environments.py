"""A factory's environments: the matrix of its resources in each environment, and one
environment's override files row by row with each row's findings; an Editor edits a config
file's rows as a table (completing resource names and property paths). Reader reads;
editing and testing are an Editor's."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from connectors.environments import Finding, Format
from connectors.environments.config_json import ACTIONS
from connectors.environments.row_edits import any_kind
from portal.environment_matrix import FileRows, matrix
from portal.environments import base_of, effective_properties
from portal.models import Environment, EnvironmentFile, Factory
from portal.override_table import (
    TYPES,
    RowView,
    completions,
    edits_from,
    new_row,
    override_page,
    submitted_table,
)
from portal.roles import Role, has_role
from portal.services.actor import Actor
from portal.services.call_values import CallValues
from portal.services.environments import STALE, RowsRefused, editable, save_rows
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
    """The environment's override files: line by line for a Reader; for an Editor, the
    rows of each config file as a table to edit."""
    environment = _environment_or_404(request, name)
    home = environment.factory
    can_edit = has_role(request.user, Role.EDITOR, home)
    files, elsewhere = override_page(environment, tables=can_edit)
    return _page(request, environment, files, elsewhere, can_edit)


def _page(
    request: HttpRequest,
    environment: Environment,
    files: list[FileRows],
    elsewhere: list[Finding],
    can_edit: bool,
    status: int = 200,
) -> HttpResponse:
    context = {
        "factory": environment.factory,
        "environment": environment,
        "files": files,
        "elsewhere": elsewhere,
        "can_edit_here": can_edit,
    }
    return render(request, "environments/overrides.html", context, status=status)


def _file_or_404(environment: Environment, path: str) -> EnvironmentFile:
    """The environment's config file at ``path`` that is edited as a table."""
    found = EnvironmentFile.objects.filter(environment=environment, path=path).first()
    if found is None or not editable(found):
        raise Http404(f"No config file '{path}' edited as rows in {environment.name}.")
    return found


def _fragment(request: HttpRequest, environment: Environment, shown: FileRows) -> HttpResponse:
    context = {
        "factory": environment.factory,
        "environment": environment,
        "file": shown,
        "can_edit_here": True,
    }
    return render(request, "environments/_override_table.html", context)


@editor_required
@require_POST
def environment_rows(request: HttpRequest, factory: str, name: str) -> HttpResponse:
    """Save a config file's table: the rows changed, added and deleted, as a new revision
    of the file; the table comes back with the findings of the rows as saved."""
    environment = _environment_or_404(request, name)
    file = _file_or_404(environment, request.POST.get("file", ""))
    edits, keys = edits_from(request.POST)
    read_from = request.POST.get("read_from", "")
    try:
        saved = save_rows(Actor.of(request), file, edits, read_from=read_from)
    except RowsRefused as exc:
        files, elsewhere = override_page(environment, tables=True)
        shown = next(f for f in files if f.path == file.path)
        if exc.message != STALE:
            base = base_of(environment.factory)
            shown.table = submitted_table(shown.table, base, edits, keys, exc.at_edit)
        shown.table.error = exc.message
        if request.htmx:
            return _fragment(request, environment, shown)
        return _page(request, environment, files, elsewhere, True, status=400)
    message = (
        f"Saved {file.path} as revision {saved.revision}: {saved.applied.summary()}."
        if saved.revision is not None
        else "Nothing changed: nothing was saved."
    )
    if not request.htmx:
        messages.success(request, message)
        return redirect("environment-overrides", factory=environment.factory.name, name=name)
    files, _ = override_page(environment, tables=True)
    shown = next(f for f in files if f.path == file.path)
    shown.table.message = message
    return _fragment(request, environment, shown)


@editor_required
@require_safe
def environment_row_lists(request: HttpRequest, factory: str, name: str) -> HttpResponse:
    """What a row's name and path cells complete from, for its type and name as typed
    (``row``: the row's key; ``add``: a new row of the ``file``'s table instead)."""
    environment = _environment_or_404(request, name)
    base = base_of(environment.factory)
    if request.GET.get("add"):
        file = _file_or_404(environment, request.GET.get("file", ""))
        json_form = any_kind(Format(file.format))
        taken = [k for k in request.GET if k.startswith("new-") and k.endswith("-type")]
        context = {
            "factory": environment.factory,
            "environment": environment,
            "row": new_row(base, len(taken), json_form),
            "types": list(ACTIONS) if json_form else TYPES,
            "any_kind": json_form,
        }
        return render(request, "environments/_override_row.html", context)
    key = request.GET.get("row", "")
    typed = (request.GET.get(f"{key}-type", ""), request.GET.get(f"{key}-name", ""))
    names, paths = completions(base, *typed, any_kind=bool(request.GET.get("any")))
    row = RowView(key, None, 0, {}, names=names, paths=paths)
    return render(request, "environments/_row_lists.html", {"row": row})

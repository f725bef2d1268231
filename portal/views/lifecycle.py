"""The connector lifecycle inventory pages: one factory's, and across every factory the user
can see (read only; each row links to the upgrade wizard)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.lifecycle import inventory, summary
from portal.models import Factory
from portal.roles import visible_factories
from portal.views.access import reader_required


@reader_required
@require_safe
def of_factory(request: HttpRequest, factory: str) -> HttpResponse:
    home: Factory = request.factory  # type: ignore[attr-defined]
    return _page(request, [home], home)


@require_safe
def across(request: HttpRequest) -> HttpResponse:
    return _page(request, list(visible_factories(request.user)), None)


def _page(request: HttpRequest, factories: list[Factory], one: Factory | None) -> HttpResponse:
    entries = inventory(factories)
    context = {"entries": entries, "summary": summary(entries), "one_factory": one}
    return render(request, "lifecycle/inventory.html", context)

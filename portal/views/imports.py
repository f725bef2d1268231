"""Import ADF JSON by pasting or uploading files, or a whole repository as a zip."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from connectors.repository_source import DEFAULT_LIMITS, RepositoryRefused
from portal.addresses import resource_url
from portal.models import Factory
from portal.services import repository
from portal.services.actor import Actor
from portal.views.access import editor_required

log = logging.getLogger("portal.imports")
TEMPLATE = "linkedservices/import.html"


@editor_required
def import_view(request: HttpRequest, factory: str) -> HttpResponse:
    home: Factory = request.factory  # type: ignore[attr-defined]
    context: dict[str, object] = {"pasted": "", "factory": home}
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    if "repository" in request.FILES:
        return _import_repository(request, home, context)
    files = [(f.name, f.read()) for f in request.FILES.getlist("files")]
    pasted = request.POST.get("pasted", "")
    if pasted.strip():
        files.append(("pasted JSON", pasted.encode("utf-8")))
    context["pasted"] = pasted
    if not files:
        context["nothing"] = True
        return render(request, TEMPLATE, context, status=400)
    ok, outcomes = repository.import_files(
        Actor.of(request),
        home,
        files,
        replace=request.POST.get("replace") == "on",
        pedantic=request.POST.get("pedantic") == "on",
    )
    context["outcomes"] = outcomes
    if not ok:
        return render(request, TEMPLATE, context, status=400)
    for outcome in outcomes:
        verb = "replaced" if outcome.replaced else "imported"
        messages.success(request, f"'{outcome.name}' {verb}.")
        for warning in outcome.warnings:
            messages.warning(request, f"{outcome.name}: {warning}")
        for note in outcome.notes:
            messages.info(request, f"{outcome.name}: {note}")
    if len(outcomes) == 1 and outcomes[0].resource is not None:
        return redirect(resource_url(outcomes[0].resource))
    return redirect("resource-list", factory=home.name)


def _import_repository(
    request: HttpRequest, home: Factory, context: dict[str, object]
) -> HttpResponse:
    upload = request.FILES["repository"]
    if upload.size is not None and upload.size > DEFAULT_LIMITS.max_total_bytes:
        context["refused"] = "The zip is over 100 MB."
        return render(request, TEMPLATE, context, status=400)
    try:
        result = repository.import_repository(
            Actor.of(request),
            home,
            upload.file,  # read from as needed (on disk when large), not copied whole
            label=str(upload.name or "upload"),
            replace=request.POST.get("replace") == "on",
            skip_bad_files=request.POST.get("skip_bad_files") == "on",
            pedantic=request.POST.get("pedantic") == "on",
        )
    except RepositoryRefused as exc:
        context["refused"] = str(exc)
        return render(request, TEMPLATE, context, status=400)
    context["repository"] = result
    return render(request, TEMPLATE, context, status=200 if result.ok else 400)

"""Import ADF linked-service JSON by pasting or uploading it."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from portal import audit
from portal.imports import import_documents
from portal.models import AuditEvent
from portal.views.access import editor_required

log = logging.getLogger("portal.imports")


@editor_required
def import_view(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"pasted": ""}
    if request.method == "POST":
        files = [(f.name, f.read()) for f in request.FILES.getlist("files")]
        pasted = request.POST.get("pasted", "")
        if pasted.strip():
            files.append(("pasted JSON", pasted.encode("utf-8")))
        context["pasted"] = pasted
        if not files:
            context["nothing"] = True
            return render(request, "linkedservices/import.html", context, status=400)
        ok, outcomes = import_documents(
            files, user=request.user, replace=request.POST.get("replace") == "on"
        )
        context["outcomes"] = outcomes
        if ok:
            for outcome in outcomes:
                audit.record(
                    AuditEvent.Action.IMPORT,
                    request=request,
                    resource=outcome.resource,
                    detail=f"from {outcome.source}" + (" (replaced)" if outcome.replaced else ""),
                )
                verb = "replaced" if outcome.replaced else "imported"
                messages.success(request, f"'{outcome.name}' {verb}.")
                for warning in outcome.warnings:
                    messages.warning(request, f"{outcome.name}: {warning}")
            if len(outcomes) == 1 and outcomes[0].resource is not None:
                return redirect("linkedservice-detail", pk=outcomes[0].resource.pk)
            return redirect("linkedservice-list")
        return render(request, "linkedservices/import.html", context, status=400)
    return render(request, "linkedservices/import.html", context)

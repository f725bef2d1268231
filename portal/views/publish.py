"""The factory page's "Validate all" (findings grouped by resource, each linking to it) and
"Publish (ARM template)" (a zip download, refused while validation finds an error). Thin:
the work is :mod:`portal.publish`'s."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from connectors.factory_checks import Finding, Severity
from connectors.factory_checks.reports import counts
from portal.models import Factory
from portal.publish import publish_factory, publish_zip, validate_factory
from portal.views.access import reader_required


def _groups(factory: Factory, findings: list[Finding]) -> list[dict]:
    groups: dict[str, dict] = {}
    for f in findings:
        key = f.file or "(factory)"
        if key not in groups:
            link = (
                reverse("resource-detail", args=[factory.name, f.kind, f.name])
                if f.kind and f.name
                else ""
            )
            groups[key] = {"file": key, "kind": f.kind, "name": f.name, "link": link, "items": []}
        groups[key]["items"].append(f)
    return list(groups.values())


@reader_required
@require_safe
def validate_all(request: HttpRequest, factory: str) -> HttpResponse:
    home: Factory = request.factory  # type: ignore[attr-defined]
    snapshot, findings = validate_factory(home)
    return render(
        request,
        "publish/validate.html",
        {
            "factory": home,
            "groups": _groups(home, findings),
            "counts": counts(findings),
            "resources": len(snapshot.resources),
        },
    )


@reader_required
@require_safe
def publish_arm(request: HttpRequest, factory: str) -> HttpResponse:
    home: Factory = request.factory  # type: ignore[attr-defined]
    result = publish_factory(home)
    if result.export is None:
        errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
        messages.error(
            request, f"Not published: Validate all found {errors} error(s); fix them first."
        )
        return redirect("factory-validate", home.name)
    response = HttpResponse(publish_zip(result.export), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{home.name}-arm.zip"'
    return response

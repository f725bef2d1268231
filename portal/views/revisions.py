"""One revision's own page: its comment and the whole account of the change (an
upgrade's plan), which the history's one-line comment links to."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from portal.models import Resource
from portal.views.access import reader_required


@reader_required
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    service = get_object_or_404(Resource.objects.filter(purged_at__isnull=True), pk=pk)
    revision = get_object_or_404(service.revisions.select_related("author"), number=number)
    return render(
        request, "linkedservices/revision.html", {"service": service, "revision": revision}
    )

"""The audit log, for Admins: filter by user, object and action."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.models import AuditEvent
from portal.views.access import site_admin_required as admin_required


@admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.all()
    if user := request.GET.get("user", "").strip():
        events = events.filter(username__iexact=user)
    if name := request.GET.get("object", "").strip():
        events = events.filter(object_name__icontains=name)
    if action := request.GET.get("action", "").strip():
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {"page": page, "actions": AuditEvent.Action.choices, "filters": request.GET}
    if request.htmx and request.htmx.target == "audit-table":
        return render(request, "audit/_table.html", context)
    return render(request, "audit/list.html", context)

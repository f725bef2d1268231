"""Personal API tokens: each user creates and revokes their own."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from portal import audit
from portal.models import ApiToken, AuditEvent


def token_list(request: HttpRequest) -> HttpResponse:
    new_key = None
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:100]
        if not name:
            messages.error(request, "Give the token a name, e.g. the script that uses it.")
        else:
            token, new_key = ApiToken.issue(request.user, name)
            audit.record(AuditEvent.Action.TOKEN_CREATED, request=request, name=token.name)
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(request, "tokens/list.html", {"tokens": tokens, "new_key": new_key})
    response["Cache-Control"] = "no-store"
    return response


def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    if request.method == "POST":
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(AuditEvent.Action.TOKEN_REVOKED, request=request, name=token.name)
        messages.success(request, f"Token '{token.name}' revoked.")
    return redirect("token-list")

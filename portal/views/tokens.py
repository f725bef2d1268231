"""Personal API tokens: each user creates and revokes their own, read-only or not, expiring."""

from __future__ import annotations

from datetime import timedelta

from cryptography.fernet import InvalidToken
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from portal import crypto
from portal.models import ApiToken
from portal.services import accounts
from portal.services.actor import Actor

LIFETIMES_DAYS = (7, 30, 90, 365)
DEFAULT_LIFETIME_DAYS = 90
SCOPES = {"read-write": "read and write (your role)", "read-only": "read only"}
# The new key waits in the session, encrypted with the secret keys, between the POST and the
# page it redirects to, which shows it once and removes it; unread, it expires.
NEW_KEY_SESSION = "linkwright_new_token_key"
NEW_KEY_SHOWN_WITHIN_S = 300


def _hold_new_key(request: HttpRequest, key: str) -> None:
    request.session[NEW_KEY_SESSION] = crypto.encrypt(key)


def _take_new_key(request: HttpRequest) -> str | None:
    sealed = request.session.pop(NEW_KEY_SESSION, None)
    if not sealed:
        return None
    try:
        return crypto.fernet().decrypt(sealed.encode("ascii"), ttl=NEW_KEY_SHOWN_WITHIN_S).decode()
    except InvalidToken:
        return None


def token_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:100]
        scope = request.POST.get("scope", "read-write")
        days = request.POST.get("lifetime", str(DEFAULT_LIFETIME_DAYS))
        if not name:
            messages.error(request, "Give the token a name, e.g. the script that uses it.")
        elif scope not in SCOPES:
            messages.error(request, "Choose read and write, or read only.")
        elif not days.isdigit() or int(days) not in LIFETIMES_DAYS:
            messages.error(
                request, f"Choose a lifetime of {', '.join(map(str, LIFETIMES_DAYS))} days."
            )
        else:
            _, new_key = accounts.issue_token(
                Actor.of(request),
                name,
                read_only=scope == "read-only",
                expires_at=timezone.now() + timedelta(days=int(days)),
                scope_label=SCOPES[scope],
            )
            _hold_new_key(request, new_key)
        return redirect("token-list")  # post/redirect/get: a reload creates nothing
    shown_key = _take_new_key(request)
    tokens = ApiToken.objects.filter(user=request.user)
    context = {
        "tokens": tokens,
        "new_key": shown_key,
        "scopes": SCOPES,
        "lifetimes": LIFETIMES_DAYS,
        "default_lifetime": DEFAULT_LIFETIME_DAYS,
    }
    response = render(request, "tokens/list.html", context)
    response["Cache-Control"] = "no-store"
    return response


def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    if request.method == "POST":
        accounts.revoke_token(Actor.of(request), token)
        messages.success(request, f"Token '{token.name}' revoked.")
    return redirect("token-list")

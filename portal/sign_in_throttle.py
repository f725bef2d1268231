"""Sign-in throttling: too many failed sign-ins lock the account, and the address, for a while.

Failed sign-ins are the audit log's ``sign-in failed`` events (the user name tried and the
address). ``SIGN_IN_MAX_FAILURES_PER_ACCOUNT`` of them for one user name, from any address,
within ``SIGN_IN_COOL_OFF_SECONDS`` lock that user name; ``SIGN_IN_MAX_FAILURES_PER_ADDRESS``
from one address, whatever the user names, lock that address. While locked, sign-in is
refused before the password is checked, so the right password is refused too; the lock
lifts once the failures are older than the cool-off. Locking and each refusal are audited
as ``sign-in locked``. API tokens never sign in, so they are not affected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils import timezone

from portal.models import AuditEvent
from portal.services import sign_in


@dataclass(frozen=True)
class Lock:
    what: str
    """"this account" or "your address"."""
    failures: int
    until: datetime

    def message(self) -> str:
        minutes = max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))
        return (
            f"Sign-in is locked for {self.what} after {self.failures} failed attempts. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )


def _failures() -> QuerySet[AuditEvent]:
    since = timezone.now() - timedelta(seconds=settings.SIGN_IN_COOL_OFF_SECONDS)
    return AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, at__gte=since)


def _lock(what: str, failures: QuerySet[AuditEvent], limit: int) -> Lock | None:
    recent = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    if len(recent) < limit:
        return None
    cool_off = timedelta(seconds=settings.SIGN_IN_COOL_OFF_SECONDS)
    return Lock(what, limit, recent[-1] + cool_off)


def current_lock(username: str, address: str | None) -> Lock | None:
    """The lock that refuses a sign-in as ``username`` from ``address`` now, if any."""
    failures = _failures()
    account = _lock(
        "this account",
        failures.filter(object_name__iexact=username[:150]),
        settings.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
    )
    if account is not None or not address:
        return account
    return _lock(
        "your address",
        failures.filter(remote_addr=address),
        settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS,
    )


class ThrottledAuthenticationForm(AuthenticationForm):
    """The sign-in form, refusing (and auditing) sign-ins while locked."""

    locked_message = ""
    """Why sign-in is refused, when it is locked (the page shows it)."""

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        lock = current_lock(username, address)
        if lock is not None:
            self._audit(username, f"sign-in refused: {lock.what} is locked")
            raise self._locked(lock)
        try:
            return super().clean()
        except forms.ValidationError:
            lock = current_lock(username, address)
            if lock is None:
                raise
            minutes = settings.SIGN_IN_COOL_OFF_SECONDS // 60
            self._audit(
                username,
                f"{lock.what} locked for {minutes} minutes after {lock.failures} failed sign-ins",
            )
            raise self._locked(lock) from None

    def _locked(self, lock: Lock) -> forms.ValidationError:
        self.locked_message = lock.message()
        return forms.ValidationError(self.locked_message, code="locked")

    def _audit(self, username: str, detail: str) -> None:
        sign_in.locked(self.request, username, detail)

"""The one live path: every call that opens a connection to a user's server.

Connection tests, catalog reads (schemas, tables, columns), data previews, query checks and
query previews, and the transfer designer's live reads all come through here, and only
from a POST (the views, API views and commands check the route and the Editor role). Each
call, whatever started it:

1. keeps to one per-user rate, ``CONNECTION_TEST_RATE_PER_MINUTE`` calls a minute counted
   from the :class:`~portal.models.LiveCall` rows of every process (0 refuses every call);
2. takes one of the process's places for a request thread that waits on a server
   (``CONNECTION_TEST_MAX_WAITING``) when it waits, and one slot of the shared pool
   (``CONNECTION_TEST_MAX_PENDING``); past them it is refused at once (429);
3. runs on the pool with the same options: the address policy, the connect timeout and
   the deadline (:func:`options`);
4. has whatever the server answered redacted (every typed secret, in plain, URL-encoded,
   escaped, hex and base64 forms) before it is stored or shown;
5. leaves one :class:`~portal.models.LiveCall` row, written before the connection opens
   (what the rate counts), and one audit row with the verdict, written in the same
   transaction that finishes that row. Never row data.

A refusal before any network raises :class:`LiveRefused` with the HTTP status that says why.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from connectors.base import TestOptions
from connectors.net_policy import AddressPolicy, SettingNames
from connectors.redaction import redact
from connectors.secrets import secure_strings
from portal import audit
from portal.models import (
    ConnectionTest,
    Factory,
    LiveCall,
    Resource,
    interrupted_after,
    interrupted_cutoff,
)
from portal.services.actor import Actor

RATE_WINDOW = timedelta(minutes=1)
"""The window of the per-user rate limit of live calls."""

WAITING_REFUSAL = (
    "Too many requests to this portal are waiting on servers right now; try again in a moment."
)
BUSY_REFUSAL = "Too many server calls are running; try again in a moment."

Operation = LiveCall.Operation


class LiveRefused(Exception):
    """The call was not made: ``status`` is the HTTP status that says why (400, 404, 429)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Target:
    """What a call is about, as its record and the audit log name it."""

    factory: Factory | None
    resource: Resource | None
    """The resource acted on (a dataset, a pipeline, a linked service), if saved."""
    linked_service: str
    """The linked service whose server is called."""
    connector: str = ""
    connector_version: str = ""
    label: str = ""
    """The audit log's object name (default: the resource's name, else the linked service)."""

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        return self.resource.name if self.resource is not None else self.linked_service


# -- options -------------------------------------------------------------------------
def network_policy() -> AddressPolicy:
    """The address policy the settings describe; its refusals name the variable that would
    allow the address."""
    variables = settings.CONNECTION_TEST_POLICY_VARIABLES
    return AddressPolicy(
        allow_loopback=settings.CONNECTION_TEST_ALLOW_LOOPBACK,
        allow_private=settings.CONNECTION_TEST_ALLOW_PRIVATE,
        allowed=tuple(ipaddress.ip_network(n) for n in settings.CONNECTION_TEST_ALLOWED_NETWORKS),
        denied=tuple(ipaddress.ip_network(n) for n in settings.CONNECTION_TEST_DENIED_NETWORKS),
        names=SettingNames(
            allow_loopback=f"{variables['allow_loopback']}=1",
            allow_private=f"{variables['allow_private']}=1",
            allowed=variables["allowed"],
        ),
    )


def options(ca_certificate: str | None = None) -> TestOptions:
    """The options of every live call: address policy, connect timeout, deadline."""
    return TestOptions(
        address_policy=network_policy(),
        connect_timeout_s=settings.CONNECTION_TEST_CONNECT_TIMEOUT,
        deadline_s=settings.CONNECTION_TEST_DEADLINE,
        ca_certificate=ca_certificate,
    )


# -- redaction -----------------------------------------------------------------------
@dataclass(frozen=True)
class Redaction:
    """The secrets a call was given, to take out of whatever the peer sent back."""

    secrets: tuple[str, ...]
    companions: tuple[str, ...]

    @classmethod
    def of(cls, clear: dict[str, Any], *extra: str | None) -> Redaction:
        """The secrets of a definition in clear (every SecureString's value) and ``extra``
        ones (a one-off password); its typeProperties' text values are companions (a user
        name goes with a password in an HTTP Basic header)."""
        secrets = tuple(
            s["value"] for _, s in secure_strings(clear) if isinstance(s.get("value"), str)
        ) + tuple(e for e in extra if e)
        type_properties = clear.get("typeProperties")
        companions = tuple(
            value
            for value in (type_properties.values() if isinstance(type_properties, dict) else ())
            if isinstance(value, str)
        )
        return cls(secrets, companions)

    def __call__(self, report: Any) -> Any:
        return redact(report, self.secrets, self.companions)


# -- the rate ------------------------------------------------------------------------
def rate_wait(actor: Actor) -> tuple[int, float]:
    """How many live calls the actor's user started in the last minute (every process's),
    and the seconds until one more keeps to the limit (0: it may go now)."""
    limit = settings.CONNECTION_TEST_RATE_PER_MINUTE
    now = timezone.now()
    user = actor.user if getattr(actor.user, "pk", None) is not None else None
    recent = LiveCall.objects.filter(user=user, started_at__gte=now - RATE_WINDOW)
    if interrupted_after() < RATE_WINDOW.total_seconds():
        # Only then can a call of the window have been interrupted already: those do not
        # count (their process died; the user may try again).
        recent = recent.exclude(
            verdict=LiveCall.Verdict.RUNNING, started_at__lt=interrupted_cutoff()
        )
    count = recent.count()
    if count < limit:
        return count, 0.0
    if limit <= 0:
        return count, RATE_WINDOW.total_seconds()
    # One more may go once the limit-th newest has left the window.
    oldest = recent.order_by("-started_at").values_list("started_at", flat=True)[limit - 1]
    return count, max((oldest + RATE_WINDOW - now).total_seconds(), 0.1)


def check_rate(actor: Actor) -> None:
    limit = settings.CONNECTION_TEST_RATE_PER_MINUTE
    if limit <= 0:
        raise LiveRefused(
            "Calls to servers are switched off here (LINKWRIGHT_TEST_RATE_PER_MINUTE is 0).",
            429,
        )
    count, wait = rate_wait(actor)
    if wait:
        raise LiveRefused(
            f"You made {count} calls to servers (tests, previews, catalog reads, query "
            f"checks) in the last minute, the most allowed; wait {int(wait) + 1} s and try "
            "again.",
            429,
        )


# -- the pool and the waiting places --------------------------------------------------
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_slots: threading.BoundedSemaphore | None = None
_waiting: threading.BoundedSemaphore | None = None


def executor() -> tuple[ThreadPoolExecutor, threading.BoundedSemaphore]:
    """The process's pool of live calls and its slots (waiting or running calls)."""
    global _pool, _slots
    with _lock:
        if _pool is None or _slots is None:
            _pool = ThreadPoolExecutor(
                max_workers=settings.CONNECTION_TEST_WORKERS, thread_name_prefix="live-call"
            )
            _slots = threading.BoundedSemaphore(settings.CONNECTION_TEST_MAX_PENDING)
        return _pool, _slots


def _waiting_slots() -> threading.BoundedSemaphore:
    global _waiting
    with _lock:
        if _waiting is None:
            _waiting = threading.BoundedSemaphore(max(settings.CONNECTION_TEST_MAX_WAITING, 0))
        return _waiting


@contextmanager
def waiting_place() -> Iterator[bool]:
    """A request thread about to wait on a server: True while it holds one of the
    ``CONNECTION_TEST_MAX_WAITING`` places, False (at once) when none is free. At most that
    many of this process's request threads wait on servers, so that the others stay free
    for pages however slow or silent a server is."""
    slots = _waiting_slots()
    if not slots.acquire(blocking=False):
        yield False
        return
    try:
        yield True
    finally:
        slots.release()


# -- the record and the audit ----------------------------------------------------------
def begin(
    actor: Actor, operation: str, target: Target, *, test: ConnectionTest | None = None
) -> LiveCall:
    """The call's row, written before any connection opens (what the rate counts)."""
    return LiveCall.objects.create(
        user=actor.user if actor.signed_in else None,
        origin=actor.origin,
        operation=operation,
        factory=target.factory or (target.resource.factory if target.resource else None),
        resource=target.resource,
        linked_service=target.linked_service[:260],
        connector=target.connector,
        connector_version=target.connector_version,
        test=test,
    )


def finish(
    call: LiveCall,
    actor: Actor,
    target: Target,
    *,
    ok: bool,
    detail: str,
    also: Callable[[], Any] | None = None,
) -> None:
    """The verdict on the call's row and its one audit row, in one transaction (with
    ``also``: a connection test's verdict)."""
    verdict = LiveCall.Verdict.PASSED if ok else LiveCall.Verdict.FAILED
    with transaction.atomic():
        if also is not None:
            also()
        LiveCall.objects.filter(pk=call.pk).update(verdict=verdict, finished_at=timezone.now())
        audit.record(
            call.operation,
            actor=actor,
            resource=target.resource,
            factory=target.factory,
            name=target.name,
            detail=f"{detail}: {verdict}",
        )


# -- a call that the request waits for -------------------------------------------------
Work = Callable[[TestOptions], dict[str, Any]]


def call(
    actor: Actor,
    operation: str,
    target: Target,
    work: Work,
    *,
    redaction: Redaction,
    detail: str,
    rate_limited: bool = True,
) -> dict[str, Any]:
    """Run ``work(options)`` (a connector call that never raises for a server's fault) on
    the pool and wait for it, at most its deadline and a margin; return its report,
    redacted. ``detail`` says what it was for the audit log (never row data)."""
    if rate_limited:
        check_rate(actor)
    call_options = options()
    with waiting_place() as may_wait:
        if not may_wait:
            raise LiveRefused(WAITING_REFUSAL, 429)
        pool, slots = executor()
        if not slots.acquire(blocking=False):
            raise LiveRefused(BUSY_REFUSAL, 429)
        try:
            record = begin(actor, operation, target)
            future: Future[dict[str, Any]] = pool.submit(_guarded, work, call_options)
        except BaseException:
            slots.release()
            raise
        future.add_done_callback(lambda _f: slots.release())
        margin = call_options.connect_timeout_s + 5
        try:
            report = future.result(timeout=call_options.deadline_s + margin)
        except FutureTimeout:
            report = failed("The server call outlived its deadline; it was abandoned.")
    report = redaction(report)
    finish(record, actor, target, ok=bool(report.get("ok")), detail=detail)
    return report


def _guarded(work: Work, call_options: TestOptions) -> dict[str, Any]:
    try:
        return work(call_options)
    except Exception as exc:  # noqa: BLE001 - a connector call must not raise; say so if it does
        return failed(f"The call itself failed ({type(exc).__name__}).")


def failed(detail: str, stage: str = "Server call") -> dict[str, Any]:
    """A report of a call that failed without a connector's staged diagnosis."""
    return {
        "ok": False,
        "stages": [{"name": stage, "status": "failed", "duration_ms": 0, "detail": detail}],
    }

"""Running connection tests without tying up the web server.

Tests run on a small thread pool; at most ``CONNECTION_TEST_MAX_PENDING`` wait or run at
once, each user may start ``CONNECTION_TEST_RATE_PER_MINUTE`` a minute, and every test has
the connector's own deadline. The request that starts a test returns at once; the page
polls for the result (htmx). The API may wait for it, at most ``CONNECTION_TEST_WAIT_SECONDS``
(then the client polls); the CLI, not a web worker, waits for the verdict.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_until_done
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from connectors.base import ConnectorVersion, TestOptions
from connectors.encrypted_credentials import with_one_off_secret
from connectors.net_policy import AddressPolicy
from connectors.problems import Problem
from connectors.redaction import redact
from connectors.registry import get_connector
from connectors.secret_targets import target_of
from connectors.secrets import secure_strings
from connectors.test_values import TestValueError, TestValues, evaluated, with_test_values
from portal import audit
from portal.definitions import resolve_secrets
from portal.models import (
    AuditEvent,
    ConnectionTest,
    Factory,
    Resource,
    interrupted_after,
    unseal,
)
from portal.test_annotations import annotated

log = logging.getLogger("portal.connection_tests")
GIVE_SECRET_TOO = (
    " The parameter values given for this test count as its defaults: give the secret for "
    "this test too, or test with the parameters' defaults."
)


class TestRefused(Exception):
    """The test was not started (not testable, too many, or too often). ``problems``
    says where, when the definition itself is why (e.g. a secret sent elsewhere)."""

    __test__ = False

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_slots: threading.BoundedSemaphore | None = None


def _executor() -> tuple[ThreadPoolExecutor, threading.BoundedSemaphore]:
    global _pool, _slots
    with _lock:
        if _pool is None or _slots is None:
            _pool = ThreadPoolExecutor(
                max_workers=settings.CONNECTION_TEST_WORKERS, thread_name_prefix="conn-test"
            )
            _slots = threading.BoundedSemaphore(settings.CONNECTION_TEST_MAX_PENDING)
        return _pool, _slots


def network_policy() -> AddressPolicy:
    return AddressPolicy(
        allow_loopback=settings.CONNECTION_TEST_ALLOW_LOOPBACK,
        allow_private=settings.CONNECTION_TEST_ALLOW_PRIVATE,
        allowed=tuple(ipaddress.ip_network(n) for n in settings.CONNECTION_TEST_ALLOWED_NETWORKS),
        denied=tuple(ipaddress.ip_network(n) for n in settings.CONNECTION_TEST_DENIED_NETWORKS),
    )


def options(ca_certificate: str | None = None) -> TestOptions:
    return TestOptions(
        address_policy=network_policy(),
        connect_timeout_s=settings.CONNECTION_TEST_CONNECT_TIMEOUT,
        deadline_s=settings.CONNECTION_TEST_DEADLINE,
        ca_certificate=ca_certificate,
    )


def start(
    *,
    user: Any,
    version: ConnectorVersion,
    properties: dict[str, Any] | None = None,
    name: str = "",
    resource: Resource | None = None,
    wait: bool = False,
    rate_limited: bool = True,
    trusted_references: bool = False,
    request: Any = None,
    ca_certificate: str | None = None,
    one_off_password: str | None = None,
    test_values: TestValues | None = None,
    factory: Factory | None = None,
) -> ConnectionTest:
    """Queue a test and return its row.

    ``properties`` are values typed by a user (an untouched secret holds the mask and
    means the stored one); None tests ``resource`` as saved. ``trusted_references``
    is for properties the portal derived itself from stored ones (an upgrade proposal).
    Every test, saved or not, is audited with the target it goes to; so is a test
    refused because a stored secret would go to another target than its own.
    ``ca_certificate`` is PEM text (checked by ``parse_ca_pem``) for this test only: it is
    handed to the connector and never stored. ``one_off_password`` stands in, for this
    test only, for a password the definition holds encrypted (``encryptedCredential``):
    never stored, never audited, and taken out of whatever the peer sends back.
    ``test_values`` are parameter values and secrets typed for this test only (see
    connectors.test_values), never stored; the definition's expressions are evaluated
    with them and the report says which value each field had. ``factory`` is where an
    unsaved definition's integration runtime is looked up (the default factory if None).
    """
    stored = resource.properties if resource is not None else None
    unsaved = properties is not None
    if properties is None:
        if stored is None:
            raise TestRefused("Nothing to test.")
        properties = stored
    values = test_values or TestValues()
    try:
        properties = with_test_values(version, properties, values)
    except TestValueError as exc:
        raise TestRefused(str(exc.problems[0]), exc.problems) from None
    properties, problems = resolve_secrets(
        properties, stored, trusted=trusted_references or not unsaved
    )
    if problems and values.parameters:
        problems = [Problem(p.path, p.message + GIVE_SECRET_TOO) for p in problems]
    if problems:
        why = f"{problems[0].path}: {problems[0].message}"
        _audit(request, user, resource, name, f"refused: {why}")
        raise TestRefused(why, problems)
    try:
        clear, used = evaluated(
            with_one_off_secret(version, unseal(properties), one_off_password), values
        )
    except TestValueError as exc:
        raise TestRefused(str(exc.problems[0]), exc.problems) from None
    connector = get_connector(version.connector_type)
    if connector.test_connection is None:
        why = connector.untested_because or (
            f"{connector.title} linked services cannot be tested here."
        )
        # The definition's type is why: a 400 at it, not a "try again later".
        raise TestRefused(why, [Problem("$.properties.type", why)])
    if rate_limited:
        _check_rate(user)
    pool, slots = _executor()
    if not slots.acquire(blocking=False):
        raise TestRefused("Too many connection tests are running; try again in a moment.")
    # A free worker takes the test at once: it is stored as running, not queued, and the
    # worker has no "running" to write. The row and its audit entry are one commit.
    starts_now = _claim_worker()
    try:
        with transaction.atomic():
            test = ConnectionTest.begin(
                resource=resource,
                revision=resource.revision if resource else None,
                unsaved=unsaved,
                name=name,
                connector=version.connector_type,
                connector_version=version.version,
                user=user,
                status=(
                    ConnectionTest.Status.RUNNING if starts_now else ConnectionTest.Status.QUEUED
                ),
            )
            _audit(request, user, resource, name, _described(test, properties))
        future: Future[dict[str, Any] | None] = pool.submit(
            _run,
            test.pk,
            annotated(connector.test_connection, used, properties, resource, factory),
            version,
            clear.get("typeProperties", {}),
            options(ca_certificate),
            _Redaction.of(clear),
            not starts_now,
            test.created_at,
        )
    except BaseException:
        _release_worker()
        slots.release()
        raise

    def finished(_future: Future[dict[str, Any] | None]) -> None:
        _release_worker()
        slots.release()

    future.add_done_callback(finished)
    if wait and _wait_briefly(future):
        verdict = None if future.exception() is not None else future.result()
        if verdict is None:  # not stored by this run (interrupted meanwhile, or it failed)
            test.refresh_from_db()
        else:  # as stored: no need to read it back
            for field_name, value in verdict.items():
                setattr(test, field_name, value)
    return test


def _check_rate(user: Any) -> None:
    """Refuse a test past ``CONNECTION_TEST_RATE_PER_MINUTE`` of this user's (an interrupted
    test does not count)."""
    since = timezone.now() - audit.RATE_WINDOW
    if interrupted_after() < audit.RATE_WINDOW.total_seconds():
        # Only then can a test started within the window have been interrupted already.
        recent = ConnectionTest.objects.filter(user=user, created_at__gte=since)
        count = recent.not_interrupted().count()
    else:
        count = ConnectionTest.started_since(user, since)
    if count >= settings.CONNECTION_TEST_RATE_PER_MINUTE:
        raise TestRefused(
            f"You started {count} tests in the last minute; wait a moment and try again."
        )


_busy_workers = 0


def _claim_worker() -> bool:
    """Count one more test in the pool; True when a worker is free to take it at once."""
    global _busy_workers
    with _lock:
        _busy_workers += 1
        return _busy_workers <= settings.CONNECTION_TEST_WORKERS


def _release_worker() -> None:
    global _busy_workers
    with _lock:
        _busy_workers -= 1


def _wait_briefly(future: Future[Any]) -> bool:
    """Wait at most ``CONNECTION_TEST_WAIT_SECONDS`` for a test; never raise.

    Only ``CONNECTION_TEST_MAX_WAITING`` requests of this process wait at once, so that
    the others' threads stay free for pages; the rest do not wait at all. True when the
    test has finished.
    """
    if not _waiting_slots().acquire(blocking=False):
        return future.done()
    try:
        done, _ = wait_until_done([future], timeout=settings.CONNECTION_TEST_WAIT_SECONDS)
    finally:
        _waiting_slots().release()
    return bool(done)


_waiting: threading.BoundedSemaphore | None = None

WAITING_REFUSAL = (
    "Too many requests to this portal are waiting on servers right now; try again in a moment."
)


@contextmanager
def waiting_request() -> Iterator[bool]:
    """A request thread about to wait on a server (a preview, a catalog call, a query
    check): True while it holds one of the ``CONNECTION_TEST_MAX_WAITING`` places that
    requests waiting for a test also take, False (at once) when none is free. At most that
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


def _waiting_slots() -> threading.BoundedSemaphore:
    global _waiting
    with _lock:
        if _waiting is None:
            _waiting = threading.BoundedSemaphore(max(settings.CONNECTION_TEST_MAX_WAITING, 0))
        return _waiting


def wait_for_verdict(test: ConnectionTest, poll_seconds: float = 0.2) -> ConnectionTest:
    """Wait, as long as it takes, until ``test`` has passed or failed (for the command line).

    Polls quickly at first (10 ms, doubling up to ``poll_seconds``), so that a quick verdict
    is not held back by the polling interval. It ends: a test that outlives its deadline by
    a margin is read as interrupted (failed).
    """
    pause = min(0.01, poll_seconds)
    while not test.done:
        time.sleep(pause)
        pause = min(pause * 2, poll_seconds)
        test.refresh_from_db()
    return test


def _audit(request: Any, user: Any, resource: Resource | None, name: str, detail: str) -> None:
    audit.record(
        AuditEvent.Action.TEST,
        request=request,
        user=user,
        resource=resource,
        name=name or (resource.name if resource else "(unsaved)"),
        detail=detail,
    )


def _described(test: ConnectionTest, properties: dict[str, Any]) -> str:
    """Which test this was and where it went, as the audit log shows it."""
    what = "unsaved values" if test.unsaved else f"revision {test.revision}"
    target = ", ".join(
        f"{key}={json.dumps(value, ensure_ascii=False)}"
        for key, value in target_of(properties).items()
        if value is not None
    )
    return f"test {test.pk} of {what}" + (f" to {target}" if target else "")


@dataclass(frozen=True)
class _Redaction:
    """The typed secrets of a test, to take out of whatever the peer sent back."""

    secrets: tuple[str, ...]
    companions: tuple[str, ...]

    @classmethod
    def of(cls, clear: dict[str, Any]) -> _Redaction:
        secrets = tuple(
            s["value"] for _, s in secure_strings(clear) if isinstance(s.get("value"), str)
        )
        type_properties = clear.get("typeProperties")
        companions = tuple(
            value
            for value in (type_properties.values() if isinstance(type_properties, dict) else ())
            if isinstance(value, str)
        )
        return cls(secrets, companions)

    def __call__(self, report: Any) -> Any:
        return redact(report, self.secrets, self.companions)


def _run(
    pk: int,
    tester: Any,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    test_options: TestOptions,
    redaction: _Redaction,
    queued: bool,
    created_at: datetime,
) -> dict[str, Any] | None:
    """Run one test and store its verdict; returns the fields stored (None: nothing was)."""
    _connection_for_this_test()

    def store(**changes: Any) -> bool:
        # A test already reported interrupted stays so: it neither runs nor gets a verdict.
        # Readers call it interrupted only once it is interrupted_after() old: until a
        # second before that, there is no need to ask.
        if (timezone.now() - created_at).total_seconds() > interrupted_after() - 1:
            return bool(ConnectionTest.objects.filter(pk=pk).not_interrupted().update(**changes))
        return ConnectionTest.store(pk, **changes)

    try:
        if queued and not store(status=ConnectionTest.Status.RUNNING):
            return None
        try:
            report = tester(version, type_properties, test_options)
        except Exception as exc:  # noqa: BLE001 - a tester must not raise; say so if it does
            log.exception("connection test %s crashed", pk)
            report = {
                "ok": False,
                "stages": [
                    {
                        "name": "Connection test",
                        "status": "failed",
                        "duration_ms": 0,
                        "detail": f"The test itself failed ({type(exc).__name__}).",
                    }
                ],
            }
        # As stored (anything not JSON as its text), then without the typed secrets.
        report = redaction(json.loads(json.dumps(report, default=str)))
        status = ConnectionTest.Status.PASSED if report.get("ok") else ConnectionTest.Status.FAILED
        verdict = {
            "status": status,
            "finished_at": timezone.now(),
            "report": json.dumps(report, default=str),
        }
        return verdict if store(**verdict) else None
    finally:
        _keep_connection()


# Weak: a worker thread that ends (its pool replaced) takes its connection with it.
_worker_connections: weakref.WeakSet[Any] = weakref.WeakSet()


def _connection_for_this_test() -> None:
    """The worker thread keeps its database connection from one test to the next (opening
    one costs more than the test's own writes); it is dropped when broken, or older than
    ``CONN_MAX_AGE`` where that is set (PostgreSQL)."""
    if connection.connection is None:
        return
    if connection.settings_dict.get("CONN_MAX_AGE"):
        connection.close_if_unusable_or_obsolete()
    elif connection.errors_occurred and not connection.is_usable():
        connection.close()


def _keep_connection() -> None:
    if connection.in_atomic_block:  # pragma: no cover - _run opens none; never leave one
        connection.close()
        return
    with _lock:
        _worker_connections.add(connections[DEFAULT_DB_ALIAS])


def close_worker_connections() -> None:
    """Close the connections the workers keep (when the pool is idle: at the end of a test
    session, before its database is dropped, which PostgreSQL refuses while one is open)."""
    with _lock:
        kept = list(_worker_connections)
        _worker_connections.clear()
    for wrapper in kept:
        wrapper.inc_thread_sharing()
        try:
            wrapper.close()
        finally:
            wrapper.dec_thread_sharing()


def as_document(test: ConnectionTest) -> dict[str, Any]:
    """A test as the API and ``test_connection --json`` show it."""
    return {
        "id": test.pk,
        "status": test.status,
        "linkedService": test.name or None,
        "revision": test.revision,
        "unsaved": test.unsaved,
        "connector": test.connector,
        "connectorVersion": test.connector_version,
        "user": test.user.get_username() if test.user else None,
        "createdAt": test.created_at.isoformat(),
        "finishedAt": test.finished_at.isoformat() if test.finished_at else None,
        "report": test.result or None,
    }

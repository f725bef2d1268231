"""Running connection tests without tying up the web server.

A test is a call of the one live path (:mod:`portal.services.live`): its rate, pool,
options, redaction, record and audit row. What is the test's own: the values it uses
(typed, stored, one-off, test values), its :class:`ConnectionTest` row with the staged
report, and that it runs in the background. The request that starts a test returns at once; the page
polls for the result (htmx). The API may wait for it, at most ``CONNECTION_TEST_WAIT_SECONDS``
(then the client polls); the CLI, not a web worker, waits for the verdict.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from concurrent.futures import Future
from concurrent.futures import wait as wait_until_done
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from connectors.base import ConnectorVersion, TestOptions
from connectors.problems import Problem, json_path
from connectors.registry import get_connector
from connectors.secret_targets import target_of
from connectors.test_values import TestValues
from portal import audit
from portal.models import (
    AuditEvent,
    ConnectionTest,
    Environment,
    Factory,
    LiveCall,
    Resource,
    interrupted_after,
)
from portal.services import live
from portal.services.actor import Actor
from portal.services.call_values import CallValues, ValuesRefused, prepare
from portal.test_annotations import annotated

log = logging.getLogger("portal.services.connection_tests")


class TestRefused(Exception):
    """The test was not started (not testable, too many, or too often). ``problems``
    says where, when the definition itself is why (e.g. a secret sent elsewhere);
    ``status`` is the HTTP status that says why (400; 429: too many, too often)."""

    __test__ = False

    def __init__(
        self, message: str, problems: list[Problem] | None = None, *, status: int = 400
    ) -> None:
        super().__init__(message)
        self.problems = problems or []
        self.status = status


def options(ca_certificate: str | None = None) -> TestOptions:
    return live.options(ca_certificate)


_lock = threading.Lock()


def start(
    *,
    actor: Actor,
    version: ConnectorVersion,
    properties: dict[str, Any] | None = None,
    name: str = "",
    resource: Resource | None = None,
    wait: bool = False,
    rate_limited: bool = True,
    trusted_references: bool = False,
    ca_certificate: str | None = None,
    one_off_password: str | None = None,
    test_values: TestValues | None = None,
    factory: Factory | None = None,
    environment: Environment | None = None,
    queued: ConnectionTest | None = None,
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
    ``environment`` tests ``resource``'s effective definition in that environment of its
    factory (its overrides applied; see :func:`in_environment`). ``queued`` is the row a
    task queue made for this test (:mod:`portal.services.test_queue`): the test is stored
    there, its deadline counted from now.
    """
    stored = resource.properties if resource is not None else None
    given = test_values or TestValues()
    if environment is not None:
        if resource is None or properties is not None:
            raise TestRefused("Only a saved linked service is tested in an environment.")
        properties = in_environment(resource, environment, given)
        trusted_references = False  # the overrides' values are the files', not the portal's
    typed = properties is not None
    unsaved = typed and environment is None
    if properties is None:
        if stored is None:
            raise TestRefused("Nothing to test.")
        properties = stored
    values = CallValues(one_off_password, given.parameters, given.secrets)
    try:
        prepared = prepare(
            version,
            properties,
            values,
            stored=stored,
            trusted=trusted_references or not typed,
            call="test",
        )
    except ValuesRefused as exc:
        if exc.secret_elsewhere:
            _audit_refusal(actor, resource, name, f"refused: {exc.message}")
        raise TestRefused(exc.message, exc.problems) from None
    properties, clear, used = prepared.properties, prepared.clear, prepared.used
    connector = get_connector(version.connector_type)
    if connector.test_connection is None:
        why = connector.untested_because or (
            f"{connector.title} linked services cannot be tested here."
        )
        # The definition's type is why: a 400 at it, not a "try again later".
        raise TestRefused(why, [Problem("$.properties.type", why)])
    if rate_limited:
        try:
            live.check_rate(actor)
        except live.LiveRefused as exc:
            raise TestRefused(exc.message, status=exc.status) from None
    pool, slots = live.executor()
    if not slots.acquire(blocking=False):
        raise TestRefused(
            "Too many connection tests are running; try again in a moment.", status=429
        )
    target = live.Target(
        factory or (resource.factory if resource is not None else None),
        resource,
        name or (resource.name if resource else "(unsaved)"),
        version.connector_type,
        version.version,
    )
    # A free worker takes the test at once: it is stored as running, not queued, and the
    # worker has no "running" to write. The test's row and its call's row are one commit.
    starts_now = _claim_worker()
    try:
        with transaction.atomic():
            test = (
                _claimed(queued, starts_now)
                if queued is not None
                else ConnectionTest.begin(
                    resource=resource,
                    revision=resource.revision if resource else None,
                    unsaved=unsaved,
                    name=name,
                    connector=version.connector_type,
                    connector_version=version.version,
                    user=actor.user if actor.signed_in else None,
                    environment=environment,
                    status=(
                        ConnectionTest.Status.RUNNING
                        if starts_now
                        else ConnectionTest.Status.QUEUED
                    ),
                    taken_at=timezone.now(),
                )
            )
            record = live.begin(actor, live.Operation.TEST, target, test=test)
        future: Future[dict[str, Any] | None] = pool.submit(
            _run,
            test.pk,
            annotated(connector.test_connection, used, properties, resource, factory),
            version,
            clear.get("typeProperties", {}),
            options(ca_certificate),
            prepared.redaction,
            not starts_now,
            test.taken_at,
            _Finish(record, actor, target, _described(test, properties)),
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


def _claimed(test: ConnectionTest, starts_now: bool) -> ConnectionTest:
    """A row of the task queue taken by the worker that runs it (again, when a worker died
    with it): its deadline counts from now."""
    test.status = ConnectionTest.Status.RUNNING if starts_now else ConnectionTest.Status.QUEUED
    test.taken_at = timezone.now()
    ConnectionTest.store(test.pk, status=test.status, taken_at=test.taken_at)
    return test


def in_environment(
    resource: Resource, environment: Environment, given: TestValues
) -> dict[str, Any]:
    """``resource``'s effective definition in ``environment``, secrets as the mask (a masked
    secret means the stored one, which may then only go to its own target). Refused when
    that definition is not valid, or an override uses a token with no value in the
    environment for a value this test is not given."""
    from portal.environments import effective_definition  # the checker, for this test only

    if environment.factory_id != resource.factory_id:
        raise TestRefused(f"No environment '{environment.name}' in this factory.")
    effective = effective_definition(resource, environment)
    errors = [f for f in effective.findings if f.is_error]
    if effective.problems or errors:
        problems = [*effective.problems, *(Problem(f.json_path or "$", str(f)) for f in errors)]
        first = problems[0]
        raise TestRefused(
            f"The definition in environment '{environment.name}' is not valid "
            f"({first.path}: {first.message}); fix it before testing it there.",
            problems,
        )
    missing = [c for c in effective.unresolved if _given_secret(c.keys) not in given.secrets]
    if missing:
        change = missing[0]
        raise TestRefused(
            f"The override at {change.where} uses a token with no value in environment "
            f"'{environment.name}': give the token's value in the environment, or a test "
            "value for it.",
            [Problem(json_path(("properties", *change.keys)), "A token with no value here.")],
        )
    properties = effective.properties
    return properties if isinstance(properties, dict) else {}


def _given_secret(keys: tuple[str | int, ...]) -> str | None:
    """The secret property (in ``typeProperties``) an override at ``keys`` sets, if any."""
    if len(keys) >= 2 and keys[0] == "typeProperties":
        return str(keys[1])
    return None


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

    Only ``CONNECTION_TEST_MAX_WAITING`` requests of this process wait at once (the live
    path's waiting places), so that the others' threads stay free for pages; the rest do
    not wait at all. True when the test has finished.
    """
    with live.waiting_place() as may_wait:
        if not may_wait:
            return future.done()
        done, _ = wait_until_done([future], timeout=settings.CONNECTION_TEST_WAIT_SECONDS)
    return bool(done)


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


def _audit_refusal(actor: Actor, resource: Resource | None, name: str, detail: str) -> None:
    """A test refused because of the definition itself (a secret sent elsewhere): nothing
    was sent, but the attempt is audited."""
    audit.record(
        AuditEvent.Action.TEST,
        actor=actor,
        resource=resource,
        name=name or (resource.name if resource else "(unsaved)"),
        detail=detail,
    )


def _described(test: ConnectionTest, properties: dict[str, Any]) -> str:
    """Which test this was and where it went, as the audit log shows it."""
    what = "unsaved values" if test.unsaved else f"revision {test.revision}"
    if test.environment is not None:
        what += f" in environment '{test.environment.name}'"
    target = ", ".join(
        f"{key}={json.dumps(value, ensure_ascii=False)}"
        for key, value in target_of(properties).items()
        if value is not None
    )
    return f"test {test.pk} of {what}" + (f" to {target}" if target else "")


@dataclass(frozen=True)
class _Finish:
    """What the worker needs to finish a test's call: its row, who, what, the audit text."""

    record: LiveCall
    actor: Actor
    target: live.Target
    detail: str


def _run(
    pk: int,
    tester: Any,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    test_options: TestOptions,
    redaction: live.Redaction,
    queued: bool,
    taken_at: datetime,
    finish: _Finish,
) -> dict[str, Any] | None:
    """Run one test and store its verdict, with its call's verdict and audit row in the
    same transaction; returns the fields stored (None: nothing was)."""
    _connection_for_this_test()

    def store(**changes: Any) -> bool:
        # A test already reported interrupted stays so: it neither runs nor gets a verdict.
        # Readers call it interrupted only once it is interrupted_after() old: until a
        # second before that, there is no need to ask.
        if (timezone.now() - taken_at).total_seconds() > interrupted_after() - 1:
            return bool(ConnectionTest.objects.filter(pk=pk).not_interrupted().update(**changes))
        return ConnectionTest.store(pk, **changes)

    try:
        if queued and not store(status=ConnectionTest.Status.RUNNING):
            return None
        try:
            report = tester(version, type_properties, test_options)
        except Exception as exc:  # noqa: BLE001 - a tester must not raise; say so if it does
            log.exception("connection test %s crashed", pk)
            report = live.failed(
                f"The test itself failed ({type(exc).__name__}).", stage="Connection test"
            )
        # As stored (anything not JSON as its text), then without the typed secrets.
        report = redaction(json.loads(json.dumps(report, default=str)))
        status = ConnectionTest.Status.PASSED if report.get("ok") else ConnectionTest.Status.FAILED
        verdict = {
            "status": status,
            "finished_at": timezone.now(),
            "report": json.dumps(report, default=str),
        }
        stored: list[bool] = []
        live.finish(
            finish.record,
            finish.actor,
            finish.target,
            ok=status == ConnectionTest.Status.PASSED,
            detail=finish.detail,
            also=lambda: stored.append(store(**verdict)),
        )
        return verdict if stored[0] else None
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
        "environment": test.environment.name if test.environment_id else None,
        "user": test.user.get_username() if test.user else None,
        "createdAt": test.created_at.isoformat(),
        "finishedAt": test.finished_at.isoformat() if test.finished_at else None,
        "report": test.result or None,
    }

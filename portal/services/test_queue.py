"""Connection tests on the task queue: "Test all linked services in E", each a row queued
at once (the matrix shows it) and a task a worker runs through the one live path
(:func:`portal.services.connection_tests.start` with that row).

Values given for the run (parameters, a one-off password, Key Vault test secrets) travel
in the task encrypted with the portal's keys, and are never stored. A worker that dies
mid-test leaves its task unacknowledged: it goes back to the queue and the next worker runs
the same row again; a row a worker took and left unfinished past its deadline is read as
interrupted (and :func:`sweep_interrupted` writes it so). A row still waiting on the queue
is never interrupted, however busy the queue: it stays queued until a worker takes it, and
its deadline counts from then.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from connectors.registry import get_connector, has_form
from portal.crypto import decrypt, encrypt
from portal.models import ConnectionTest, Environment, Resource
from portal.services import connection_tests
from portal.services.actor import Actor
from portal.services.call_values import NO_VALUES, CallValues


@dataclass(frozen=True)
class QueuedRun:
    environment: Environment
    tests: list[ConnectionTest]


def linked_services(environment: Environment) -> list[Resource]:
    """The factory's linked services that can be tested here, by name."""
    found = (
        Resource.objects.live()
        .filter(factory=environment.factory, kind="linkedService")
        .order_by("name_key")
    )
    return [
        r
        for r in found
        if has_form(r.kind, r.connector) and get_connector(r.connector).test_connection
    ]


def test_all(actor: Actor, environment: Environment, values: CallValues = NO_VALUES) -> QueuedRun:
    """Queue a test of every testable linked service of the environment's factory in that
    environment; returns the queued rows (their verdicts come as workers run them)."""
    from portal.tasks import run_queued_test

    sweep_interrupted()
    services = linked_services(environment)
    user = actor.user if actor.signed_in else None
    with transaction.atomic():
        tests = [
            ConnectionTest.begin(
                resource=service,
                revision=service.revision,
                name=service.name,
                connector=service.connector,
                connector_version=service.connector_version,
                user=user,
                environment=environment,
                status=ConnectionTest.Status.QUEUED,
            )
            for service in services
        ]
    who = {"user": getattr(user, "pk", None), "origin": actor.origin, "address": actor.address}
    for service, test in zip(services, tests, strict=True):
        fitting = values.fitting(service.connector_definition, service.properties)
        run_queued_test.delay(test.pk, who, seal(fitting))
    return QueuedRun(environment, tests)


def seal(values: CallValues) -> str:
    """The values for one test, encrypted for the task's message ("" for none)."""
    if not values:
        return ""
    document = {
        "password": values.password,
        "parameters": dict(values.parameters),
        "secrets": dict(values.secrets),
    }
    return encrypt(json.dumps(document))


def unseal(sealed: str) -> CallValues:
    if not sealed:
        return NO_VALUES
    document = json.loads(decrypt(sealed))
    return CallValues(document["password"], document["parameters"], document["secrets"])


def _actor(who: dict[str, Any]) -> Actor:
    user = get_user_model().objects.filter(pk=who.get("user")).first() if who.get("user") else None
    origin = who.get("origin") if who.get("origin") in ("ui", "api", "cli") else "cli"
    return Actor(user, origin, who.get("address"))  # type: ignore[arg-type]


def run_queued(test_id: int, who: dict[str, Any], sealed: str) -> None:
    """Run one queued test (a worker's task): the row as queued, the values unsealed, its
    verdict stored by the live path; a test refused there is stored failed with why."""
    while True:
        stored = ConnectionTest.objects.filter(pk=test_id).values("status", "taken_at").first()
        if stored is None or stored["status"] not in ConnectionTest.UNFINISHED:
            return  # deleted, or finished (a task delivered again)
        if stored["status"] != ConnectionTest.Status.RUNNING or stored["taken_at"] is None:
            break
        age = (timezone.now() - stored["taken_at"]).total_seconds()
        if age >= settings.CONNECTION_TEST_DEADLINE + 5:
            break  # its worker died with it: run it again
        # Delivered again while another worker may still run it: wait out its deadline.
        time.sleep(1)
    test = (
        ConnectionTest.objects.filter(pk=test_id)
        .select_related("resource", "environment", "resource__factory")
        .first()
    )
    if test is None:
        return
    # Still unfinished as stored: run it (one that waited on a worker that died may have been
    # read as interrupted meanwhile; one that waited in the queue never is).
    test.status = stored["status"]
    service = test.resource
    if service is None or service.deleted_at is not None:
        _refused(test, "The linked service was deleted before its test ran.")
        return
    values = unseal(sealed)
    try:
        started = connection_tests.start(
            actor=_actor(who),
            version=service.connector_definition,
            name=service.name,
            resource=service,
            environment=test.environment,
            rate_limited=False,
            one_off_password=values.password,
            test_values=values.test_values,
            queued=test,
            wait=True,
        )
    except connection_tests.TestRefused as exc:
        _refused(test, str(exc))
        return
    if not started.done:
        connection_tests.wait_for_verdict(started)


def _refused(test: ConnectionTest, why: str) -> None:
    _store_failed(test.pk, why)


def could_not_run(test_id: int, error: Exception) -> None:
    """Store as failed, with the error, a test whose task raised before its verdict (a
    task that raises is acknowledged: without this its row would wait for ever)."""
    _store_failed(test_id, f"The worker could not run this test: {type(error).__name__}: {error}")


def _store_failed(test_id: int, why: str) -> None:
    """Store an unfinished test as failed, its one stage saying why."""
    stage = {"name": "Connection test", "status": "failed", "duration_ms": 0, "detail": why}
    ConnectionTest.objects.filter(pk=test_id, status__in=ConnectionTest.UNFINISHED).update(
        status=ConnectionTest.Status.FAILED,
        finished_at=timezone.now(),
        report=json.dumps({"ok": False, "stages": [stage]}),
    )


def sweep_interrupted() -> int:
    """Write as failed ("interrupted") every test a process or worker took and left
    unfinished past its deadline (what every reader already reads them as), never one still
    waiting on the queue; returns how many."""
    count = 0
    for test in ConnectionTest.objects.interrupted():
        # from_db has read it as failed, with the interrupted report: store that.
        count += ConnectionTest.objects.filter(
            pk=test.pk, status__in=ConnectionTest.UNFINISHED
        ).update(status=test.status, finished_at=test.finished_at, report=test.report)
    return count


def verdicts(tests: list[ConnectionTest]) -> list[ConnectionTest]:
    """The tests as stored now."""
    by_pk = {t.pk: t for t in ConnectionTest.objects.filter(pk__in=[t.pk for t in tests])}
    return [by_pk[t.pk] for t in tests if t.pk in by_pk]


def wait_for_all(
    tests: list[ConnectionTest], poll_seconds: float = 0.2, at_most: float | None = None
) -> list[ConnectionTest]:
    """Wait until every test has a verdict (one a worker took and left unfinished past its
    deadline is read as interrupted; one still waiting on the queue is waited for until a
    worker takes it), or ``at_most`` seconds: the tests as they are then (the unfinished
    ones stay queued or running, for their workers to finish)."""
    end = None if at_most is None else time.monotonic() + at_most
    while True:
        now = verdicts(tests)
        if all(t.done for t in now) or (end is not None and time.monotonic() >= end):
            return now
        time.sleep(poll_seconds)

"""Statements written together (portal.db.together) and the PostgreSQL health check that
asks the server only when it has said something (portal.db.postgresql), on SQLite and in
the PostgreSQL pass of scripts/test.sh."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections
from django.db.backends.postgresql import base as django_postgresql
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.db import together
from portal.models import AuditEvent, ConnectionTest, LiveCall

pytestmark = pytest.mark.django_db(transaction=True)


def _test_row(name: str) -> ConnectionTest:
    return ConnectionTest(name=name, connector="Spark", connector_version="1.0")


def test_rows_inserted_together_refer_to_each_other_in_one_round_trip() -> None:
    for _ in range(3):  # the two tables' keys differ
        LiveCall.objects.create(operation=LiveCall.Operation.TEST)
    test, call = _test_row("A"), LiveCall(operation=LiveCall.Operation.TEST, connector="Spark")
    with CaptureQueriesContext(connection) as captured:
        test_pk, call_pk = together.run(
            [together.insert(test), together.insert(call, test_id=together.last_id(ConnectionTest))]
        )
    together.inserted(test, test_pk)
    assert test.created_at is not None  # auto_now_add, as save() sets it
    stored = LiveCall.objects.get(pk=call_pk)
    assert stored.test_id == test_pk == ConnectionTest.objects.get(name="A").pk
    if connection.vendor == "postgresql":
        assert len(captured.captured_queries) == 1


def test_updates_give_their_row_counts_and_a_failure_writes_none() -> None:
    first = ConnectionTest.objects.create(name="B", connector="Spark", connector_version="1")
    rows = ConnectionTest.objects.filter(pk=first.pk)
    none = ConnectionTest.objects.filter(pk=first.pk + 1000)
    assert together.run(
        [together.update(rows, status="passed"), together.update(none, status="passed")]
    ) == [1, 0]
    assert ConnectionTest.objects.get(pk=first.pk).status == "passed"
    events = AuditEvent.objects.count()
    duplicate = LiveCall(operation=LiveCall.Operation.TEST, test=first)
    LiveCall.objects.create(operation=LiveCall.Operation.TEST, test=first)  # one-to-one
    with pytest.raises(DatabaseError):
        together.run(
            [
                together.update(rows, status="failed"),
                together.insert(AuditEvent(action=AuditEvent.Action.TEST, detail="x")),
                together.insert(duplicate),
            ]
        )
    assert ConnectionTest.objects.get(pk=first.pk).status == "passed"
    assert AuditEvent.objects.count() == events


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the PostgreSQL pass of scripts/test.sh)")


def test_an_idle_connection_is_usable_without_asking_the_server(monkeypatch: Any) -> None:
    _postgresql_only()
    connection.ensure_connection()

    def asked(self: Any) -> bool:
        raise AssertionError("a round trip")

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", asked)
    assert connection.is_usable()


def test_a_connection_the_server_ended_is_not_usable_and_the_next_query_reconnects() -> None:
    _postgresql_only()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    for _ in range(100):  # the server's goodbye is on its way (milliseconds)
        if not connection.is_usable():
            break
        time.sleep(0.05)
    assert not connection.is_usable()
    # As at a request's start with CONN_HEALTH_CHECKS: dropped, and opened again.
    connection.health_check_enabled, connection.health_check_done = True, False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_the_rate_count_in_fixed_sql_counts_what_the_orm_counts(editor: Any) -> None:
    now = timezone.now()
    ages = {5: "running", 20: "running", 40: "failed", 70: "running", 200: "passed"}  # seconds
    for age, verdict in ages.items():
        for user in (editor, None):
            call = LiveCall.objects.create(operation=LiveCall.Operation.TEST, user=user)
            LiveCall.objects.filter(pk=call.pk).update(
                started_at=now - timedelta(seconds=age), verdict=verdict
            )
    for user in (editor, None):
        for window in (10, 60, 300):
            since = now - timedelta(seconds=window)
            recent = LiveCall.objects.filter(user=user, started_at__gte=since)
            pk = user.pk if user is not None else None
            assert LiveCall.started_since(pk, since) == recent.count() > 0
            for cutoff_age in (10, 30):
                cutoff = now - timedelta(seconds=cutoff_age)
                expected = recent.exclude(verdict="running", started_at__lt=cutoff).count()
                assert LiveCall.started_since(pk, since, interrupted_before=cutoff) == expected


def test_a_row_updated_by_its_key_reads_back_as_the_orm_writes_it() -> None:
    first = ConnectionTest.objects.create(name="C", connector="Spark", connector_version="1")
    other = ConnectionTest.objects.create(name="D", connector="Spark", connector_version="1")
    finished = timezone.now()
    changes = {"status": "failed", "finished_at": finished, "report": '{"ok": false, "x": "%s"}'}
    assert together.run([together.update_row(ConnectionTest, first.pk, **changes)]) == [1]
    ConnectionTest.objects.filter(pk=other.pk).update(**changes)
    a, b = ConnectionTest.objects.get(pk=first.pk), ConnectionTest.objects.get(pk=other.pk)
    assert (a.status, a.finished_at, a.report) == (b.status, b.finished_at, b.report)
    assert a.finished_at == finished
    assert together.run([together.update_row(ConnectionTest, other.pk + 99, status="x")]) == [0]

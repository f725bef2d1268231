"""What a connection test costs the portal around the client: SQLite in WAL mode, the test's
row and its audit entry in one commit, no "running" write when a worker is free, the verdict
not read back, and the worker's database connection kept from one test to the next.

Speed itself is measured in bench/api_test_overhead.py; these tests check the behaviour.
The peer is a refused port on 127.0.0.1; tests run on the worker pool, so in real
transactions.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from portal.definitions import save_definition
from portal.models import AuditEvent, ConnectionTest, Resource
from portal.services import connection_tests, live
from portal.services.actor import Actor
from tests.conftest import api_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _loopback(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 100
    monkeypatch.setattr(live, "_pool", None)
    monkeypatch.setattr(live, "_slots", None)
    monkeypatch.setattr(live, "_waiting", None)


def refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def saved_service(user: Any, name: str = "Refused") -> Resource:
    properties = {
        "type": "Spark",
        "typeProperties": {
            "host": "127.0.0.1",
            "port": refused_port(),
            "thriftTransportProtocol": "Binary",
            "authenticationType": "Anonymous",
        },
    }
    return save_definition(user=user, name=name, properties=properties, action="create").resource


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's journal only")
def test_sqlite_runs_in_wal_mode_with_normal_synchronous_commits() -> None:
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_a_test_through_the_api_stores_its_row_and_its_call_in_one_commit(
    editor: Any,
) -> None:
    saved_service(editor)
    api = api_for(editor)
    api.post("/api/v1/linkedservices/Refused/test?wait=true", {}, format="json")  # warm
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/linkedservices/Refused/test?wait=true", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "failed"
    statements = [q["sql"] for q in queries.captured_queries]
    writes = [s for s in statements if s.startswith(("INSERT", "UPDATE"))]
    # The test's row and the live call's row: the audit row comes with the verdict.
    assert [w.split('"')[1] for w in writes] == ["portal_connectiontest", "portal_livecall"]
    assert sum(s == "COMMIT" for s in statements) == 1
    # The verdict the worker stored is answered as stored, not read back.
    assert not any(s.startswith('SELECT "portal_connectiontest"."id"') for s in statements)
    test = ConnectionTest.objects.get(pk=response.json()["id"])
    assert test.status == ConnectionTest.Status.FAILED and test.report
    assert response.json()["report"] == test.result
    audit = AuditEvent.objects.filter(action=AuditEvent.Action.TEST).latest("id")
    assert audit.detail.startswith(f"test {test.pk} of revision 1")


def watch_status_at_start(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The status each test has when a worker takes it."""
    seen: list[str] = []
    real = connection_tests._run

    def watching(pk: int, *args: Any) -> Any:
        seen.append(ConnectionTest.objects.get(pk=pk).status)
        return real(pk, *args)

    monkeypatch.setattr(connection_tests, "_run", watching)
    return seen


def test_a_test_a_free_worker_takes_is_stored_running_not_queued(
    editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = saved_service(editor)
    seen = watch_status_at_start(monkeypatch)
    test = connection_tests.start(
        actor=Actor(editor, "ui"), version=service.connector_definition, resource=service, wait=True
    )
    assert seen == [ConnectionTest.Status.RUNNING]
    assert test.status == ConnectionTest.Status.FAILED


def test_a_test_waiting_for_a_worker_is_queued_until_one_takes_it(
    editor: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CONNECTION_TEST_WORKERS = 1
    service = saved_service(editor)
    seen = watch_status_at_start(monkeypatch)
    monkeypatch.setattr(connection_tests, "_busy_workers", 1)  # the one worker is busy
    test = connection_tests.start(
        actor=Actor(editor, "ui"), version=service.connector_definition, resource=service, wait=True
    )
    assert seen == [ConnectionTest.Status.QUEUED]
    assert test.status == ConnectionTest.Status.FAILED


def test_the_worker_keeps_its_database_connection_from_one_test_to_the_next(
    editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = saved_service(editor)
    used: list[int] = []

    def tester(*args: Any) -> dict[str, Any]:
        wrapper = connections["default"]
        used.append(id(wrapper.connection) if wrapper.connection is not None else 0)
        return {"ok": True, "stages": []}

    monkeypatch.setattr(
        connection_tests,
        "get_connector",
        lambda _type: type("C", (), {"title": "Spark", "test_connection": staticmethod(tester)}),
    )
    for _ in range(3):
        test = connection_tests.start(
            actor=Actor(editor, "ui"),
            version=service.connector_definition,
            resource=service,
            wait=True,
        )
        assert test.status == ConnectionTest.Status.PASSED
    # The first test opens it (to store its verdict); the next ones find it open.
    assert used[1] != 0 and used[1] == used[2]

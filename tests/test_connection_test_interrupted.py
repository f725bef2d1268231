"""A test whose process died (worker killed, deploy, OOM) is read as failed, "interrupted"."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from portal.definitions import save_definition
from portal.environments import ensure_repository_environment
from portal.models import ConnectionTest, Factory, LiveCall, interrupted_after
from portal.services import connection_tests, live, test_queue
from portal.services.actor import Actor
from tests.conftest import api_for, form_data
from tests.helpers import NEW_SPARK_TEST, url_of
from tests.spark_server import ServerPool

pytestmark = pytest.mark.django_db(transaction=True)


def left_unfinished(
    user: Any, seconds_ago: float, taken: bool = True, **fields: Any
) -> ConnectionTest:
    """A row as a process that died mid-test leaves it (``taken``), or as one still waiting
    on the task queue for a worker to take it (not ``taken``)."""
    test = ConnectionTest.objects.create(
        user=user, connector="Spark", connector_version="2.0", **fields
    )
    created = timezone.now() - timedelta(seconds=seconds_ago)
    ConnectionTest.objects.filter(pk=test.pk).update(
        created_at=created, taken_at=created if taken else None
    )
    if taken:  # a call begins when a process takes the test
        call = LiveCall.objects.create(user=user, operation=LiveCall.Operation.TEST, test=test)
        LiveCall.objects.filter(pk=call.pk).update(started_at=created)
    return test


def test_by_default_a_test_is_interrupted_only_after_every_test_queued_before_it_could_run(
    settings: Any,
) -> None:
    settings.CONNECTION_TEST_INTERRUPTED_AFTER = None
    settings.CONNECTION_TEST_DEADLINE = 30.0
    settings.CONNECTION_TEST_WORKERS = 8
    settings.CONNECTION_TEST_MAX_PENDING = 64
    assert interrupted_after() == 30 * 8 + 60
    settings.CONNECTION_TEST_INTERRUPTED_AFTER = 45.0
    assert interrupted_after() == 45.0


def test_a_test_left_running_reads_as_interrupted_on_its_page_in_history_and_the_api(
    editor: Any, editor_client: Client, saved_service: Any, settings: Any
) -> None:
    settings.CONNECTION_TEST_INTERRUPTED_AFTER = None
    test = left_unfinished(
        editor,
        interrupted_after() + 1,
        status=ConnectionTest.Status.RUNNING,
        resource=saved_service,
        name=saved_service.name,
        revision=1,
    )
    fragment = editor_client.get(
        f"/connection-tests/{test.pk}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "connection failed" in fragment and "The test was interrupted" in fragment
    assert "hx-get" not in fragment, "the page would poll a dead test forever"
    detail = editor_client.get(url_of(saved_service)).content.decode()
    assert "Failed" in detail and "Running" not in detail
    response = api_for(editor).get(f"/api/v1/connection-tests/{test.pk}")
    assert response.status_code == 200
    document = response.json()
    assert document["status"] == "failed" and document["finishedAt"]
    assert document["report"]["interrupted"] is True
    assert "The test was interrupted" in document["report"]["stages"][0]["detail"]
    assert ConnectionTest.objects.get(pk=test.pk).status == "failed"


def test_a_test_queued_within_its_allowance_is_still_pending(editor: Any, settings: Any) -> None:
    settings.CONNECTION_TEST_INTERRUPTED_AFTER = None
    test = left_unfinished(editor, interrupted_after() - 30, status=ConnectionTest.Status.QUEUED)
    response = api_for(editor).get(f"/api/v1/connection-tests/{test.pk}")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert not ConnectionTest.objects.interrupted().exists()


def test_the_command_waits_for_a_test_whose_worker_died_and_exits_1_saying_so(
    saved_service: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CONNECTION_TEST_INTERRUPTED_AFTER = 0.5

    def worker_died(pk: int, *args: Any) -> None:
        """The row stays queued, as when the process running it is killed."""

    monkeypatch.setattr(connection_tests, "_run", worker_died)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("test_connection", saved_service.name, stdout=out)
    assert exit_status.value.code == 1
    assert "The test was interrupted" in out.getvalue() and "FAILED" in out.getvalue()
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("test_connection", saved_service.name, "--json", stdout=out)
    assert json.loads(out.getvalue())["status"] == "failed"


def test_interrupted_tests_never_count_against_the_rate_limit(
    editor: Any, editor_client: Client, settings: Any
) -> None:
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 2
    settings.CONNECTION_TEST_INTERRUPTED_AFTER = 5.0
    for _ in range(2):
        left_unfinished(editor, 20, status=ConnectionTest.Status.RUNNING)
    data = form_data(**{"tp-port": "0"})  # fails its settings check: no network
    for _ in range(2):
        started = editor_client.post(NEW_SPARK_TEST, data, HTTP_HX_REQUEST="true")
        assert "calls to servers" not in started.content.decode()
    assert ConnectionTest.objects.count() == 4
    refused = editor_client.post(NEW_SPARK_TEST, data, HTTP_HX_REQUEST="true")
    assert "You made 2 calls to servers" in refused.content.decode()


def test_a_test_reported_interrupted_neither_runs_nor_gets_a_verdict_later(
    editor: Any, settings: Any
) -> None:
    settings.CONNECTION_TEST_INTERRUPTED_AFTER = 5.0
    test = left_unfinished(editor, 20, status=ConnectionTest.Status.QUEUED)
    ran: list[int] = []

    def tester(*args: Any) -> dict[str, Any]:
        ran.append(1)
        return {"ok": True, "stages": []}

    actor = Actor(editor, "ui")
    target = live.Target(None, None, "Target")
    connection_tests._run(
        test.pk,
        tester,
        None,
        {},
        connection_tests.options(),
        live.Redaction((), ()),
        queued=True,
        taken_at=ConnectionTest.objects.values_list("taken_at", flat=True).get(pk=test.pk),
        finish=connection_tests._Finish(
            live.begin(actor, live.Operation.TEST, target), actor, target, "test"
        ),
    )
    assert ran == []
    test.refresh_from_db()
    assert test.status == "failed" and test.result["interrupted"] is True


def test_a_queued_test_whose_task_raises_is_stored_failed_with_the_error_not_left_queued(
    editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal import tasks
    from portal.services import test_queue

    test = left_unfinished(editor, 0, status=ConnectionTest.Status.QUEUED)

    def locked(*args: Any) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(test_queue, "run_queued", locked)
    with pytest.raises(RuntimeError):
        tasks.run_queued_test.run(test.pk, {"user": editor.pk, "origin": "cli"}, "")
    stored = ConnectionTest.objects.get(pk=test.pk)
    assert stored.status == ConnectionTest.Status.FAILED
    detail = json.loads(stored.report)["stages"][0]["detail"]
    assert detail == "The worker could not run this test: RuntimeError: database is locked"


@pytest.mark.spark("binary-nosasl")
def test_a_test_waiting_on_a_busy_queue_stays_queued_past_any_deadline_until_a_worker_runs_it(
    editor: Any, settings: Any, spark_pool: ServerPool
) -> None:
    settings.CONNECTION_TEST_INTERRUPTED_AFTER = 120.0
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 20.0
    properties = {
        "type": "Spark",
        "typeProperties": {
            "host": "127.0.0.1", "port": spark_pool.get("binary-nosasl").port,
            "thriftTransportProtocol": "Binary", "authenticationType": "Anonymous",
            "serverType": "SparkThriftServer",
        },
    }  # fmt: skip
    service = save_definition(
        user=editor, name="Waiting", properties=properties, action="create"
    ).resource
    environment = ensure_repository_environment(Factory.default())
    # As "Test all" queues it, ten minutes ago; no worker has taken it since.
    test = left_unfinished(
        editor,
        600,
        taken=False,
        status=ConnectionTest.Status.QUEUED,
        resource=service,
        name=service.name,
        revision=service.revision,
        environment=environment,
    )
    response = api_for(editor).get(f"/api/v1/connection-tests/{test.pk}")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert not ConnectionTest.objects.interrupted().exists()
    assert test_queue.sweep_interrupted() == 0
    assert ConnectionTest.objects.get(pk=test.pk).status == ConnectionTest.Status.QUEUED

    # A worker takes it at last: its deadline counts from then, and it gets its verdict.
    test_queue.run_queued(test.pk, {"user": editor.pk, "origin": "cli"}, "")
    ran = ConnectionTest.objects.get(pk=test.pk)
    assert ran.status == ConnectionTest.Status.PASSED, ran.report
    assert ran.taken_at is not None and ran.taken_at > ran.created_at + timedelta(seconds=599)
    assert not ran.result.get("interrupted")


def test_a_test_a_worker_took_and_left_running_past_its_deadline_is_interrupted_and_swept(
    editor: Any, settings: Any
) -> None:
    settings.CONNECTION_TEST_INTERRUPTED_AFTER = 5.0
    waited = left_unfinished(editor, 60, taken=False, status=ConnectionTest.Status.QUEUED)
    took = left_unfinished(editor, 60, status=ConnectionTest.Status.RUNNING)
    ConnectionTest.objects.filter(pk=took.pk).update(
        taken_at=timezone.now() - timedelta(seconds=10)
    )
    assert list(ConnectionTest.objects.interrupted()) == [ConnectionTest.objects.get(pk=took.pk)]
    assert test_queue.sweep_interrupted() == 1
    swept = ConnectionTest.objects.get(pk=took.pk)
    assert swept.status == "failed" and swept.result["interrupted"] is True
    assert swept.finished_at is not None and swept.taken_at is not None
    assert swept.finished_at == swept.taken_at + timedelta(seconds=5)
    assert ConnectionTest.objects.get(pk=waited.pk).status == ConnectionTest.Status.QUEUED

"""``?wait=true`` holds a web request at most LINKWRIGHT_TEST_WAIT_SECONDS, then answers 202.

Every peer is a silent fake server on 127.0.0.1; tests run on the portal's worker pool, so
these tests use real transactions.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from portal.models import ApiToken, ConnectionTest
from portal.services import live
from tests.conftest import SPARK_V2, api_for
from tests.fake_server import FakeServer, silent

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 0.5
DEADLINE = 3.0


@pytest.fixture(autouse=True)
def _short_limits(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = DEADLINE
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 2.0
    settings.CONNECTION_TEST_WAIT_SECONDS = WAIT_SECONDS
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 100
    # A fresh pool and fresh waiting slots sized from these settings.
    monkeypatch.setattr(live, "_pool", None)
    monkeypatch.setattr(live, "_slots", None)
    monkeypatch.setattr(live, "_waiting", None)


def silent_peer_document(port: int) -> dict[str, Any]:
    properties = copy.deepcopy(SPARK_V2)
    properties["typeProperties"].update(host="127.0.0.1", port=port)
    return {"name": "Silent", "properties": properties}


def wait_until_all_finished(timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while ConnectionTest.objects.filter(status__in=ConnectionTest.UNFINISHED).exists():
        assert time.monotonic() < end, "tests against silent peers outlived their deadline"
        time.sleep(0.1)


def test_waiting_on_a_silent_peer_answers_202_with_the_test_to_poll_after_the_bound(
    editor: Any,
) -> None:
    api = api_for(editor)
    with FakeServer(silent) as server:
        started = time.monotonic()
        response = api.post(
            "/api/v1/test-connection?wait=true", silent_peer_document(server.port), format="json"
        )
        answered_after = time.monotonic() - started
        assert response.status_code == 202, response.content
        assert WAIT_SECONDS <= answered_after < DEADLINE, "answered before the test's deadline"
        test = response.json()
        assert test["status"] in ("queued", "running") and test["report"] is None
        assert response["Location"] == f"/api/v1/connection-tests/{test['id']}"
        wait_until_all_finished()
    polled = api.get(response["Location"])
    assert polled.status_code == 200
    assert polled.json()["status"] == "failed"


def test_more_waiting_tests_than_workers_each_get_an_answer_and_never_a_500(
    editor: Any, settings: Any
) -> None:
    settings.CONNECTION_TEST_WORKERS = 2
    requests = 8
    _, key = ApiToken.issue(editor, "waiting")
    barrier = threading.Barrier(requests)
    answers: list[Any] = [None] * requests

    def wait_for_a_test(index: int, port: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        try:
            barrier.wait(timeout=10)
            answers[index] = client.post(
                "/api/v1/test-connection?wait=true", silent_peer_document(port), format="json"
            )
        except Exception as exc:  # noqa: BLE001 - the test inspects what happened
            answers[index] = exc
        finally:
            connection.close()

    with FakeServer(silent) as server:
        threads = [
            threading.Thread(target=wait_for_a_test, args=(i, server.port)) for i in range(requests)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        page = api_for(editor).get("/api/v1/linkedservices/")
        wait_until_all_finished()
    assert page.status_code == 200
    assert [getattr(a, "status_code", a) for a in answers] == [202] * requests
    assert all(a["Location"] == f"/api/v1/connection-tests/{a.json()['id']}" for a in answers)
    assert ConnectionTest.objects.filter(status="failed").count() == requests


def test_when_every_waiting_slot_is_taken_a_request_does_not_wait_at_all(
    editor: Any, settings: Any
) -> None:
    settings.CONNECTION_TEST_WAIT_SECONDS = 60.0
    settings.CONNECTION_TEST_MAX_WAITING = 0
    with FakeServer(silent) as server:
        started = time.monotonic()
        response = api_for(editor).post(
            "/api/v1/test-connection?wait=true", silent_peer_document(server.port), format="json"
        )
        answered_after = time.monotonic() - started
        wait_until_all_finished()
    assert response.status_code == 202
    assert answered_after < DEADLINE, "the request waited for the test"

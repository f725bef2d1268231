"""A silent server cannot take every request thread of the portal: previews, catalog calls
and query checks wait on servers in the request thread, so they take the same few places
(``CONNECTION_TEST_MAX_WAITING``) as requests waiting for a test; past them the answer is a
clear refusal at once, and pages keep answering. The peer is a listener on 127.0.0.1 that
accepts and never answers."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from portal.query_checks import run_query
from portal.services import live
from portal.services.actor import Actor
from tests.conftest import api_for
from tests.fake_server import FakeServer, silent
from tests.test_dataset_portal import dataset, linked_service, url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _one_waiting_place(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 3.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 1.0
    settings.CONNECTION_TEST_MAX_WAITING = 1
    monkeypatch.setattr(live, "_waiting", None)
    monkeypatch.setattr(live, "_pool", None)
    monkeypatch.setattr(live, "_slots", None)


def waiting_preview(editor: Any) -> tuple[threading.Thread, list[Any]]:
    """A preview that waits on the silent peer, started in another thread."""
    answers: list[Any] = []
    thread = threading.Thread(
        target=lambda: answers.append(api_for(editor).post(url("orders", "preview"))),
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + 5
    while live._waiting is None or live._waiting._value > 0:  # noqa: SLF001
        assert time.monotonic() < deadline, "the first preview never started waiting"
        time.sleep(0.01)
    return thread, answers


def test_past_the_waiting_places_a_preview_is_refused_at_once_and_pages_answer(
    editor: Any,
) -> None:
    with FakeServer(silent) as peer:
        linked_service(editor, peer.port)
        dataset(editor, "orders", {"schema": "sales", "table": "orders"})
        thread, answers = waiting_preview(editor)
        api = api_for(editor)
        started = time.monotonic()
        refused = api.post(url("orders", "columns"))
        # At once: well before the silent peer's deadline (a wide margin for a loaded machine).
        assert time.monotonic() - started < 5.0
        assert refused.status_code == 429
        assert "waiting on servers" in str(refused.json())
        assert api.get("/api/v1/linkedservices/").status_code == 200  # pages still answer
        thread.join(timeout=15)
        assert answers and answers[0].status_code == 200 and answers[0].json()["ok"] is False
    # The place is given back when the wait ends.
    assert live._waiting is not None and live._waiting._value == 1  # noqa: SLF001


def test_a_query_check_past_the_waiting_places_is_refused_with_the_reason(editor: Any) -> None:
    from portal.models import Factory
    from portal.pipelines import Datasets

    with FakeServer(silent) as peer:
        linked_service(editor, peer.port)
        dataset(editor, "orders", {"schema": "sales", "table": "orders"})
        thread, _ = waiting_preview(editor)
        result = run_query(
            "SELECT 1",
            dataset_name="orders",
            datasets=Datasets(Factory.default()),
            what="check",
            actor=Actor(editor, "ui"),
            test_values={},
        )
        assert result.ok is False and "waiting on servers" in result.message
        thread.join(timeout=15)

"""The queue's tasks (see :mod:`portal.celery_app`): thin, the work is a service's."""

from __future__ import annotations

from portal.celery_app import app


@app.task(name="linkwright.run_queued_test")
def run_queued_test(test_id: int, actor: dict[str, object], sealed: str) -> None:
    from portal.services import test_queue

    test_queue.run_queued(test_id, actor, sealed)


@app.task(name="linkwright.sweep_interrupted")
def sweep_interrupted() -> int:
    from portal.services import test_queue

    return test_queue.sweep_interrupted()

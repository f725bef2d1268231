"""The queue's tasks (see :mod:`portal.celery_app`): thin, the work is a service's."""

from __future__ import annotations

from portal.celery_app import app


@app.task(name="linkwright.run_queued_test")
def run_queued_test(test_id: int, actor: dict[str, object], sealed: str) -> None:
    from portal.services import test_queue

    try:
        test_queue.run_queued(test_id, actor, sealed)
    except Exception as exc:
        # Never left queued for ever: the row says why its worker could not run it.
        test_queue.could_not_run(test_id, exc)
        raise


@app.task(name="linkwright.sweep_interrupted")
def sweep_interrupted() -> int:
    from portal.services import test_queue

    return test_queue.sweep_interrupted()

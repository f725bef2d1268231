"""The task queue: Celery with Redis (``LINKWRIGHT_REDIS_URL``).

Start a worker with ``celery -A portal.celery_app worker --pool threads``; workers may run
on several machines sharing the database and the Redis server. A task is acknowledged only
once it has run (``acks_late``): one taken by a worker that dies goes back to the queue
(at once when the worker's pool lost it, else after the visibility timeout), and its test's
row, left running, is read as interrupted past its deadline (counted from when a worker took
it: a row still waiting on the queue stays queued). Without a broker configured
(tests, a portal without Redis) each task runs in-process, in the call that queues it.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("linkwright", include=["portal.tasks"])


def configure() -> None:
    import django
    from django.conf import settings

    django.setup()  # idempotent: a worker's first import, or the portal's own

    from portal.models import interrupted_after

    visibility = settings.QUEUE_VISIBILITY_TIMEOUT or interrupted_after()
    # Connections and producers made for an earlier broker are not reused for this one.
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.update(
        broker_url=settings.CELERY_BROKER_URL or "memory://",
        result_backend=settings.CELERY_BROKER_URL or None,
        task_always_eager=settings.CELERY_TASK_ALWAYS_EAGER,
        task_eager_propagates=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": visibility},
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
        worker_hijack_root_logger=False,
    )


configure()

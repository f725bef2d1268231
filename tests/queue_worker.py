"""A real Celery worker for the queue tests: the portal's app, on the test database and key
file the test names (``LINKWRIGHT_TEST_DB``, ``LINKWRIGHT_TEST_KEYS``), its broker
``LINKWRIGHT_REDIS_URL``. ``python -m tests.queue_worker NAME``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from django.conf import settings  # noqa: E402

settings.DATABASES["default"]["NAME"] = os.environ["LINKWRIGHT_TEST_DB"]
settings.SECRET_KEYS_FILE = Path(os.environ["LINKWRIGHT_TEST_KEYS"])

import django  # noqa: E402

django.setup()

from portal.celery_app import app  # noqa: E402

if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "worker"
    args = ["worker", "--pool", "threads", "--concurrency", "2", "--loglevel", "info"]
    app.worker_main([*args, "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle"])

"""Test all on the task queue: one worker against two, and what the queue adds to one test.

Run with ``python -m bench.environment_queue`` (or ``bash scripts/bench.sh``). It runs
itself again under ``scripts/with-postgres.sh`` (a throwaway PostgreSQL on 127.0.0.1) unless
DATABASE_URL is set: the portal and its workers share the database as in production. It
starts a real ``redis-server`` and two real Spark Thrift Servers (``binary-nosasl`` and
``binary-sasl-none``, the tests' ServerPool) on 127.0.0.1, and saves a factory of
``SERVICES`` Spark linked services, half on each server, and one of a single linked service.

- **Test all, 1 worker vs 2**: ``portal.services.test_queue.test_all`` on the repository's
  environment, as the matrix's "Test all" and ``manage.py test_all`` run it, until every
  verdict is stored; with one Celery worker process (``celery -A portal.celery_app worker
  --pool threads --concurrency 1``: one test at a time), then with two. Goal (issue 22): two
  workers at least 1.7x faster than one.
- **One test, queued vs in-process**: the same ``test_all`` of the single linked service,
  through Redis and a running worker, against the same call run in the portal's process (no
  broker: the task runs in the call), each timed by the test's own row: from the row written
  (queued) to its verdict stored; the time to the verdict seen by a reader every 20 ms is
  shown beside. Goal (issue 22): the queue adds at most 20 ms to the median.

Figures go to the section ``environment_queue`` of docs/benchmarks.md (``--no-write``:
printed only); exit status 1 when a goal is missed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench._postgres import under_postgres
from bench._report import Goal, machine_facts, markdown_table, median, p90, publish

ROOT = Path(__file__).resolve().parents[1]
SECTION = "environment_queue"
SERVICES = int(os.environ.get("BENCH_QUEUE_SERVICES", "200"))
ROUNDS = int(os.environ.get("BENCH_QUEUE_ROUNDS", "3"))
SINGLE_RUNS = int(os.environ.get("BENCH_QUEUE_SINGLE_RUNS", "40"))
SPEEDUP_GOAL = 1.7
QUEUE_GOAL_MS = 20.0
SERVERS = ("binary-nosasl", "binary-sasl-none")


@contextmanager
def workers(count: int, env: dict[str, str], logs: Path) -> Iterator[None]:
    """``count`` worker processes, one test at a time each, ready when this yields."""
    started = []
    for index in range(count):
        log = (logs / f"worker-{count}-{index}.log").open("wb")
        started.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "celery"),
                    "-A",
                    "portal.celery_app",
                    "worker",
                    "--pool",
                    "threads",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "info",
                    "--hostname",
                    f"bench{count}-{index}@%h",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        )
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end:
            text = "".join(p.read_text(errors="replace") for p in logs.glob(f"worker-{count}-*"))
            if text.count(" ready.") >= count:
                break
            if any(w.poll() is not None for w in started):
                raise RuntimeError(f"a worker stopped:\n{text[-3000:]}")
            time.sleep(0.2)
        else:
            raise RuntimeError("the workers did not start in time")
        yield
    finally:
        for worker in started:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in started:
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(10)


def set_up(ports: dict[str, int]) -> tuple[Any, Any]:
    """The two factories' repository environments: (many linked services, a single one)."""
    from django.contrib.auth import get_user_model

    from portal.definitions import save_definition
    from portal.environments import ensure_repository_environment
    from portal.services import factories
    from portal.services.actor import Actor

    user = get_user_model().objects.create_user("bench")
    actor = Actor.cli(user)
    many = factories.create(actor, "many")
    single = factories.create(actor, "single")
    modes = list(ports)
    for index in range(SERVICES + 1):
        factory = single if index == SERVICES else many
        mode = modes[index % len(modes)]
        transport = (
            {"thriftTransportProtocol": "Binary", "authenticationType": "Anonymous"}
            if mode == "binary-nosasl"
            else {"thriftTransportProtocol": "SASL", "authenticationType": "Username",
                  "username": "bench"}
        )  # fmt: skip
        properties = {
            "type": "Spark",
            "typeProperties": {"host": "127.0.0.1", "port": ports[mode], **transport},
        }
        save_definition(
            user=user, name=f"LS_{index:03d}", properties=properties, action="create",
            factory=factory,
        )  # fmt: skip
    return ensure_repository_environment(many), ensure_repository_environment(single)


def test_all(environment: Any, poll: float) -> tuple[float, float]:
    """Seconds from "Test all" to the last verdict seen stored (read every ``poll`` s), and
    by the rows' own clock: from the first row written to the last verdict stored (no
    poller's delay in it). Every test must pass."""
    from portal.services import test_queue
    from portal.services.actor import Actor

    started = time.perf_counter()
    run = test_queue.test_all(Actor.cli(), environment)
    done = test_queue.wait_for_all(run.tests, poll_seconds=poll, at_most=600)
    seconds = time.perf_counter() - started
    failed = [(t.name, t.status) for t in done if t.status != "passed"]
    if failed:
        raise RuntimeError(f"tests did not pass: {failed[:5]}")
    first = min(t.created_at for t in done)
    last = max(t.finished_at for t in done if t.finished_at is not None)
    return seconds, (last - first).total_seconds()


def use_queue(redis_url: str | None) -> None:
    from django.conf import settings

    from portal import celery_app

    settings.CELERY_BROKER_URL = redis_url or ""
    settings.CELERY_TASK_ALWAYS_EAGER = redis_url is None
    celery_app.configure()


def measure(database: str, *, write: bool) -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="linkwright-bench-"))
    os.environ.update(
        {
            "LINKWRIGHT_DATA_DIR": str(data_dir),
            "LINKWRIGHT_TEST_ALLOW_LOOPBACK": "1",
            "LINKWRIGHT_TEST_RATE_PER_MINUTE": "1000000",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    from django.core.management import call_command

    from tests.redis_server import redis_server
    from tests.spark_server import server_pool

    logging.disable(logging.INFO)
    call_command("migrate", verbosity=0)
    all_runs: dict[int, list[float]] = {1: [], 2: []}
    queued: list[float] = []
    in_process: list[float] = []
    queued_wall: list[float] = []
    in_process_wall: list[float] = []
    try:
        with server_pool() as pool, redis_server(data_dir) as redis_url:
            ports = {name: pool.get(name).port for name in SERVERS}
            many, single = set_up(ports)
            env = {**os.environ, "LINKWRIGHT_REDIS_URL": redis_url}
            use_queue(redis_url)
            for count in (1, 2):
                with workers(count, env, data_dir):
                    test_all(many, 0.05)  # warm: every worker's imports, pools, servers
                    for _ in range(ROUNDS):
                        all_runs[count].append(test_all(many, 0.05)[0])
                    for _ in range(3):
                        test_all(single, 0.002)
                    if count == 1:
                        # One test, queued against in-process, alternating.
                        for index in range(SINGLE_RUNS):
                            order = [True, False] if index % 2 == 0 else [False, True]
                            for through_queue in order:
                                use_queue(redis_url if through_queue else None)
                                # Read every 20 ms: the figure is the rows' own clock, and
                                # a tighter loop would take the processor from the test.
                                wall, rows = test_all(single, 0.02)
                                (queued if through_queue else in_process).append(rows * 1000)
                                walls = queued_wall if through_queue else in_process_wall
                                walls.append(wall * 1000)
                            use_queue(redis_url)
    finally:
        use_queue(None)
        shutil.rmtree(data_dir, ignore_errors=True)
    speedup = median(all_runs[1]) / median(all_runs[2])
    added = median(queued) - median(in_process)
    walls = (queued_wall, in_process_wall)
    text = render(database, all_runs, queued, in_process, speedup, added, walls)
    goals = [
        Goal(
            name=f"Test all of {SERVICES} linked services (two Spark servers): 2 workers at "
            f"least {SPEEDUP_GOAL:g}x faster than 1",
            figure=f"{speedup:.2f}x faster",
            reference=f"1 worker: {median(all_runs[1]):.2f} s",
            ratio=speedup,
            limit=f"≥ {SPEEDUP_GOAL:g}",
            met=speedup >= SPEEDUP_GOAL,
        ),
        Goal.under(
            f"one test through the queue: added to the in-process median (row written to "
            f"verdict stored), under {QUEUE_GOAL_MS:g} ms",
            added,
            QUEUE_GOAL_MS,
            "ms",
        ),
    ]
    return publish(SECTION, text, write=write, goals=goals)


def render(
    database: str,
    all_runs: dict[int, list[float]],
    queued: list[float],
    in_process: list[float],
    speedup: float,
    added: float,
    walls: tuple[list[float], list[float]],
) -> str:
    facts = markdown_table(
        ["machine", "value"], [[k, v] for k, v in machine_facts(["celery", "redis", "pyspark"])]
    )
    runs = [
        [f"{count} worker{'s' if count > 1 else ''}", f"{median(v):.2f}", f"{min(v):.2f}"]
        for count, v in all_runs.items()
    ]
    single = [
        [label, f"{median(v):.1f}", f"{p90(v):.1f}", f"{min(v):.1f}"]
        for label, v in (
            ("through Redis and a worker: row written to verdict stored", queued),
            ("in-process: row written to verdict stored", in_process),
            ("through Redis and a worker: call to verdict seen (read every 20 ms)", walls[0]),
            ("in-process: call to verdict seen", walls[1]),
        )
    ]
    return "\n".join(
        [
            "## Test all on the task queue",
            "",
            "Generated by `python -m bench.environment_queue` (part of `bash scripts/bench.sh`).",
            "",
            facts,
            "",
            f"Database {database}, shared by the portal's process and the workers; a real "
            "redis-server and two real Spark Thrift Servers (`binary-nosasl`, "
            f"`binary-sasl-none`) on 127.0.0.1. {SERVICES} Spark linked services, half on "
            "each server. **Test all**: `test_queue.test_all` on the repository's "
            "environment until every verdict is stored (read every 50 ms); workers are "
            "Celery processes running one test at a time (`--pool threads --concurrency "
            f"1`); one warm-up run, then {ROUNDS} timed runs with one worker, then with two. "
            "**One test**: the same call on a factory of one linked service, through the "
            "queue and in the portal's process (no broker: the task runs in the call), "
            f"alternating, {SINGLE_RUNS} of each, each timed by its row's own clock (from "
            "the row written to its verdict stored: what the queue adds, with no reader's "
            "delay in it) and, beside, from the call to the verdict seen by a reader every "
            "20 ms.",
            "",
            markdown_table([f"Test all of {SERVICES} (s)", "median", "fastest"], runs),
            "",
            f"One worker's time over two's: **{speedup:.2f}x**.",
            "",
            markdown_table(["one test (ms)", "median", "p90", "fastest"], single),
            "",
            f"The queue adds **{added:.1f} ms** to the median (row written to verdict stored); "
            f"{median(walls[0]) - median(walls[1]):.1f} ms from the call to the verdict seen.",
        ]
    )


def main() -> int:
    return under_postgres("bench.environment_queue", measure)


if __name__ == "__main__":
    sys.exit(main())

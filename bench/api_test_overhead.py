"""Benchmark: what a connection test through the API costs on top of the client's own work.

Run with ``python -m bench.api_test_overhead`` (or ``bash scripts/bench.sh``). A throwaway
SQLite database (the portal's settings: WAL, synchronous=NORMAL) or PostgreSQL when
DATABASE_URL is set; a real Spark Thrift Server (``binary-nosasl``, through the tests'
ServerPool) and a refused port, both on 127.0.0.1, each with a saved version 1.0 Binary
definition. Alternately, in one process: the raw client call the worker makes
(``connector.test_connection`` with the stored properties) and the same test through the
API (``POST /api/v1/linkedservices/NAME/test?wait=true`` with a token, in-process through
Django's test client: authentication, the rate and pool checks, the stored row, its audit
entry, the worker thread, the verdict written and read back). Goal (issue 10, point 20; issue
21 asks the same 3 ms through the production server over HTTP, not measured here): the API's
median under 3 ms over the raw call's, on every target. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._report import Goal, machine_facts, markdown_table, median, p90, publish

ROOT = Path(__file__).resolve().parents[1]
SECTION = "api_test_overhead"
RUNS = 200
GOAL_MS = 3.0
IDLE_MS = 30  # about what a real server's SELECT 1 keeps a test waiting


def _setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["LINKWRIGHT_DATA_DIR"] = tempfile.mkdtemp(prefix="linkwright-bench-api-")
    os.environ["LINKWRIGHT_TEST_ALLOW_LOOPBACK"] = "1"
    os.environ["LINKWRIGHT_TEST_RATE_PER_MINUTE"] = "1000000"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _refused_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _definition(port: int) -> dict[str, Any]:
    return {
        "type": "Spark",
        "typeProperties": {
            "host": "127.0.0.1",
            "port": port,
            "thriftTransportProtocol": "Binary",
            "authenticationType": "Anonymous",
        },
    }


def measure(
    targets: dict[str, int], runs: int, idle: dict[str, float] | None = None
) -> dict[str, dict[str, list[float]]]:
    """Alternating raw and API calls per target; ``idle`` (seconds, per target) is slept,
    untimed, before each call, as a test's wait on a real server leaves the processor."""
    idle = idle or {}
    from django.contrib.auth import get_user_model
    from django.test import Client

    from connectors.registry import get_connector
    from portal.definitions import save_definition
    from portal.models import ApiToken, Resource
    from portal.roles import Role, set_role
    from portal.services import connection_tests

    user = get_user_model().objects.create_user("bench")
    set_role(user, Role.EDITOR)
    _, key = ApiToken.issue(user, "bench")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    samples: dict[str, dict[str, list[float]]] = {}
    for label, port in targets.items():
        name = "Bench" + "".join(c for c in label.title() if c.isalnum())
        save_definition(user=user, name=name, properties=_definition(port), action="create")
        service = Resource.objects.get(name=name)
        version = service.connector_definition
        test_connection = get_connector(service.connector).test_connection
        type_properties = service.properties["typeProperties"]
        url = f"/api/v1/linkedservices/{name}/test?wait=true"

        def raw(
            test_connection: Any = test_connection,
            version: Any = version,
            type_properties: Any = type_properties,
        ) -> None:
            test_connection(version, type_properties, connection_tests.options())

        def api(url: str = url) -> None:
            response = client.post(url, content_type="application/json", data="{}")
            assert response.status_code == 200, response.content
            assert response.json()["status"] in ("passed", "failed")

        for warm in (raw, api, raw, api):  # caches, the pool's threads, the server
            warm()
        timed: dict[str, list[float]] = {"raw": [], "api": [], "raw cpu": [], "api cpu": []}
        for index in range(runs):
            order = [("raw", raw), ("api", api)]
            for which, call in order if index % 2 == 0 else order[::-1]:
                if idle.get(label):
                    time.sleep(idle[label])
                cpu = time.process_time()
                started = time.perf_counter()
                call()
                timed[which].append((time.perf_counter() - started) * 1000)
                timed[f"{which} cpu"].append((time.process_time() - cpu) * 1000)
        samples[label] = timed
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    runs = max(5, min(args.runs, 2000))
    _setup_django()
    import logging

    from django.db import connection

    from tests.spark_server import server_pool

    logging.disable(logging.INFO)
    with server_pool() as pool:
        server = pool.get("binary-nosasl")
        refused = _refused_port()
        targets = {
            "refused port": refused,
            f"refused port, {IDLE_MS} ms idle before each call": refused,
            "Spark binary": server.port,
        }
        samples = measure(
            targets, runs, idle={label: IDLE_MS / 1000 for label in targets if "idle" in label}
        )
        startup = server.started_in_s
    rows = []
    goals = []
    for label, timed in samples.items():
        over = median(timed["api"]) - median(timed["raw"])
        goals.append(
            Goal.under(
                f"{label}: API median over the raw call's, in-process, under {GOAL_MS:g} ms "
                "(issue 10, point 20)",
                over,
                GOAL_MS,
                "ms",
            )
        )
        cpu_over = median(timed["api cpu"]) - median(timed["raw cpu"])
        rows.append(
            [
                label,
                f"{median(timed['raw']):.2f}",
                f"{p90(timed['raw']):.2f}",
                f"{median(timed['api']):.2f}",
                f"{p90(timed['api']):.2f}",
                f"**{over:.2f}**",
                f"{cpu_over:.2f}",
            ]
        )
    vendor = connection.vendor
    journal = " (WAL, synchronous=NORMAL)" if vendor == "sqlite" else ""
    text = "\n".join(
        [
            "## A connection test through the API vs the client's own call",
            "",
            "Generated by `python -m bench.api_test_overhead` (part of `bash scripts/bench.sh`).",
            "",
            markdown_table(
                ["machine", "value"],
                [[k, v] for k, v in machine_facts(["Django", "djangorestframework"])]
                + [["load average at the end", "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())]],
            ),
            "",
            f"Database: {vendor}{journal}, fresh. A real Spark Thrift Server (`binary-nosasl`, "
            f"started in {startup:.1f} s) and a refused port, on 127.0.0.1, each a saved "
            "version 1.0 definition (Binary, Anonymous). **Raw client** (the reference): the "
            "call the worker makes, `connector.test_connection(version, typeProperties, "
            "options)`. **API**: `POST /api/v1/linkedservices/NAME/test?wait=true` with a token, "
            "in-process (Django's test client, no HTTP server): authentication, the rate and "
            "pool checks, the test's row and its audit entry (one commit), the worker thread "
            "with its kept connection, the verdict (one commit) handed back, not read again, and "
            "rendered. "
            f"Alternating, {runs} of each per target after two untimed of each. "
            f"Goal: the API's median under {GOAL_MS:.0f} ms over the raw call's, on every "
            "target (issue 10 measured it on the refused port: the portal's work with next to "
            "no network; a user's test waits on a real server first, as the other two rows "
            "do; issue 21 asks it through the production server over HTTP, which this "
            "in-process figure does not include). CPU is "
            "the process's (every thread's) user + system time, the steadier figure on a "
            "shared machine. The same refused-port test with the processor left idle "
            f"{IDLE_MS} ms before each call (untimed, both sides) shows what the Spark row "
            "shows: after a wait on the network, the same portal work runs with cold caches "
            "and wakes a sleeping worker thread, and costs more than back to back. Most "
            "of the API's share is the ORM building each of the test's nine statements "
            "anew (0.23-0.36 ms of CPU a read here): statements compiled once (66abe6e, "
            "reverted) took the refused port from 4.55 to 2.39 ms and the other rows to 4.12 "
            "and 4.82 ms, but issue 19 keeps the ORM plain unless a benchmark shows over "
            "5 ms a request.",
            "",
            markdown_table(
                [
                    "target",
                    "raw client median ms",
                    "raw p90 ms",
                    "API median ms",
                    "API p90 ms",
                    "API over raw (median) ms",
                    "API over raw, CPU (median) ms",
                ],
                rows,
            ),
        ]
    )
    return publish(SECTION, text, write=not args.no_write, goals=goals)


if __name__ == "__main__":
    sys.exit(main())

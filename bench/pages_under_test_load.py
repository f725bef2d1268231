"""Page latency of the production server at rest and while 30 waiting tests hang on silent peers.

Run with ``python -m bench.pages_under_test_load`` (or ``bash scripts/bench.sh``). It runs
itself again under ``scripts/with-postgres.sh`` (a throwaway PostgreSQL on 127.0.0.1) unless
DATABASE_URL is set (the production script needs PostgreSQL). It starts
``scripts/run-production.sh`` (gunicorn, its defaults) on a free 127.0.0.1 port, signs in an
Editor, then times ``PAGES`` GETs of the linked-service list at rest (half before, half after
the load), and the same while ``WAITERS`` API clients each start ``POST
/api/v1/test-connection?wait=true`` against a silent peer on 127.0.0.1 (a listener that never
accepts: the connection opens, nothing answers) and, answered 202, poll the test every second.
Goal: the p95 under load within ``GOAL_RATIO`` x the p95 at rest. The figures go to the
section ``pages_under_test_load`` of docs/benchmarks.md; exit status 1 when the goal is missed.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench._postgres import under_postgres
from bench._report import Goal, machine_facts, markdown_table, median, p90, p95, publish

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
SECTION = "pages_under_test_load"
PAGES = 200
WAITERS = 30
POLL_S = 1.0
GOAL_RATIO = 2.0
SERVER_START_LIMIT_S = 300.0
LOAD_LIMIT_S = 120.0
PAGE = "/factories/default/?kind=linkedService"
SERVICES = 25  # linked services on the list page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def server_environment(port: int, data_dir: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "LINKWRIGHT_DATA_DIR": data_dir,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "LINKWRIGHT_SECRET_KEYS": Fernet.generate_key().decode(),
        "LINKWRIGHT_ALLOWED_HOSTS": HOST,
        "LINKWRIGHT_BIND": f"{HOST}:{port}",
        "LINKWRIGHT_ADMIN_PASSWORD": secrets.token_urlsafe(16),
        "LINKWRIGHT_TEST_ALLOW_LOOPBACK": "1",
        # One Editor starts every test here; the per-user limit would refuse most of them.
        "LINKWRIGHT_TEST_RATE_PER_MINUTE": "1000",
    }


def server_user(env: dict[str, str], name: str = "bench", *, editor: bool = True) -> Any:
    """This process on the server's database, keys and settings (Django set up), and a new
    user there (an Editor of every factory unless ``editor`` is False)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from portal.roles import Role, set_role

    user = get_user_model().objects.create_user(name, password=secrets.token_urlsafe(16))
    if editor:
        set_role(user, Role.EDITOR)
    return user


def start_server(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            ["bash", "scripts/run-production.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def wait_until_serving(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    end = time.monotonic() + SERVER_START_LIMIT_S
    while time.monotonic() < end:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            status, _, _ = request(port, "GET", "/accounts/login/", {})
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not start in time")


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, float, str]:
    """One request on a fresh connection: status, seconds to the whole answer, Location."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started, response.getheader("Location", "")
    finally:
        conn.close()


def sign_in(env: dict[str, str]) -> tuple[str, str]:
    """An Editor with some linked services: its session cookie and an API token."""
    user = server_user(env)
    from django.test import Client

    from portal.definitions import save_definition
    from portal.models import ApiToken

    for index in range(SERVICES):
        document = silent_peer_document(10000 + index)
        document["properties"]["typeProperties"]["host"] = f"spark{index}.example.com"
        save_definition(
            user=user, name=f"Spark{index:02d}", properties=document["properties"], action="create"
        )
    client = Client()
    client.force_login(user)
    _, key = ApiToken.issue(user, "bench")
    return client.cookies["sessionid"].value, key


def wait_until_tests_finished() -> None:
    from portal.models import ConnectionTest

    end = time.monotonic() + LOAD_LIMIT_S
    while ConnectionTest.objects.filter(status__in=ConnectionTest.UNFINISHED).exists():
        if time.monotonic() > end:
            raise RuntimeError("tests against the silent peer outlived their deadline")
        time.sleep(1)


def silent_peer_document(port: int) -> dict[str, Any]:
    return {
        "name": "SilentPeer",
        "properties": {
            "type": "Spark",
            "version": "2.0",
            "typeProperties": {
                "host": HOST,
                "port": port,
                "authenticationType": "UsernameAndPassword",
                "username": "bench",
                "password": {"type": "SecureString", "value": "bench-secret"},
                "httpPath": "cliservice",
            },
        },
    }


def time_pages(port: int, cookie: str, count: int = PAGES) -> list[float]:
    headers = {"Cookie": f"sessionid={cookie}", "Host": HOST}
    times = []
    for _ in range(count):
        status, seconds, _ = request(port, "GET", PAGE, headers)
        if status != 200:
            raise RuntimeError(f"GET {PAGE} answered {status}")
        times.append(seconds)
    return times


class Waiters:
    """``WAITERS`` API clients, each starting one test with ``?wait=true`` and, when answered
    202, polling its Location every ``POLL_S`` until it is done (or the measure is over)."""

    def __init__(self, port: int, token: str, peer_port: int) -> None:
        self._port = port
        self._headers = {
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Host": HOST,
        }
        self._body = json.dumps(silent_peer_document(peer_port)).encode()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.answer_s: list[float] = []
        self.polls = 0
        self._threads = [threading.Thread(target=self._wait, daemon=True) for _ in range(WAITERS)]

    def __enter__(self) -> Waiters:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=LOAD_LIMIT_S)

    def _wait(self) -> None:
        path = "/api/v1/test-connection?wait=true"
        status, seconds, location = request(self._port, "POST", path, self._headers, self._body)
        with self._lock:
            self.statuses[status] += 1
            self.answer_s.append(seconds)
        end = time.monotonic() + LOAD_LIMIT_S
        while status == 202 and location and time.monotonic() < end:
            if self._stop.wait(POLL_S):
                return
            status, _, _ = request(self._port, "GET", location, self._headers)
            with self._lock:
                self.polls += 1


def ms(seconds: list[float], statistic: Any) -> str:
    return f"{statistic(seconds) * 1000:.1f} ms"


def measure(database: str, *, write: bool = True) -> int:
    data_dir = tempfile.mkdtemp(prefix="linkwright-bench-")
    port = free_port()
    env = server_environment(port, data_dir)
    log = Path(data_dir) / "server.log"
    server = start_server(env, log)
    silent_peer = socket.socket()
    try:
        wait_until_serving(port, server, log)
        cookie, token = sign_in(env)
        # A silent peer: the kernel completes the handshakes, nobody ever answers.
        silent_peer.bind((HOST, 0))
        silent_peer.listen(256)
        time_pages(port, cookie, 30)  # warm up every worker
        # Half the rest figures before the load, half after, so that a change in what else
        # runs on the machine weighs on both sides alike.
        at_rest = time_pages(port, cookie, PAGES // 2)
        with Waiters(port, token, silent_peer.getsockname()[1]) as waiters:
            time.sleep(2)  # every waiter has posted and is waiting
            under_load = time_pages(port, cookie)
        wait_until_tests_finished()
        at_rest += time_pages(port, cookie, PAGES - PAGES // 2)
    finally:
        stop_server(server)
        silent_peer.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    ratio = p95(under_load) / p95(at_rest)
    text = render(database, at_rest, under_load, waiters, ratio)
    goal = Goal.at_most(
        f"GET {PAGE}: p95 with {WAITERS} tests waiting on silent peers at most "
        f"{GOAL_RATIO:g}x the p95 at rest",
        p95(under_load) * 1000,
        p95(at_rest) * 1000,
        GOAL_RATIO,
        "ms",
        reference_label="at rest",
    )
    return publish(SECTION, text, write=write, goals=[goal])


def server_settings() -> str:
    """The production script's settings this run used (its defaults unless overridden)."""
    workers = os.environ.get("LINKWRIGHT_WEB_WORKERS", "3")
    threads = int(os.environ.get("LINKWRIGHT_WEB_THREADS", "8"))
    waiting = os.environ.get("LINKWRIGHT_TEST_MAX_WAITING", str(threads // 2))
    wait_s = os.environ.get("LINKWRIGHT_TEST_WAIT_SECONDS", "10")
    deadline = os.environ.get("LINKWRIGHT_TEST_DEADLINE", "30")
    return (
        f"gunicorn gthread, {workers} workers x {threads} threads; at most {waiting} requests "
        f"a worker wait for a verdict, each at most {wait_s} s; test deadline {deadline} s"
    )


def render(
    database: str, at_rest: list[float], under_load: list[float], waiters: Waiters, ratio: float
) -> str:
    facts = markdown_table(
        ["machine", "value"],
        [[k, v] for k, v in machine_facts(["Django", "gunicorn", "psycopg", "whitenoise"])],
    )
    rows = [
        [label, ms(at_rest, statistic), ms(under_load, statistic)]
        for label, statistic in (("median", median), ("p90", p90), ("p95", p95), ("max", max))
    ]
    answers = ", ".join(f"{count} x {status}" for status, count in sorted(waiters.statuses.items()))
    return "\n".join(
        [
            "## Pages while tests wait on silent peers",
            "",
            "Generated by `python -m bench.pages_under_test_load` "
            "(part of `bash scripts/bench.sh`).",
            "",
            facts,
            "",
            f"Server: `scripts/run-production.sh` ({server_settings()}) on 127.0.0.1, "
            f"database {database}, "
            "`LINKWRIGHT_TEST_ALLOW_LOOPBACK=1` and a per-user rate of 1000 a minute (one "
            f"Editor starts every test). {PAGES} GETs of `{PAGE}` ({SERVICES} linked services) "
            "by a signed-in Editor, one after the other, each on a new connection: at rest "
            "(half before the load, half once its tests have finished), and while "
            f"{WAITERS} API clients each start a test with `POST "
            "/api/v1/test-connection?wait=true` against a silent peer on 127.0.0.1 (a listener "
            "that never accepts: connections open, nothing ever answers) and, answered 202, "
            f"poll it every {POLL_S:.0f} s. Same server, same run.",
            "",
            markdown_table(["GET " + PAGE, "at rest", f"{WAITERS} waiting tests"], rows),
            "",
            f"Waiting test requests: {answers}; answered in at most "
            f"{max(waiters.answer_s, default=0):.1f} s (median "
            f"{median(waiters.answer_s or [0]):.1f} s); {waiters.polls} polls meanwhile.",
            "",
            f"p95 under load / p95 at rest: **{ratio:.2f}** (goal: at most {GOAL_RATIO}; "
            f"{'met' if ratio <= GOAL_RATIO else 'missed'}).",
        ]
    )


def main() -> int:
    return under_postgres("bench.pages_under_test_load", measure)


if __name__ == "__main__":
    sys.exit(main())

"""Our HiveServer2 client against PyHive on the same real Spark Thrift Servers.

Run: ``python -m bench.hive_vs_pyhive`` (or ``bash scripts/bench.sh``). It starts two
servers through the tests' ServerPool (``binary-nosasl`` and ``http-custom``, on
127.0.0.1), waits until both are up, warms up, then on each transport times, rotating
which client goes first run by run,

* ours: resolve + address policy, TCP connect, (HTTP: Basic authentication on the
  first POST), OpenSession, ExecuteStatement ``SELECT 1``, FetchResults,
  CloseOperation, CloseSession, close -- the building blocks the portal's connection
  test uses, with its default limits (45 s deadline, bounded reads);
* PyHive: ``hive.connect(...)``, ``cursor.execute("SELECT 1")``, ``fetchone()``,
  ``cursor.close()``, ``conn.close()`` -- including the ``USE `default``` PyHive
  always runs, since that is what a PyHive user pays;
* for reference, a bare thrift client making our five calls with no deadline, no
  limits and no checks (what our safety costs).

It then measures the time to a verdict for a refused port and for a silent peer
(accepts, never answers): the portal's ``run_connection_test`` with a 3 s deadline,
and PyHive, which has no timeout, under a watchdog. Results go to the section
``hive_vs_pyhive`` of docs/benchmarks.md. Exit status 1 when our median is above
``TARGET_RATIO`` of PyHive's on a transport.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gc
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.transport.THttpClient import THttpClient
from thrift.transport.TSocket import TSocket
from thrift.transport.TTransport import TBufferedTransport, TTransportBase

from bench._report import Goal, machine_facts, markdown_table, median, p90, publish
from connectors.hiveserver2.binary_transport import UnframedTransport
from connectors.hiveserver2.client import HiveClient
from connectors.hiveserver2.diagnostics import run_connection_test
from connectors.hiveserver2.gen.TCLIService import TCLIService
from connectors.hiveserver2.gen.TCLIService import ttypes as t
from connectors.hiveserver2.http_transport import HttpTransport
from connectors.net.deadline import Deadline
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.endpoint import open_tcp, resolve
from connectors.net_policy import AddressPolicy
from connectors.spark.settings import ClientLimits, settings_from_type_properties
from tests.fake_server import FakeServer, silent
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, HTTP_PATH, ServerPool, server_pool

HOST = "127.0.0.1"
RUNS = 50
WARMUP = 20
FULL_TEST_RUNS = 20
TARGET_RATIO = 0.7
VERDICT_DEADLINE_S = 3.0
REFUSED_REPEATS = 5
PYHIVE_CAP_S = 10.0
BENCH_LIMIT_S = 1200.0
LIMITS = ClientLimits()  # the portal's defaults
POLICY = AddressPolicy(allow_loopback=True)
SECTION = "hive_vs_pyhive"

Run = Callable[[int], None]


# -- our client, from the connection test's building blocks -------------------------
def _our_wire(port: int, deadline: Deadline) -> tuple[Any, DeadlineSocket]:
    resolution = resolve(HOST, port, policy=POLICY, deadline=deadline)
    address = resolution.allowed[0]
    sock = open_tcp(address, port, connect_timeout=LIMITS.connect_timeout_s, deadline=deadline)
    return address, DeadlineSocket(sock, deadline, peer=f"{HOST}:{port}")


def _session_and_select(transport: TTransportBase, deadline: Deadline) -> None:
    client = HiveClient(transport, max_string_bytes=LIMITS.max_frame_bytes)
    client.open_session(username=CUSTOM_USER, client_protocol=LIMITS.client_protocol)
    timeout = max(1, int(deadline.remaining()))
    value = client.query_first_value("SELECT 1", timeout_seconds=timeout)
    if value != 1:
        raise RuntimeError(f"our client: SELECT 1 returned {value!r}")
    client.close_session()


def ours_binary(port: int) -> None:
    deadline = Deadline(LIMITS.deadline_s)
    _, wire = _our_wire(port, deadline)
    transport = UnframedTransport(wire, max_reply_bytes=LIMITS.max_frame_bytes)
    try:
        _session_and_select(transport, deadline)
    finally:
        transport.close()


def ours_http(port: int) -> None:
    deadline = Deadline(LIMITS.deadline_s)
    address, wire = _our_wire(port, deadline)

    def reopen() -> DeadlineSocket:
        sock = open_tcp(address, port, connect_timeout=LIMITS.connect_timeout_s, deadline=deadline)
        return DeadlineSocket(sock, deadline, peer=f"{HOST}:{port}")

    transport = HttpTransport(
        reopen,
        host=HOST,
        port=port,
        path="/" + HTTP_PATH,
        username=CUSTOM_USER,
        password=CUSTOM_PASSWORD,
        max_body_bytes=LIMITS.max_http_body_bytes,
        first_socket=wire,
    )
    try:
        _session_and_select(transport, deadline)
    finally:
        transport.close()


# -- PyHive, as its documentation shows -------------------------------------------
def _pyhive_select(conn: Any) -> None:
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
        cursor.close()
    finally:
        conn.close()
    if row != (1,):
        raise RuntimeError(f"PyHive: SELECT 1 returned {row!r}")


def pyhive_binary(port: int) -> None:
    from pyhive import hive

    _pyhive_select(hive.connect(HOST, port, auth="NOSASL", username=CUSTOM_USER))


def pyhive_http(port: int) -> None:
    from pyhive import hive

    # PyHive builds a THttpClient for http://host:port/cliservice/ with a Basic header.
    conn = hive.connect(
        HOST,
        port,
        scheme="http",
        username=CUSTOM_USER,
        password=CUSTOM_PASSWORD,
        auth="BASIC",
    )
    _pyhive_select(conn)


# -- a bare thrift client, for reference: our five calls, no deadline, no limits ------
def _bare_calls(transport: TTransportBase) -> None:
    transport.open()
    try:
        client = TCLIService.Client(TBinaryProtocol(transport))
        opened = client.OpenSession(
            t.TOpenSessionReq(client_protocol=LIMITS.client_protocol, username=CUSTOM_USER)
        )
        handle = opened.sessionHandle
        done = client.ExecuteStatement(
            t.TExecuteStatementReq(sessionHandle=handle, statement="SELECT 1", runAsync=False)
        )
        op = done.operationHandle
        fetched = client.FetchResults(
            t.TFetchResultsReq(
                operationHandle=op, orientation=t.TFetchOrientation.FETCH_NEXT, maxRows=1
            )
        )
        client.CloseOperation(t.TCloseOperationReq(op))
        client.CloseSession(t.TCloseSessionReq(handle))
    finally:
        transport.close()
    if fetched.results.columns[0].i32Val.values[:1] != [1]:
        raise RuntimeError("bare thrift: SELECT 1 did not return 1")


def bare_binary(port: int) -> None:
    _bare_calls(TBufferedTransport(TSocket(HOST, port)))


def bare_http(port: int) -> None:
    transport = THttpClient(f"http://{HOST}:{port}/{HTTP_PATH}")
    token = base64.b64encode(f"{CUSTOM_USER}:{CUSTOM_PASSWORD}".encode()).decode("ascii")
    transport.setCustomHeaders({"Authorization": f"Basic {token}"})
    _bare_calls(transport)


# -- measuring -----------------------------------------------------------------
@dataclass
class Comparison:
    transport: str
    mode: str
    ours_ms: list[float] = field(default_factory=list)
    pyhive_ms: list[float] = field(default_factory=list)
    bare_ms: list[float] = field(default_factory=list)
    full_test_ms: list[float] = field(default_factory=list)
    ours_calls: list[str] = field(default_factory=list)
    pyhive_calls: list[str] = field(default_factory=list)
    ours_connects: int = 0
    pyhive_connects: int = 0

    @property
    def ratio(self) -> float:
        return median(self.ours_ms) / median(self.pyhive_ms)

    @property
    def meets_target(self) -> bool:
        return self.goal.met

    @property
    def goal(self) -> Goal:
        return Goal.at_most(
            f"{self.transport}: connect + OpenSession + SELECT 1 + close, our median at most "
            f"{TARGET_RATIO:g} of PyHive's",
            median(self.ours_ms),
            median(self.pyhive_ms),
            TARGET_RATIO,
            "ms",
            reference_label="PyHive",
        )


@contextlib.contextmanager
def _counting() -> Iterator[tuple[list[str], list[int]]]:
    """Record every Thrift call (both clients use thrift's TBinaryProtocol) and
    every TCP connect during one untimed run."""
    calls: list[str] = []
    connects = [0]
    write_begin = TBinaryProtocol.writeMessageBegin
    connect = socket.socket.connect

    def counted_begin(self: TBinaryProtocol, name: str, kind: int, seqid: int) -> None:
        calls.append(name)
        write_begin(self, name, kind, seqid)

    def counted_connect(self: socket.socket, address: Any) -> None:
        connects[0] += 1
        connect(self, address)

    with (
        mock.patch.object(TBinaryProtocol, "writeMessageBegin", counted_begin),
        mock.patch.object(socket.socket, "connect", counted_connect),
    ):
        yield calls, connects


def _timed_ms(run: Run, port: int) -> float:
    gc.collect()
    started = time.perf_counter()
    run(port)
    return (time.perf_counter() - started) * 1000


def compare(
    transport: str, mode: str, ours: Run, theirs: Run, bare: Run, port: int, runs: int
) -> Comparison:
    result = Comparison(transport, mode)
    with _counting() as (calls, connects):
        ours(port)
    result.ours_calls, result.ours_connects = list(calls), connects[0]
    with _counting() as (calls, connects):
        theirs(port)
    result.pyhive_calls, result.pyhive_connects = list(calls), connects[0]
    contestants = [(result.ours_ms, ours), (result.pyhive_ms, theirs), (result.bare_ms, bare)]
    for _ in range(WARMUP):
        for _, run in contestants:
            run(port)
    for i in range(runs):
        # Rotate who goes first so drift and background noise hit all alike.
        shift = i % len(contestants)
        for samples, run in contestants[shift:] + contestants[:shift]:
            samples.append(_timed_ms(run, port))
        print(
            f"  {transport} run {i + 1}/{runs}: ours {result.ours_ms[-1]:.1f} ms, "
            f"PyHive {result.pyhive_ms[-1]:.1f} ms, bare thrift {result.bare_ms[-1]:.1f} ms",
            flush=True,
        )
    return result


def _type_properties(transport: str) -> tuple[dict[str, Any], str | None]:
    if transport == "HTTP":
        return {
            "thriftTransportProtocol": "HTTP",
            "authenticationType": "UsernameAndPassword",
            "username": CUSTOM_USER,
            "httpPath": HTTP_PATH,
        }, CUSTOM_PASSWORD
    return {"thriftTransportProtocol": "Binary", "authenticationType": "Anonymous"}, None


def full_connection_test(transport: str, port: int, limits: ClientLimits) -> tuple[float, Any]:
    """The portal's whole connection test (adds GetInfo x2); seconds and report."""
    props, password = _type_properties(transport)
    settings = settings_from_type_properties("1.0", {"host": HOST, "port": port, **props}, password)
    started = time.perf_counter()
    report = run_connection_test(settings, address_policy=POLICY, limits=limits)
    return time.perf_counter() - started, report


# -- verdicts --------------------------------------------------------------------
@dataclass
class Verdict:
    situation: str
    transport: str
    ours_s: float
    ours_stage: str
    ours_detail: str
    pyhive: str


def _duration(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _one_line(text: str, limit: int = 140) -> str:
    text = " ".join(str(text).split()).replace("|", "/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ours_verdict(transport: str, port: int) -> tuple[float, str, str]:
    limits = ClientLimits(connect_timeout_s=VERDICT_DEADLINE_S, deadline_s=VERDICT_DEADLINE_S)
    elapsed, report = full_connection_test(transport, port, limits)
    failure = report.first_failure
    if failure is None:
        return elapsed, "(passed!)", ""
    return elapsed, failure.name, _one_line(failure.detail)


def _pyhive_attempt(run: Run, port: int) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def attempt() -> None:
        started = time.perf_counter()
        try:
            run(port)
            box["outcome"] = "connected"
        except BaseException as exc:  # noqa: BLE001 - reported, whatever it is
            box["outcome"] = f"{type(exc).__name__}: {exc}"
        box["elapsed"] = time.perf_counter() - started

    thread = threading.Thread(target=attempt, name="pyhive-attempt", daemon=True)
    thread.start()
    return thread, box


def _pyhive_refused(run: Run, port: int) -> str:
    times: list[float] = []
    outcome = ""
    # TSocket logs every refused connect at ERROR level; the outcome is reported below.
    logging.getLogger("thrift.transport.TSocket").setLevel(logging.CRITICAL)
    for _ in range(REFUSED_REPEATS):
        thread, box = _pyhive_attempt(run, port)
        thread.join(PYHIVE_CAP_S)
        if thread.is_alive():
            return f"no verdict after {PYHIVE_CAP_S:g} s"
        times.append(box["elapsed"])
        outcome = box["outcome"]
    return f"{_duration(median(times))}: {_one_line(outcome, 100)}"


def _pyhive_silent(run: Run) -> str:
    with FakeServer(silent) as peer:
        thread, box = _pyhive_attempt(run, peer.port)
        thread.join(PYHIVE_CAP_S)
        hung = thread.is_alive()
    # Leaving the block closed the silent peer's connections, which ends the attempt.
    thread.join(10)
    if not hung:
        return f"{box['elapsed']:.2f} s: {_one_line(box['outcome'], 100)}"
    after = box.get("outcome", "still blocked")
    return (
        f"**no verdict after {PYHIVE_CAP_S:g} s** (watchdog); once the peer closed: "
        f"{_one_line(after, 90)}"
    )


def verdicts() -> list[Verdict]:
    found: list[Verdict] = []
    pyhive_runs = {"Binary": pyhive_binary, "HTTP": pyhive_http}
    # A bound socket that never listens: connections are refused, and nobody else
    # can take the port meanwhile.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
        closed.bind((HOST, 0))
        refused_port = closed.getsockname()[1]
        for transport in ("Binary", "HTTP"):
            times, stage, detail = [], "", ""
            for _ in range(REFUSED_REPEATS):
                elapsed, stage, detail = _ours_verdict(transport, refused_port)
                times.append(elapsed)
            theirs = _pyhive_refused(pyhive_runs[transport], refused_port)
            found.append(Verdict("refused port", transport, median(times), stage, detail, theirs))
    for transport in ("Binary", "HTTP"):
        with FakeServer(silent) as peer:
            elapsed, stage, detail = _ours_verdict(transport, peer.port)
        theirs = _pyhive_silent(pyhive_runs[transport])
        found.append(Verdict("silent peer", transport, elapsed, stage, detail, theirs))
    return found


# -- the report ------------------------------------------------------------------
def _calls(names: list[str]) -> str:
    return f"{len(names)} ({', '.join(names)})"


def render(comparisons: list[Comparison], found: list[Verdict], startup: dict[str, float]) -> str:
    facts = machine_facts(["pyspark", "thrift", "pure-sasl", "PyHive"])
    lines = [
        "## Connection test: our client vs PyHive",
        "",
        "Generated by `python -m bench.hive_vs_pyhive` (part of `bash scripts/bench.sh`).",
        "",
        markdown_table(["machine", "value"], [[k, v] for k, v in facts]),
        "",
        "### Method",
        "",
        "Two real Spark Thrift Servers from the pyspark package, started by the tests' "
        "`ServerPool` on 127.0.0.1 (`-Xmx512m`, `local[1]`): `binary-nosasl` (binary "
        "transport, `NOSASL`) and `http-custom` (HTTP transport, `CUSTOM` authentication "
        "with a user and password, path `cliservice`). Start-up: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in startup.items())
        + ".",
        "",
        "- **Ours**: the building blocks of `run_connection_test` with the portal's default "
        f"limits ({LIMITS.deadline_s:g} s deadline, {LIMITS.connect_timeout_s:g} s connect "
        "timeout, bounded reads): address policy, TCP connect, (HTTP: Basic authentication on "
        "the first POST, then the server's cookie on one kept-alive connection), OpenSession "
        "(protocol V10), ExecuteStatement `SELECT 1` (with a server-side query timeout), "
        "FetchResults, CloseOperation, CloseSession, close.",
        "- **PyHive**: `hive.connect(host, port, auth='NOSASL')` or `hive.connect(host, port, "
        "scheme='http', username=..., password=..., auth='BASIC')` (PyHive's own "
        "`/cliservice/` path), `cursor.execute('SELECT 1')`, `fetchone()`, `cursor.close()`, "
        "`conn.close()`. PyHive always runs ``USE `default` `` after OpenSession and asks for "
        "the result set metadata before fetching; that is its real cost, so it is kept.",
        "- **Bare thrift**, for reference only: thrift's own `TSocket` + `TBufferedTransport` "
        "or `THttpClient` with a Basic header, and the generated client making our five calls "
        "with no deadline, no limits and no checks. It shows what our safety costs.",
        f"- Both servers are up before any timing. Per transport: one untimed run of ours and "
        f"of PyHive with every Thrift call and TCP connect counted, {WARMUP} warm-up runs of "
        f"each client, then {len(comparisons[0].ours_ms)} timed runs of each, rotating which "
        "client goes first, a `gc.collect()` before each timed run; wall-clock time of the "
        "whole sequence. p90 is interpolated. Goal: our median at most "
        f"{TARGET_RATIO} of PyHive's.",
        "",
        "### Connect + OpenSession + SELECT 1 + close (ms)",
        "",
    ]
    rows = []
    for c in comparisons:
        rows.append(
            [
                f"{c.transport} ({c.mode})",
                f"{median(c.ours_ms):.1f}",
                f"{p90(c.ours_ms):.1f}",
                f"{median(c.pyhive_ms):.1f}",
                f"{p90(c.pyhive_ms):.1f}",
                f"**{c.ratio:.2f}**",
                "met" if c.meets_target else "**missed**",
                f"{median(c.bare_ms):.1f} ({median(c.bare_ms) / median(c.pyhive_ms):.2f})",
            ]
        )
    lines.append(
        markdown_table(
            [
                "transport",
                "ours median",
                "ours p90",
                "PyHive median",
                "PyHive p90",
                "ratio (medians)",
                f"goal ≤ {TARGET_RATIO}",
                "bare thrift median (ratio)",
            ],
            rows,
        )
    )
    lines += ["", "What each run does on the wire (counted in the untimed run):", ""]
    lines.append(
        markdown_table(
            ["transport", "client", "TCP connections", "Thrift calls"],
            [
                row
                for c in comparisons
                for row in (
                    [c.transport, "ours", str(c.ours_connects), _calls(c.ours_calls)],
                    [c.transport, "PyHive", str(c.pyhive_connects), _calls(c.pyhive_calls)],
                )
            ],
        )
    )
    lines += ["", "Where the difference comes from (from the counts and medians above):", ""]
    for c in comparisons:
        extra = len(c.pyhive_calls) - len(c.ours_calls)
        overhead = median(c.ours_ms) - median(c.bare_ms)
        text = (
            f"- {c.transport}: PyHive makes {extra} more Thrift calls per run "
            "(``USE `default` `` is a whole ExecuteStatement + CloseOperation, plus "
            "GetResultSetMetadata)"
        )
        if c.pyhive_connects > c.ours_connects:
            text += (
                f" and opens {c.pyhive_connects} TCP connections to our {c.ours_connects}: "
                "thrift's `THttpClient` connects anew for every call and sends the server's "
                "cookie back only on the call right after one that set it, so the server "
                "authenticates the password on every other call (ours: once per run)"
            )
        if overhead >= 0:
            text += (
                f". Our deadline, bounded reads and status checks cost {overhead:.1f} ms "
                "per run against the bare thrift client making the same calls."
            )
        else:
            text += (
                f". Ours is {-overhead:.1f} ms faster than the bare thrift client making the "
                "same calls, which pays those per-call connections and authentications too."
            )
        lines.append(text)
    lines += [
        "",
        f"For reference, the portal's whole connection test (`run_connection_test`, which also "
        f"asks for the server name and version: two more GetInfo calls), median of "
        f"{FULL_TEST_RUNS} runs after the comparison: "
        + ", ".join(
            f"{c.transport} {median(c.full_test_ms):.1f} ms" for c in comparisons if c.full_test_ms
        )
        + ".",
        "",
        "### Time to a verdict",
        "",
        f"Ours: `run_connection_test` with a {VERDICT_DEADLINE_S:g} s deadline (and "
        f"{VERDICT_DEADLINE_S:g} s connect timeout); refused port: median of "
        f"{REFUSED_REPEATS}. PyHive has no timeout of its own: each attempt runs in a thread "
        f"watched for {PYHIVE_CAP_S:g} s; for the silent peer the bench then closes the peer's "
        "connections, which is what finally ends PyHive's wait. The refused port is a socket "
        "bound on 127.0.0.1 that never listens; the silent peer accepts, reads and never "
        "answers.",
        "",
    ]
    vrows = [
        [
            v.situation,
            v.transport,
            f"{VERDICT_DEADLINE_S:g} s",
            _duration(v.ours_s),
            f"{v.ours_stage}: {v.ours_detail}",
            v.pyhive,
        ]
        for v in found
    ]
    lines.append(
        markdown_table(
            ["situation", "transport", "our deadline", "our verdict after", "our verdict"]
            + ["PyHive"],
            vrows,
        )
    )
    lines += [
        "",
        "Reproduce: `bash scripts/bench.sh` (all benchmarks) or "
        "`.venv/bin/python -m bench.hive_vs_pyhive`.",
    ]
    return "\n".join(lines) + "\n"


def _watchdog(pool: ServerPool) -> threading.Timer:
    """Stop the servers if the bench runs far too long: every blocked call then fails."""

    def abort() -> None:
        print(f"bench: still running after {BENCH_LIMIT_S:g} s; stopping the servers", flush=True)
        pool.stop_all()

    timer = threading.Timer(BENCH_LIMIT_S, abort)
    timer.daemon = True
    timer.start()
    return timer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per client")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone"
    )
    args = parser.parse_args(argv)
    try:
        import pyhive.hive  # noqa: F401
    except ImportError:
        print("PyHive is missing: run scripts/setup.sh --test (it is in the dev extra)")
        return 2
    runs = max(2, min(args.runs, 1000))
    plan = [
        ("Binary", "binary-nosasl", ours_binary, pyhive_binary, bare_binary),
        ("HTTP", "http-custom", ours_http, pyhive_http, bare_http),
    ]
    comparisons: list[Comparison] = []
    with server_pool() as pool:
        timer = _watchdog(pool)
        try:
            pool.prefetch([mode for _, mode, *_ in plan])
            # Every server is up before any timing: a JVM still starting would eat the CPU.
            servers = {mode: pool.get(mode) for _, mode, *_ in plan}
            for transport, mode, ours, theirs, bare in plan:
                server = servers[mode]
                print(f"{transport}: {mode} on {HOST}:{server.port}", flush=True)
                result = compare(transport, mode, ours, theirs, bare, server.port, runs)
                for _ in range(FULL_TEST_RUNS):
                    elapsed, report = full_connection_test(transport, server.port, LIMITS)
                    if not report.ok:
                        raise RuntimeError(f"connection test failed on {mode}: {report.to_dict()}")
                    result.full_test_ms.append(elapsed * 1000)
                comparisons.append(result)
            startup = pool.startup_times()
        finally:
            timer.cancel()
    print("verdicts (refused port, silent peer)...", flush=True)
    found = verdicts()
    text = render(comparisons, found, startup)
    goals = [c.goal for c in comparisons]
    return publish(SECTION, text, write=not args.no_write, goals=goals)


if __name__ == "__main__":
    sys.exit(main())

"""Every transport of the client: the portal's connection test against PyHive on each.

Run with ``python -m bench.transports`` (or ``bash scripts/bench.sh``). Real Spark Thrift
Servers through the tests' ServerPool on 127.0.0.1, one per transport: binary without SASL
(``binary-nosasl``), binary with SASL PLAIN (``binary-sasl-custom``), binary with TLS and
SASL PLAIN (``binary-tls-custom``), HTTP with Basic authentication (``http-custom``), HTTPS
with Basic authentication (``https-ca-custom``); the TLS servers hold a certificate for
``localhost`` from the tests' CA.

- **Ours**: the portal's whole connection test (``run_connection_test``: address policy,
  resolve, TCP, TLS with the CA certificate uploaded for the test and the host name checked,
  SASL or HTTP authentication, OpenSession, two GetInfo, ``SELECT 1``, close), as a user's
  Test connection runs it, with the portal's default limits.
- **PyHive**: ``hive.connect`` as its documentation shows for each (``auth="NOSASL"``,
  ``auth="CUSTOM"`` with a password, ``scheme="http"`` / ``"https"`` with Basic
  authentication and ``ssl_cert="required"``; PyHive has no TLS for the binary transport, so
  there it is given the ``thrift_transport`` a user must build: thrift_sasl's PLAIN over
  thrift's ``TSSLSocket`` with the same CA), then ``SELECT 1``, ``fetchone``, close.

Both verify the certificate against the same CA. Per transport: 10 warm-up runs of each,
then ``RUNS`` timed runs of each, alternating which goes first. Goal (issue 21, with issue
11's ratio): our median at most 0.7 of PyHive's on every transport. Figures go to the
section ``transports`` of docs/benchmarks.md (``--no-write``: printed only).
"""

from __future__ import annotations

import gc
import os
import ssl
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._report import Goal, machine_facts, markdown_table, median, p90, publish
from bench.hive_vs_pyhive import _pyhive_select

ROOT = Path(__file__).resolve().parents[1]
SECTION = "transports"
RUNS = int(os.environ.get("BENCH_TRANSPORT_RUNS", "40"))
WARMUP = 10
TARGET_RATIO = 0.7
PLAN = [  # (transport, server mode, host)
    ("Binary, no SASL", "binary-nosasl", "127.0.0.1"),
    ("Binary, SASL PLAIN", "binary-sasl-custom", "127.0.0.1"),
    ("Binary, TLS + SASL PLAIN", "binary-tls-custom", "localhost"),
    ("HTTP, Basic", "http-custom", "127.0.0.1"),
    ("HTTPS, Basic", "https-ca-custom", "localhost"),
]


def ours(mode: str, host: str, port: int, ca_pem: Path) -> Callable[[], None]:
    from connectors.hiveserver2.diagnostics import run_connection_test
    from connectors.net_policy import AddressPolicy
    from connectors.spark.settings import ClientLimits, settings_from_type_properties
    from tests.helpers import resolver_for
    from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER

    tp: dict[str, Any] = {"host": host, "port": port}
    password = None
    if mode == "binary-nosasl":
        tp |= {"thriftTransportProtocol": "Binary", "authenticationType": "Anonymous"}
    else:
        http = mode.startswith("http")
        tp |= {
            "thriftTransportProtocol": "HTTP" if http else "SASL",
            "authenticationType": "UsernameAndPassword",
            "username": CUSTOM_USER,
        }
        password = CUSTOM_PASSWORD
    ca = None
    if "tls" in mode or mode.startswith("https"):
        tp |= {"enableSsl": True, "trustedCertPath": r"C:\SHIR\certs\ca.pem"}
        ca = ca_pem.read_text()
    settings = settings_from_type_properties("1.0", tp, password)
    policy = AddressPolicy(allow_loopback=True)
    resolver = resolver_for({"localhost": "127.0.0.1"})
    limits = ClientLimits()

    def run() -> None:
        report = run_connection_test(
            settings, address_policy=policy, limits=limits, resolver=resolver, ca_certificate=ca
        )
        if not report.ok:
            raise RuntimeError(f"our test failed on {mode}: {report.to_dict()}")

    return run


def pyhive(mode: str, host: str, port: int, ca_pem: Path) -> Callable[[], None]:
    from pyhive import hive

    from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER

    def connect() -> Any:
        if mode == "binary-nosasl":
            return hive.connect(host, port, auth="NOSASL", username=CUSTOM_USER)
        if mode == "binary-sasl-custom":
            return hive.connect(
                host, port, auth="CUSTOM", username=CUSTOM_USER, password=CUSTOM_PASSWORD
            )
        if mode == "binary-tls-custom":
            import thrift_sasl
            from pyhive.hive import get_installed_sasl
            from thrift.transport.TSSLSocket import TSSLSocket

            context = ssl.create_default_context(cafile=str(ca_pem))
            socket = TSSLSocket(host=host, port=port, ssl_context=context)
            transport = thrift_sasl.TSaslClientTransport(
                lambda: get_installed_sasl(
                    host=host, sasl_auth="PLAIN", username=CUSTOM_USER, password=CUSTOM_PASSWORD
                ),
                "PLAIN",
                socket,
            )
            return hive.connect(thrift_transport=transport)
        scheme = "https" if mode.startswith("https") else "http"
        extra = {"ssl_cert": "required", "check_hostname": "true"} if scheme == "https" else {}
        return hive.connect(
            host, port, scheme=scheme, username=CUSTOM_USER, password=CUSTOM_PASSWORD,
            auth="BASIC", **extra,
        )  # fmt: skip

    return lambda: _pyhive_select(connect())


def timed(call: Callable[[], None]) -> float:
    gc.collect()
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    write = "--no-write" not in sys.argv
    sys.path.insert(0, str(ROOT))
    from tests.spark_server import server_pool

    results: list[tuple[str, str, list[float], list[float]]] = []
    with server_pool() as pool:
        pool.prefetch([mode for _, mode, _ in PLAN])
        servers = {mode: pool.get(mode) for _, mode, _ in PLAN}  # all up before any timing
        ca_pem = pool.pki.ca_pem
        # PyHive's HTTPS takes the system's trust store: the tests' CA is added to it.
        os.environ["SSL_CERT_FILE"] = str(ca_pem)
        for transport, mode, host in PLAN:
            port = servers[mode].port
            print(f"{transport}: {mode} on {host}:{port}", flush=True)
            mine, theirs = ours(mode, host, port, ca_pem), pyhive(mode, host, port, ca_pem)
            for _ in range(WARMUP):
                mine()
                theirs()
            a: list[float] = []
            b: list[float] = []
            for index in range(RUNS):
                if index % 2 == 0:
                    a.append(timed(mine))
                    b.append(timed(theirs))
                else:
                    b.append(timed(theirs))
                    a.append(timed(mine))
            results.append((transport, mode, a, b))
        startup = pool.startup_times()
    goals = [
        Goal.at_most(
            f"{transport}: the portal's connection test median at most {TARGET_RATIO:g} of "
            "PyHive's connect + SELECT 1 + close",
            median(a),
            median(b),
            TARGET_RATIO,
            "ms",
            reference_label="PyHive",
        )
        for transport, _, a, b in results
    ]
    return publish(SECTION, render(results, startup), write=write, goals=goals)


def render(results: list[tuple[str, str, list[float], list[float]]], startup: Any) -> str:
    facts = markdown_table(
        ["machine", "value"],
        [[k, v] for k, v in machine_facts(["pyspark", "thrift", "pure-sasl", "PyHive"])],
    )
    rows = [
        [
            transport, f"`{mode}`", f"{median(a):.1f}", f"{p90(a):.1f}", f"{median(b):.1f}",
            f"{p90(b):.1f}", f"**{median(a) / median(b):.2f}**",
        ]
        for transport, mode, a, b in results
    ]  # fmt: skip
    return "\n".join(
        [
            "## Every transport: the portal's connection test vs PyHive",
            "",
            "Generated by `python -m bench.transports` (part of `bash scripts/bench.sh`).",
            "",
            facts,
            "",
            f"Servers (start-up, s): {startup}. See the module's docstring for what each "
            f"side does. {WARMUP} warm-up runs of each, then {RUNS} timed runs of each, "
            "alternating which goes first, `gc.collect()` before each.",
            "",
            markdown_table(
                [
                    "transport",
                    "server",
                    "ours median ms",
                    "ours p90",
                    "PyHive median ms",
                    "PyHive p90",
                    "ratio",
                ],
                rows,
            ),  # fmt: skip
        ]
    )


if __name__ == "__main__":
    sys.exit(main())

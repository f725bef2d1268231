"""The client against misbehaving local servers: deadlines, caps, garbage."""

from __future__ import annotations

import socket
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from connectors.hiveserver2.diagnostics import Stage, StageStatus, TestReport
from connectors.spark.settings import ClientLimits
from tests.fake_server import (
    FakeServer,
    replies,
    sasl_complete_then,
    silent,
    tls_server_context,
)
from tests.helpers import assert_failed_at, describe, resolver_for, run
from tests.pki import TestPki

DEADLINE = 1.0


def timed(port: int, **props: Any) -> tuple[float, TestReport]:
    started = time.monotonic()
    report = run(port, limits=ClientLimits(connect_timeout_s=5, deadline_s=DEADLINE), **props)
    return time.monotonic() - started, report


@pytest.mark.parametrize(
    ("transport", "stage"),
    [
        ("Binary", Stage.OPEN_SESSION),
        ("SASL", Stage.AUTHENTICATE),
        ("HTTP", Stage.AUTHENTICATE),
    ],
)
def test_silent_peer_fails_at_the_deadline(transport: str, stage: Stage) -> None:
    with FakeServer(silent) as server:
        elapsed, report = timed(
            server.port,
            thriftTransportProtocol=transport,
            authenticationType="Anonymous",
        )
    # Never before the deadline; after it, a wide margin for a loaded machine.
    assert DEADLINE * 0.9 <= elapsed < DEADLINE + 5, (elapsed, describe(report))
    failure = assert_failed_at(report, stage)
    assert "did not answer in time" in failure.observed


def test_silent_peer_during_tls_handshake_fails_at_the_deadline() -> None:
    with FakeServer(silent) as server:
        elapsed, report = timed(
            server.port,
            thriftTransportProtocol="HTTP",
            authenticationType="Anonymous",
            enableSsl=True,
        )
    # Never before the deadline; after it, a wide margin for a loaded machine.
    assert DEADLINE * 0.9 <= elapsed < DEADLINE + 5, (elapsed, describe(report))
    assert_failed_at(report, Stage.TLS)


def test_connect_timeout_is_separate_from_the_deadline() -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)  # never accepts: once the backlog is full, SYNs go unanswered
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=1)
    try:
        started = time.monotonic()
        report = run(
            port,
            thriftTransportProtocol="Binary",
            authenticationType="Anonymous",
            limits=ClientLimits(connect_timeout_s=0.5, deadline_s=10),
        )
        elapsed = time.monotonic() - started
    finally:
        filler.close()
        listener.close()
    if report.first_failure is not None and report.first_failure.name != Stage.CONNECT.value:
        pytest.skip("this kernel accepted beyond the backlog; no unanswered SYN to test")
    failure = assert_failed_at(report, Stage.CONNECT)
    assert 0.45 <= elapsed < 5, elapsed  # the connect timeout (0.5 s), not the deadline (10 s)
    assert "Nothing answered the TCP connection" in failure.observed


def test_refused_port() -> None:
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
    try:
        report = run(
            holder.getsockname()[1],
            thriftTransportProtocol="SASL",
            authenticationType="Anonymous",
        )
    finally:
        holder.close()
    failure = assert_failed_at(report, Stage.CONNECT)
    assert "refused" in failure.observed
    assert "port" in failure.change


def test_dns_failure_is_reported_at_resolve() -> None:
    report = run(
        10000,
        host="no-such-spark.invalid",
        thriftTransportProtocol="SASL",
        authenticationType="Anonymous",
        resolver=resolver_for({}),
    )
    failure = assert_failed_at(report, Stage.RESOLVE)
    assert "could not be resolved" in failure.observed
    assert report.stage(Stage.CONNECT).status == StageStatus.SKIPPED


def test_metadata_address_is_never_connected() -> None:
    attempts: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        attempts.append(host)
        return ["169.254.169.254"]

    report = run(
        80,
        host="metadata.example",
        thriftTransportProtocol="HTTP",
        authenticationType="Anonymous",
        resolver=resolver,
    )
    failure = assert_failed_at(report, Stage.RESOLVE)
    assert "may not connect to" in failure.observed
    assert "network policy" in failure.detail
    # No more than the verdict: neither the resolved address nor why it is refused.
    assert "169.254" not in str(report.to_dict())
    assert "metadata" not in failure.detail
    assert attempts == ["metadata.example"]


GARBAGE = bytes(range(7, 200, 3)) * 3


@pytest.mark.parametrize(
    ("transport", "stage"),
    [
        ("Binary", Stage.OPEN_SESSION),
        ("SASL", Stage.AUTHENTICATE),
        ("HTTP", Stage.AUTHENTICATE),
    ],
)
def test_garbage_reply_is_malformed(transport: str, stage: Stage) -> None:
    with FakeServer(replies(GARBAGE)) as server:
        report = run(
            server.port,
            thriftTransportProtocol=transport,
            authenticationType="Anonymous",
            limits=ClientLimits(deadline_s=5),
        )
    failure = assert_failed_at(report, stage)
    assert "\\x07\\x0a\\x0d" in failure.observed or "not HTTP" in failure.detail, describe(report)


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


def _peak_during(action: Callable[[], TestReport]) -> tuple[float, TestReport]:
    tracemalloc.reset_peak()
    result = action()
    return tracemalloc.get_traced_memory()[1], result


TWO_GB = (2**31 - 1).to_bytes(4, "big")


@pytest.mark.usefixtures("traced")
def test_announced_2gb_sasl_frame_is_refused_without_allocating() -> None:
    with FakeServer(sasl_complete_then(TWO_GB + b"\x80\x01")) as server:
        peak, report = _peak_during(
            lambda: run(
                server.port,
                thriftTransportProtocol="SASL",
                authenticationType="Anonymous",
                limits=ClientLimits(deadline_s=5),
            )
        )
    failure = assert_failed_at(report, Stage.OPEN_SESSION)
    assert "2147483647 bytes" in failure.observed
    assert peak < 4 * 1024 * 1024, peak


@pytest.mark.usefixtures("traced")
def test_announced_2gb_thrift_string_is_refused_without_allocating() -> None:
    # A strict binary message header whose method-name string claims 2 GB.
    with FakeServer(replies(b"\x80\x01\x00\x02" + TWO_GB + b"Open")) as server:
        peak, report = _peak_during(
            lambda: run(
                server.port,
                thriftTransportProtocol="Binary",
                authenticationType="Anonymous",
                limits=ClientLimits(deadline_s=5),
            )
        )
    failure = assert_failed_at(report, Stage.OPEN_SESSION)
    assert "longer than the 16,777,216-byte cap" in failure.detail, describe(report)
    assert peak < 4 * 1024 * 1024, peak


@pytest.mark.usefixtures("traced")
def test_announced_2gb_http_body_is_refused_without_allocating() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-thrift\r\n"
    head += b"Content-Length: 2147483648\r\n\r\n\x80\x01"
    with FakeServer(replies(head)) as server:
        peak, report = _peak_during(
            lambda: run(
                server.port,
                thriftTransportProtocol="HTTP",
                authenticationType="Anonymous",
                limits=ClientLimits(deadline_s=5),
            )
        )
    failure = assert_failed_at(report, Stage.OPEN_SESSION)
    assert "2147483648 bytes" in failure.observed
    assert peak < 4 * 1024 * 1024, peak


def test_sasl_negotiation_message_size_is_capped() -> None:
    with FakeServer(replies(b"\x02" + TWO_GB)) as server:
        report = run(
            server.port,
            thriftTransportProtocol="SASL",
            authenticationType="Anonymous",
            limits=ClientLimits(deadline_s=5),
        )
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "2147483647" in failure.detail


def test_expired_certificate(pki: TestPki) -> None:
    ctx = tls_server_context(str(pki.expired.cert_pem), str(pki.expired.key_pem))
    with FakeServer(silent, tls=ctx) as server:
        report = run(
            server.port,
            host="localhost",
            enableSsl=True,
            trustedCertPath="/on/the/integration/runtime/ca.pem",
            ca_certificate=pki.ca_pem.read_text(),
            thriftTransportProtocol="HTTP",
            authenticationType="Anonymous",
            limits=ClientLimits(deadline_s=5),
        )
    failure = assert_failed_at(report, Stage.TLS)
    assert "has expired" in failure.observed
    assert "Renew" in failure.change
    assert report.certificate is not None and report.certificate.expired


def test_self_signed_with_allow_flag_still_checks_the_host_name(pki: TestPki) -> None:
    ctx = tls_server_context(str(pki.self_signed.cert_pem), str(pki.self_signed.key_pem))
    alias = "other-name.test"
    with FakeServer(silent, tls=ctx) as server:
        report = run(
            server.port,
            host=alias,
            resolver=resolver_for({alias: "127.0.0.1"}),
            enableSsl=True,
            allowSelfSignedServerCert=True,
            thriftTransportProtocol="HTTP",
            authenticationType="Anonymous",
            limits=ClientLimits(deadline_s=5),
        )
    failure = assert_failed_at(report, Stage.TLS)
    assert f"not issued for '{alias}'" in failure.observed


def test_shark_server_is_not_testable() -> None:
    report = run(10000, serverType="SharkServer", authenticationType="Anonymous")
    failure = assert_failed_at(report, Stage.RESOLVE)
    assert "not testable" in failure.observed
    assert "Upgrade" in failure.change


def test_report_serialises_to_json(pki: TestPki) -> None:
    import json

    ctx = tls_server_context(str(pki.expired.cert_pem), str(pki.expired.key_pem))
    with FakeServer(silent, tls=ctx) as server:
        report = run(
            server.port,
            host="localhost",
            enableSsl=True,
            trustedCertPath="/on/the/integration/runtime/ca.pem",
            ca_certificate=pki.ca_pem.read_text(),
            thriftTransportProtocol="HTTP",
            authenticationType="UsernameAndPassword",
            username="someone",
            password="do-not-show-me",
            limits=ClientLimits(deadline_s=5),
        )
    text = json.dumps(report.to_dict())
    data = json.loads(text)
    assert data["ok"] is False
    assert [s["status"] for s in data["stages"]][:3] == ["passed", "passed", "failed"]
    assert data["certificate"]["not_after"].startswith("20")
    assert "do-not-show-me" not in text

"""HTTP transport against a real Spark Thrift Server (CUSTOM authentication)."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.hiveserver2.client import HiveClient
from connectors.hiveserver2.diagnostics import Stage, StageStatus
from connectors.hiveserver2.http_transport import HttpTransport
from connectors.net.deadline import Deadline
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.endpoint import open_tcp
from connectors.net_policy import AddressPolicy
from tests.helpers import assert_failed_at, assert_passed, run
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

LOGIN: dict[str, Any] = {
    "thriftTransportProtocol": "HTTP",
    "authenticationType": "UsernameAndPassword",
    "username": CUSTOM_USER,
}


@pytest.mark.spark("http-custom")
@pytest.mark.parametrize("path", ["cliservice", "/cliservice", "/cliservice/"])
def test_http_custom_passes_with_the_right_password(spark_pool: ServerPool, path: str) -> None:
    server = spark_pool.get("http-custom")
    report = run(server.port, password=CUSTOM_PASSWORD, httpPath=path, **LOGIN)
    assert_passed(report)
    auth = report.stage(Stage.AUTHENTICATE)
    assert "HTTP 200 for POST" in auth.detail
    assert "hive.server2.auth" in auth.detail
    assert report.server_protocol_version == "V10"


@pytest.mark.spark("http-custom")
def test_v2_defaults_to_http_and_tls(spark_pool: ServerPool) -> None:
    """Version 2.0 is HTTP + TLS by default; against a plain HTTP port the TLS
    stage fails and says to turn TLS off."""
    server = spark_pool.get("http-custom")
    report = run(
        server.port,
        version="2.0",
        authenticationType="UsernameAndPassword",
        username=CUSTOM_USER,
        password=CUSTOM_PASSWORD,
    )
    failure = assert_failed_at(report, Stage.TLS)
    assert "enableSsl to false" in failure.change
    report = run(
        server.port,
        version="2.0",
        authenticationType="UsernameAndPassword",
        username=CUSTOM_USER,
        password=CUSTOM_PASSWORD,
        enableSsl=False,
    )
    assert_passed(report)


@pytest.mark.spark("http-custom")
def test_http_wrong_password_is_a_401(spark_pool: ServerPool) -> None:
    server = spark_pool.get("http-custom")
    report = run(server.port, password="not-the-password", **LOGIN)
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "HTTP 401" in failure.observed
    assert "username and password" in failure.change
    assert report.stage(Stage.OPEN_SESSION).status == StageStatus.SKIPPED


@pytest.mark.spark("http-custom")
def test_http_wrong_path_is_a_405(spark_pool: ServerPool) -> None:
    server = spark_pool.get("http-custom")
    report = run(server.port, password=CUSTOM_PASSWORD, httpPath="gateway/spark", **LOGIN)
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "POST /gateway/spark (HTTP 405)" in failure.observed
    assert "httpPath" in failure.change


@pytest.mark.spark("binary-sasl-custom")
def test_http_client_on_sasl_port_is_told_to_use_sasl(spark_pool: ServerPool) -> None:
    server = spark_pool.get("binary-sasl-custom")
    report = run(server.port, password=CUSTOM_PASSWORD, **LOGIN)
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "SASL negotiation message ('Invalid status 80')" in failure.observed
    assert "thriftTransportProtocol to SASL" in failure.change


@pytest.mark.spark("binary-nosasl")
def test_http_client_on_nosasl_port_is_told_to_use_binary(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("binary-nosasl")
    report = run(server.port, password=CUSTOM_PASSWORD, **LOGIN)
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "without any HTTP response" in failure.observed
    assert "thriftTransportProtocol to Binary" in failure.change


@pytest.mark.spark("http-custom")
def test_http_transport_reuses_one_connection_and_sends_the_cookie(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("http-custom")
    deadline = Deadline(30)
    opened: list[DeadlineSocket] = []

    def opener() -> DeadlineSocket:
        import ipaddress

        address = ipaddress.ip_address("127.0.0.1")
        assert AddressPolicy(allow_loopback=True)(address) is None
        sock = open_tcp(address, server.port, connect_timeout=5, deadline=deadline)
        wire = DeadlineSocket(sock, deadline, peer="spark")
        opened.append(wire)
        return wire

    transport = HttpTransport(
        opener,
        host="127.0.0.1",
        port=server.port,
        path="/cliservice",
        username=CUSTOM_USER,
        password=CUSTOM_PASSWORD,
        max_body_bytes=1 << 20,
    )
    client = HiveClient(transport, max_string_bytes=1 << 20)
    try:
        client.open_session(username=CUSTOM_USER)
        assert "hive.server2.auth" in transport.cookies
        for _ in range(3):
            assert client.query_first_value("SELECT 1") == 1
        client.close_session()
    finally:
        transport.close()
    assert transport.requests == 1 + 3 * 3 + 1
    assert transport.connections_opened == 1
    assert len(opened) == 1

"""Binary-transport modes against real Spark Thrift Servers."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.hiveserver2.diagnostics import Stage, StageStatus
from connectors.spark.settings import ClientLimits
from tests.helpers import assert_failed_at, assert_passed, describe, run
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool


@pytest.mark.spark("binary-nosasl")
def test_binary_nosasl_passes_every_stage(spark_pool: ServerPool) -> None:
    server = spark_pool.get("binary-nosasl")
    report = run(server.port, thriftTransportProtocol="Binary", authenticationType="Anonymous")
    assert_passed(report)
    assert report.server_protocol_version == "V10"
    assert report.server_name == "Spark SQL"
    assert report.server_version == "3.5.3"
    assert report.stage(Stage.AUTHENTICATE).status == StageStatus.SKIPPED
    assert report.stage(Stage.CLOSE_SESSION).status == StageStatus.PASSED


@pytest.mark.spark("binary-sasl-none")
@pytest.mark.parametrize(
    ("auth", "username", "password"),
    [
        ("Anonymous", None, None),
        ("Username", "someone", None),
        ("UsernameAndPassword", "someone", "anything"),
    ],
)
def test_sasl_none_accepts_any_credentials(
    spark_pool: ServerPool, auth: str, username: str | None, password: str | None
) -> None:
    server = spark_pool.get("binary-sasl-none")
    props: dict[str, Any] = {
        "thriftTransportProtocol": "SASL",
        "authenticationType": auth,
    }
    if username:
        props["username"] = username
    report = run(server.port, password=password, **props)
    assert_passed(report)
    assert "SASL PLAIN accepted" in report.stage(Stage.AUTHENTICATE).detail


@pytest.mark.spark("binary-sasl-custom")
def test_sasl_custom_accepts_the_right_password(spark_pool: ServerPool) -> None:
    server = spark_pool.get("binary-sasl-custom")
    report = run(
        server.port,
        thriftTransportProtocol="SASL",
        authenticationType="UsernameAndPassword",
        username=CUSTOM_USER,
        password=CUSTOM_PASSWORD,
    )
    assert_passed(report)
    assert report.server_protocol_version == "V10"


@pytest.mark.spark("binary-sasl-custom")
def test_sasl_custom_wrong_password_fails_authentication(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("binary-sasl-custom")
    report = run(
        server.port,
        thriftTransportProtocol="SASL",
        authenticationType="UsernameAndPassword",
        username=CUSTOM_USER,
        password="wrong-password",
    )
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "refused the user name or password" in failure.observed
    assert "Error validating the login" in failure.observed
    assert "username and password" in failure.change
    # No session was opened, so none is closed.
    assert report.stage(Stage.CLOSE_SESSION).status == StageStatus.SKIPPED


@pytest.mark.spark("binary-sasl-none")
def test_nosasl_client_on_sasl_port_is_told_to_use_sasl(spark_pool: ServerPool) -> None:
    server = spark_pool.get("binary-sasl-none")
    report = run(server.port, thriftTransportProtocol="Binary", authenticationType="Anonymous")
    failure = assert_failed_at(report, Stage.OPEN_SESSION)
    assert "SASL negotiation message" in failure.observed
    assert "Invalid status" in failure.observed
    assert "thriftTransportProtocol to SASL" in failure.change


@pytest.mark.spark("binary-nosasl")
def test_sasl_client_on_nosasl_port_is_told_to_use_binary(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("binary-nosasl")
    report = run(server.port, thriftTransportProtocol="SASL", authenticationType="Anonymous")
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "plain binary Thrift probe was answered" in failure.observed, describe(report)
    assert "thriftTransportProtocol to Binary" in failure.change


@pytest.mark.spark("http-custom")
@pytest.mark.parametrize("transport", ["Binary", "SASL"])
def test_binary_client_on_http_port_is_told_to_use_http(
    spark_pool: ServerPool, transport: str
) -> None:
    server = spark_pool.get("http-custom")
    report = run(
        server.port,
        thriftTransportProtocol=transport,
        authenticationType="UsernameAndPassword",
        username=CUSTOM_USER,
        password=CUSTOM_PASSWORD,
    )
    stage = Stage.OPEN_SESSION if transport == "Binary" else Stage.AUTHENTICATE
    failure = assert_failed_at(report, stage)
    assert "answered with HTTP ('HTTP/1.1 400" in failure.observed
    assert "thriftTransportProtocol to HTTP" in failure.change


@pytest.mark.spark("binary-nosasl")
def test_protocol_version_newer_than_server_is_explained(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("binary-nosasl")
    report = run(
        server.port,
        thriftTransportProtocol="Binary",
        authenticationType="Anonymous",
        limits=ClientLimits(deadline_s=30, client_protocol=11),  # V12: unknown to Hive 3.1
    )
    failure = assert_failed_at(report, Stage.OPEN_SESSION)
    assert "client_protocol" in failure.detail
    assert "protocol version" in failure.observed

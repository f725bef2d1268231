"""Hive and Impala definitions against a real Spark Thrift Server as their HiveServer2 peer:
each transport (binary, SASL, HTTP, with and without TLS) through the connectors' own
Test connection, the HiveObject catalog and preview, and what cannot be tested from here."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.base import TestOptions
from connectors.hiveserver2.live import PreviewRequest, TableRef
from connectors.registry import get_connector
from tests.spark_catalog import OPTIONS, ensure_catalog, with_password
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

LOGIN = {"authenticationType": "UsernameAndPassword", "username": CUSTOM_USER}


def test_connection(
    connector: str, version: str, port: int, options: TestOptions = OPTIONS, **tp: Any
) -> dict[str, Any]:
    found = get_connector(connector)
    properties = {"host": "127.0.0.1", "port": port, **tp}
    if properties.get("authenticationType") == "UsernameAndPassword":
        properties = with_password(properties, CUSTOM_PASSWORD)
    assert found.test_connection is not None
    return found.test_connection(found.version(version), properties, options)


test_connection.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def _stages(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in report.get("stages", [])}


def _passed(report: dict[str, Any]) -> None:
    failed = [s for s in report.get("stages", []) if s["status"] == "failed"]
    assert report["ok"], failed or report


def _first_failure(report: dict[str, Any]) -> dict[str, Any]:
    assert not report["ok"], report
    return next(s for s in report["stages"] if s["status"] == "failed")


@pytest.mark.spark("binary-nosasl")
@pytest.mark.parametrize(
    ("connector", "version", "tp"),
    [
        ("Hive", "1.0", {"thriftTransportProtocol": "Binary"}),
        ("Hive", "2.0", {"thriftTransportProtocol": "Binary", "enableSsl": False}),
        ("Impala", "1.0", {}),
        ("Impala", "2.0", {"thriftTransportProtocol": "Binary", "enableSsl": False}),
    ],
)
def test_anonymous_plain_binary_passes_for_hive_and_impala(
    spark_pool: ServerPool, connector: str, version: str, tp: dict[str, Any]
) -> None:
    server = spark_pool.get("binary-nosasl")
    report = test_connection(connector, version, server.port, authenticationType="Anonymous", **tp)
    _passed(report)


@pytest.mark.spark("binary-sasl-custom")
@pytest.mark.parametrize(
    ("connector", "version", "tp"),
    [
        ("Hive", "1.0", {"thriftTransportProtocol": "SASL"}),
        ("Hive", "1.0", {}),  # 1.0's default transport for HiveServer2: SASL
        ("Hive", "2.0", {"thriftTransportProtocol": "SASL", "enableSsl": False}),
        ("Impala", "1.0", {}),  # UsernameAndPassword is SASL PLAIN
        ("Impala", "2.0", {"thriftTransportProtocol": "Binary", "enableSsl": False}),
    ],
)
def test_sasl_with_the_right_password_passes(
    spark_pool: ServerPool, connector: str, version: str, tp: dict[str, Any]
) -> None:
    server = spark_pool.get("binary-sasl-custom")
    _passed(test_connection(connector, version, server.port, **LOGIN, **tp))


@pytest.mark.spark("binary-sasl-custom")
def test_a_wrong_hive_password_fails_at_authentication_and_says_to_check_it(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("binary-sasl-custom")
    found = get_connector("Hive")
    assert found.test_connection is not None
    tp = {"host": "127.0.0.1", "port": server.port, **LOGIN, "thriftTransportProtocol": "SASL"}
    report = found.test_connection(
        found.version("1.0"), with_password(tp, "wrong-password"), OPTIONS
    )
    failure = _first_failure(report)
    assert failure["name"] == "Transport and authentication"
    assert "username and password" in failure["change"]


@pytest.mark.spark("binary-sasl-none")
def test_impala_sasl_username_sends_the_user_with_a_stand_in_password(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("binary-sasl-none")
    report = test_connection(
        "Impala", "1.0", server.port, authenticationType="SASLUsername", username="etl"
    )
    _passed(report)
    assert "SASL PLAIN accepted" in _stages(report)["Transport and authentication"]["detail"]


@pytest.mark.spark("http-custom")
@pytest.mark.parametrize(
    ("connector", "version", "tp"),
    [
        ("Hive", "1.0", {"thriftTransportProtocol": "HTTP", "httpPath": "cliservice"}),
        (
            "Hive",
            "2.0",
            {"thriftTransportProtocol": "HTTP", "httpPath": "cliservice", "enableSsl": False},
        ),
        ("Impala", "2.0", {"thriftTransportProtocol": "HTTP", "enableSsl": False}),
    ],
)
def test_http_with_the_right_password_passes(
    spark_pool: ServerPool, connector: str, version: str, tp: dict[str, Any]
) -> None:
    server = spark_pool.get("http-custom")
    _passed(test_connection(connector, version, server.port, **LOGIN, **tp))


@pytest.mark.spark("http-custom")
def test_hive_hdinsight_http_path_is_hive2_and_a_wrong_path_is_advised_with_it(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("http-custom")
    report = test_connection(
        "Hive",
        "2.0",
        server.port,
        authenticationType="WindowsAzureHDInsightService",
        username=CUSTOM_USER,
        password={"type": "SecureString", "value": CUSTOM_PASSWORD},
        enableSsl=False,
    )
    failure = _first_failure(report)
    assert "/hive2" in failure["observed"] + failure["change"] + failure.get("detail", "")


@pytest.mark.spark("https-ca-custom")
def test_hive_1_over_https_with_an_uploaded_ca_passes(spark_pool: ServerPool) -> None:
    server = spark_pool.get("https-ca-custom")
    options = TestOptions(
        address_policy=OPTIONS.address_policy,
        connect_timeout_s=5,
        deadline_s=60,
        ca_certificate=spark_pool.pki.ca_pem.read_text(),
    )
    tp = {"thriftTransportProtocol": "HTTP", "httpPath": "cliservice", "enableSsl": True}
    report = test_connection(
        "Hive", "1.0", server.port, options, trustedCertPath="ca.pem", **LOGIN, **tp
    )
    _passed(report)


@pytest.mark.spark("https-selfsigned-none")
@pytest.mark.parametrize("connector", ["Hive", "Impala"])
def test_version_2_validates_the_certificate_unless_told_not_to(
    spark_pool: ServerPool, connector: str
) -> None:
    server = spark_pool.get("https-selfsigned-none")
    tp: dict[str, Any] = {"authenticationType": "Anonymous", "thriftTransportProtocol": "HTTP"}
    if connector == "Hive":
        tp["httpPath"] = "cliservice"
        tp["authenticationType"] = "Anonymous"
    failure = _first_failure(test_connection(connector, "2.0", server.port, **tp))
    assert failure["name"] == "TLS handshake"
    assert "enableServerCertificateValidation" in failure["change"]
    report = test_connection(
        connector, "2.0", server.port, enableServerCertificateValidation=False, **tp
    )
    _passed(report)


@pytest.mark.spark("binary-tls-custom")
def test_hive_2_binary_tls_with_sasl_passes_with_validation_off(spark_pool: ServerPool) -> None:
    server = spark_pool.get("binary-tls-custom")
    report = test_connection(
        "Hive",
        "2.0",
        server.port,
        thriftTransportProtocol="SASL",
        enableServerCertificateValidation=False,
        host="localhost",
        **LOGIN,
    )
    _passed(report)


@pytest.mark.spark("binary-nosasl")
def test_impala_advice_on_a_wrong_port_names_impala_ports(spark_pool: ServerPool) -> None:
    server = spark_pool.get("binary-nosasl")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    failure = _first_failure(
        test_connection("Impala", "1.0", closed, authenticationType="Anonymous")
    )
    assert "21050" in failure["change"]
    assert server.port != closed


@pytest.mark.parametrize(
    ("tp", "said"),
    [
        ({"serverType": "HiveServer1"}, "HiveServer1"),
        ({"serviceDiscoveryMode": True, "zooKeeperNameSpace": "hiveserver2"}, "ZooKeeper"),
    ],
)
def test_what_cannot_be_tested_from_here_is_said_before_any_network(
    tp: dict[str, Any], said: str
) -> None:
    report = test_connection("Hive", "1.0", 9, authenticationType="Anonymous", **tp)
    failure = _first_failure(report)
    assert said in failure["detail"] + failure["observed"]
    assert failure["change"]
    assert all(s["status"] != "passed" for s in report["stages"])


@pytest.mark.spark("binary-nosasl")
def test_a_hive_object_dataset_lists_tables_types_columns_the_hive_way_and_previews(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("binary-nosasl")
    ensure_catalog(server)
    hive = get_connector("Hive")
    assert hive.live is not None
    tp = {"host": "127.0.0.1", "port": server.port, "authenticationType": "Anonymous"}
    tp["thriftTransportProtocol"] = "Binary"
    version = hive.version("1.0")
    columns = hive.live.columns(version, tp, OPTIONS, table=TableRef("sales", "all_types"))
    assert columns["ok"], columns
    interim = {c["name"]: c["interim_type"] for c in columns["result"]["columns"]}
    assert interim["c_byte"] == "Int16" and interim["c_long"] == "Int64"
    assert interim["c_ts"] == "DateTime"
    preview = hive.live.preview(
        version, tp, OPTIONS, PreviewRequest(table=TableRef("sales", "all_types"))
    )
    assert preview["ok"], preview
    assert len(preview["result"]["rows"]) == 2

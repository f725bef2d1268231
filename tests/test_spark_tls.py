"""TLS over HTTP and binary transports against real Spark Thrift Servers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from connectors.hiveserver2.diagnostics import Stage, StageStatus
from tests.helpers import (
    assert_failed_at,
    assert_passed,
    describe,
    report_text,
    resolver_for,
    run,
)
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

HTTP_LOGIN: dict[str, Any] = {
    "thriftTransportProtocol": "HTTP",
    "authenticationType": "UsernameAndPassword",
    "username": CUSTOM_USER,
}
SASL_LOGIN: dict[str, Any] = {**HTTP_LOGIN, "thriftTransportProtocol": "SASL"}
ALIAS = "spark-alias.test"  # resolves to 127.0.0.1 in these tests only; not in the cert
# A CA file on the integration runtime's machine: never opened here; the tests upload
# the CA certificate it would hold.
IR_CA_PATH = r"C:\SHIR\certs\ca.pem"


def uploaded(pem: Path) -> dict[str, Any]:
    """trustedCertPath on the integration runtime, and the CA certificate it would hold."""
    return {"trustedCertPath": IR_CA_PATH, "ca_certificate": pem.read_text()}


@pytest.mark.spark("https-ca-custom")
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_https_with_an_uploaded_ca_for_trusted_cert_path_passes(
    spark_pool: ServerPool, host: str
) -> None:
    server = spark_pool.get("https-ca-custom")
    report = run(
        server.port,
        host=host,
        password=CUSTOM_PASSWORD,
        enableSsl=True,
        **uploaded(spark_pool.pki.ca_pem),
        **HTTP_LOGIN,
    )
    assert_passed(report)
    tls = report.stage(Stage.TLS).detail
    assert "issuer CN=Linkwright Test CA" in tls
    assert "subject CN=localhost" in tls
    assert "chain verified against the CA certificate uploaded for this test" in tls
    assert "the CA certificate uploaded for this test stood in for it" in tls
    assert f"'{host}' matches the certificate" in tls
    assert report.certificate is not None and report.certificate.not_after is not None


@pytest.mark.spark("https-ca-custom")
def test_https_private_ca_in_trusted_cert_path_fails_without_the_uploaded_ca(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("https-ca-custom")
    report = run(
        server.port,
        host="localhost",
        password=CUSTOM_PASSWORD,
        enableSsl=True,
        trustedCertPath=IR_CA_PATH,
        **HTTP_LOGIN,
    )
    failure = assert_failed_at(report, Stage.TLS)
    assert "not signed by a CA trusted by the system trust store" in failure.observed
    assert "file on the self-hosted integration runtime" in failure.observed
    assert "Upload the CA certificate in that file (PEM) with the test" in failure.change
    assert "this portal never reads" in failure.detail
    assert IR_CA_PATH not in report_text(report)


@pytest.mark.spark("https-ca-custom")
def test_an_uploaded_ca_that_did_not_issue_the_certificate_fails(spark_pool: ServerPool) -> None:
    server = spark_pool.get("https-ca-custom")
    report = run(
        server.port,
        host="localhost",
        password=CUSTOM_PASSWORD,
        enableSsl=True,
        **uploaded(spark_pool.pki.self_signed.cert_pem),
        **HTTP_LOGIN,
    )
    failure = assert_failed_at(report, Stage.TLS)
    assert "not signed by a CA trusted by the CA certificate uploaded" in failure.observed
    assert "Upload the issuing CA certificate" in failure.change


@pytest.mark.spark("https-ca-custom")
def test_https_private_ca_refused_by_system_store(spark_pool: ServerPool) -> None:
    server = spark_pool.get("https-ca-custom")
    report = run(
        server.port,
        host="localhost",
        password=CUSTOM_PASSWORD,
        enableSsl=True,
        useSystemTrustStore=True,
        **HTTP_LOGIN,
    )
    failure = assert_failed_at(report, Stage.TLS)
    assert "not signed by a CA trusted by the system trust store" in failure.observed
    assert "issuer CN=Linkwright Test CA" in failure.observed  # fetched unverified
    assert "trustedCertPath" in failure.change


@pytest.mark.spark("https-ca-custom")
def test_https_hostname_mismatch_only_with_allow_flag(spark_pool: ServerPool) -> None:
    server = spark_pool.get("https-ca-custom")
    common: dict[str, Any] = {
        "host": ALIAS,
        "password": CUSTOM_PASSWORD,
        "enableSsl": True,
        **uploaded(spark_pool.pki.ca_pem),
        "resolver": resolver_for({ALIAS: "127.0.0.1"}),
        **HTTP_LOGIN,
    }
    report = run(server.port, **common)
    failure = assert_failed_at(report, Stage.TLS)
    assert f"not issued for '{ALIAS}'" in failure.observed
    assert "DNS:localhost, IP:127.0.0.1" in failure.change
    assert "allowHostNameCNMismatch" in failure.change

    report = run(server.port, allowHostNameCNMismatch=True, **common)
    assert_passed(report)
    assert "host name check skipped" in report.stage(Stage.TLS).detail


@pytest.mark.spark("https-ca-custom")
def test_https_wrong_password_is_a_401_over_tls(spark_pool: ServerPool) -> None:
    server = spark_pool.get("https-ca-custom")
    report = run(
        server.port,
        host="localhost",
        password="nope",
        enableSsl=True,
        **uploaded(spark_pool.pki.ca_pem),
        **HTTP_LOGIN,
    )
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "HTTP 401" in failure.observed
    assert report.stage(Stage.TLS).status == StageStatus.PASSED


@pytest.mark.spark("https-selfsigned-none")
def test_self_signed_refused_by_default(spark_pool: ServerPool) -> None:
    server = spark_pool.get("https-selfsigned-none")
    report = run(
        server.port,
        host="localhost",
        enableSsl=True,
        thriftTransportProtocol="HTTP",
        authenticationType="Anonymous",
    )
    failure = assert_failed_at(report, Stage.TLS)
    assert "self-signed certificate" in failure.observed
    assert "allowSelfSignedServerCert" in failure.change


@pytest.mark.spark("https-selfsigned-none")
def test_self_signed_accepted_with_allow_flag(spark_pool: ServerPool) -> None:
    server = spark_pool.get("https-selfsigned-none")
    report = run(
        server.port,
        host="localhost",
        enableSsl=True,
        allowSelfSignedServerCert=True,
        thriftTransportProtocol="HTTP",
        authenticationType="Anonymous",
    )
    assert_passed(report)
    detail = report.stage(Stage.TLS).detail
    assert "chain NOT verified" in detail and "self-signed" in detail
    assert report.certificate is not None and report.certificate.self_signed


@pytest.mark.spark("https-selfsigned-none")
def test_self_signed_cert_can_be_trusted_by_uploading_it_for_trusted_cert_path(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("https-selfsigned-none")
    report = run(
        server.port,
        host="localhost",
        enableSsl=True,
        **uploaded(spark_pool.pki.self_signed.cert_pem),
        thriftTransportProtocol="HTTP",
        authenticationType="Anonymous",
    )
    assert_passed(report)


@pytest.mark.spark("https-selfsigned-none")
def test_v2_certificate_validation_switch(spark_pool: ServerPool) -> None:
    server = spark_pool.get("https-selfsigned-none")
    props: dict[str, Any] = {"host": "localhost", "authenticationType": "Anonymous"}
    report = run(server.port, version="2.0", **props)
    failure = assert_failed_at(report, Stage.TLS)
    assert "enableServerCertificateValidation" in failure.change
    report = run(server.port, version="2.0", enableServerCertificateValidation=False, **props)
    assert_passed(report)


@pytest.mark.spark("binary-tls-custom")
def test_binary_tls_with_sasl_passes(spark_pool: ServerPool) -> None:
    server = spark_pool.get("binary-tls-custom")
    report = run(
        server.port,
        host="localhost",
        password=CUSTOM_PASSWORD,
        enableSsl=True,
        **uploaded(spark_pool.pki.ca_pem),
        **SASL_LOGIN,
    )
    assert_passed(report)
    assert "TLSv1." in report.stage(Stage.TLS).detail


@pytest.mark.spark("binary-tls-custom")
def test_plain_sasl_client_on_tls_port_is_told_to_enable_ssl(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("binary-tls-custom")
    report = run(server.port, password=CUSTOM_PASSWORD, **SASL_LOGIN)
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "TLS record" in failure.observed, describe(report)
    assert "enableSsl to true" in failure.change


@pytest.mark.spark("https-ca-custom")
def test_plain_http_client_on_https_port_is_told_to_enable_ssl(
    spark_pool: ServerPool,
) -> None:
    server = spark_pool.get("https-ca-custom")
    report = run(server.port, password=CUSTOM_PASSWORD, **HTTP_LOGIN)
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "TLS record" in failure.observed, describe(report)
    assert "enableSsl to true" in failure.change


@pytest.mark.spark("binary-sasl-custom", "http-custom")
@pytest.mark.parametrize(
    ("mode", "transport"), [("binary-sasl-custom", "SASL"), ("http-custom", "HTTP")]
)
def test_tls_client_on_plain_port_is_told_to_disable_ssl(
    spark_pool: ServerPool, mode: str, transport: str
) -> None:
    server = spark_pool.get(mode)
    report = run(
        server.port,
        host="localhost",
        password=CUSTOM_PASSWORD,
        enableSsl=True,
        **uploaded(spark_pool.pki.ca_pem),
        **{**HTTP_LOGIN, "thriftTransportProtocol": transport},
    )
    failure = assert_failed_at(report, Stage.TLS)
    assert "did not answer the TLS handshake" in failure.observed
    assert "enableSsl to false" in failure.change

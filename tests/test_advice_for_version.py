"""Advice is valid for the definition's version, and names only fields the definition has."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.hiveserver2.advice import explain
from connectors.hiveserver2.diagnostics import Stage
from connectors.hiveserver2.errors import (
    FrameTooLarge,
    HttpStatusError,
    NotHttpReply,
    SaslRejected,
)
from connectors.net.errors import (
    CertificateRejected,
    DeadlineExceeded,
    MalformedReply,
    PeerClosed,
    TlsHandshakeError,
)
from connectors.spark.settings import settings_from_type_properties
from tests.helpers import assert_failed_at, run
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

SASL_ERROR = b"\x04\x00\x00\x00\x11Invalid status 80"
THRIFT_REPLY = b"\x80\x01\x00\x02\x00\x00\x00\x0bOpenSession"
ONLY_IN_VERSION_1 = (
    "thriftTransportProtocol",
    "Binary",
    "SASL to",
    "allowSelfSignedServerCert",
    "allowHostNameCNMismatch",
    "trustedCertPath",
    "useSystemTrustStore",
)
V2_LOGIN: dict[str, Any] = {
    "authenticationType": "UsernameAndPassword",
    "username": CUSTOM_USER,
    "enableSsl": False,
}


def v2_settings(**tp: Any) -> Any:
    properties = {"host": "spark.example.com", "port": 10001, **V2_LOGIN, **tp}
    return settings_from_type_properties("2.0", properties, CUSTOM_PASSWORD)


FAILURES = [
    PeerClosed("closed"),
    NotHttpReply("not HTTP", peer_bytes=SASL_ERROR),
    NotHttpReply("not HTTP", peer_bytes=THRIFT_REPLY),
    MalformedReply("garbage", peer_bytes=b"\x00\x00"),
    FrameTooLarge("too large", announced=1 << 30, limit=1 << 24, peer_bytes=b"\x7f\xff\xff\xff"),
    DeadlineExceeded("no answer in 45 s"),
    TlsHandshakeError("wrong version number", reason="WRONG_VERSION_NUMBER"),
    HttpStatusError(401, "Unauthorized", "", path="/cliservice"),
    HttpStatusError(500, "Server Error", "", path="/cliservice"),
    CertificateRejected("self-signed", verify_message="self-signed certificate"),
    CertificateRejected("no issuer", verify_message="unable to get local issuer certificate"),
    CertificateRejected("mismatch", verify_message="Hostname mismatch, certificate is not valid"),
]


@pytest.mark.parametrize("failure", FAILURES, ids=lambda e: type(e).__name__ + ":" + str(e))
def test_advice_for_a_v2_definition_never_names_a_setting_only_version_1_has(
    failure: Exception,
) -> None:
    advice = explain(failure, v2_settings())
    for word in ONLY_IN_VERSION_1:
        assert word not in advice.change, advice


@pytest.mark.parametrize("peer_bytes", [SASL_ERROR, THRIFT_REPLY])
def test_a_v2_definition_on_a_binary_port_is_told_it_needs_the_http_port(
    peer_bytes: bytes,
) -> None:
    advice = explain(NotHttpReply("not HTTP", peer_bytes=peer_bytes), v2_settings())
    assert advice.change.startswith("This is a binary port; version 2.0 needs the server's HTTP")
    assert "version 2.0 cannot reach it as configured" in advice.change


def test_a_v1_definition_on_a_binary_port_is_still_told_which_transport_to_set() -> None:
    settings = settings_from_type_properties(
        "1.0",
        {"host": "h", "port": 10000, "thriftTransportProtocol": "HTTP", **V2_LOGIN},
        CUSTOM_PASSWORD,
    )
    advice = explain(NotHttpReply("not HTTP", peer_bytes=SASL_ERROR), settings)
    assert "Set thriftTransportProtocol to SASL" in advice.change


@pytest.mark.parametrize("auth", ["Anonymous", "Username"])
def test_a_refused_anonymous_or_username_login_is_told_to_use_username_and_password(
    auth: str,
) -> None:
    tp = {"host": "h", "port": 10000, "thriftTransportProtocol": "SASL"}
    tp.update({"authenticationType": auth, "username": "etl"} if auth == "Username" else {})
    tp.setdefault("authenticationType", auth)
    advice = explain(
        SaslRejected("PLAIN auth failed"), settings_from_type_properties("1.0", tp, None)
    )
    assert "authenticationType to UsernameAndPassword" in advice.change
    assert "Check username and password" not in advice.change


# -- against real Spark Thrift Servers ----------------------------------------------


@pytest.mark.spark("binary-nosasl", "binary-sasl-custom")
@pytest.mark.parametrize(
    ("mode", "observed"),
    [("binary-nosasl", "binary Thrift port"), ("binary-sasl-custom", "SASL negotiation message")],
)
def test_v2_against_a_binary_or_sasl_only_server_says_version_2_cannot_reach_it(
    spark_pool: ServerPool, mode: str, observed: str
) -> None:
    port = spark_pool.get(mode).port
    report = run(port, version="2.0", password=CUSTOM_PASSWORD, **V2_LOGIN)
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert observed in failure.observed
    assert failure.change.startswith("This is a binary port; version 2.0 needs the server's HTTP")
    assert "cannot reach it as configured" in failure.change
    assert "thriftTransportProtocol" not in failure.change


@pytest.mark.spark("http-custom")
def test_v2_anonymous_refused_by_an_http_server_is_told_to_use_username_and_password(
    spark_pool: ServerPool,
) -> None:
    port = spark_pool.get("http-custom").port
    report = run(port, version="2.0", authenticationType="Anonymous", enableSsl=False)
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "HTTP 401" in failure.observed
    assert failure.change == (
        "Set authenticationType to UsernameAndPassword, with the username and password "
        "the server accepts."
    )


@pytest.mark.spark("binary-sasl-custom")
@pytest.mark.parametrize("auth", ["Anonymous", "Username"])
def test_v1_anonymous_or_username_refused_over_sasl_is_told_to_use_username_and_password(
    spark_pool: ServerPool, auth: str
) -> None:
    port = spark_pool.get("binary-sasl-custom").port
    extra = {"username": CUSTOM_USER} if auth == "Username" else {}
    report = run(port, thriftTransportProtocol="SASL", authenticationType=auth, **extra)
    failure = assert_failed_at(report, Stage.AUTHENTICATE)
    assert "authenticationType to UsernameAndPassword" in failure.change
    assert "Check username and password" not in failure.change

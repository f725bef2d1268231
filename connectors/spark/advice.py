"""Plain-language explanations of a failed stage: what we saw, what to change."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from connectors.net.endpoint import AddressDenied, ResolutionError
from connectors.net.errors import (
    CertificateRejected,
    ConnectTimeout,
    DeadlineExceeded,
    MalformedReply,
    NetworkError,
    PeerClosed,
    TlsConfigurationError,
    TlsHandshakeError,
)
from connectors.net.tls import CertificateInfo
from connectors.spark.hive.errors import (
    ExplainedProblem,
    FrameTooLarge,
    HiveStatusError,
    HttpStatusError,
    NotHttpReply,
    SaslRejected,
    SaslServerError,
    ThriftApplicationError,
)
from connectors.spark.peer_bytes import PeerKind, classify, sasl_message, show
from connectors.spark.settings import AuthenticationType, SparkSettings, TransportProtocol


@dataclass(frozen=True)
class Advice:
    observed: str
    change: str


SET_HTTP = "set thriftTransportProtocol to HTTP (and httpPath to the server's path)"
SET_SASL = "set thriftTransportProtocol to SASL"
SET_BINARY = "set thriftTransportProtocol to Binary"
SET_SSL_ON = "set enableSsl to true"
SET_SSL_OFF = "set enableSsl to false (or use the server's TLS port)"
SET_USER_AND_PASSWORD = (
    "set authenticationType to UsernameAndPassword, with the username and password "
    "the server accepts"
)
# Version 2.0 speaks HTTP only: advice never names a transport it does not allow.
V2_HTTP_PORT = (
    "This is a binary port; version 2.0 needs the server's HTTP port "
    "(hive.server2.thrift.http.port, 10001 by default; HDInsight: 443). If the server runs "
    "in binary mode only (hive.server2.transport.mode=binary, with or without SASL), "
    "version 2.0 cannot reach it as configured: switch the server to http (or all) mode."
)


def _is_v2(settings: SparkSettings) -> bool:
    return settings.version == "2.0"


def _transport_words(settings: SparkSettings) -> str:
    """What to check when a reply does not fit: the settings this version has."""
    if _is_v2(settings):
        return "that the port is the server's HTTP port and enableSsl matches it"
    return "that thriftTransportProtocol and enableSsl match its configuration"


def explain(
    exc: BaseException,
    settings: SparkSettings,
    *,
    certificate: CertificateInfo | None = None,
    sasl_port_probe: bool | None = None,
    uploaded_ca: bool = False,
) -> Advice:
    """Advice for the first failure. ``certificate`` is the server certificate
    fetched without verification after a verification failure;
    ``sasl_port_probe`` tells whether a plain Thrift probe got an answer;
    ``uploaded_ca`` whether a CA certificate uploaded for the test stood in for
    trustedCertPath."""
    advice = _explain(exc, settings, certificate, sasl_port_probe, uploaded_ca)
    change = advice.change[:1].upper() + advice.change[1:]
    return Advice(advice.observed, change)


def _explain(
    exc: BaseException,
    settings: SparkSettings,
    certificate: CertificateInfo | None,
    sasl_port_probe: bool | None,
    uploaded_ca: bool = False,
) -> Advice:
    where = f"{settings.host}:{settings.port}"
    if isinstance(exc, AddressDenied):
        return Advice(
            f"'{settings.host}' resolves only to addresses this portal may not connect to.",
            "Use the server's routable (private or public) address or name; "
            "link-local, metadata and platform endpoints, shared (CGNAT), multicast and "
            "unspecified addresses, and IPv6 forms of them, are blocked.",
        )
    if isinstance(exc, ResolutionError):
        return Advice(
            f"The name '{settings.host}' could not be resolved ({exc}).",
            "Check the host name. A private cluster's name must resolve from where this test runs.",
        )
    if isinstance(exc, ConnectTimeout):
        return Advice(
            f"Nothing answered the TCP connection to {where} ({exc}).",
            "Check the host and port, and that a firewall or network security group "
            "lets this portal reach the server.",
        )
    if isinstance(exc, ConnectionRefusedError):
        return Advice(
            f"The connection to {where} was refused: nothing listens on that port.",
            "Check the port (Spark Thrift Server: 10000 for binary, 10001 for HTTP; "
            "HDInsight: 443) and that the server is running.",
        )
    if isinstance(exc, CertificateRejected):
        return _certificate_advice(exc, settings, certificate, uploaded_ca)
    if isinstance(exc, TlsConfigurationError):
        return Advice(
            f"The TLS settings could not be applied: {exc}.",
            "Upload the CA certificate as PEM text ('-----BEGIN CERTIFICATE-----').",
        )
    if isinstance(exc, TlsHandshakeError):
        return Advice(
            f"{where} did not answer the TLS handshake as a TLS server ({exc.reason or exc}).",
            f"The port looks like a plain (non-TLS) port: {SET_SSL_OFF}.",
        )
    if isinstance(exc, SaslRejected):
        return _credentials_refused(
            f"The server refused the user name or password ({exc}).", settings
        )
    if isinstance(exc, HttpStatusError):
        return _http_status_advice(exc, settings)
    if isinstance(exc, ThriftApplicationError) and "client_protocol" in str(exc):
        return Advice(
            f"The server did not accept the HiveServer2 protocol version we asked for ({exc}).",
            "The server is older than this client's protocol version: upgrade the "
            "server or lower the client protocol version.",
        )
    if isinstance(exc, NetworkError):
        by_bytes = _advice_from_peer_bytes(exc, settings, sasl_port_probe)
        if by_bytes is not None:
            return by_bytes
    if isinstance(exc, FrameTooLarge):
        size = (
            f"The server announced a message of {exc.announced} bytes, above the "
            f"{exc.limit}-byte limit; nothing that large was read."
            if exc.announced is not None
            else f"A reply was refused ({exc.message}); no more of it was read."
        )
        return Advice(
            size,
            "A reply that large usually means it is not what the transport setting "
            f"expects: check {_transport_words(settings)}.",
        )
    if isinstance(exc, DeadlineExceeded):
        return Advice(
            f"{where} accepted the connection but did not answer in time ({exc}).",
            "Check that the port belongs to the Spark Thrift Server and "
            f"{_transport_words(settings)}; a busy server may also need more time.",
        )
    if isinstance(exc, ExplainedProblem):
        return Advice(exc.message, exc.change)
    if isinstance(exc, HiveStatusError):
        return Advice(
            f"The server answered {exc.call} with an error: {exc}.",
            "See the server message; check the user's permissions on the server.",
        )
    if isinstance(exc, SaslServerError):
        return Advice(
            f"The server could not negotiate SASL: {exc}.",
            "Check the server's authentication mode (hive.server2.authentication).",
        )
    if isinstance(exc, MalformedReply | PeerClosed | NotHttpReply):
        seen = f" (first bytes: {show(exc.peer_bytes)})" if exc.peer_bytes else ""
        return Advice(
            f"The reply from {where} does not follow the expected protocol: {exc}{seen}.",
            "Check that host and port are the Spark Thrift Server and "
            f"{_transport_words(settings)}.",
        )
    if isinstance(exc, socket.gaierror):
        return Advice(f"Name resolution failed: {exc}.", "Check the host name.")
    if isinstance(exc, OSError):
        return Advice(
            f"The network reported an error for {where}: {exc}.",
            "Check the host, port and network path.",
        )
    return Advice(f"Unexpected error: {exc!r}.", "Report this to the portal team.")


def _advice_from_peer_bytes(
    exc: NetworkError, settings: SparkSettings, sasl_port_probe: bool | None
) -> Advice | None:
    kind = classify(exc.peer_bytes)
    transport = settings.transport
    if kind == PeerKind.HTTP and transport != TransportProtocol.HTTP:
        first_line = exc.peer_bytes.split(b"\r\n", 1)[0].decode("latin-1")
        return Advice(
            f"The port answered with HTTP ('{first_line}'): it is an HTTP-mode server.",
            SET_HTTP + ".",
        )
    if kind == PeerKind.TLS and not settings.enable_ssl:
        return Advice(
            f"The port answered with a TLS record ({show(exc.peer_bytes, 8)}): the "
            "server expects TLS.",
            SET_SSL_ON + ".",
        )
    if kind == PeerKind.SASL and transport != TransportProtocol.SASL:
        text = sasl_message(exc.peer_bytes)
        return Advice(
            f"The port answered with a SASL negotiation message ('{text}'): the "
            "server uses binary Thrift with SASL authentication.",
            V2_HTTP_PORT if _is_v2(settings) else SET_SASL + ".",
        )
    if kind == PeerKind.THRIFT_BINARY and transport == TransportProtocol.HTTP:
        return Advice(
            "The port answered with binary Thrift, not HTTP: this is a binary port.",
            V2_HTTP_PORT if _is_v2(settings) else f"{SET_BINARY} (or {SET_SASL}).",
        )
    if kind == PeerKind.NOTHING and isinstance(exc, PeerClosed):
        if transport == TransportProtocol.SASL:
            if sasl_port_probe:
                return Advice(
                    "The server closed the connection at the SASL handshake, and a "
                    "plain binary Thrift probe was answered: the server runs without "
                    "SASL (NOSASL).",
                    SET_BINARY + ".",
                )
            return Advice(
                "The server closed the connection at the SASL handshake without a word.",
                "Either the server runs without SASL (then "
                f"{SET_BINARY}) or its custom authentication class failed to load "
                "(see the server log).",
            )
        if transport == TransportProtocol.HTTP:
            return Advice(
                "The server closed the connection without any HTTP response: the "
                "port is likely a binary Thrift port.",
                V2_HTTP_PORT
                if _is_v2(settings)
                else f"{SET_BINARY} or {SET_SASL}, or use the server's HTTP port.",
            )
    if kind == PeerKind.UNKNOWN and isinstance(exc, MalformedReply | FrameTooLarge):
        return Advice(
            f"The reply is not HiveServer2 Thrift: first bytes {show(exc.peer_bytes)} ({exc}).",
            "Check that host and port belong to the Spark Thrift Server.",
        )
    return None


def _credentials_refused(observed: str, settings: SparkSettings) -> Advice:
    """The server refused the credentials sent: advise only fields this definition has."""
    auth = settings.authentication_type
    if auth == AuthenticationType.ANONYMOUS:
        return Advice(
            observed + " With Anonymous authentication the portal sends the user "
            "'anonymous'; this server wants a real user.",
            SET_USER_AND_PASSWORD + ".",
        )
    if auth == AuthenticationType.USERNAME:
        return Advice(
            observed + " With Username authentication the portal sends the user name "
            "without a real password; this server checks passwords.",
            SET_USER_AND_PASSWORD + ".",
        )
    return Advice(observed, "Check username and password.")


def _http_status_advice(exc: HttpStatusError, settings: SparkSettings) -> Advice:
    body = f": {exc.body[:200]}" if exc.body else ""
    if exc.status == 401:
        return _credentials_refused(
            f"The server rejected the credentials (HTTP 401{body}).", settings
        )
    if exc.status in (404, 405):
        return Advice(
            f"The server does not serve Thrift at POST {exc.path} (HTTP {exc.status}).",
            "Check httpPath: Spark Thrift Server uses 'cliservice' by default "
            "(hive.server2.thrift.http.path); HDInsight uses 'sparkhive2'.",
        )
    if exc.status == 403:
        return Advice(
            f"The server refused access (HTTP 403{body}).",
            "Check that this user may connect to the server.",
        )
    anonymous = settings.authentication_type == AuthenticationType.ANONYMOUS
    if exc.status == 500 and not settings.username and not anonymous:
        return Advice(
            f"The server failed with HTTP 500{body}.",
            "HiveServer2 over HTTP needs a non-empty username: set username.",
        )
    return Advice(
        f"The server answered HTTP {exc.status} {exc.reason}{body}.",
        "Check httpPath and authentication settings; see the server log.",
    )


def _certificate_advice(
    exc: CertificateRejected,
    settings: SparkSettings,
    cert: CertificateInfo | None,
    uploaded_ca: bool,
) -> Advice:
    v1 = settings.version == "1.0"
    message = exc.verify_message or str(exc)
    described = f" Certificate: {cert.summary()}." if cert else ""
    lowered = message.lower()
    if "hostname mismatch" in lowered or "ip address mismatch" in lowered:
        names = cert.names() if cert else "other names"
        change = f"Connect with a name the certificate lists ({names})"
        if v1:
            change += ", or set allowHostNameCNMismatch to true"
        return Advice(
            f"The certificate is not issued for '{settings.host}' ({message}).{described}",
            change + ".",
        )
    if "expired" in lowered:
        return Advice(
            f"The server certificate has expired ({message}).{described}",
            "Renew the server certificate.",
        )
    if "not yet valid" in lowered:
        return Advice(
            f"The server certificate is not valid yet ({message}).{described}",
            "Check the server certificate dates and the clocks.",
        )
    self_signed_leaf = "self-signed certificate" in lowered and "chain" not in lowered
    if self_signed_leaf:
        observed = f"The server presents a self-signed certificate ({message}).{described}"
        if v1:
            change = (
                "Set allowSelfSignedServerCert to true, or put this certificate (PEM) "
                "in trustedCertPath on the integration runtime with useSystemTrustStore "
                "false, and upload it with the test."
            )
        else:
            change = (
                "Version 2.0 verifies against the system trust store only: install a "
                "certificate from a trusted CA on the server, or set "
                "enableServerCertificateValidation to false (not recommended)."
            )
        return Advice(observed, change)
    source = (
        "the CA certificate uploaded for this test" if uploaded_ca else "the system trust store"
    )
    observed = (
        f"The server certificate is not signed by a CA trusted by {source} ({message}).{described}"
    )
    if v1 and settings.names_ca_file:
        observed += (
            " trustedCertPath is a file on the self-hosted integration runtime, which this "
            "portal never reads."
        )
        what = "the issuing CA certificate" if uploaded_ca else "the CA certificate in that file"
        change = (
            f"Upload {what} (PEM) with the test to check the chain as the integration "
            "runtime will, or set allowSelfSignedServerCert to true."
        )
    elif v1:
        change = (
            "Put the issuing CA certificate (PEM) in trustedCertPath on the integration "
            "runtime and set useSystemTrustStore to false (upload it with the test to "
            "check), or set allowSelfSignedServerCert to true."
        )
    else:
        change = (
            "Version 2.0 uses the system trust store: use a certificate from a "
            "publicly trusted CA, or set enableServerCertificateValidation to false."
        )
    return Advice(observed, change)

"""Plain-language explanations of a failed stage: what we saw, what to change.

Every change proposed is in the connector version's own terms
(:class:`connectors.hiveserver2.settings.Terms`): a property this version has, set to a
value it allows.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from connectors.hiveserver2.errors import (
    ExplainedProblem,
    FrameTooLarge,
    HiveStatusError,
    HttpStatusError,
    NotHttpReply,
    SaslRejected,
    SaslServerError,
    ThriftApplicationError,
)
from connectors.hiveserver2.peer_bytes import PeerKind, classify, sasl_message, show
from connectors.hiveserver2.settings import ServerSettings, TransportProtocol
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


@dataclass(frozen=True)
class Advice:
    observed: str
    change: str


SET_SSL_ON = "set enableSsl to true"
SET_SSL_OFF = "set enableSsl to false (or use the server's TLS port)"


def _to(settings: ServerSettings, wire: TransportProtocol) -> str:
    """The change that makes this definition speak ``wire``, in its version's terms."""
    return settings.terms.transport_changes[wire]


def _transport_words(settings: ServerSettings) -> str:
    """What to check when a reply does not fit: the settings this version has."""
    return settings.terms.transport_check


def explain(
    exc: BaseException,
    settings: ServerSettings,
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
    settings: ServerSettings,
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
            f"Check the port ({settings.terms.ports}) and that the server is running.",
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
            f"Check that the port belongs to {settings.terms.server} and "
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
            f"Check that host and port are {settings.terms.server} and "
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
    exc: NetworkError, settings: ServerSettings, sasl_port_probe: bool | None
) -> Advice | None:
    kind = classify(exc.peer_bytes)
    transport = settings.transport
    if kind == PeerKind.HTTP and transport != TransportProtocol.HTTP:
        first_line = exc.peer_bytes.split(b"\r\n", 1)[0].decode("latin-1")
        return Advice(
            f"The port answered with HTTP ('{first_line}'): it is an HTTP-mode server.",
            _to(settings, TransportProtocol.HTTP) + ".",
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
            _to(settings, TransportProtocol.SASL) + ".",
        )
    if kind == PeerKind.THRIFT_BINARY and transport == TransportProtocol.HTTP:
        return Advice(
            "The port answered with binary Thrift, not HTTP: this is a binary port.",
            _either(settings, TransportProtocol.BINARY, TransportProtocol.SASL) + ".",
        )
    if kind == PeerKind.NOTHING and isinstance(exc, PeerClosed):
        if transport == TransportProtocol.SASL:
            if sasl_port_probe:
                return Advice(
                    "The server closed the connection at the SASL handshake, and a "
                    "plain binary Thrift probe was answered: the server runs without "
                    "SASL (NOSASL).",
                    _to(settings, TransportProtocol.BINARY) + ".",
                )
            return Advice(
                "The server closed the connection at the SASL handshake without a word.",
                "Either the server runs without SASL (then "
                f"{_to(settings, TransportProtocol.BINARY)}) or its custom authentication "
                "class failed to load (see the server log).",
            )
        if transport == TransportProtocol.HTTP:
            return Advice(
                "The server closed the connection without any HTTP response: the "
                "port is likely a binary Thrift port.",
                _either(settings, TransportProtocol.BINARY, TransportProtocol.SASL)
                + ", or use the server's HTTP port.",
            )
    if kind == PeerKind.UNKNOWN and isinstance(exc, MalformedReply | FrameTooLarge):
        return Advice(
            f"The reply is not HiveServer2 Thrift: first bytes {show(exc.peer_bytes)} ({exc}).",
            f"Check that host and port belong to {settings.terms.server}.",
        )
    return None


def _either(settings: ServerSettings, first: TransportProtocol, second: TransportProtocol) -> str:
    """One change, or two as alternatives when they differ."""
    one, other = _to(settings, first), _to(settings, second)
    return one if one == other else f"{one} (or {other})"


def _credentials_refused(observed: str, settings: ServerSettings) -> Advice:
    """The server refused the credentials sent: advise only fields this definition has."""
    auth = settings.authentication_type
    if settings.anonymous:
        return Advice(
            observed + f" With {auth} authentication the portal sends the user "
            "'anonymous'; this server wants a real user.",
            settings.terms.user_and_password + ".",
        )
    if not settings.password_sent:
        return Advice(
            observed + f" With {auth} authentication the portal sends the user name "
            "without a real password; this server checks passwords.",
            settings.terms.user_and_password + ".",
        )
    return Advice(observed, "Check username and password.")


def _http_status_advice(exc: HttpStatusError, settings: ServerSettings) -> Advice:
    body = f": {exc.body[:200]}" if exc.body else ""
    if exc.status == 401:
        return _credentials_refused(
            f"The server rejected the credentials (HTTP 401{body}).", settings
        )
    if exc.status in (404, 405):
        return Advice(
            f"The server does not serve Thrift at POST {exc.path} (HTTP {exc.status}).",
            settings.terms.http_path,
        )
    if exc.status == 403:
        return Advice(
            f"The server refused access (HTTP 403{body}).",
            "Check that this user may connect to the server.",
        )
    if exc.status == 500 and not settings.username and not settings.anonymous:
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
    settings: ServerSettings,
    cert: CertificateInfo | None,
    uploaded_ca: bool,
) -> Advice:
    v1 = not settings.system_store_only
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
                f"Version {settings.version} verifies against the system trust store only: "
                "install a "
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
            f"Version {settings.version} uses the system trust store: use a certificate "
            "from a "
            "publicly trusted CA, or set enableServerCertificateValidation to false."
        )
    return Advice(observed, change)

"""Client TLS for any connector: context from the trust options, handshake, certificate facts."""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime

from connectors.net.deadline import Deadline
from connectors.net.errors import (
    CertificateRejected,
    DeadlineExceeded,
    PeerClosed,
    TlsConfigurationError,
    TlsHandshakeError,
)
from connectors.net.tls_contexts import CONTEXTS, context_key


@dataclass(frozen=True)
class TlsOptions:
    """How to verify the server, already resolved from the linked-service flags.

    ``verify_chain=False`` accepts any certificate (allowSelfSignedServerCert, or
    enableServerCertificateValidation=false); ``check_hostname=False`` accepts a
    certificate issued for another name (allowHostNameCNMismatch). ``ca_pem`` holds
    CA certificates as PEM text (uploaded for one test); no file is ever read.
    """

    verify_chain: bool = True
    check_hostname: bool = True
    ca_pem: str | None = None
    use_system_store: bool = True

    def describe_trust(self) -> str:
        if not self.verify_chain:
            return "certificate chain not verified"
        if self.ca_pem and not self.use_system_store:
            return "the CA certificate uploaded for this test"
        return "the system trust store"


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    issuer: str
    not_before: datetime | None
    not_after: datetime | None
    dns_names: tuple[str, ...] = ()
    ip_addresses: tuple[str, ...] = ()
    sha256: str = ""

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer

    @property
    def expired(self) -> bool:
        return self.not_after is not None and self.not_after < datetime.now(UTC)

    def names(self) -> str:
        parts = [f"DNS:{n}" for n in self.dns_names] + [f"IP:{a}" for a in self.ip_addresses]
        return ", ".join(parts) or "(no subjectAltName)"

    def summary(self) -> str:
        after = self.not_after.strftime("%Y-%m-%d %H:%M UTC") if self.not_after else "?"
        return (
            f"subject {self.subject}; issuer {self.issuer}; valid until {after}; "
            f"names {self.names()}"
        )


@dataclass
class TlsResult:
    version: str
    cipher: str
    certificate: CertificateInfo | None
    verification: str
    notes: list[str] = field(default_factory=list)


def build_context(options: TlsOptions) -> ssl.SSLContext:
    """A fresh context for ``options`` (loads the trust store each time)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if not options.verify_chain:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.check_hostname = options.check_hostname
    if options.use_system_store or not options.ca_pem:
        ctx.load_default_certs(ssl.Purpose.SERVER_AUTH)
    if options.ca_pem and not options.use_system_store:
        ctx.load_verify_locations(cadata=options.ca_pem)
    return ctx


def shared_context(options: TlsOptions) -> ssl.SSLContext:
    """The context for ``options``, built once per set of trust options and reused."""
    key = context_key(
        verify_chain=options.verify_chain,
        check_hostname=options.check_hostname,
        use_system_store=options.use_system_store,
        ca_pem=options.ca_pem,
    )
    return CONTEXTS.get(key, lambda: build_context(options))


def parse_certificate(der: bytes) -> CertificateInfo:
    """Facts about a DER certificate (uses ``cryptography`` when available)."""
    digest = hashlib.sha256(der).hexdigest()
    try:
        from cryptography import x509
    except ImportError:  # pragma: no cover - cryptography is a dependency
        return CertificateInfo("?", "?", None, None, sha256=digest)
    cert = x509.load_der_x509_certificate(der)
    dns: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns = tuple(san.get_values_for_type(x509.DNSName))
        ips = tuple(str(a) for a in san.get_values_for_type(x509.IPAddress))
    except x509.ExtensionNotFound:
        pass
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        dns_names=dns,
        ip_addresses=ips,
        sha256=digest,
    )


def hostname_matches(cert: CertificateInfo, host: str) -> bool:
    """RFC 6125 style check: IP literals against IP SANs, names against DNS SANs."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None:
        return any(ipaddress.ip_address(a) == ip for a in cert.ip_addresses)
    wanted = host.rstrip(".").lower()
    for pattern in (n.lower() for n in cert.dns_names):
        if pattern == wanted:
            return True
        wildcard_match = pattern.startswith("*.") and "." in wanted
        if wildcard_match and wanted.split(".", 1)[1] == pattern[2:]:
            return True
    return False


def handshake(
    sock: socket.socket,
    server_hostname: str,
    options: TlsOptions,
    deadline: Deadline,
) -> tuple[ssl.SSLSocket, TlsResult]:
    """Run the TLS handshake on a connected socket and explain the verdict."""
    try:
        ctx = shared_context(options)
    except (OSError, ssl.SSLError) as exc:
        sock.close()
        raise TlsConfigurationError(f"cannot use the uploaded CA certificate: {exc}") from exc
    tls = ctx.wrap_socket(sock, server_hostname=server_hostname, do_handshake_on_connect=False)
    try:
        tls.settimeout(deadline.io_timeout(waiting_for="the TLS handshake"))
        tls.do_handshake()
    except ssl.SSLCertVerificationError as exc:
        tls.close()
        raise CertificateRejected(
            f"certificate verification failed: {exc.verify_message or exc.reason}",
            verify_code=exc.verify_code or 0,
            verify_message=exc.verify_message or str(exc.reason),
        ) from exc
    except TimeoutError as exc:
        tls.close()
        raise DeadlineExceeded(
            f"the TLS handshake did not finish within the {deadline.total_seconds:g} s deadline"
        ) from exc
    except ssl.SSLError as exc:
        tls.close()
        raise TlsHandshakeError(
            f"TLS handshake failed: {exc.reason or exc}", reason=str(exc.reason or "")
        ) from exc
    except (ConnectionResetError, BrokenPipeError) as exc:
        tls.close()
        raise PeerClosed("the server closed the connection during the TLS handshake") from exc
    except OSError as exc:
        tls.close()
        raise TlsHandshakeError(f"TLS handshake failed: {exc}", reason="EOF") from exc
    der = tls.getpeercert(binary_form=True)
    cert = parse_certificate(der) if der else None
    result = TlsResult(
        version=tls.version() or "?",
        cipher=(tls.cipher() or ("?",))[0],
        certificate=cert,
        verification="",
    )
    result.verification = _explain_pass(options, server_hostname, cert)
    # When the chain is not verified, the name still has to match (unless allowed).
    name_to_check = not options.verify_chain and options.check_hostname
    if name_to_check and cert is not None and not hostname_matches(cert, server_hostname):
        tls.close()
        raise CertificateRejected(
            f"Hostname mismatch, certificate is not valid for '{server_hostname}'",
            verify_message=(f"Hostname mismatch, certificate is not valid for '{server_hostname}'"),
        )
    return tls, result


def _explain_pass(options: TlsOptions, host: str, cert: CertificateInfo | None) -> str:
    if not options.verify_chain:
        kind = "self-signed" if cert is not None and cert.self_signed else "not self-signed"
        text = f"chain NOT verified (allowed by settings); the certificate is {kind}"
        if options.check_hostname:
            text += f"; '{host}' matches the certificate names"
        else:
            text += "; host name not checked"
        return text
    text = f"chain verified against {options.describe_trust()}"
    if options.check_hostname:
        text += f"; '{host}' matches the certificate"
    else:
        text += "; host name check skipped (allowHostNameCNMismatch)"
    return text

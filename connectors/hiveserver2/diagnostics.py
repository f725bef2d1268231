"""``run_connection_test``: a staged connection test of a HiveServer2 endpoint (a Spark
Thrift Server, HiveServer2, Impala), from the :class:`ServerSettings` a connector read from
its linked service.

With an :class:`Operation` the same stages run, but the ``SELECT 1`` stage is replaced by
the operation's (a catalog call, a preview query): a failing catalog call or preview
shows the same staged diagnosis as a failing test, and the operation's result is in
``report.result``.

Stages run in order and stop at the first failure (CloseSession is still sent
when a session was opened). Each stage records its status, duration and a
detail line; the first failure also gets a plain-language explanation.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Unpack

from connectors.diagnostics.endpoint_stages import EndpointReport, EndpointRunner, Reach
from connectors.diagnostics.stages import (
    NOT_REPORTED,
    Advice,
    NamedStage,
    StageFailed,
    StageResult,
    StageStatus,
    elapsed_ms,
)
from connectors.hiveserver2.binary_transport import UnframedTransport
from connectors.hiveserver2.client import HiveClient
from connectors.hiveserver2.errors import (
    HttpStatusError,
    NotHttpReply,
)
from connectors.hiveserver2.settings import ClientLimits, ServerSettings, TransportProtocol
from connectors.net.deadline import Deadline
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.errors import (
    CertificateRejected,
    NetworkError,
    PeerClosed,
)
from connectors.net.tls import CertificateInfo, TlsOptions, TlsResult, handshake

if TYPE_CHECKING:
    from connectors.hiveserver2.http_transport import HttpTransport


class Stage(str, Enum):
    RESOLVE = "Resolve host"
    CONNECT = "TCP connect"
    TLS = "TLS handshake"
    AUTHENTICATE = "Transport and authentication"
    OPEN_SESSION = "OpenSession"
    SERVER_INFO = "Server name and version"
    QUERY = "SELECT 1"
    CLOSE_SESSION = "CloseSession"


@dataclass(frozen=True)
class Operation:
    """Work done on the open session in place of ``SELECT 1``: ``run(client, deadline)``."""

    stage: str
    run: Callable[[HiveClient, Deadline], Any]
    session_configuration: dict[str, str] | None = None
    """OpenSession's ``configuration`` for the operation's session (e.g. the plan check's)."""

    @property
    def value(self) -> str:  # quacks like a Stage member
        return self.stage


@dataclass
class TestReport(EndpointReport):
    server_protocol_version: str | None = None
    server_name: str | None = None
    server_version: str | None = None
    result: Any = field(default=None, repr=False, metadata=NOT_REPORTED)
    """What an :class:`Operation` returned (None for a plain test or a failure)."""


def run_connection_test(
    settings: ServerSettings,
    *,
    limits: ClientLimits | None = None,
    operation: Operation | None = None,
    **reach: Unpack[Reach],
) -> TestReport:
    """Run every stage against the server described by ``settings``.

    ``ca_certificate`` is PEM text uploaded for this test (already checked by
    :func:`connectors.ca_certificates.parse_ca_pem`); it stands in for a 1.0
    ``trustedCertPath``, a file on the integration runtime that is never opened here.
    """
    run = _Run(settings, limits or ClientLimits(), reach)
    run.operation = operation
    run.run(run.execute)
    return run.report


class _Run(EndpointRunner[TestReport]):
    def __init__(self, settings: ServerSettings, limits: ClientLimits, reach: Reach) -> None:
        super().__init__(TestReport(), settings, limits, reach)
        self.settings = settings
        self.limits = limits
        self.transport: Any = None
        self.client: HiveClient | None = None
        self.operation: Operation | None = None

    # -- what the shared runner asks of a connector --------------------------------
    def stage_order(self) -> list[Stage | Operation]:
        return stage_list(self.operation)

    def advise(self, stage: NamedStage, exc: BaseException, *, first: bool, **hints: Any) -> Advice:
        """The plain-language advice, for the test's first failure only."""
        if not first:
            return None, None
        from connectors.hiveserver2.advice import explain  # a test that passes needs none

        advice = explain(exc, self.settings, **hints)
        return advice.observed, advice.change

    # -- the stages --------------------------------------------------------------
    def execute(self) -> None:
        s = self.settings
        if s.untestable is not None:
            result = self.record(Stage.RESOLVE, StageStatus.FAILED, 0.0, s.untestable.detail)
            result.observed = s.untestable.observed
            result.change = s.untestable.change
            raise StageFailed
        resolution = self.resolve_stage(Stage.RESOLVE)
        sock = self.connect_stage(Stage.CONNECT, resolution)
        wire = self.wire(self._tls(sock))
        if s.transport == TransportProtocol.HTTP:
            self._open_http(wire)
        else:
            self._open_binary(wire)
        try:
            self._server_info()
            if self.operation is None:
                self._query()
            else:
                self._operate(self.operation)
        finally:
            self._close_session()

    def tls_options(self) -> TlsOptions:
        s = self.settings
        if s.system_store_only:
            return TlsOptions(
                verify_chain=s.enable_server_certificate_validation,
                check_hostname=s.enable_server_certificate_validation,
                use_system_store=True,
            )
        # trustedCertPath is a file on the integration runtime: never opened here. A CA
        # certificate uploaded for this test stands in for it.
        ca_pem = self.ca_pem if s.names_ca_file else None
        return TlsOptions(
            verify_chain=not s.allow_self_signed_server_cert,
            check_hostname=not s.allow_host_name_cn_mismatch,
            ca_pem=ca_pem,
            use_system_store=ca_pem is None,
        )

    def trust_note(self, options: TlsOptions) -> str:
        """What the TLS stage says about trustedCertPath and an uploaded CA certificate."""
        s = self.settings
        if s.names_ca_file:
            note = (
                "trustedCertPath names a file on the self-hosted integration runtime, "
                "which this portal never reads"
            )
            if options.ca_pem:
                return note + "; the CA certificate uploaded for this test stood in for it"
            if options.verify_chain:
                return note + (
                    "; the chain was checked against the system trust store instead: "
                    "upload that CA certificate with the test to check it as the "
                    "integration runtime will"
                )
            return note
        if not self.ca_pem:
            return ""
        if s.system_store_only:
            why = f"version {s.version} always uses the system trust store"
        elif s.trusted_cert_path:
            why = "useSystemTrustStore is true"
        else:
            why = "the definition names no trustedCertPath"
        return f"the uploaded CA certificate was not used: {why}"

    def _handshake(self, sock: socket.socket, options: TlsOptions) -> tuple[Any, TlsResult]:
        return handshake(sock, self.settings.host, options, self.deadline)

    def _tls(self, sock: socket.socket) -> socket.socket:
        if not self.settings.enable_ssl:
            unused = "; the uploaded CA certificate was not used" if self.ca_pem else ""
            self.skip(Stage.TLS, "enableSsl is false" + unused)
            return sock
        options = self.tls_options()
        note = self.trust_note(options)
        uploaded = options.ca_pem is not None
        started = time.perf_counter()
        try:
            tls_sock, result = self._handshake(sock, options)
        except CertificateRejected as exc:
            elapsed = elapsed_ms(started)
            cert = self._fetch_certificate_unverified()
            self.report.certificate = cert
            self.fail(Stage.TLS, elapsed, exc, certificate=cert, uploaded_ca=uploaded)
            self._add_note(note)
            raise StageFailed from exc
        except Exception as exc:
            sock.close()
            self.fail(Stage.TLS, elapsed_ms(started), exc, uploaded_ca=uploaded)
            self._add_note(note)
            raise StageFailed from exc
        self.report.certificate = result.certificate
        cert_text = result.certificate.summary() if result.certificate else "no certificate"
        self.record(
            Stage.TLS,
            StageStatus.PASSED,
            elapsed_ms(started),
            f"{result.version}, {result.cipher}; {cert_text}; {result.verification}",
        )
        self._add_note(note)
        return tls_sock

    def _add_note(self, note: str) -> None:
        if note:
            self.report.stages[-1].detail += f"; {note}"

    def _fetch_certificate_unverified(self) -> CertificateInfo | None:
        """After a verification failure, fetch the certificate (unverified) to
        show it; a separate connection, to the same checked address."""
        if self.address is None or self.deadline.remaining() < 0.5:
            return None
        try:
            sock = self.connect_again()
            tls_sock, result = self._handshake(
                sock, TlsOptions(verify_chain=False, check_hostname=False)
            )
            tls_sock.close()
            return result.certificate
        except (NetworkError, OSError):
            return None

    def _open_sock(self) -> DeadlineSocket:
        """A new connection (TCP + TLS as configured) to the checked address."""
        sock = self.connect_again()
        if self.settings.enable_ssl:
            sock, _ = self._handshake(sock, self.tls_options())
        return self.wire(sock)

    def _new_client(self, transport: Any) -> HiveClient:
        self.transport = transport
        self.client = HiveClient(transport, max_string_bytes=self.limits.max_frame_bytes)
        return self.client

    def _open_binary(self, wire: DeadlineSocket) -> None:
        s = self.settings
        credentials = s.credentials()
        if s.transport == TransportProtocol.SASL:
            # Imported by the transport that uses it (SASL brings puresasl), as HTTP below.
            from connectors.hiveserver2.sasl_transport import SaslTransport

            assert credentials is not None
            transport: Any = SaslTransport(
                wire,
                username=credentials[0],
                password=credentials[1],
                host=s.host,
                max_frame_bytes=self.limits.max_frame_bytes,
            )
            started = time.perf_counter()
            try:
                transport.open()
            except Exception as exc:
                wire.close()
                probe = self._probe_plain_thrift() if isinstance(exc, PeerClosed) else None
                self.fail(Stage.AUTHENTICATE, elapsed_ms(started), exc, sasl_port_probe=probe)
                raise StageFailed from exc
            self.record(
                Stage.AUTHENTICATE,
                StageStatus.PASSED,
                elapsed_ms(started),
                f"SASL PLAIN accepted for user '{credentials[0]}'",
            )
        else:
            transport = UnframedTransport(wire, max_reply_bytes=self.limits.max_frame_bytes)
            self.skip(
                Stage.AUTHENTICATE,
                "Binary transport (NOSASL): no authentication layer",
            )
        client = self._new_client(transport)
        with self.stage(Stage.OPEN_SESSION) as detail:
            session = client.open_session(
                username=s.username,
                client_protocol=self.limits.client_protocol,
                configuration=self._session_configuration(),
            )
            self.report.server_protocol_version = session.protocol
            detail.append(f"server protocol {session.protocol}")

    def _open_http(self, wire: DeadlineSocket) -> None:
        s = self.settings
        credentials = s.credentials()
        assert credentials is not None
        from connectors.hiveserver2.http_transport import HttpTransport

        transport = HttpTransport(
            self._open_sock,
            host=s.host,
            port=s.port,
            path=s.url_path(),
            username=credentials[0],
            password=credentials[1],
            max_body_bytes=self.limits.max_http_body_bytes,
            first_socket=wire,
        )
        client = self._new_client(transport)
        started = time.perf_counter()
        try:
            session = client.open_session(
                username=s.username,
                client_protocol=self.limits.client_protocol,
                configuration=self._session_configuration(),
            )
        except Exception as exc:
            http_level = isinstance(exc, HttpStatusError | NotHttpReply) or (
                transport.last_status is None
            )
            stage = Stage.AUTHENTICATE if http_level else Stage.OPEN_SESSION
            if stage == Stage.OPEN_SESSION:
                self.record(
                    Stage.AUTHENTICATE,
                    StageStatus.PASSED,
                    0.0,
                    self._http_auth_detail(),
                )
            self.fail(stage, elapsed_ms(started), exc)
            raise StageFailed from exc
        elapsed = elapsed_ms(started)
        self.record(Stage.AUTHENTICATE, StageStatus.PASSED, elapsed, self._http_auth_detail())
        self.report.server_protocol_version = session.protocol
        self.record(
            Stage.OPEN_SESSION,
            StageStatus.PASSED,
            0.0,
            f"server protocol {session.protocol} (same HTTP request as authentication)",
        )

    def _session_configuration(self) -> dict[str, str] | None:
        return None if self.operation is None else self.operation.session_configuration

    def _http_auth_detail(self) -> str:
        transport: HttpTransport = self.transport
        cookies = ", ".join(sorted(transport.cookies)) or "none"
        return (
            f"HTTP {transport.last_status} for POST {transport.path} with Basic "
            f"authentication as '{self.settings.credentials()[0]}'; cookies: {cookies}"  # type: ignore[index]
        )

    def _probe_plain_thrift(self) -> bool | None:
        """Does the port answer a plain (NOSASL) OpenSession? Bounded by the deadline."""
        if self.address is None or self.deadline.remaining() < 0.5:
            return None
        try:
            wire = self._open_sock()
        except (NetworkError, OSError):
            return None
        try:
            client = HiveClient(
                UnframedTransport(wire, max_reply_bytes=self.limits.max_frame_bytes),
                max_string_bytes=self.limits.max_frame_bytes,
            )
            client.open_session(client_protocol=self.limits.client_protocol)
            with suppress(NetworkError, OSError):
                client.close_session()
            return True
        except (NetworkError, OSError):
            return False
        finally:
            wire.close()

    def _server_info(self) -> None:
        assert self.client is not None
        with self.stage(Stage.SERVER_INFO) as detail:
            self.report.server_name, self.report.server_version = self.client.identify()
            detail.append(f"{self.report.server_name} {self.report.server_version}")

    def _query(self) -> None:
        assert self.client is not None
        with self.stage(Stage.QUERY) as detail:
            timeout = max(1, int(self.deadline.remaining()))
            value = self.client.query_first_value("SELECT 1", timeout_seconds=timeout)
            if value != 1:
                raise _UnexpectedValue(f"SELECT 1 returned {value!r}")
            detail.append("returned 1")

    def _operate(self, operation: Operation) -> None:
        assert self.client is not None
        with self.stage(operation) as detail:
            self.report.result = operation.run(self.client, self.deadline)
            summary = getattr(self.report.result, "summary", None)
            if callable(summary):
                detail.append(summary())

    def _close_session(self) -> None:
        client = self.client
        if client is None or client.session is None:
            return
        with self.stage(Stage.CLOSE_SESSION) as detail:
            client.close_session()
            detail.append("session closed")

    def cleanup(self) -> None:
        if self.transport is not None:
            with suppress(OSError):
                self.transport.close()


def stage_list(operation: Operation | None = None) -> list[Stage | Operation]:
    """The stages of a test, or of an operation (its stage in place of ``SELECT 1``)."""
    if operation is None:
        return list(Stage)
    return [operation if stage == Stage.QUERY else stage for stage in Stage]


class _UnexpectedValue(NetworkError):
    pass


__all__ = [
    "Operation",
    "Stage",
    "StageResult",
    "StageStatus",
    "TestReport",
    "run_connection_test",
    "stage_list",
]

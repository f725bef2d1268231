"""``run_connection_test``: the staged test of a dedicated SQL pool over TDS.

Resolve, TCP connect, TDS pre-login (version, encryption), TLS (inside pre-login packets;
first of all with ``encrypt=strict``, TDS 8), login, ``SELECT 1``, then the checks the
Spark connector needs: a dedicated pool (not serverless), ``db_exporter`` membership, and
the permissions a write needs, each missing one with the T-SQL that grants it.

Entra ID methods need a token this portal cannot get: the network and TLS stages still run,
login and after are skipped, saying so. Same deadline, bounded reads and address policy as
the Spark test (the resolver, TCP connect, deadline socket and TLS helpers come from
:mod:`connectors.net`).
"""

from __future__ import annotations

import socket
import ssl
from contextlib import suppress
from dataclasses import dataclass
from enum import Enum
from typing import Any, Unpack

from connectors.azuresqldw import tds
from connectors.azuresqldw.login_errors import explain_login_error
from connectors.azuresqldw.settings import SqlPoolSettings
from connectors.diagnostics.endpoint_stages import EndpointReport, EndpointRunner, Reach
from connectors.diagnostics.stages import (
    Advice,
    NamedStage,
    StageFailed,
    StageProblem,
    StageResult,
    StageStatus,
    one_line,
)
from connectors.net.endpoint import (
    AddressDenied,
)
from connectors.net.errors import (
    DeadlineExceeded,
    PeerClosed,
)
from connectors.net.tls import (
    CertificateInfo,
    TlsOptions,
    build_context,
    hostname_matches,
    parse_certificate,
)


class Stage(str, Enum):
    RESOLVE = "Resolve host"
    CONNECT = "TCP connect"
    PRELOGIN = "TDS pre-login"
    TLS = "TLS handshake"
    LOGIN = "Login"
    QUERY = "SELECT 1"
    DEDICATED = "Dedicated SQL pool"
    EXPORTER = "db_exporter membership"
    PERMISSIONS = "Write permissions"


WRITE_PERMISSIONS = {
    "CREATE TABLE": "GRANT CREATE TABLE TO [{user}];",
    "ALTER": "GRANT ALTER ON SCHEMA::[{schema}] TO [{user}];",
    "ADMINISTER DATABASE BULK OPERATIONS": (
        "GRANT ADMINISTER DATABASE BULK OPERATIONS TO [{user}];"
    ),
    "INSERT": "GRANT INSERT ON SCHEMA::[{schema}] TO [{user}];",
}
"""What a write through the Spark connector needs (COPY into an internal table)."""

ENGINE_EDITIONS = {
    5: "Azure SQL Database",
    6: "Azure Synapse Analytics dedicated SQL pool",
    8: "Azure SQL Managed Instance",
    9: "Azure SQL Edge",
    11: "Azure Synapse serverless SQL pool (or Microsoft Fabric)",
    12: "Fabric SQL database",
}


@dataclass
class TestReport(EndpointReport):
    server_version: str | None = None
    encryption: str | None = None
    engine_edition: int | None = None


@dataclass(frozen=True)
class Limits:
    connect_timeout_s: float = 10.0
    deadline_s: float = 30.0
    max_message_bytes: int = tds.MAX_MESSAGE_BYTES


def run_connection_test(
    settings: SqlPoolSettings,
    *,
    limits: Limits | None = None,
    schema: str = "dbo",
    **reach: Unpack[Reach],
) -> TestReport:
    run = _Run(settings, limits or Limits(), reach)
    run.schema = schema
    run.run(run.execute)
    return run.report


def table_exists(
    settings: SqlPoolSettings,
    table: str,
    *,
    limits: Limits | None = None,
    **reach: Unpack[Reach],
) -> tuple[bool | None, str]:
    """Whether ``table`` (DATABASE.SCHEMA.TABLE, already checked plain) exists: (answer,
    how it was found out). None when it could not be checked (the reason says why)."""
    run = _Run(settings, limits or Limits(), reach)
    if settings.entra:
        return None, "not checked: Microsoft Entra ID sign-in needs a token this portal lacks"
    try:
        run.execute_login_only()
        literal = table.replace("'", "''")
        reply = run.query(f"SELECT CAST(OBJECT_ID(N'{literal}', N'U') AS int)")
    except StageFailed:
        failed = run.report.first_failure
        return None, f"not checked: {failed.name if failed else 'the connection'} failed"
    except StageProblem as exc:
        return None, f"not checked: {exc.observed}"
    except Exception as exc:  # bounded reads and deadlines end here too
        return None, f"not checked: {one_line(exc)}"
    finally:
        run.cleanup()
    value = reply.rows[0][0] if reply.rows else None
    return value is not None, "checked live in the SQL pool"


class _Run(EndpointRunner[TestReport]):
    def __init__(self, settings: SqlPoolSettings, limits: Limits, reach: Reach) -> None:
        super().__init__(TestReport(), settings, limits, reach)
        self.s = settings
        self.limits = limits
        self.schema = "dbo"
        self.sock: socket.socket | None = None
        self.packets: tds.PacketLayer | None = None
        self.login_only_tls = False

    # -- what the shared runner asks of a connector --------------------------------
    def stage_order(self) -> list[Stage]:
        return list(Stage)

    def advise(self, stage: NamedStage, exc: BaseException, *, first: bool, **hints: Any) -> Advice:
        return _advice(stage, exc, self.s)

    def cleanup(self) -> None:
        if self.sock is not None:
            with suppress(OSError):
                self.sock.close()

    # -- the stages --------------------------------------------------------------
    def execute(self) -> None:
        self._connect()
        if self.s.encrypt == "strict":
            self._tls_first()
            self._prelogin()
        else:
            server = self._prelogin()
            self._tls_in_prelogin(server)
        if self.s.entra:
            why = (
                f"{self.s.authentication} signs in with a Microsoft Entra ID token, which "
                "this portal cannot get; the network and TLS stages above ran. Test the "
                "sign-in from Data Factory (or with SQL authentication here)."
            )
            for stage in (Stage.LOGIN, Stage.QUERY, Stage.DEDICATED, Stage.EXPORTER):
                self.skip(stage, why if stage == Stage.LOGIN else "not run: no sign-in")
            self.skip(Stage.PERMISSIONS, "not run: no sign-in")
            return
        self._login()
        self._select_one()
        self._checks()

    def execute_login_only(self) -> None:
        self._connect()
        if self.s.encrypt == "strict":
            self._tls_first()
            self._prelogin()
        else:
            self._tls_in_prelogin(self._prelogin())
        self._login()

    def _connect(self) -> None:
        """Resolve the host, connect; the TDS packets then travel on that connection."""
        self.sock = self.connect_stage(Stage.CONNECT, self.resolve_stage(Stage.RESOLVE))
        self.packets = tds.PacketLayer(
            tds.SocketChannel(self.wire(self.sock)), max_message=self.limits.max_message_bytes
        )

    def _client_encryption(self) -> int:
        return tds.ENCRYPT_OFF if self.s.encrypt == "optional" else tds.ENCRYPT_ON

    def _prelogin(self) -> tds.PreLogin:
        assert self.packets is not None
        with self.stage(Stage.PRELOGIN) as detail:
            self.packets.send(tds.PRELOGIN, tds.prelogin_payload(self._client_encryption()))
            answer = tds.parse_prelogin(self.packets.receive(tds.TABULAR_RESULT))
            self.report.server_version = answer.version_text
            name = tds.ENCRYPTION_NAMES.get(answer.encryption or 0, str(answer.encryption))
            self.report.encryption = name
            detail.append(f"server version {answer.version_text}; encryption {name}")
            if answer.encryption is None:
                raise tds.Malformed("the pre-login answer has no ENCRYPTION option")
            if self.s.encrypt == "strict":
                detail.append("inside TLS (TDS 8.0, encrypt=strict)")
            elif answer.encryption == tds.ENCRYPT_NOT_SUP and self.s.encrypt == "mandatory":
                raise StageProblem(
                    "The server does not support encryption (ENCRYPT_NOT_SUP), and encrypt "
                    "is mandatory.",
                    "Azure Synapse always supports TLS: check that this host is the SQL "
                    "pool's endpoint, not another SQL Server.",
                )
        return answer

    def _tls_options(self) -> tuple[TlsOptions, str]:
        expected = self.s.host_name_in_certificate or self.s.host
        verify = not self.s.trust_server_certificate
        options = TlsOptions(
            verify_chain=verify,
            check_hostname=False,  # checked below, against hostNameInCertificate too
            ca_pem=self.ca_pem,
            use_system_store=self.ca_pem is None,
        )
        return options, expected

    def _context(self, options: TlsOptions, *, strict: bool) -> ssl.SSLContext:
        ctx = build_context(options)
        ctx.check_hostname = False
        if strict:
            ctx.set_alpn_protocols(["tds/8.0"])
        else:
            # TLS inside TDS 7.x pre-login packets: up to TLS 1.2, as SQL Server offers.
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        return ctx

    def _check_name(self, cert: CertificateInfo | None, expected: str) -> str:
        if self.s.trust_server_certificate:
            return "trustServerCertificate is true: the certificate was not checked"
        if cert is None:
            raise StageProblem("The server sent no certificate.", "Check the endpoint.")
        wildcard = expected.startswith("*.")
        if (wildcard and expected in cert.dns_names) or hostname_matches(cert, expected):
            trust = "the uploaded CA certificate" if self.ca_pem else "the system trust store"
            return f"chain verified against {trust}; name {expected} matches"
        raise StageProblem(
            f"The certificate is for {cert.names()}, not {expected}.",
            "Set hostNameInCertificate to a name the certificate carries, or correct the "
            "server name.",
        )

    def _tls_in_prelogin(self, server: tds.PreLogin) -> None:
        assert self.packets is not None
        if server.encryption == tds.ENCRYPT_NOT_SUP:
            self.skip(
                Stage.TLS,
                "the server does not support encryption and encrypt is optional: the login "
                "(password included) would travel unencrypted",
            )
            return
        options, expected = self._tls_options()
        with self.stage(Stage.TLS) as detail:
            ctx = self._context(options, strict=False)
            channel = tds.TlsInPrelogin(self.packets, ctx, expected.lstrip("*."))
            try:
                channel.handshake()
            except ssl.SSLCertVerificationError as exc:
                raise StageProblem(
                    f"Certificate verification failed: {exc.verify_message or exc.reason}.",
                    "Install a certificate from a trusted CA on the server, upload the CA "
                    "certificate for this test, or (test servers only) set "
                    "trustServerCertificate to true.",
                ) from exc
            der = channel.peer_certificate()
            cert = parse_certificate(der) if der else None
            self.report.certificate = cert
            verdict = self._check_name(cert, expected)
            self.packets.use(channel)
            self.login_only_tls = server.encryption == tds.ENCRYPT_OFF
            scope = (
                "login packet only (the server chose ENCRYPT_OFF)"
                if server.encryption == tds.ENCRYPT_OFF
                else "whole connection"
            )
            detail.append(
                f"{channel.version}, {channel.cipher} inside TDS pre-login; "
                f"{cert.summary() if cert else 'no certificate'}; {verdict}; encrypts the "
                f"{scope}"
            )

    def _tls_first(self) -> None:
        assert self.sock is not None
        options, expected = self._tls_options()
        with self.stage(Stage.TLS) as detail:
            ctx = self._context(options, strict=True)
            tls_sock = ctx.wrap_socket(
                self.sock, server_hostname=expected.lstrip("*."), do_handshake_on_connect=False
            )
            tls_sock.settimeout(self.deadline.io_timeout(waiting_for="the TLS handshake"))
            try:
                tls_sock.do_handshake()
            except ssl.SSLCertVerificationError as exc:
                raise StageProblem(
                    f"Certificate verification failed: {exc.verify_message or exc.reason}.",
                    "Install a certificate from a trusted CA, or upload the CA certificate "
                    "for this test (strict encryption never trusts a certificate blindly).",
                ) from exc
            except TimeoutError as exc:
                raise DeadlineExceeded(
                    f"the TLS handshake did not finish within {self.deadline.total_seconds:g} s"
                ) from exc
            self.sock = tls_sock
            der = tls_sock.getpeercert(binary_form=True)
            cert = parse_certificate(der) if der else None
            self.report.certificate = cert
            verdict = self._check_name(cert, expected)
            assert self.packets is not None
            self.packets.use(tds.SocketChannel(self.wire(tls_sock)))
            detail.append(
                f"{tls_sock.version()} first (TDS 8.0, ALPN "
                f"{tls_sock.selected_alpn_protocol() or 'none'}); "
                f"{cert.summary() if cert else 'no certificate'}; {verdict}"
            )

    def _login(self) -> None:
        assert self.packets is not None
        with self.stage(Stage.LOGIN) as detail:
            self.packets.send(
                tds.LOGIN7,
                tds.login7_payload(
                    user=self.s.user,
                    password=self.s.password or "",
                    database=self.s.database,
                    server=self.s.host,
                ),
            )
            if self.login_only_tls:
                # ENCRYPT_OFF: only the login packet is encrypted; the rest is clear.
                assert self.sock is not None
                self.packets.use(tds.SocketChannel(self.wire(self.sock)))
            reply = tds.parse_tokens(self.packets.receive(tds.TABULAR_RESULT))
            if reply.errors:
                error = reply.errors[0]
                raise StageProblem(*explain_login_error(error, self.s))
            if reply.login_ack is None:
                raise tds.Malformed("the login answer has no LOGINACK and no error")
            ack = reply.login_ack
            version = ".".join(str(p) for p in ack.version)
            detail.append(
                f"signed in as {self.s.user} to {self.s.database or 'the default database'}; "
                f"{ack.program.strip()} {version}, TDS 0x{ack.tds_version:08X}"
            )

    def query(self, sql: str) -> tds.Reply:
        assert self.packets is not None
        self.packets.send(tds.SQL_BATCH, tds.sql_batch_payload(sql))
        reply = tds.parse_tokens(self.packets.receive(tds.TABULAR_RESULT))
        if reply.errors:
            error = reply.errors[0]
            raise StageProblem(
                f"The server answered error {error.number}: {error.text}",
                "See the server's message.",
            )
        return reply

    def _select_one(self) -> None:
        with self.stage(Stage.QUERY) as detail:
            reply = self.query("SELECT 1")
            if [row[:1] for row in reply.rows] != [[1]]:
                raise tds.Malformed(f"SELECT 1 returned {reply.rows!r}")
            detail.append("returned 1")

    def _checks(self) -> None:
        with self.stage(Stage.DEDICATED, stop=False) as detail:
            reply = self.query("SELECT CAST(SERVERPROPERTY('EngineEdition') AS int)")
            edition = reply.rows[0][0] if reply.rows else None
            self.report.engine_edition = edition
            meaning = ENGINE_EDITIONS.get(edition or 0, f"engine edition {edition}")
            if self.s.serverless_host or edition == 11:
                raise StageProblem(
                    f"This is a serverless SQL pool ({self.s.host}; "
                    f"EngineEdition {edition}: {meaning}).",
                    "The Spark connector and PolyBase/COPY loads need a dedicated SQL pool: "
                    "use <workspace>.sql.azuresynapse.net, not the -ondemand endpoint.",
                )
            if edition != 6:
                raise StageProblem(
                    f"EngineEdition is {edition} ({meaning}), not 6 (a dedicated SQL pool).",
                    "Point the linked service at the dedicated SQL pool's endpoint.",
                )
            detail.append(f"EngineEdition 6: {meaning}")
        user = self.s.user
        with self.stage(Stage.EXPORTER, stop=False) as detail:
            reply = self.query("SELECT CAST(IS_ROLEMEMBER('db_exporter') AS int)")
            member = reply.rows[0][0] if reply.rows else None
            if member is None:
                raise StageProblem(
                    "There is no db_exporter role in this database.",
                    "db_exporter exists only in dedicated SQL pools: check the database name.",
                )
            if member != 1:
                raise StageProblem(
                    f"{user} is not a member of db_exporter, which reads through the Spark "
                    "connector need.",
                    f"Run in the SQL pool: EXEC sp_addrolemember 'db_exporter', '{user}';",
                )
            detail.append(f"{user} is a member of db_exporter")
        with self.stage(Stage.PERMISSIONS, stop=False) as detail:
            database = self.query(
                "SELECT CAST(permission_name AS nvarchar(128)) "
                "FROM fn_my_permissions(NULL, 'DATABASE')"
            )
            schema = self.query(
                "SELECT CAST(permission_name AS nvarchar(128)) "
                f"FROM fn_my_permissions('{self.schema}', 'SCHEMA')"
            )
            held = {str(row[0]).upper() for row in database.rows + schema.rows if row}
            if "CONTROL" in held:
                detail.append("CONTROL on the database (every write permission)")
                return
            missing = [name for name in WRITE_PERMISSIONS if name not in held]
            if missing:
                grants = " ".join(
                    WRITE_PERMISSIONS[name].format(user=user, schema=self.schema)
                    for name in missing
                )
                raise StageProblem(
                    f"{user} lacks {', '.join(missing)} for writes into schema {self.schema}.",
                    f"Run in the SQL pool: {grants}",
                )
            detail.append("CREATE TABLE, ALTER and INSERT on the schema, bulk operations")


def _advice(stage: NamedStage, exc: BaseException, settings: SqlPoolSettings) -> Advice:
    text = one_line(exc)
    if isinstance(exc, AddressDenied):
        return (
            f"{settings.host} resolves only to addresses this portal may not connect to.",
            "Test from where the integration runtime runs, or ask an administrator.",
        )
    if isinstance(exc, DeadlineExceeded):
        return (
            f"{stage.value}: {text}.",
            "Check the host and port (1433), the server firewall (allow Azure services or "
            "this IP) and that the endpoint is a SQL pool.",
        )
    if isinstance(exc, tds.TooLarge):
        return (
            f"{stage.value}: {text}.",
            "This peer does not speak TDS as a SQL pool does: check the host and port.",
        )
    if isinstance(exc, tds.Malformed):
        return (
            f"{stage.value}: the answer is not TDS as a SQL pool sends it ({text}).",
            "Check that host and port are the SQL pool's endpoint (port 1433).",
        )
    if isinstance(exc, PeerClosed | ConnectionError):
        return (
            f"{stage.value}: the server closed the connection ({text}).",
            "Check the port, and whether encrypt matches the server (strict needs TDS 8).",
        )
    return (f"{stage.value}: {text}.", "Check the settings for this stage.")


__all__ = [
    "ENGINE_EDITIONS",
    "WRITE_PERMISSIONS",
    "Limits",
    "Stage",
    "StageProblem",
    "StageResult",
    "StageStatus",
    "TestReport",
    "run_connection_test",
    "table_exists",
]

"""The AzureSqlDW "Test connection" against a fake TDS peer on 127.0.0.1 (no SQL Server
runs here): every stage, the checks after login, and misbehaving peers within deadlines."""

from __future__ import annotations

import time
from typing import Any

import pytest

from connectors.azuresqldw.diagnostics import Limits, StageStatus, run_connection_test
from connectors.azuresqldw.settings import SqlPoolSettings
from connectors.base import TestOptions
from connectors.net_policy import AddressPolicy
from connectors.registry import get_connector
from tests.fake_server import FakeServer, silent
from tests.fake_tds import PoolBehaviour, fake_pool

LOOPBACK = AddressPolicy(allow_loopback=True)
PASSWORD = "S3cret-ñ!"


def settings(port: int, **changes: Any) -> SqlPoolSettings:
    values: dict[str, Any] = {
        "host": "localhost",
        "port": port,
        "database": "salesdw",
        "authentication": "SQL",
        "user": "loader",
        "password": PASSWORD,
    }
    values.update(changes)
    return SqlPoolSettings(**values)


def run(behaviour: PoolBehaviour, pki: Any, *, deadline: float = 10.0, **changes: Any) -> Any:
    with fake_pool(behaviour, pki) as server:
        return run_connection_test(
            settings(server.port, **changes),
            address_policy=LOOPBACK,
            limits=Limits(connect_timeout_s=2, deadline_s=deadline),
            ca_certificate=pki.ca_pem.read_text(),
        )


def statuses(report: Any) -> dict[str, str]:
    return {s.name: s.status.value for s in report.stages}


def test_every_stage_passes_against_a_dedicated_pool_with_sql_authentication(pki: Any) -> None:
    behaviour = PoolBehaviour()
    report = run(behaviour, pki)
    assert report.ok, [(s.name, s.detail, s.observed) for s in report.stages]
    assert set(statuses(report).values()) == {"passed"}
    assert report.server_version == "12.0.2000.8"
    assert report.engine_edition == 6
    tls = report.stage("TLS handshake").detail
    assert "inside TDS pre-login" in tls and "name localhost matches" in tls
    assert report.certificate is not None
    login = behaviour.seen_logins[0]
    assert login == {
        "user": "loader",
        "password": PASSWORD,
        "database": "salesdw",
        "tds_version": "0x74000004",
    }
    assert "SELECT 1" in behaviour.seen_queries
    assert PASSWORD not in str(report.to_dict())


def test_strict_encryption_runs_tls_first_then_tds_inside_it(pki: Any) -> None:
    report = run(PoolBehaviour(strict=True), pki, encrypt="strict")
    assert report.ok, [(s.name, s.detail, s.observed) for s in report.stages]
    names = [s.name for s in report.stages]
    assert names.index("TLS handshake") < names.index("TDS pre-login")
    assert "TDS 8.0, ALPN tds/8.0" in report.stage("TLS handshake").detail


def test_optional_encryption_with_encrypt_off_encrypts_only_the_login(pki: Any) -> None:
    behaviour = PoolBehaviour(encryption=0)
    report = run(behaviour, pki, encrypt="optional")
    assert report.ok, [(s.name, s.detail, s.observed) for s in report.stages]
    assert "login packet only" in report.stage("TLS handshake").detail
    assert behaviour.seen_logins[0]["password"] == PASSWORD


def test_a_server_without_encryption_fails_the_pre_login_when_encrypt_is_mandatory(
    pki: Any,
) -> None:
    report = run(PoolBehaviour(encryption=2), pki)
    failed = report.first_failure
    assert failed is not None and failed.name == "TDS pre-login"
    assert "ENCRYPT_NOT_SUP" in failed.observed
    assert statuses(report)["Login"] == "skipped"


def test_an_untrusted_certificate_fails_the_tls_stage_unless_trusted(pki: Any) -> None:
    with fake_pool(PoolBehaviour(), pki) as server:
        report = run_connection_test(
            settings(server.port),
            address_policy=LOOPBACK,
            limits=Limits(connect_timeout_s=2, deadline_s=10),
        )
        trusted = run_connection_test(
            settings(server.port, trust_server_certificate=True),
            address_policy=LOOPBACK,
            limits=Limits(connect_timeout_s=2, deadline_s=10),
        )
    failed = report.first_failure
    assert failed is not None and failed.name == "TLS handshake"
    assert "Certificate verification failed" in failed.observed
    assert "trustServerCertificate" in failed.change
    assert trusted.ok, [(s.name, s.detail, s.observed) for s in trusted.stages]
    assert "not checked" in trusted.stage("TLS handshake").detail


def test_host_name_in_certificate_is_the_name_checked(pki: Any) -> None:
    report = run(PoolBehaviour(), pki, host_name_in_certificate="pool.example.com")
    failed = report.first_failure
    assert failed is not None and failed.name == "TLS handshake"
    assert "not pool.example.com" in failed.observed
    assert "hostNameInCertificate" in failed.change


@pytest.mark.parametrize(
    ("state", "meaning"),
    [
        (8, "the password is wrong"),
        (5, "the user name does not exist"),
        (38, "cannot open the database"),
        (1, "the server does not say why"),
    ],
)
def test_a_failed_login_explains_error_18456_and_its_state(
    pki: Any, state: int, meaning: str
) -> None:
    report = run(PoolBehaviour(login_error_state=state), pki, password="wrong")
    failed = report.first_failure
    assert failed is not None and failed.name == "Login"
    assert f"error 18456, state {state}" in failed.observed
    assert meaning in failed.observed
    assert "Login failed for user 'loader'" in failed.observed
    assert statuses(report)["SELECT 1"] == "skipped"
    assert "wrong" not in str(report.to_dict()).replace("password is wrong", "")


def test_a_serverless_pool_is_named_as_such(pki: Any) -> None:
    report = run(PoolBehaviour(engine_edition=11), pki)
    stage = report.stage("Dedicated SQL pool")
    assert stage.status == StageStatus.FAILED
    assert "serverless" in stage.observed and "-ondemand" in stage.change
    # The other checks still run.
    assert statuses(report)["db_exporter membership"] == "passed"


def test_a_user_outside_db_exporter_gets_the_t_sql_that_adds_it(pki: Any) -> None:
    report = run(PoolBehaviour(exporter=0), pki)
    stage = report.stage("db_exporter membership")
    assert stage.status == StageStatus.FAILED
    assert stage.change == "Run in the SQL pool: EXEC sp_addrolemember 'db_exporter', 'loader';"


def test_missing_write_permissions_are_named_with_their_grants(pki: Any) -> None:
    report = run(PoolBehaviour(permissions=(), schema_permissions=("INSERT",)), pki)
    stage = report.stage("Write permissions")
    assert stage.status == StageStatus.FAILED
    assert "CREATE TABLE, ALTER, ADMINISTER DATABASE BULK OPERATIONS" in stage.observed
    assert stage.change == (
        "Run in the SQL pool: GRANT CREATE TABLE TO [loader]; GRANT ALTER ON SCHEMA::[dbo] "
        "TO [loader]; GRANT ADMINISTER DATABASE BULK OPERATIONS TO [loader];"
    )


def test_entra_id_methods_still_run_the_network_and_tls_stages(pki: Any) -> None:
    behaviour = PoolBehaviour()
    report = run(behaviour, pki, authentication="SystemAssignedManagedIdentity", password=None)
    got = statuses(report)
    assert got["TLS handshake"] == "passed" and got["TDS pre-login"] == "passed"
    assert got["Login"] == "skipped"
    assert "cannot get" in report.stage("Login").detail
    assert behaviour.seen_logins == []


def test_a_silent_peer_fails_within_the_deadline() -> None:
    with FakeServer(silent) as server:
        started = time.monotonic()
        report = run_connection_test(
            settings(server.port),
            address_policy=LOOPBACK,
            limits=Limits(connect_timeout_s=1, deadline_s=1.5),
        )
    assert time.monotonic() - started < 15  # the deadline ends it; a wide margin
    failed = report.first_failure
    assert failed is not None and failed.name == "TDS pre-login"
    assert "deadline" in failed.detail


@pytest.mark.parametrize(
    ("misbehave", "stage", "words"),
    [
        ("garbage_prelogin", "TDS pre-login", "not a SQL Server TDS answer"),
        ("wrong_packet_type", "TDS pre-login", "type 0x04"),
        ("huge_login_token", "Login", "2147483647 bytes"),
        ("endless", "Login", "without ending"),
        ("garbage_loginack", "Login", "LOGINACK"),
    ],
)
def test_a_misbehaving_peer_gets_a_clear_message_at_its_stage(
    pki: Any, misbehave: str, stage: str, words: str
) -> None:
    started = time.monotonic()
    report = run(PoolBehaviour(misbehave=misbehave), pki, deadline=5)
    assert time.monotonic() - started < 20  # the deadline ends it; a wide margin
    failed = report.first_failure
    assert failed is not None and failed.name == stage, (failed, report.stages)
    assert words in failed.detail, failed.detail
    assert failed.change


def test_loopback_is_refused_by_the_default_policy() -> None:
    report = run_connection_test(settings(1433), limits=Limits(deadline_s=2))
    failed = report.first_failure
    assert failed is not None and failed.name == "Resolve host"
    assert "may not connect" in failed.observed


def test_the_connector_refuses_key_vault_passwords_and_expressions_before_the_network() -> None:
    connector = get_connector("AzureSqlDW")
    assert connector.test_connection is not None
    options = TestOptions(address_policy=LOOPBACK, deadline_s=2)
    tp = {
        "server": "localhost",
        "database": "@{linkedService().DBName}",
        "authenticationType": "SQL",
        "userName": "loader",
        "password": {
            "type": "AzureKeyVaultSecret",
            "store": {"referenceName": "kv", "type": "LinkedServiceReference"},
            "secretName": "pw",
        },
    }
    report = connector.test_connection(connector.version("recommended"), tp, options)
    first = report["stages"][0]
    assert first["name"] == "Check settings" and first["status"] == "failed"
    assert "database is the ADF expression" in first["observed"]
    assert "Azure Key Vault secret 'pw'" in first["observed"]


def test_a_legacy_connection_string_is_read_for_the_test(pki: Any) -> None:
    connector = get_connector("AzureSqlDW")
    assert connector.test_connection is not None
    behaviour = PoolBehaviour()
    with fake_pool(behaviour, pki) as server:
        conn = (
            f"Server=tcp:localhost,{server.port};Initial Catalog=salesdw;User ID=loader;"
            "Encrypt=True;Connection Timeout=30"
        )
        tp = {"connectionString": conn, "password": {"type": "SecureString", "value": PASSWORD}}
        options = TestOptions(
            address_policy=LOOPBACK, deadline_s=10, ca_certificate=pki.ca_pem.read_text()
        )
        report = connector.test_connection(connector.version("legacy"), tp, options)
    assert report["ok"], report["stages"]
    assert behaviour.seen_logins[0]["database"] == "salesdw"

"""The legacy shape's conversion to the recommended one: every connection-string key read
into its property, the authentication inferred, what cannot be read asked for, and what has
no place blocking the conversion, named."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.registry import get_connector
from connectors.secret_targets import target_of
from connectors.upgrade import plan_connector_upgrade

CONNECTOR = get_connector("AzureSqlDW")
KV = {
    "type": "AzureKeyVaultSecret",
    "store": {"referenceName": "kv", "type": "LinkedServiceReference"},
    "secretName": "pw",
}


def legacy(conn: Any, **tp: Any) -> dict[str, Any]:
    return {
        "annotations": ["prod"],
        "type": "AzureSqlDW",
        "typeProperties": {"connectionString": conn, **tp},
        "connectVia": {"referenceName": "SelfHostedIR", "type": "IntegrationRuntimeReference"},
    }


def test_sql_authentication_is_read_from_the_connection_string() -> None:
    conn = (
        "Data Source=tcp:contoso-dw.database.windows.net,1433;Initial Catalog=salesdw;"
        "User ID=loader;Encrypt=True;TrustServerCertificate=False;Connection Timeout=30;"
        "Pooling=false;Max Pool Size=50"
    )
    source = legacy(conn, password=KV)
    plan = plan_connector_upgrade(CONNECTOR, source)
    assert plan.verdict == "ready", plan.as_dict()
    assert plan.proposed == {
        "annotations": ["prod"],
        "type": "AzureSqlDW",
        "typeProperties": {
            "server": "contoso-dw.database.windows.net",
            "database": "salesdw",
            "encrypt": "mandatory",
            "trustServerCertificate": False,
            "authenticationType": "SQL",
            "userName": "loader",
            "password": KV,
            "connectTimeout": 30,
            "maxPoolSize": 50,
            "pooling": False,
        },
        "connectVia": {"referenceName": "SelfHostedIR", "type": "IntegrationRuntimeReference"},
    }
    assert CONNECTOR.version_of(plan.proposed) == "recommended"
    # The secrets go where they went: no retyping.
    assert target_of(plan.proposed) == target_of(source)


def test_service_principal_and_managed_identities_are_inferred() -> None:
    conn = "Server=tcp:dw.database.windows.net,1433;Database=salesdw;Connection Timeout=30"
    sp = plan_connector_upgrade(
        CONNECTOR,
        legacy(
            conn,
            servicePrincipalId="app",
            servicePrincipalKey={"type": "SecureString", "value": "k"},
            tenant="contoso.onmicrosoft.com",
        ),
    )
    assert sp.verdict == "ready", sp.as_dict()
    tp = (sp.proposed or {})["typeProperties"]
    assert tp["authenticationType"] == "ServicePrincipal"
    assert tp["servicePrincipalKey"] == {"type": "SecureString", "value": "k"}
    system = plan_connector_upgrade(CONNECTOR, legacy(conn))
    assert (system.proposed or {})["typeProperties"]["authenticationType"] == (
        "SystemAssignedManagedIdentity"
    )
    user = plan_connector_upgrade(
        CONNECTOR, legacy(conn, credential={"referenceName": "c1", "type": "CredentialReference"})
    )
    assert user.verdict == "ready"
    assert (user.proposed or {})["typeProperties"]["authenticationType"] == (
        "UserAssignedManagedIdentity"
    )


def test_a_secure_connection_string_asks_for_server_database_and_authentication() -> None:
    source = legacy({"type": "SecureString", "secretId": 4})
    plan = plan_connector_upgrade(CONNECTOR, source)
    assert plan.verdict == "needs-decisions"
    assert set(plan.pending) == {"server", "database", "authenticationType"}
    answers = {
        "server": "dw.database.windows.net",
        "database": "salesdw",
        "authenticationType": "SQL",
    }
    plan = plan_connector_upgrade(CONNECTOR, source, answers)
    assert set(plan.pending) == {"userName", "password"}
    plan = plan_connector_upgrade(
        CONNECTOR,
        source,
        {**answers, "userName": "loader", "password": {"type": "SecureString", "value": "p"}},
    )
    assert plan.verdict == "ready", plan.as_dict()
    finding = plan.findings[0]
    assert finding.dropped and finding.severity == "warning"
    assert "connectionString" not in (plan.proposed or {})["typeProperties"]


@pytest.mark.parametrize(
    ("conn", "words"),
    [
        ("Server=tcp:dw.database.windows.net,1444;Database=d", "port 1444"),
        (
            "Server=dw.database.windows.net;Database=d;Column Encryption Setting=Enabled",
            "column encryption setting",
        ),
        (
            "Server=dw.database.windows.net;Database=d;Connection Timeout=soon",
            "connectTimeout=soon",
        ),
        ("Server=dw\\inst;Database=d", "instance"),
    ],
)
def test_what_the_recommended_shape_cannot_hold_blocks_naming_it(conn: str, words: str) -> None:
    plan = plan_connector_upgrade(CONNECTOR, legacy(conn))
    assert plan.verdict == "blocked"
    assert any(words in reason for reason in plan.blocked), plan.blocked


def test_only_legacy_definitions_are_converted() -> None:
    recommended = {
        "type": "AzureSqlDW",
        "typeProperties": {"server": "s", "database": "d", "authenticationType": "SQL"},
    }
    plan = plan_connector_upgrade(CONNECTOR, recommended)
    assert plan.verdict == "blocked" and "Only" in plan.blocked[0]

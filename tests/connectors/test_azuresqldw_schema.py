"""Every property row of the facts sheet's AzureSqlDW tables (sections 1.2 and 1.3), both
shapes: allowed values pass, wrong ones are refused at their field, defaults as documented."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from connectors import formspec
from connectors.azuresqldw.shape import LEGACY, RECOMMENDED
from connectors.registry import get_connector
from connectors.validation import validate_properties
from tests.fixture_secrets import SQL_POOL_PASSWORD

CONNECTOR = get_connector("AzureSqlDW")
KV = {
    "type": "AzureKeyVaultSecret",
    "store": {"referenceName": "kv", "type": "LinkedServiceReference"},
    "secretName": "sqlpw",
}
SECURE = {"type": "SecureString", "value": SQL_POOL_PASSWORD}
EXPR = {"type": "Expression", "value": "@linkedService().x"}
CONN = "Server=tcp:myserver.database.windows.net,1433;Database=mypool;Encrypt=True"


def legacy(**tp: Any) -> dict[str, Any]:
    return {"type": "AzureSqlDW", "typeProperties": {"connectionString": CONN, **tp}}


def recommended(**tp: Any) -> dict[str, Any]:
    base = {
        "server": "myws.sql.azuresynapse.net",
        "database": "mypool",
        "authenticationType": "SQL",
        "userName": "loader",
        "password": KV,
    }
    base.update(tp)
    return {
        "type": "AzureSqlDW",
        "typeProperties": {k: v for k, v in base.items() if v is not None},
    }


def paths(version: str, properties: dict[str, Any]) -> set[str]:
    return {p.path for p in validate_properties(CONNECTOR.version(version), properties)}


def test_both_shapes_are_versions_of_one_connector_in_the_registry() -> None:
    assert CONNECTOR.title == "Azure Synapse Analytics"
    assert set(CONNECTOR.versions) == {LEGACY, RECOMMENDED}
    assert CONNECTOR.default_version == RECOMMENDED
    assert CONNECTOR.version_of(legacy()) == LEGACY
    assert CONNECTOR.version_of(recommended()) == RECOMMENDED
    assert CONNECTOR.version(LEGACY).support_badge == "legacy"
    assert "recommended shape" in CONNECTOR.version(LEGACY).support_note
    assert CONNECTOR.version(LEGACY).label == "legacy"


def test_a_version_string_does_not_decide_the_shape() -> None:
    assert CONNECTOR.version_of({**legacy(), "version": "1.0"}) == LEGACY
    assert paths(LEGACY, {**legacy(), "version": "1.0"}) == set()


# --- legacy shape (1.3) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [CONN, SECURE | {"value": CONN + ";Password=x"}, KV, "@{linkedService().cs}", EXPR],
)
def test_legacy_connection_string_takes_text_secure_string_key_vault_or_expression(
    value: Any,
) -> None:
    assert paths(LEGACY, legacy(connectionString=value)) == set()


def test_legacy_connection_string_is_required() -> None:
    props = {"type": "AzureSqlDW", "typeProperties": {"tenant": "x"}}
    assert paths(LEGACY, props) == {"$.properties.typeProperties.connectionString"}


@pytest.mark.parametrize("value", [42, "", {"type": "SecureString"}])
def test_legacy_connection_string_refuses_other_values(value: Any) -> None:
    assert any(
        p.startswith("$.properties.typeProperties.connectionString")
        for p in paths(LEGACY, legacy(connectionString=value))
    )


def test_legacy_password_is_a_secure_string_or_key_vault_secret() -> None:
    assert paths(LEGACY, legacy(password=KV)) == set()
    assert paths(LEGACY, legacy(password=SECURE)) == set()
    assert paths(LEGACY, legacy(password="plain")) != set()


def test_legacy_service_principal_needs_id_key_and_tenant() -> None:
    ok = legacy(servicePrincipalId="app", servicePrincipalKey=SECURE, tenant="contoso.com")
    assert paths(LEGACY, ok) == set()
    assert (
        paths(LEGACY, legacy(servicePrincipalId="app", servicePrincipalKey=KV, tenant="t")) == set()
    )
    missing = paths(LEGACY, legacy(servicePrincipalId="app"))
    assert missing, missing


@pytest.mark.parametrize(
    "cloud", ["AzurePublic", "AzureChina", "AzureUsGovernment", "AzureGermany"]
)
def test_azure_cloud_type_takes_the_four_clouds(cloud: str) -> None:
    props = legacy(
        servicePrincipalId="a", servicePrincipalKey=SECURE, tenant="t", azureCloudType=cloud
    )
    assert paths(LEGACY, props) == set()
    assert paths(RECOMMENDED, recommended(azureCloudType=cloud)) == set()


def test_azure_cloud_type_refuses_another_cloud() -> None:
    assert paths(LEGACY, legacy(azureCloudType="AzureMoon"))


def test_user_assigned_identity_takes_a_credential_reference() -> None:
    cred = {"referenceName": "credential1", "type": "CredentialReference"}
    assert paths(LEGACY, legacy(credential=cred)) == set()
    assert paths(LEGACY, legacy(credential={"referenceName": "c", "type": "Other"}))
    rec = recommended(
        authenticationType="UserAssignedManagedIdentity", userName=None, password=None
    )
    assert paths(RECOMMENDED, rec) == {"$.properties.typeProperties.credential"}
    rec["typeProperties"]["credential"] = cred
    assert paths(RECOMMENDED, rec) == set()


def test_system_assigned_identity_needs_nothing_but_the_connection() -> None:
    assert paths(LEGACY, legacy()) == set()
    rec = recommended(
        authenticationType="SystemAssignedManagedIdentity", userName=None, password=None
    )
    assert paths(RECOMMENDED, rec) == set()


def test_encrypted_credential_is_kept_as_adf_wrote_it() -> None:
    assert paths(LEGACY, legacy(encryptedCredential="ZXhhbXBsZQ==")) == set()
    assert paths(LEGACY, legacy(encryptedCredential="not base64!"))
    # In the recommended shape it stands in for the SQL password.
    rec = recommended(password=None, encryptedCredential="ZXhhbXBsZQ==")
    assert paths(RECOMMENDED, rec) == set()


def test_unknown_properties_are_refused_in_both_shapes() -> None:
    assert paths(LEGACY, legacy(server="x"))
    assert paths(RECOMMENDED, recommended(alwaysEncryptedSettings={}))


# --- recommended shape (1.2) --------------------------------------------------------------


@pytest.mark.parametrize("missing", ["server", "database"])
def test_recommended_server_and_database_are_required(missing: str) -> None:
    assert paths(RECOMMENDED, recommended(**{missing: None}))


def test_recommended_authentication_type_values_and_default() -> None:
    spec = {s.name: s for s in formspec.field_specs(CONNECTOR.version(RECOMMENDED))}
    assert spec["authenticationType"].choices == (
        "SQL",
        "ServicePrincipal",
        "SystemAssignedManagedIdentity",
        "UserAssignedManagedIdentity",
    )
    assert spec["authenticationType"].default == "SQL"
    assert paths(RECOMMENDED, recommended(authenticationType="Windows"))
    # authenticationType is a plain string enum, not an expression.
    assert paths(RECOMMENDED, recommended(authenticationType=EXPR))


@pytest.mark.parametrize(
    "value", ["true", "yes", "mandatory", "false", "no", "optional", "strict", EXPR]
)
def test_encrypt_takes_its_documented_words_or_an_expression(value: Any) -> None:
    assert paths(RECOMMENDED, recommended(encrypt=value)) == set()


@pytest.mark.parametrize("value", ["sometimes", True])
def test_encrypt_refuses_other_values(value: Any) -> None:
    assert paths(RECOMMENDED, recommended(encrypt=value))


def test_encrypt_defaults_to_mandatory_and_trust_server_certificate_to_false() -> None:
    defaults = formspec.defaults(CONNECTOR.version(RECOMMENDED))
    assert defaults["encrypt"] == "mandatory"
    assert defaults["trustServerCertificate"] is False


@pytest.mark.parametrize(
    "name",
    [
        "trustServerCertificate",
        "integratedSecurity",
        "multipleActiveResultSets",
        "multiSubnetFailover",
        "pooling",
    ],
)
def test_boolean_properties_take_a_boolean_or_an_expression(name: str) -> None:
    assert paths(RECOMMENDED, recommended(**{name: True})) == set()
    assert paths(RECOMMENDED, recommended(**{name: EXPR})) == set()
    assert paths(RECOMMENDED, recommended(**{name: "maybe"}))


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("connectRetryCount", [0, 255], [-1, 256]),
        ("connectRetryInterval", [1, 60], [0, 61]),
        ("connectTimeout", [0, 30], [-1]),
        ("loadBalanceTimeout", [0], [-5]),
        ("commandTimeout", [120], [-1]),
        ("maxPoolSize", [100], [0]),
        ("minPoolSize", [0], [-1]),
        ("packetSize", [512, 32768], [100, 40000]),
    ],
)
def test_integer_properties_keep_their_ranges(name: str, good: list[int], bad: list[int]) -> None:
    for value in good:
        assert paths(RECOMMENDED, recommended(**{name: value})) == set(), value
    for value in bad:
        assert paths(RECOMMENDED, recommended(**{name: value})), value
    assert paths(RECOMMENDED, recommended(**{name: EXPR})) == set()
    assert paths(RECOMMENDED, recommended(**{name: "ten"}))


@pytest.mark.parametrize("value", ["ReadOnly", "ReadWrite"])
def test_application_intent_takes_read_only_or_read_write(value: str) -> None:
    assert paths(RECOMMENDED, recommended(applicationIntent=value)) == set()
    assert paths(RECOMMENDED, recommended(applicationIntent="Write"))


def test_host_name_in_certificate_and_failover_partner_are_text_or_expression() -> None:
    assert (
        paths(
            RECOMMENDED,
            recommended(hostNameInCertificate="*.sql.azuresynapse.net", failoverPartner="b"),
        )
        == set()
    )
    assert paths(RECOMMENDED, recommended(hostNameInCertificate=EXPR)) == set()


def test_sql_authentication_needs_user_name_and_password() -> None:
    assert paths(RECOMMENDED, recommended(userName=None))
    assert paths(RECOMMENDED, recommended(password=None))
    assert paths(RECOMMENDED, recommended(password=SECURE)) == set()


def test_service_principal_with_key_or_certificate() -> None:
    base = dict(
        authenticationType="ServicePrincipal",
        userName=None,
        password=None,
        servicePrincipalId="app",
        tenant="t",
    )
    key = recommended(
        **base,
        servicePrincipalCredentialType="ServicePrincipalKey",
        servicePrincipalCredential=SECURE,
    )
    assert paths(RECOMMENDED, key) == set()
    cert_kv = recommended(
        **base, servicePrincipalCredentialType="ServicePrincipalCert", servicePrincipalCredential=KV
    )
    assert paths(RECOMMENDED, cert_kv) == set()
    cert_secure = recommended(
        **base,
        servicePrincipalCredentialType="ServicePrincipalCert",
        servicePrincipalCredential=SECURE,
    )
    assert any("servicePrincipalCredential" in p for p in paths(RECOMMENDED, cert_secure))
    older = recommended(**base, servicePrincipalKey=SECURE)
    assert paths(RECOMMENDED, older) == set()
    assert paths(RECOMMENDED, recommended(**base))  # no key at all
    assert paths(RECOMMENDED, recommended(**base, servicePrincipalCredentialType="Password"))


def test_workspace_default_linked_service_database_expression_is_accepted() -> None:
    props = recommended(database="@{linkedService().DBName}")
    props["parameters"] = {"DBName": {"type": "String"}}
    assert paths(RECOMMENDED, props) == set()


def test_the_form_holds_every_property_of_the_schema_once() -> None:
    for version in CONNECTOR.versions.values():
        names = [s.name for s in formspec.field_specs(version)]
        assert len(names) == len(set(names))
        assert set(names) == set(version.type_properties_schema["properties"])
    legacy_specs = {s.name: s for s in formspec.field_specs(CONNECTOR.version(LEGACY))}
    assert legacy_specs["connectionString"].widget == "secret"
    assert legacy_specs["credential"].widget == "reference"
    assert legacy_specs["encryptedCredential"].widget == "held"


def test_documented_examples_fit_their_shape() -> None:
    # The facts sheet's 1.4 shapes.
    sp = recommended(
        authenticationType="ServicePrincipal",
        userName=None,
        password=None,
        servicePrincipalId="app",
        servicePrincipalCredentialType="ServicePrincipalKey",
        servicePrincipalCredential=SECURE,
        tenant="t",
        azureCloudType="AzurePublic",
        encrypt="mandatory",
        trustServerCertificate=False,
        hostNameInCertificate="*.sql.azuresynapse.net",
    )
    assert paths(RECOMMENDED, copy.deepcopy(sp)) == set()


@pytest.mark.parametrize("conn", [CONN + ";Password=x", "PWD = y;" + CONN, CONN + "; password=z"])
def test_a_plain_text_connection_string_may_not_hold_a_password(conn: str) -> None:
    problems = validate_properties(CONNECTOR.version(LEGACY), legacy(connectionString=conn))
    assert [p.path for p in problems] == ["$.properties.typeProperties.connectionString"]
    assert "password in plain text" in problems[0].message
    secure = legacy(connectionString={"type": "SecureString", "value": conn})
    assert paths(LEGACY, secure) == set()

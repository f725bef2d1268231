"""Where an AzureSqlDW secret goes: server and port, database, TLS settings, the tenant and
cloud of a service principal, the integration runtime; read alike from both shapes."""

from __future__ import annotations

from connectors.secret_binding import changed_properties
from connectors.secret_targets import target_of

CONN = "Server=tcp:contoso-dw.database.windows.net,1433;Database=salesdw;Encrypt=True"


def legacy(conn: str = CONN, **extra: object) -> dict:
    return {"type": "AzureSqlDW", "typeProperties": {"connectionString": conn, **extra}}


def recommended(**tp: object) -> dict:
    base = {"server": "contoso-dw.database.windows.net", "database": "salesdw"}
    base.update(tp)
    return {"type": "AzureSqlDW", "typeProperties": {**base, "authenticationType": "SQL"}}


def test_the_target_names_every_property_that_decides_where_a_secret_goes() -> None:
    assert list(target_of(recommended())) == [
        "server",
        "port",
        "database",
        "encrypt",
        "trustServerCertificate",
        "hostNameInCertificate",
        "tenant",
        "azureCloudType",
        "connectVia",
    ]


def test_both_shapes_of_the_same_server_have_the_same_target() -> None:
    assert target_of(legacy()) == target_of(recommended())
    synonyms = "Data Source=tcp:CONTOSO-DW.database.windows.net;Initial Catalog=salesdw;Encrypt=yes"
    assert target_of(legacy(synonyms)) == target_of(recommended(encrypt="true"))


def test_another_host_port_database_or_tls_setting_is_another_target() -> None:
    base = target_of(legacy())
    assert changed_properties(base, target_of(legacy(CONN.replace("contoso-dw", "evil")))) == [
        "server"
    ]
    assert changed_properties(base, target_of(legacy(CONN.replace("1433", "1444")))) == ["port"]
    assert changed_properties(base, target_of(recommended(database="other"))) == ["database"]
    assert changed_properties(base, target_of(recommended(encrypt="optional"))) == ["encrypt"]
    assert changed_properties(base, target_of(recommended(trustServerCertificate=True))) == [
        "trustServerCertificate"
    ]
    assert changed_properties(base, target_of(legacy(tenant="other.onmicrosoft.com"))) == ["tenant"]
    runtime = {
        **legacy(),
        "connectVia": {"referenceName": "ir", "type": "IntegrationRuntimeReference"},
    }
    assert changed_properties(base, target_of(runtime)) == ["connectVia"]


def test_a_stored_secure_connection_string_is_its_own_target() -> None:
    stored = legacy({"type": "SecureString", "secretId": 7})  # type: ignore[arg-type]
    assert target_of(stored)["server"] == "stored secure connection string #7"
    typed = legacy({"type": "SecureString", "value": CONN})  # type: ignore[arg-type]
    assert target_of(typed) == target_of(legacy())


def test_an_expression_host_brings_the_parameter_defaults_into_the_target() -> None:
    props = recommended(server="@{linkedService().host}")
    props["parameters"] = {"host": {"type": "String", "defaultValue": "a.example.com"}}
    assert target_of(props)["parameters"] == {"host": "a.example.com"}

"""manage.py transfer_plan: the notebook route with --spark-pool, the Copy activity route with
--spark, JSON output, and a non-zero exit status when the plan has a blocking problem."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from portal.definitions import save_definition
from portal.models import Factory

pytestmark = pytest.mark.django_db

KV = {
    "type": "AzureKeyVaultSecret",
    "store": {"referenceName": "KeyVault", "type": "LinkedServiceReference"},
    "secretName": "sqlpool-loader",
}


def save(editor: Any, kind: str, name: str, properties: dict[str, Any]) -> None:
    save_definition(user=editor, name=name, properties=properties, action="create", kind=kind)


@pytest.fixture
def resources(editor: Any) -> None:
    save(
        editor,
        "linkedService",
        "KeyVault",
        {
            "type": "AzureKeyVault",
            "typeProperties": {"baseUrl": "https://contoso-kv.vault.azure.net/"},
        },
    )
    save(
        editor,
        "linkedService",
        "OutsidePool",
        {
            "annotations": [],
            "type": "AzureSqlDW",
            "typeProperties": {
                "server": "contoso-dw.database.windows.net",
                "database": "salesdw",
                "authenticationType": "SQL",
                "userName": "loader",
                "password": KV,
            },
        },
    )
    save(
        editor,
        "linkedService",
        "WorkspacePool",
        {
            "annotations": [],
            "type": "AzureSqlDW",
            "typeProperties": {
                "connectionString": (
                    "Server=tcp:contosows.sql.azuresynapse.net,1433;Database=salesdw"
                ),
            },
        },
    )
    save(
        editor,
        "linkedService",
        "ServerlessPool",
        {
            "annotations": [],
            "type": "AzureSqlDW",
            "typeProperties": {
                "server": "contosows-ondemand.sql.azuresynapse.net",
                "database": "salesdw",
                "authenticationType": "SystemAssignedManagedIdentity",
            },
        },
    )
    save(
        editor,
        "linkedService",
        "HDInsightSpark",
        {
            "annotations": [],
            "type": "Spark",
            "version": "2.0",
            "typeProperties": {
                # The designer reads a Spark table's columns live: a loopback address the default
                # network policy refuses keeps these tests off the network (no DNS, no connect).
                "host": "127.0.0.1",
                "port": 443,
                "authenticationType": "Anonymous",
            },
        },
    )
    save(
        editor,
        "dataset",
        "SalesSpark",
        {
            "linkedServiceName": {
                "referenceName": "HDInsightSpark",
                "type": "LinkedServiceReference",
            },
            "type": "SparkObject",
            "schema": [
                {"name": "id", "type": "bigint"},
                {"name": "tags", "type": "array<string>"},
            ],
            "typeProperties": {"schema": "lake", "table": "sales"},
        },
    )


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("transfer_plan", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_a_write_from_a_synapse_spark_pool_prints_the_code_and_exits_zero(resources: None) -> None:
    status, text = run(
        "--pool",
        "WorkspacePool",
        "--table",
        "salesdw.dbo.Sales",
        "--direction",
        "write",
        "--spark-pool",
        "contosows/etlpool",
        "--source",
        "lake.sales",
    )
    assert status == 0, text
    assert "Notebook route" in text
    assert 'df.write.\n  sqlanalytics("salesdw.dbo.Sales", Constants.INTERNAL)' in text
    assert "CREATE USER [contosows] FROM EXTERNAL PROVIDER;" in text
    assert "No blocking problem." in text


def test_a_pool_outside_the_workspace_uses_sql_auth_and_the_key_vault_secret(
    resources: None,
) -> None:
    status, text = run(
        "--pool",
        "OutsidePool",
        "--table",
        "salesdw.dbo.Sales",
        "--direction",
        "write",
        "--spark-pool",
        "contosows/etlpool",
        "--source",
        "lake.sales",
        "--json",
    )
    assert status == 0, text
    plan = json.loads(text)
    assert plan["request"]["inside_workspace"] is False
    scala = plan["outputs"]["scala_synapsesql"]
    assert 'getSecret("contoso-kv", "sqlpool-loader", "KeyVault")' in scala
    assert 'option(Constants.USER, "loader")' in scala


def test_a_serverless_pool_is_a_blocking_problem_and_exits_one(resources: None) -> None:
    status, text = run(
        "--pool",
        "ServerlessPool",
        "--table",
        "salesdw.dbo.Sales",
        "--direction",
        "read",
        "--spark-pool",
        "contosows/etlpool",
    )
    assert status == 1
    assert "BLOCKING [server]" in text and "serverless" in text


def test_the_spark_linked_service_route_plans_a_copy_activity_from_the_dataset(
    resources: None,
) -> None:
    status, text = run(
        "--pool",
        "OutsidePool",
        "--table",
        "salesdw.dbo.Sales",
        "--direction",
        "write",
        "--spark",
        "HDInsightSpark",
        "--source",
        "SalesSpark",
        "--json",
    )
    plan = json.loads(text)
    # No staging linked service is named on the command line, and a column is an array.
    assert status == 1
    fields = {p["field"] for p in plan["problems"]}
    assert fields == {"staging_linked_service", "column:tags"}
    activity = plan["copy_activity"]
    assert activity["typeProperties"]["source"] == {"type": "SparkSource"}
    assert activity["typeProperties"]["sink"]["type"] == "SqlDWSink"
    assert activity["inputs"][0]["referenceName"] == "SalesSpark"
    assert [c["column"] for c in plan["columns"]] == ["id", "tags"]


def test_a_bad_table_name_is_named_at_the_table(resources: None) -> None:
    status, text = run(
        "--pool",
        "WorkspacePool",
        "--table",
        "dbo.Sales",
        "--direction",
        "write",
        "--spark-pool",
        "contosows/etlpool",
    )
    assert status == 1 and "BLOCKING [table]" in text and "DATABASE.SCHEMA.TABLE" in text


def test_an_unknown_pool_or_one_without_a_designer_is_refused(resources: None) -> None:
    with pytest.raises(CommandError, match="No linked service named 'Nope'"):
        run("--pool", "Nope", "--table", "a.b.c", "--direction", "read", "--spark-pool", "w/p")
    with pytest.raises(CommandError, match="no transfer designer"):
        run(
            "--pool",
            "HDInsightSpark",
            "--table",
            "a.b.c",
            "--direction",
            "read",
            "--spark-pool",
            "w/p",
        )


def test_the_factory_option_is_honoured(resources: None) -> None:
    Factory.objects.create(name="other")
    with pytest.raises(CommandError, match="No linked service"):
        run(
            "--pool",
            "OutsidePool",
            "--table",
            "a.b.c",
            "--direction",
            "read",
            "--spark-pool",
            "w/p",
            "--factory",
            "other",
        )


def test_the_api_gives_the_same_plan_as_the_command(resources: None, reader: Any) -> None:
    from portal.models import Factory
    from tests.conftest import api_for

    factory = Factory.default().name
    client = api_for(reader)
    url = f"/api/v1/factories/{factory}/transfer-plan"
    query = {
        "pool": "OutsidePool",
        "table": "salesdw.dbo.Sales",
        "direction": "write",
        "sparkPool": "contosows/etlpool",
        "source": "lake.sales",
    }
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    status, text = run(
        "--pool",
        "OutsidePool",
        "--table",
        "salesdw.dbo.Sales",
        "--direction",
        "write",
        "--spark-pool",
        "contosows/etlpool",
        "--source",
        "lake.sales",
        "--json",
    )
    assert response.json() == json.loads(text)
    assert client.get(url, {**query, "direction": "sideways"}).status_code == 400
    assert client.get(url, {**query, "spark": "HDInsightSpark"}).status_code == 400
    assert client.get(url, {**query, "pool": "Nope"}).status_code == 404


def test_a_connection_string_in_key_vault_cannot_be_read_by_the_designer(
    resources: None, editor: Any
) -> None:
    save(
        editor,
        "linkedService",
        "VaultPool",
        {
            "annotations": [],
            "type": "AzureSqlDW",
            "typeProperties": {"connectionString": KV},
        },
    )
    status, text = run(
        "--pool",
        "VaultPool",
        "--table",
        "salesdw.dbo.Sales",
        "--direction",
        "write",
        "--spark-pool",
        "contosows/etlpool",
    )
    assert status == 1
    assert "BLOCKING [connectionString]" in text and "Azure Key Vault secret" in text

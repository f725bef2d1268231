"""Seeds the portal that scripts/fuzz-api.sh fuzzes, and prints the API token's key.

An Admin user ``fuzz`` and a token; in the default factory, resources of every kind under
the names scripts/fuzz-api.toml offers the fuzzer for path parameters, so that the
operations on one resource reach their logic: a Spark linked service with three
revisions, a legacy (1.0) one to upgrade, an Azure Synapse SQL pool, a dataset of each,
a pipeline whose activities use them, deleted resources of each kind, spare linked
services for deletes and replacements to take away, a connection test.
Every host is 127.0.0.1, which the fuzz run's network policy refuses: nothing is contacted.
Run with the fuzz run's environment (LINKWRIGHT_DATA_DIR, DATABASE_URL) after migrate.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

HOST = "127.0.0.1"
SECRET = {"type": "SecureString", "value": "fuzz-Seed-Secret-1"}


BLOB = {
    "type": "AzureBlobStorage",
    "typeProperties": {"serviceEndpoint": "https://fuzz.blob.core.windows.net/"},
}
"""A storage account's linked service (managed identity: no secret to give)."""


def reference(name: str, kind: str = "LinkedServiceReference") -> dict[str, str]:
    return {"referenceName": name, "type": kind}


RESOURCES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "linkedService",
        "SparkExample",
        {
            "annotations": [],
            "type": "Spark",
            "version": "2.0",
            "typeProperties": {
                "host": HOST,
                "port": 443,
                "authenticationType": "UsernameAndPassword",
                "username": "fuzz",
                "password": SECRET,
                "httpPath": "cliservice",
                "enableSsl": True,
            },
        },
    ),
    (
        "linkedService",
        "SparkLegacy",
        {
            "type": "Spark",
            "typeProperties": {
                "host": HOST,
                "port": 443,
                "thriftTransportProtocol": "HTTP",
                "authenticationType": "UsernameAndPassword",
                "username": "fuzz",
                "password": SECRET,
            },
        },
    ),
    (
        "linkedService",
        "SqlPool",
        {
            "annotations": [],
            "type": "AzureSqlDW",
            "typeProperties": {
                "connectionString": f"Server=tcp:{HOST},1433;Database=dw;User ID=loader;",
                "password": SECRET,
            },
        },
    ),
    (
        "dataset",
        "Orders",
        {
            "type": "SparkObject",
            "linkedServiceName": reference("SparkExample"),
            "typeProperties": {"schema": "sales", "table": "orders"},
            "schema": [{"name": "id", "type": "int"}, {"name": "amount", "type": "decimal"}],
        },
    ),
    (
        "dataset",
        "PoolOrders",
        {
            "type": "AzureSqlDWTable",
            "linkedServiceName": reference("SqlPool"),
            "typeProperties": {"schema": "dbo", "table": "orders"},
        },
    ),
    (
        "pipeline",
        "PL_Copy",
        {
            "activities": [
                {
                    "name": "Copy Orders",
                    "type": "Copy",
                    "inputs": [reference("Orders", "DatasetReference")],
                    "outputs": [reference("PoolOrders", "DatasetReference")],
                    "typeProperties": {
                        "source": {"type": "SparkSource", "query": "SELECT id, amount FROM orders"},
                        "sink": {"type": "SqlDWSink", "writeBehavior": "Insert"},
                    },
                },
                {
                    "name": "Look Up Day",
                    "type": "Lookup",
                    "typeProperties": {
                        "source": {"type": "SparkSource", "query": "SELECT max(day) FROM orders"},
                        "dataset": reference("Orders", "DatasetReference"),
                    },
                },
            ]
        },
    ),
    *(("linkedService", name, BLOB) for name in ("Gone", *(f"Gone{n:02}" for n in range(1, 31)))),
    *(("linkedService", f"Spare{n:02}", BLOB) for n in range(1, 31)),
    *(("dataset", f"OldOrders{n:02}", {"type": "DelimitedText"}) for n in range(1, 11)),
    *(("pipeline", f"PL_Old{n:02}", {"activities": []}) for n in range(1, 11)),
]
DELETED = [name for _, name, _ in RESOURCES if name.startswith(("Gone", "Old", "PL_Old"))]
"""Resources deleted once written, for the deleted routes to restore and purge: many, as
each restore or purge takes one away."""


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from portal.definitions import delete_definition, save_definition
    from portal.models import ApiToken, ConnectionTest, Revision
    from portal.roles import Role, set_role

    user = get_user_model().objects.create_user("fuzz", password=None)
    set_role(user, Role.ADMIN)
    saved = {}
    for kind, name, properties in RESOURCES:
        saved[name] = save_definition(
            user=user, name=name, properties=properties, action=Revision.Action.CREATE, kind=kind
        ).resource
    spark = saved["SparkExample"]
    for description in ("the second revision", "the third revision"):
        changed = {**spark.properties, "description": description}
        spark = save_definition(
            user=user, name=spark.name, properties=changed, action="edit", instance=spark,
            trusted_secret_references=True,
        ).resource  # fmt: skip
    for name in DELETED:
        delete_definition(user=user, instance=saved[name])
    ConnectionTest.objects.create(
        resource=spark, revision=spark.revision, name=spark.name, connector="Spark",
        connector_version="2.0", user=user, status=ConnectionTest.Status.FAILED,
        report='{"ok": false, "stages": [], "values": [], "notes": []}',
    )  # fmt: skip
    print(ApiToken.issue(user, "fuzz")[1])


if __name__ == "__main__":
    main()

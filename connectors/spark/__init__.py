"""Apache Spark (Spark Thrift Server / HiveServer2) linked services, versions 1.0 and 2.0."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectors.base import Connector, ConnectorVersion, TestOptions
from connectors.spark.secret_target import spark_secret_target

if TYPE_CHECKING:
    from connectors.upgrade import UpgradePath

HERE = Path(__file__).parent


def test_connection(
    version: ConnectorVersion, type_properties: dict[str, Any], options: TestOptions
) -> dict[str, Any]:
    """The connection test; its client (and the Thrift bindings) load on the first test."""
    from connectors.spark.connection_test import test_connection as run

    return run(version, type_properties, options)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def upgrade_1_to_2() -> UpgradePath:
    """1.0 -> 2.0; its rules (and the upgrade engine) load on first use."""
    from connectors.spark.upgrade_rules import RULES, TYPE_CHANGES
    from connectors.upgrade import UpgradePath

    return UpgradePath(
        from_version="1.0",
        to_version="2.0",
        rules=RULES,
        type_changes=TYPE_CHANGES,
        title="Upgrade Spark linked service 1.0 → 2.0",
    )


CONNECTOR = Connector(
    type="Spark",
    title="Spark",
    summary=(
        "Apache Spark through a Spark Thrift Server (HiveServer2 protocol), "
        "Azure HDInsight included."
    ),
    category="Azure / Database",
    keywords=("hive", "thrift", "hdinsight", "databricks", "sql"),
    default_version="2.0",
    test_connection=test_connection,
    secret_target=spark_secret_target,
    load_upgrade=upgrade_1_to_2,
    versions={
        "2.0": ConnectorVersion(
            connector_type="Spark",
            version="2.0",
            schema_path=HERE / "linkedservice-2.0.schema.json",
            ui_path=HERE / "ui-2.0.json",
            explicit=True,
        ),
        "1.0": ConnectorVersion(
            connector_type="Spark",
            version="1.0",
            schema_path=HERE / "linkedservice-1.0.schema.json",
            ui_path=HERE / "ui-1.0.json",
            explicit=False,
            support_note=(
                "Spark connector version 1.0 went out of support on 30 September 2025: "
                "upgrade to 2.0."
            ),
        ),
    },
)

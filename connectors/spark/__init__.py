"""Apache Spark (Spark Thrift Server / HiveServer2) linked services, versions 1.0 and 2.0."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectors.base import Connector, ConnectorVersion, PastedConnection
from connectors.hiveserver2.parts import (
    QueryTools,
    connection_tester,
    dataset_and_parts,
    live_catalog,
)
from connectors.lifecycle import Lifecycle
from connectors.spark.secret_target import spark_secret_target

if TYPE_CHECKING:
    from connectors.hiveserver2.flavour import Flavour, SettingsReader
    from connectors.upgrade import UpgradePath

HERE = Path(__file__).parent


def parse_connection_url(version: ConnectorVersion, text: str) -> PastedConnection:
    """A pasted JDBC string or URL, as this connector's values (see connection_url)."""
    from connectors.spark.connection_url import parse_connection_url as parse

    return parse(version, text)


def _flavour() -> Flavour:
    """The connector's settings and dialect, loaded (with the client) on first use."""
    from connectors.spark.flavour import FLAVOUR

    return FLAVOUR


def _read_settings() -> SettingsReader:
    """The connector's settings reader: all a connection test needs (not the dialect)."""
    from connectors.spark.settings import settings_from_type_properties

    return settings_from_type_properties


test_connection = connection_tester(_read_settings)


def _automatic_skips(properties: Mapping[str, Any]) -> list[str]:
    from connectors.spark.automatic_upgrade import automatic_skips

    return automatic_skips(properties)


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


DATASETS, PARTS = dataset_and_parts(
    connector="Spark",
    linked_service_type="Spark",
    dataset="SparkObject",
    source="SparkSource",
    key="spark",
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
    datasets=DATASETS,
    live=live_catalog(_flavour),
    secret_target=spark_secret_target,
    parse_connection_url=parse_connection_url,
    example_path=HERE / "example-2.0.json",
    query_tools=QueryTools(_flavour),
    activity_parts=PARTS,
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
            lifecycle=Lifecycle(
                stage="end of support",
                date="2025-09-30",
                source="Microsoft Learn, connector-spark (lifecycle and upgrade)",
                automatic_skips=_automatic_skips,
            ),
        ),
    },
)

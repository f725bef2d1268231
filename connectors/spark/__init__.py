"""Apache Spark (Spark Thrift Server / HiveServer2) linked services, versions 1.0 and 2.0."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectors.base import (
    ActivityPart,
    Connector,
    ConnectorVersion,
    DatasetType,
    LiveCatalog,
    PastedConnection,
    TestOptions,
)
from connectors.spark.secret_target import spark_secret_target

if TYPE_CHECKING:
    from connectors.upgrade import UpgradePath

HERE = Path(__file__).parent


def parse_connection_url(version: ConnectorVersion, text: str) -> PastedConnection:
    """A pasted JDBC string or URL, as this connector's values (see connection_url)."""
    from connectors.spark.connection_url import parse_connection_url as parse

    return parse(version, text)


def test_connection(
    version: ConnectorVersion, type_properties: dict[str, Any], options: TestOptions
) -> dict[str, Any]:
    """The connection test; its client (and the Thrift bindings) load on the first test."""
    from connectors.spark.connection_test import test_connection as run

    return run(version, type_properties, options)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


class _QueryTools:
    """Activity query checks (:mod:`connectors.spark.activity_queries`), loaded on first use;
    test values put in as Spark literals (:mod:`connectors.spark.query_values`)."""

    @staticmethod
    def place_values(text: str, pieces: Any) -> str:
        from connectors.spark.query_values import place_values

        return place_values(text, pieces)

    def __getattr__(self, name: str) -> Any:
        from connectors.spark import activity_queries

        return getattr(activity_queries, name)


def _live(name: str) -> Any:
    """A function of :mod:`connectors.spark.live`, loaded (with the client) on first use."""

    def call(*args: Any, **kwargs: Any) -> Any:
        from connectors.spark import live

        return getattr(live, name)(*args, **kwargs)

    call.__name__ = name
    return call


def _type_of(server_type: str, version: str) -> dict[str, Any]:
    from connectors.spark.type_mapping import column_type

    return column_type(server_type, version).to_dict()


LIVE = LiveCatalog(
    schemas=_live("schemas"),
    tables=_live("tables"),
    columns=_live("columns"),
    preview=_live("preview"),
    table_of=_live("table_of"),
    preview_request=_live("PreviewRequest"),
    type_of=_type_of,
    move_legacy_table=_live("move_table_name"),
)


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
    datasets={
        "SparkObject": DatasetType(
            type="SparkObject",
            title="Spark table",
            schema_path=HERE / "dataset-SparkObject.schema.json",
            linked_service_type="Spark",
        )
    },
    live=LIVE,
    secret_target=spark_secret_target,
    parse_connection_url=parse_connection_url,
    example_path=HERE / "example-2.0.json",
    query_tools=_QueryTools(),
    activity_parts=(
        ActivityPart(
            name="copy-source",
            title="Copy from Spark (SparkSource)",
            schema_path=HERE / "copy-source.schema.json",
            ui_path=HERE / "ui-copy-source.json",
        ),
        ActivityPart(
            name="lookup",
            title="Lookup on a Spark dataset",
            schema_path=HERE / "lookup.schema.json",
            ui_path=HERE / "ui-lookup.json",
        ),
    ),
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

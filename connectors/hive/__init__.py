"""Apache Hive (HiveServer2) linked services, versions 1.0 and 2.0: the shared HiveServer2
connector (:mod:`connectors.hiveserver2.sibling_connector`) with Hive's tables."""

from __future__ import annotations

from connectors.hiveserver2.sibling_connector import Sibling, build

CONNECTOR = build(
    Sibling(
        type="Hive",
        package=__name__,
        summary="Apache Hive through HiveServer2 (Thrift), Azure HDInsight included.",
        keywords=("hiveserver2", "thrift", "hdinsight", "hiveql", "sql"),
        end_of_support="2025-10-31",
        sql_from="connectors.spark.dialect:SPARK_DIALECT",
        support_note=(
            "Hive connector version 1.0 is at the end of support: pipelines on it fail "
            "after 31 October 2025 unless upgraded automatically. Upgrade to 2.0."
        ),
    )
)

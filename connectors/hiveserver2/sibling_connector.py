"""One builder for the HiveServer2 siblings' :class:`~connectors.base.Connector` (Hive,
Impala): a package gives its names and modules; the test, catalog, preview, query checks,
dataset, Copy and Lookup parts and upgrade are the shared ones.

A sibling package holds ``settings`` (``SPECS``, ``read_settings``), ``type_mapping``
(``column_type``, ``TYPES``), ``upgrade_rules`` (``RULES``, ``TYPE_CHANGES``), its schemas
and UI hints (``linkedservice-<v>.schema.json``, ``ui-<v>.json``) and ``example-2.0.json``.
They load on first use, like Spark's.

Queries: which plan reader judges a statement depends on the server that answers (GetInfo),
never on the connector; ``sql_from`` names the dialect whose read-only guard, literals and
readers a sibling uses (``"connectors.spark.dialect:SPARK_DIALECT"``: the one verified
here, against a Spark Thrift Server). A Hive or Impala server that names itself otherwise
is refused before anything runs (fail closed), as the shared dialect does for any server
no reader knows.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectors.base import Connector, ConnectorVersion
from connectors.hiveserver2.parts import (
    QueryTools,
    connection_tester,
    dataset_and_parts,
    live_catalog,
)
from connectors.lifecycle import Lifecycle

if TYPE_CHECKING:
    from connectors.hiveserver2.flavour import Flavour, SettingsReader
    from connectors.upgrade import UpgradePath


@dataclass(frozen=True)
class Sibling:
    type: str
    package: str
    """The package's dotted name (``connectors.hive``)."""
    summary: str
    keywords: tuple[str, ...]
    sql_from: str
    """``module:ATTRIBUTE`` of the dialect whose guard and readers queries use."""
    support_note: str
    """What version 1.0's page says of its support (shown beside the version)."""
    end_of_support: str
    """The ISO date pipelines on 1.0 fail after, unless upgraded (the connector page)."""

    @property
    def here(self) -> Path:
        return Path(importlib.import_module(self.package).__file__ or "").parent

    def module(self, name: str) -> Any:
        return importlib.import_module(f"{self.package}.{name}")


@cache
def _flavour(sibling: Sibling) -> Flavour:
    from connectors.hiveserver2.flavour import Flavour

    module, _, attribute = sibling.sql_from.partition(":")
    base = getattr(importlib.import_module(module), attribute)
    types = sibling.module("type_mapping")
    dialect = replace(
        base,
        type_label=f"{sibling.type} type",
        column_type=types.column_type,
        upgrade=("1.0", "2.0"),
    )
    return Flavour(read_settings=sibling.module("settings").read_settings, dialect=dialect)


def build(sibling: Sibling) -> Connector:
    def flavour() -> Flavour:
        return _flavour(sibling)

    def read_settings() -> SettingsReader:  # a connection test's: without the dialect
        reader: SettingsReader = sibling.module("settings").read_settings
        return reader

    def upgrade() -> UpgradePath:
        from connectors.upgrade import UpgradePath

        rules = sibling.module("upgrade_rules")
        return UpgradePath(
            from_version="1.0",
            to_version="2.0",
            rules=rules.RULES,
            type_changes=rules.TYPE_CHANGES,
            title=f"Upgrade {sibling.type} linked service 1.0 → 2.0",
        )

    def secret_target(properties: dict[str, Any]) -> dict[str, Any]:
        from connectors.hiveserver2.sibling import secret_target as target_of

        settings = sibling.module("settings")
        return dict(target_of(settings.SPECS, "1.0")(properties))

    def automatic_skips(properties: Mapping[str, Any]) -> list[str]:
        from connectors.hiveserver2.sibling_upgrade import automatic_skips as skips

        return skips(sibling.module("upgrade_rules").RULES, properties)

    lifecycle = Lifecycle(
        stage="end of support",
        date=sibling.end_of_support,
        source=f"Microsoft Learn, connector-{sibling.type.lower()} (lifecycle and upgrade)",
        automatic_skips=automatic_skips,
    )
    here = sibling.here
    datasets, parts = dataset_and_parts(
        connector=sibling.type,
        linked_service_type=sibling.type,
        dataset=f"{sibling.type}Object",
        source=f"{sibling.type}Source",
        key=sibling.type.lower(),
    )
    versions = {
        version: ConnectorVersion(
            connector_type=sibling.type,
            version=version,
            schema_path=here / f"linkedservice-{version}.schema.json",
            ui_path=here / f"ui-{version}.json",
            explicit=version == "2.0",
            support_note="" if version == "2.0" else sibling.support_note,
            lifecycle=None if version == "2.0" else lifecycle,
        )
        for version in ("2.0", "1.0")
    }
    return Connector(
        type=sibling.type,
        title=sibling.type,
        summary=sibling.summary,
        category="Azure / Database",
        keywords=sibling.keywords,
        default_version="2.0",
        test_connection=connection_tester(read_settings),
        datasets=datasets,
        live=live_catalog(flavour),
        secret_target=secret_target,
        example_path=here / "example-2.0.json",
        query_tools=QueryTools(flavour),
        activity_parts=parts,
        load_upgrade=upgrade,
        versions=versions,
    )


__all__ = ["Sibling", "build"]

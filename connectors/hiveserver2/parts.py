"""What a HiveServer2 connector gives :class:`connectors.base.Connector`: its connection test,
live catalog and query tools, built from its :class:`~connectors.hiveserver2.flavour.Flavour`.

Nothing heavy loads with this module: the client, the Thrift bindings and the connector's
dialect (lexer, plan reader) load on the first test, catalog call or query check, so that
what only shows a form does not import them. A connection test reads the settings only: it
never loads the dialect.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectors.base import ActivityPart, ConnectorVersion, DatasetType, LiveCatalog, TestOptions

if TYPE_CHECKING:
    from connectors.hiveserver2.flavour import Flavour, SettingsReader

FlavourLoader = Callable[[], "Flavour"]
SettingsLoader = Callable[[], "SettingsReader"]
"""The connector's settings reader, loaded on first use (without its dialect)."""
HERE = Path(__file__).parent


def dataset_and_parts(
    *, connector: str, linked_service_type: str, dataset: str, source: str, key: str
) -> tuple[dict[str, DatasetType], tuple[ActivityPart, ...]]:
    """The connector's dataset type (``SparkObject``) and its parts of Copy (``SparkSource``)
    and Lookup, from the one schema of each shared by the HiveServer2 connectors, with this
    connector's names (``connector``: its title; ``key``: its part of schema ids)."""
    names = (("connector", connector), ("dataset", dataset), ("source", source), ("id", key))
    datasets = {
        dataset: DatasetType(
            type=dataset,
            title=f"{connector} table",
            schema_path=HERE / "dataset.schema.json",
            linked_service_type=linked_service_type,
            placeholders=names,
        )
    }
    titles = {
        "copy-source": f"Copy from {connector} ({source})",
        "lookup": f"Lookup on a {connector} dataset",
    }
    parts = tuple(
        ActivityPart(
            name=name,
            title=title,
            schema_path=HERE / f"{name}.schema.json",
            ui_path=HERE / f"ui-{name}.json",
            placeholders=names,
        )
        for name, title in titles.items()
    )
    return datasets, parts


def connection_tester(read_settings: SettingsLoader) -> Callable[..., dict[str, Any]]:
    def test_connection(
        version: ConnectorVersion, type_properties: dict[str, Any], options: TestOptions
    ) -> dict[str, Any]:
        from connectors.hiveserver2.connection_test import test_connection as run

        return run(read_settings(), version, type_properties, options)

    test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
    return test_connection


def _live(load: FlavourLoader, name: str) -> Callable[..., Any]:
    """A catalog call of :mod:`connectors.hiveserver2.live` with the connector's flavour."""

    def call(*args: Any, **kwargs: Any) -> Any:
        from connectors.hiveserver2 import live

        return getattr(live, name)(load(), *args, **kwargs)

    call.__name__ = name
    return call


def _plain(name: str) -> Callable[..., Any]:
    """A function of :mod:`connectors.hiveserver2.live` that needs no flavour."""

    def call(*args: Any, **kwargs: Any) -> Any:
        from connectors.hiveserver2 import live

        return getattr(live, name)(*args, **kwargs)

    call.__name__ = name
    return call


def live_catalog(load: FlavourLoader) -> LiveCatalog:
    def type_of(server_type: str, version: str) -> dict[str, Any]:
        return load().dialect.column_type(server_type, version).to_dict()

    return LiveCatalog(
        schemas=_live(load, "schemas"),
        tables=_live(load, "tables"),
        columns=_live(load, "columns"),
        preview=_live(load, "preview"),
        table_of=_plain("table_of"),
        preview_request=_plain("PreviewRequest"),
        type_of=type_of,
        move_legacy_table=_plain("move_table_name"),
    )


class QueryTools:
    """Activity query checks (:mod:`connectors.hiveserver2.queries`) with the connector's
    flavour, loaded on first use; test values put in by its dialect."""

    def __init__(self, load: FlavourLoader) -> None:
        self._load = load

    def place_values(self, text: str, pieces: Any) -> str:
        return self._load().dialect.place_values(text, pieces)

    def table_query(self, dataset_type_properties: dict[str, Any]) -> str | None:
        from connectors.hiveserver2.queries import table_query

        return table_query(dataset_type_properties)

    def server_message(self, text: str) -> dict[str, Any]:
        from connectors.hiveserver2.queries import server_message

        return server_message(text)

    def __getattr__(self, name: str) -> Any:
        """``check_query``, ``preview_query``, ``query_problems``, ``refusal_position``: the
        function with this connector's flavour as its first argument."""
        from connectors.hiveserver2 import queries

        found = getattr(queries, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return found(self._load(), *args, **kwargs)

        call.__name__ = name
        return call


__all__ = ["QueryTools", "connection_tester", "dataset_and_parts", "live_catalog"]

"""A connector on the HiveServer2 protocol, as the shared test, catalog and queries see it:
how it reads its linked service (:class:`~connectors.hiveserver2.settings.ServerSettings`)
and its SQL (:class:`~connectors.hiveserver2.dialect.Dialect`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from connectors.hiveserver2.settings import ServerSettings

if TYPE_CHECKING:  # a connection test reads SettingsReader from here, without the dialect
    from connectors.hiveserver2.dialect import Dialect

SettingsReader = Callable[[str, dict[str, Any], "str | None"], ServerSettings]
"""(connector version, typeProperties with secrets as literals, password) -> settings;
raises ``SettingsError`` with every problem."""


@dataclass(frozen=True)
class Flavour:
    read_settings: SettingsReader
    dialect: Dialect


__all__ = ["Flavour", "SettingsReader"]

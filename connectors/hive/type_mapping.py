"""Hive data types and their interim service types per connector version (the table of
``type-mapping.md``, read by :class:`connectors.hiveserver2.sibling.TypeTable`)."""

from __future__ import annotations

from pathlib import Path

from connectors.hiveserver2.sibling import TypeTable

TYPES = TypeTable(Path(__file__).with_name("type-mapping.md"), aliases={"INTEGER": "INT"})
column_type = TYPES.column_type

__all__ = ["TYPES", "column_type"]

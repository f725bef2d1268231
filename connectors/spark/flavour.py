"""The Spark connector on the shared HiveServer2 machinery: its settings and its dialect."""

from __future__ import annotations

from connectors.hiveserver2.flavour import Flavour
from connectors.spark.dialect import SPARK_DIALECT
from connectors.spark.settings import settings_from_type_properties

FLAVOUR = Flavour(read_settings=settings_from_type_properties, dialect=SPARK_DIALECT)

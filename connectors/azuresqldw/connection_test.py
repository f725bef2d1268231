"""The AzureSqlDW connector's "Test connection": typeProperties in, a stage report out.

Values only Data Factory can resolve (expressions, Key Vault references) are reported
before any network stage, naming the property, as the Spark test does
(:mod:`connectors.diagnostics.settings_check`).
"""

from __future__ import annotations

from typing import Any

from connectors.azuresqldw.diagnostics import Limits, Stage, run_connection_test
from connectors.azuresqldw.settings import settings_from_type_properties
from connectors.base import ConnectorVersion, TestOptions
from connectors.diagnostics.settings_check import checked_settings

# What the test reads; other properties (pool sizes, timeouts) do not stop it.
READ = (
    "connectionString",
    "server",
    "database",
    "userName",
    "password",
    "encrypt",
    "trustServerCertificate",
    "hostNameInCertificate",
)


def test_connection(
    version: ConnectorVersion, type_properties: dict[str, Any], options: TestOptions
) -> dict[str, Any]:
    settings = checked_settings(
        version, type_properties, settings_from_type_properties, Stage, names=READ
    )
    if isinstance(settings, dict):
        return settings
    report = run_connection_test(
        settings,
        address_policy=options.address_policy,
        limits=Limits(connect_timeout_s=options.connect_timeout_s, deadline_s=options.deadline_s),
        ca_certificate=options.ca_certificate,
    )
    return report.to_dict()


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test

"""A HiveServer2 connector's "Test connection": ADF typeProperties in, a stage report out.

Values only Data Factory can resolve (expressions, Azure Key Vault references) are
reported before any network stage, naming the property
(:mod:`connectors.diagnostics.settings_check`).
"""

from __future__ import annotations

from typing import Any

from connectors.base import ConnectorVersion, TestOptions
from connectors.diagnostics.settings_check import checked_settings
from connectors.hiveserver2.diagnostics import (
    Operation,
    TestReport,
    run_connection_test,
    stage_list,
)
from connectors.hiveserver2.flavour import SettingsReader
from connectors.hiveserver2.settings import ClientLimits, ServerSettings


def test_connection(
    read_settings: SettingsReader,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    options: TestOptions,
) -> dict[str, Any]:
    report = run_on_server(read_settings, version, type_properties, options)
    return report if isinstance(report, dict) else report.to_dict()


def run_on_server(
    read_settings: SettingsReader,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    options: TestOptions,
    operation: Operation | None = None,
) -> dict[str, Any] | TestReport:
    """The connection test's checks and stages, with ``operation`` in place of SELECT 1.

    Returns the refusal (a report dict, nothing sent) when the settings cannot be used,
    else the :class:`TestReport` (its ``result`` is the operation's)."""

    def read(literal: dict[str, Any]) -> ServerSettings:
        secret = literal.get("password")
        password = secret.get("value") if isinstance(secret, dict) else None
        return read_settings(version.version, literal, password)

    settings = checked_settings(version, type_properties, read, stage_list(operation))
    if isinstance(settings, dict):
        return settings
    limits = ClientLimits(
        connect_timeout_s=options.connect_timeout_s, deadline_s=options.deadline_s
    )
    return run_connection_test(
        settings,
        address_policy=options.address_policy,
        limits=limits,
        ca_certificate=options.ca_certificate,
        operation=operation,
    )


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test

"""The AzureSqlDW connector's "Test connection": typeProperties in, a stage report out.

Values only Data Factory can resolve (expressions, Key Vault references) are reported
before any network stage, naming the property, as the Spark test does.
"""

from __future__ import annotations

from typing import Any

from connectors.azuresqldw.diagnostics import Limits, Stage, run_connection_test
from connectors.azuresqldw.settings import SettingsError, settings_from_type_properties
from connectors.base import ConnectorVersion, TestOptions
from connectors.encrypted_credentials import one_off_needed
from connectors.expressions import expression_text, is_expression, literal

CHECK_STAGE = "Check settings"
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


def _unresolvable(type_properties: dict[str, Any]) -> list[str]:
    found = []
    for name in READ:
        value = type_properties.get(name)
        if is_expression(value):
            found.append(
                f"{name} is the ADF expression {expression_text(value)!r}, which only Data "
                "Factory can evaluate"
            )
        elif isinstance(value, dict) and value.get("type") == "AzureKeyVaultSecret":
            secret = value.get("secretName")
            store = (value.get("store") or {}).get("referenceName")
            found.append(
                f"{name} is the Azure Key Vault secret {secret!r} of {store!r}, which this "
                "portal cannot read"
            )
    return found


def _refused(observed: str, change: str) -> dict[str, Any]:
    stages = [
        {
            "name": CHECK_STAGE,
            "status": "failed",
            "duration_ms": 0.0,
            "detail": observed,
            "observed": observed,
            "change": change,
        }
    ]
    stages += [
        {"name": stage.value, "status": "skipped", "duration_ms": 0.0, "detail": ""}
        for stage in Stage
    ]
    return {"ok": False, "stages": stages, "total_ms": 0.0}


def test_connection(
    version: ConnectorVersion, type_properties: dict[str, Any], options: TestOptions
) -> dict[str, Any]:
    needed = one_off_needed(version, type_properties)
    if needed:
        return _refused(needed, "Test again with the password typed for this test.")
    type_properties = {name: literal(value) for name, value in type_properties.items()}
    unresolved = _unresolvable(type_properties)
    if unresolved:
        return _refused(
            "; ".join(unresolved) + ".",
            "Test with literal values (and a typed password) on the form; the saved "
            "definition can keep its expressions and Key Vault references.",
        )
    try:
        settings = settings_from_type_properties(type_properties)
    except SettingsError as exc:
        return _refused("; ".join(exc.problems) + ".", "Correct these settings and test again.")
    report = run_connection_test(
        settings,
        address_policy=options.address_policy,
        limits=Limits(connect_timeout_s=options.connect_timeout_s, deadline_s=options.deadline_s),
        ca_certificate=options.ca_certificate,
    )
    return report.to_dict()


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test

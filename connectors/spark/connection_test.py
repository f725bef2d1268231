"""The Spark connector's "Test connection": ADF typeProperties in, a stage report out.

Values only Data Factory can resolve (expressions, Azure Key Vault references) are
reported before any network stage, naming the property.
"""

from __future__ import annotations

from typing import Any

from connectors.base import ConnectorVersion, TestOptions
from connectors.encrypted_credentials import one_off_needed
from connectors.expressions import expression_text, is_expression, literal
from connectors.spark.diagnostics import Operation, TestReport, run_connection_test, stage_list
from connectors.spark.settings import ClientLimits, SettingsError, settings_from_type_properties

CHECK_STAGE = "Check settings"


def _unresolvable(type_properties: dict[str, Any]) -> list[str]:
    found = []
    for name, value in type_properties.items():
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
                f"portal cannot read: type the {name} to use for this test"
            )
    return found


def _refused(observed: str, change: str, operation: Operation | None = None) -> dict[str, Any]:
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
        for stage in stage_list(operation)
    ]
    return {"ok": False, "stages": stages, "total_ms": 0.0}


def test_connection(
    version: ConnectorVersion, type_properties: dict[str, Any], options: TestOptions
) -> dict[str, Any]:
    report = run_on_server(version, type_properties, options)
    return report if isinstance(report, dict) else report.to_dict()


def run_on_server(
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    options: TestOptions,
    operation: Operation | None = None,
) -> dict[str, Any] | TestReport:
    """The connection test's checks and stages, with ``operation`` in place of SELECT 1.

    Returns the refusal (a report dict, nothing sent) when the settings cannot be used,
    else the :class:`TestReport` (its ``result`` is the operation's)."""
    needed = one_off_needed(version, type_properties)
    if needed:
        return _refused(needed, "Test again with the password typed for this test.", operation)
    type_properties = {name: literal(value) for name, value in type_properties.items()}
    unresolved = _unresolvable(type_properties)
    if unresolved:
        return _refused(
            "; ".join(unresolved) + ".",
            'Give the values to use for this test (the form\'s "Values for this test", the '
            "API's testParameters and testSecrets, test_connection --param and --secret): "
            "they are used for this test only, never stored; the definition keeps its "
            "expressions and Key Vault references.",
            operation,
        )
    secret = type_properties.get("password")
    password = secret.get("value") if isinstance(secret, dict) else None
    try:
        settings = settings_from_type_properties(version.version, type_properties, password)
    except SettingsError as exc:
        return _refused(
            "; ".join(exc.problems) + ".", "Correct these settings and test again.", operation
        )
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

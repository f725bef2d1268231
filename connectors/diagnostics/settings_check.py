"""Settings a connection test cannot use, refused before any network stage.

A refused test reports one failed stage, "Check settings", saying what stands in the way
and what to change, then every stage of the test skipped: nothing was sent. Refused are a
password Data Factory holds encrypted, values only Data Factory can resolve (expressions,
Azure Key Vault references, named by property) and settings that describe no connection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from connectors.base import ConnectorVersion
from connectors.diagnostics.stages import NamedStage
from connectors.encrypted_credentials import one_off_needed
from connectors.expressions import expression_text, is_expression, literal

CHECK_STAGE = "Check settings"

Settings = TypeVar("Settings")


class SettingsError(ValueError):
    """The typeProperties cannot describe a connection; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def refused(observed: str, change: str, stages: Iterable[NamedStage]) -> dict[str, Any]:
    """The report of a test refused before the network: ``stages`` all skipped."""
    failed = {
        "name": CHECK_STAGE,
        "status": "failed",
        "duration_ms": 0.0,
        "detail": observed,
        "observed": observed,
        "change": change,
    }
    skipped = [
        {"name": stage.value, "status": "skipped", "duration_ms": 0.0, "detail": ""}
        for stage in stages
    ]
    return {"ok": False, "stages": [failed, *skipped], "total_ms": 0.0}


def unresolvable(type_properties: dict[str, Any], names: Iterable[str] | None = None) -> list[str]:
    """Why each of ``names`` (every property when None) cannot be used by this portal."""
    found = []
    for name in type_properties if names is None else names:
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
                f"portal cannot read: type the {name} to use for this test"
            )
    return found


def checked_settings(
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    read: Callable[[dict[str, Any]], Settings],
    stages: Iterable[NamedStage],
    *,
    names: Iterable[str] | None = None,
) -> Settings | dict[str, Any]:
    """The connector's settings, ``read`` from the literal ``type_properties``; or, when
    they cannot be used, the refused test's report (a dict) whose skipped stages are
    ``stages``. ``names``: the properties the test reads (every one when None); the others
    never stop it. ``read`` raises :class:`SettingsError` for settings it cannot use."""
    stages = list(stages)
    needed = one_off_needed(version, type_properties)
    if needed:
        return refused(needed, "Test again with the password typed for this test.", stages)
    type_properties = {name: literal(value) for name, value in type_properties.items()}
    unresolved = unresolvable(type_properties, names)
    if unresolved:
        return refused(
            "; ".join(unresolved) + ".",
            'Give the values to use for this test (the form\'s "Values for this test", the '
            "API's testParameters and testSecrets, test_connection --param and --secret): "
            "they are used for this test only, never stored; the definition keeps its "
            "expressions and Key Vault references.",
            stages,
        )
    try:
        return read(type_properties)
    except SettingsError as exc:
        return refused(
            "; ".join(exc.problems) + ".", "Correct these settings and test again.", stages
        )

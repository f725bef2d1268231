"""The form fields of "Values for this test": what a test asks for, and what was typed.

Field names: ``test_param__<name>`` for a parameter's value (its default prefilled; left
empty, the default) and ``test_secret__<name>`` for a secret's value (never rendered
back). Beside a parameter's field, ``test_prefilled__<name>`` holds the value the page
prefilled: while the field still holds it, the field follows the parameter's default as
the definition is edited; a value the user typed stays. A password ADF holds encrypted
keeps its own field (``test_password``). A page with values for calls to several linked
services puts a prefix per linked service before each name
(:mod:`portal.call_value_panel`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from connectors.base import ConnectorVersion
from connectors.test_values import TestValues, asked_for

PARAMETER_PREFIX = "test_param__"
SECRET_PREFIX = "test_secret__"
PREFILLED_PREFIX = "test_prefilled__"


def test_value_fields(
    version: ConnectorVersion,
    properties: Any,
    data: Mapping[str, str] | None = None,
    *,
    stored_secrets: bool = False,
    prefix: str = "",
    kept: TestValues | None = None,
) -> list[dict[str, Any]]:
    """One field per value a test of ``properties`` asks for, as templates render them:
    a parameter's value is what was typed, else the one ``kept`` for the browser session,
    else its default (also when the field still holds what the page prefilled before the
    default changed); a secret's is never shown (``kept`` says one is kept).
    ``stored_secrets``: see :func:`connectors.test_values.asked_for`."""
    data = data or {}
    kept = kept or TestValues()
    fields = []
    for asked in asked_for(version, properties, stored_secrets=stored_secrets):
        if asked.held:
            continue  # the encrypted credential's own field asks for it
        key = prefix + (PARAMETER_PREFIX if asked.kind == "parameter" else SECRET_PREFIX)
        key += asked.name
        kept_here = (kept.parameters if asked.kind == "parameter" else kept.secrets).get(asked.name)
        prefilled = _text(kept_here if kept_here is not None else asked.default or "")
        typed = data.get(key)
        if typed is None or typed == data.get(prefix + PREFILLED_PREFIX + asked.name):
            typed = prefilled  # not the user's own value: what is prefilled now
        fields.append(
            {
                "asked": asked,
                "key": key,
                "id": "id_" + key,
                "value": "" if asked.secret else typed,
                "prefilled_key": prefix + PREFILLED_PREFIX + asked.name,
                "prefilled": "" if asked.secret else prefilled,
                "kept": kept_here is not None and asked.secret,
            }
        )
    return fields


def shared_test_value_fields(
    tested: list[tuple[str, ConnectorVersion, Any]],
) -> tuple[list[dict[str, Any]], list[str]]:
    """The fields of values given once for tests of several definitions (``(name, version,
    properties)`` each), as "Test all" asks for them: one field per name asked, saying
    which linked services ask for it (``services``); a parameter's field is left empty (each
    definition's own default is used). Also the names of those whose password ADF holds
    encrypted (one one-off password serves them)."""
    fields: dict[str, dict[str, Any]] = {}
    held: list[str] = []
    for name, version, properties in tested:
        if password_held(version, properties):
            held.append(name)
        for found in test_value_fields(version, properties, stored_secrets=True):
            field = fields.setdefault(
                found["key"], {**found, "value": "", "prefilled": "", "services": []}
            )
            field["services"].append(name)
    return list(fields.values()), held


def password_held(version: ConnectorVersion, properties: Any) -> bool:
    """Whether a test of ``properties`` needs a one-off password: ADF holds it encrypted."""
    return any(asked.held for asked in asked_for(version, properties, stored_secrets=True))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def typed_test_values(data: Mapping[str, str], prefix: str = "") -> TestValues:
    """The values typed for this test; a field left empty gives nothing (the default)."""

    def typed(start: str) -> dict[str, str]:
        return {
            key[len(start) :]: value
            for key, value in data.items()
            if key.startswith(start) and len(key) > len(start) and value != ""
        }

    return TestValues(
        parameters=typed(prefix + PARAMETER_PREFIX), secrets=typed(prefix + SECRET_PREFIX)
    )

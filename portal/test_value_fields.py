"""The form fields of "Values for this test": what a test asks for, and what was typed.

Field names: ``test_param__<name>`` for a parameter's value (its default prefilled; left
empty, the default) and ``test_secret__<name>`` for a secret's value (never rendered
back). A password ADF holds encrypted keeps its own field (``test_password``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.base import ConnectorVersion
from connectors.test_values import TestValues, asked_for

PARAMETER_PREFIX = "test_param__"
SECRET_PREFIX = "test_secret__"


def test_value_fields(
    version: ConnectorVersion,
    properties: Any,
    data: Mapping[str, str] | None = None,
    *,
    stored_secrets: bool = False,
) -> list[dict[str, Any]]:
    """One field per value a test of ``properties`` asks for, as templates render them:
    a parameter's value is what was typed, else its default; a secret's is never shown.
    ``stored_secrets``: see :func:`connectors.test_values.asked_for`."""
    data = data or {}
    fields = []
    for asked in asked_for(version, properties, stored_secrets=stored_secrets):
        if asked.held:
            continue  # the encrypted credential's own field asks for it
        prefix = PARAMETER_PREFIX if asked.kind == "parameter" else SECRET_PREFIX
        key = prefix + asked.name
        fields.append(
            {
                "asked": asked,
                "key": key,
                "id": "id_" + key,
                "value": "" if asked.secret else data.get(key, asked.default or ""),
            }
        )
    return fields


def password_held(version: ConnectorVersion, properties: Any) -> bool:
    """Whether a test of ``properties`` needs a one-off password: ADF holds it encrypted."""
    return any(asked.held for asked in asked_for(version, properties, stored_secrets=True))


def typed_test_values(data: Mapping[str, str]) -> TestValues:
    """The values typed for this test; a field left empty gives nothing (the default)."""

    def typed(prefix: str) -> dict[str, str]:
        return {
            key[len(prefix) :]: value
            for key, value in data.items()
            if key.startswith(prefix) and len(key) > len(prefix) and value != ""
        }

    return TestValues(parameters=typed(PARAMETER_PREFIX), secrets=typed(SECRET_PREFIX))

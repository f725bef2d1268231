"""What a connector's declared secret target is for one definition, and what changed.

Pure functions (no registry): :mod:`connectors.secret_targets` looks the connector up by
type; the upgrade planner is handed the connector's declaration directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors.expressions import is_expression
from connectors.secrets import children, is_secret_parameter

SecretTarget = Callable[[dict[str, Any]], dict[str, Any]]

PARAMETERS = "parameters"


def _holds_expression(value: Any) -> bool:
    """Whether ``value`` is, or holds anywhere inside it, an expression in either form."""
    if not isinstance(value, (dict, list)):
        return is_expression(value)  # a text, number, flag or null holds nothing else
    stack = [value]
    while stack:
        node = stack.pop()
        if is_expression(node):
            return True
        stack.extend(child for _, child in children(node))
    return False


def declared_target(declare: SecretTarget | None, properties: Any) -> dict[str, Any]:
    """Where and how the secrets of ``properties`` would be sent: property -> value.

    ``declare`` is the connector's ``secret_target``. Empty for resources whose type
    declares no target (their secrets are bound to
    nothing, and reusing them never depends on a target). When a target property is an
    expression, the non-secret parameter defaults it may read are part of the target.
    """
    if declare is None or not isinstance(properties, dict):
        return {}
    target = dict(declare(properties))
    if any(map(_holds_expression, target.values())):
        parameters = properties.get(PARAMETERS)
        target[PARAMETERS] = {
            name: spec.get("defaultValue")
            for name, spec in (parameters.items() if isinstance(parameters, dict) else ())
            if isinstance(spec, dict) and not is_secret_parameter(spec)
        }
    return target


def changed_properties(bound: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The target properties whose value differs, in declaration order."""
    names = [*current, *(k for k in bound if k not in current)]
    return [name for name in names if bound.get(name) != current.get(name)]

"""A stored secret is bound to the target it was typed for.

Each connector declares, next to its schema, the properties that decide where or how its
secrets are sent (``Connector.secret_target``). When a secret is stored, the portal keeps
that target beside it; a later definition may reuse the stored secret (an untouched or
masked value) only while its own target is the same. Otherwise the secret must be typed
again: an Editor must never be able to send someone's stored password to a host of theirs.
"""

from __future__ import annotations

import json
from typing import Any

from connectors.registry import REGISTRY
from connectors.secret_binding import PARAMETERS, changed_properties, declared_target


def target_of(properties: Any) -> dict[str, Any]:
    """Where and how the secrets of ``properties`` would be sent: property -> value.

    Empty for resources whose type declares no target (their secrets are bound to
    nothing, and reusing them never depends on a target). See
    :func:`connectors.secret_binding.declared_target`.
    """
    if not isinstance(properties, dict):
        return {}
    connector = REGISTRY.get(str(properties.get("type")))
    return declared_target(getattr(connector, "secret_target", None), properties)


def encode(target: dict[str, Any]) -> str:
    return json.dumps(target, sort_keys=True, ensure_ascii=False)


def decode(text: str) -> dict[str, Any] | None:
    """The target stored beside a secret; None when none was recorded."""
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


def _shown(value: Any) -> str:
    return "not set" if value is None else json.dumps(value, ensure_ascii=False)


def refusal(label: str, bound: dict[str, Any] | None, current: dict[str, Any]) -> str | None:
    """Why a stored secret may not go to ``current``; None when it may."""
    if bound is None:
        return f"The stored {label} has no recorded target, so it cannot be reused: type it again."
    changed = changed_properties(bound, current)
    if not changed:
        return None
    details = ", ".join(
        f"{name} ({_shown(bound.get(name))} → {_shown(current.get(name))})"
        if name != PARAMETERS
        else "parameter defaults"
        for name in changed
    )
    noun = "property" if len(changed) == 1 else "properties"
    return (
        f"The stored {label} was typed for another target: the {noun} {details} "
        f"changed since. Type the {label} again to send it there."
    )

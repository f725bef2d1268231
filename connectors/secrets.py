"""Finding secure strings in ADF JSON, and the mask that stands for them in exports."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from connectors.expressions import is_expression
from connectors.problems import PathLink, json_path, path_parts

MASK = "**********"
SECURE_STRING = "SecureString"


def is_secure_string(value: Any) -> bool:
    """A secure-string value: ``{"type": "SecureString", "value": ...}`` (or, stored, a
    ``secretId``). A parameter declaration ``{"type": "SecureString", "defaultValue"?}``
    is not one: it has neither key, and masking or sealing it would corrupt it.
    """
    return (
        isinstance(value, dict)
        and value.get("type") == SECURE_STRING
        and ("value" in value or "secretId" in value)
    )


def is_clear_secret(value: Any) -> bool:
    """Whether a secret's value (a secure string's ``value``, a SecureString parameter's
    ``defaultValue``) is the secret written in clear. The mask, an empty string and an
    expression that gives the secret when it runs are not: ADF's (``@...``, ``@{...}``, an
    Expression object) and an ARM template's (``[parameters('x_password')]``)."""
    if value in ("", MASK) or is_expression(value):
        return False
    return not is_arm_expression(value)


def is_arm_expression(value: Any) -> bool:
    """An ARM template expression: a string in brackets (``[[`` starts a literal one)."""
    return (
        isinstance(value, str)
        and value.startswith("[")
        and value.endswith("]")
        and not value.startswith("[[")
    )


def _as_text(node: Any) -> str | None:
    """``node`` as compact JSON text (written in C), or None when it is not JSON data."""
    try:
        return json.dumps(node, ensure_ascii=False, check_circular=False)
    except (TypeError, ValueError, RecursionError):
        return None


def text_without_secure_strings(node: Any) -> str | None:
    """``node``'s compact JSON text (``json.dumps(node, ensure_ascii=False)``) when it surely
    holds no secure string, so that nothing in it is masked, resolved or sealed; else None.
    A caller with nothing to change writes or copies that text instead of walking ``node``."""
    text = _as_text(node)
    return text if _has_none(text) else None


def _has_none(text: str | None) -> bool:
    """Whether the JSON ``text`` surely holds no secure string: ``"SecureString"`` is not in
    it (a large pipeline is then not walked node by node in Python)."""
    return text is not None and f'"{SECURE_STRING}"' not in text


def secure_strings(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple, dict]]:
    """Every ``{"type": "SecureString", ...}`` object with its path, in document order.

    Iterative (an explicit stack): safe at any depth.
    """
    if isinstance(node, (dict, list)) and _has_none(_as_text(node)):
        return
    stack: list[tuple[Any, PathLink]] = [(node, None)]
    while stack:
        value, link = stack.pop()
        if is_secure_string(value):
            yield path_parts(link, path), value
        else:
            stack.extend((child, (key, link)) for key, child in reversed(children(value)))


def children(node: Any) -> list[tuple[str | int, Any]]:
    """The (key or index, value) pairs directly inside a JSON object or array."""
    if isinstance(node, dict):
        return list(node.items())
    if isinstance(node, list):
        return list(enumerate(node))
    return []


def map_secure_strings(node: Any, change: Callable[[dict[str, Any]], Any]) -> Any:
    """A copy of ``node`` with every secure string replaced by ``change(it)``.

    ``change`` is called in document order (as :func:`secure_strings` yields them).
    Iterative (an explicit stack): safe at any depth.
    """
    if isinstance(node, (dict, list)):
        text = _as_text(node)
        if text is not None and _has_none(text):
            return json.loads(text)  # the copy, read back in C
    top: dict[str | int, Any] = {}
    stack: list[tuple[Any, dict | list, str | int]] = [(node, top, 0)]
    while stack:
        value, parent, key = stack.pop()
        if is_secure_string(value):
            copy = change(value)
        elif isinstance(value, (dict, list)):
            copy = {} if isinstance(value, dict) else []
            stack.extend((child, copy, k) for k, child in reversed(children(value)))
        else:
            copy = value
        if isinstance(parent, dict):
            parent[key] = copy
        else:
            parent.append(copy)
    return top[0]


def masked(node: Any) -> Any:
    """The definition as it may be shown or exported: secret values replaced by the mask,
    SecureString parameter defaults included (in ADF's shape: the mask as a string)."""
    return unwrap_secret_parameters(
        map_secure_strings(node, lambda _s: {"type": SECURE_STRING, "value": MASK})
    )


def is_secret_parameter(spec: Any) -> bool:
    """A SecureString parameter declaration; ADF reads its type regardless of case
    (``"securestring"``), and so must everything that keeps its default secret."""
    declared = spec.get("type") if isinstance(spec, dict) else None
    return isinstance(declared, str) and declared.lower() == SECURE_STRING.lower()


def _map_secret_parameters(properties: Any, change: Callable[[Any], Any]) -> Any:
    parameters = properties.get("parameters") if isinstance(properties, dict) else None
    if not isinstance(parameters, dict):
        return properties
    changed = {}
    for name, spec in parameters.items():
        if is_secret_parameter(spec) and "defaultValue" in spec:
            spec = {**spec, "defaultValue": change(spec["defaultValue"])}
        changed[name] = spec
    return {**properties, "parameters": changed}


def wrap_secret_parameters(properties: Any) -> Any:
    """A SecureString parameter's default is a secret too: hold it as a secure string, so
    that it is encrypted, masked, compared and kept untouched like any other."""
    return _map_secret_parameters(
        properties,
        lambda default: (
            {"type": SECURE_STRING, "value": default} if isinstance(default, str) else default
        ),
    )


def unwrap_secret_parameters(properties: Any) -> Any:
    """Back to ADF's shape: the default is a string again (the mask for a stored one)."""

    def plain(default: Any) -> Any:
        if not is_secure_string(default):
            return default
        value = default.get("value")
        return value if isinstance(value, str) else MASK

    return _map_secret_parameters(properties, plain)


def masked_secret_paths(properties: Any) -> list[str]:
    return [
        json_path(("properties", *path))
        for path, secret in secure_strings(properties)
        if secret.get("value") == MASK
    ]


def as_validated(properties: Any) -> Any:
    """What a schema sees: a stored ``secretId`` reference stands in as the mask (a value
    is there), and SecureString parameter defaults are strings again; the rest as sent."""
    return unwrap_secret_parameters(
        map_secure_strings(
            properties,
            lambda s: {"type": SECURE_STRING, "value": MASK} if "secretId" in s else s,
        )
    )

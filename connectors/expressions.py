"""ADF expressions in both forms ADF writes them, and the parameters they refer to.

ADF Studio writes a parameterised value as a plain string, ``"@{linkedService().host}"``;
the REST API and older files as ``{"type": "Expression", "value": "@..."}``. A string is
an expression when it starts with ``@`` (``@@`` escapes a literal ``@``) or interpolates
one (``"spark-@{linkedService().env}.example.com"``, ``@@{`` being a literal ``@{``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from connectors.problems import Problem, json_path

EXPRESSION = "Expression"
_INTERPOLATION = re.compile(r"(?<!@)@\{")
_REFERENCE = re.compile(r"linkedService\(\)\.([A-Za-z_][A-Za-z0-9_]*)")


def is_expression_object(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == EXPRESSION


def is_expression_text(value: Any) -> bool:
    """A plain string ADF evaluates: ``@...`` (not ``@@...``) or one with ``@{...}`` in it."""
    if not isinstance(value, str):
        return False
    if value.startswith("@"):
        return not value.startswith("@@")
    return bool(_INTERPOLATION.search(value))


def is_expression(value: Any) -> bool:
    """An expression in either form."""
    return is_expression_object(value) or is_expression_text(value)


def expression_text(value: Any) -> str:
    """The expression as typed: the object's ``value``, or the plain string itself."""
    if is_expression_object(value):
        return str(value.get("value", ""))
    return str(value)


def literal(value: Any) -> Any:
    """What ADF reads from a plain string that is not an expression (``@@x`` is ``@x``)."""
    if isinstance(value, str) and value.startswith("@@"):
        return value[1:]
    return value


def referenced_parameters(value: Any) -> list[str]:
    """The ``linkedService().name`` parameters an expression reads, in order, once each."""
    if not is_expression(value):
        return []
    return list(dict.fromkeys(_REFERENCE.findall(expression_text(value))))


def _expressions(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple, Any]]:
    if is_expression(node):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _expressions(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _expressions(value, (*path, index))


def undeclared_parameters(properties: Any) -> list[Problem]:
    """A warning for each reference to a parameter the linked service does not declare.

    ADF matches parameter names regardless of case, and so does this check.
    """
    if not isinstance(properties, dict):
        return []
    declared = properties.get("parameters")
    names = {str(n).lower() for n in declared} if isinstance(declared, dict) else set()
    warnings: list[Problem] = []
    for key, value in properties.items():
        if key == "parameters":
            continue
        for path, found in _expressions(value, ("properties", key)):
            for name in referenced_parameters(found):
                if name.lower() not in names:
                    warnings.append(
                        Problem(
                            json_path(path),
                            f"The expression refers to the parameter '{name}', which this "
                            f"linked service does not declare: add it under parameters.",
                        )
                    )
    return warnings

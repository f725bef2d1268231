"""Every expression parses, is no longer than ADF takes, and names only what is declared:
a pipeline's parameters, variables and activities, the factory's global parameters, a
dataset's or linked service's own parameters. Names match ignoring case, as in ADF.
(Data flows have a language of their own and are not read here.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.expression_eval import ExpressionError, referenced
from connectors.expressions import expression_text, is_expression
from connectors.factory_checks.findings import Finding, finding
from connectors.factory_snapshot import FactoryResource, FactorySnapshot
from connectors.pipeline_activities import activities
from connectors.problems import json_path

MAX_EXPRESSION = 8192
"""Characters per expression (Microsoft's "Azure Data Factory limits")."""
_SCOPES = {
    "pipeline": ("LW-EXPR-002", "pipeline parameter"),
    "variables": ("LW-EXPR-003", "variable"),
    "activity": ("LW-EXPR-004", "activity"),
    "globalParameters": ("LW-EXPR-005", "global parameter"),
    "dataset": ("LW-EXPR-006", "dataset parameter"),
    "linkedService": ("LW-EXPR-006", "linked service parameter"),
}
_NOT_READ = ("dataflow", "factory", "globalParameter", "notebook", "sqlscript", "kqlScript")


def expressions_in(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple, Any]]:
    stack: list[tuple[tuple[str | int, ...], Any]] = [(path, node)]
    while stack:
        where, value = stack.pop()
        if is_expression(value):
            yield where, value
        elif isinstance(value, dict):
            stack.extend((((*where, k), v) for k, v in reversed(value.items())))
        elif isinstance(value, list):
            stack.extend((((*where, i), v) for i, v in reversed(list(enumerate(value)))))


def _names(value: Any) -> set[str] | None:
    return {str(k).casefold() for k in value} if isinstance(value, dict) else set()


def _global_parameters(snapshot: FactorySnapshot) -> set[str] | None:
    """The factory's global parameters, or None when the repository does not say."""
    found: set[str] | None = None
    for resource in snapshot.resources:
        if resource.kind == "factory":
            found = (found or set()) | (
                _names(resource.properties.get("globalParameters")) or set()
            )
        elif resource.kind == "globalParameter":
            found = (found or set()) | (_names(resource.properties) or set())
    return found


def _declared(resource: FactoryResource, globals_: set[str] | None) -> dict[str, set[str] | None]:
    properties = resource.properties
    own = _names(properties.get("parameters"))
    if resource.kind == "pipeline":
        return {
            "pipeline": own,
            "variables": _names(properties.get("variables")),
            "activity": {a.name.casefold() for a in activities(resource.document)},
            "globalParameters": globals_,
        }
    if resource.kind == "dataset":
        return {"dataset": own}
    if resource.kind == "linkedService":
        return {"linkedService": own}
    return {}


def check(snapshot: FactorySnapshot) -> Iterator[Finding]:
    globals_ = _global_parameters(snapshot)
    # Each distinct expression text parsed once (factories repeat their expressions).
    parsed: dict[str, list[tuple[str, str]] | ExpressionError] = {}
    for resource in snapshot.resources:
        if resource.kind in _NOT_READ:
            continue
        declared = _declared(resource, globals_)
        for path, value in expressions_in(resource.properties, ("properties",)):
            where = json_path(path)
            text = expression_text(value)
            if len(text) > MAX_EXPRESSION:
                yield finding(
                    "LW-LIMIT-004",
                    f"The expression is {len(text):,} characters long; ADF takes "
                    f"{MAX_EXPRESSION:,} at most.",
                    resource,
                    where,
                )
            if text not in parsed:
                try:
                    parsed[text] = referenced(text)
                except ExpressionError as exc:
                    parsed[text] = exc
            used = parsed[text]
            if isinstance(used, ExpressionError):
                message = f"The expression does not parse: {used}"
                yield finding("LW-EXPR-001", message, resource, where)
                continue
            for scope, name in used:
                known = declared.get(scope)
                if known is None or scope not in _SCOPES or name.casefold() in known:
                    continue
                code, what = _SCOPES[scope]
                yield finding(
                    code,
                    f"The expression reads the {what} '{name}', which is not declared.",
                    resource,
                    where,
                )

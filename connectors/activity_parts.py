"""The parts of pipeline activities a connector authors (see :class:`connectors.base.ActivityPart`):
which activity a part edits, its values read from and written into the activity, and the
checks of those values, all driven by the part's JSON Schema.

A part's schema lists the editor's fields; each field's ``x-adf-path`` says where ADF keeps
it in the activity. ``useQuery`` (``x-mode-of``) is not stored: it is Query when the query
is there. Writing changes only those paths: every other key of the activity keeps its value
and its place.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any

from connectors import expression_eval, expressions
from connectors.base import ActivityPart, Connector
from connectors.formspec import field_specs
from connectors.problems import Problem
from connectors.registry import connectors

DatasetLookup = Callable[[str], Mapping[str, Any] | None]
"""Dataset name -> its ``properties`` (None when the factory has no such dataset)."""

QUERY_MODE = "Query"
TABLE_MODE = "Table"


def _get(node: Any, path: list[str | int]) -> Any:
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or len(node) <= key:
                return None
            node = node[key]
        else:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
    return node


def _present(node: Any, path: list[str | int]) -> bool:
    parent = _get(node, path[:-1])
    last = path[-1]
    if isinstance(last, int):
        return isinstance(parent, list) and len(parent) > last
    return isinstance(parent, dict) and last in parent


def _set(node: dict[str, Any], path: list[str | int], value: Any, template: Any) -> None:
    for index, key in enumerate(path[:-1]):
        following = path[index + 1]
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(key, int):
            while len(node) <= key:  # type: ignore[arg-type]
                node.append(copy.deepcopy(template) if isinstance(following, str) else empty)  # type: ignore[attr-defined]
            node = node[key]  # type: ignore[index]
        else:
            if not isinstance(node.get(key), (dict, list)):
                node[key] = empty
            node = node[key]
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:  # type: ignore[arg-type]
            node.append(None)  # type: ignore[attr-defined]
    node[last] = value  # type: ignore[index]


def _delete(node: Any, path: list[str | int]) -> None:
    parent = _get(node, path[:-1])
    if isinstance(parent, dict):
        parent.pop(path[-1], None)  # type: ignore[call-overload]


_REFERENCE_TEMPLATE = {"referenceName": "", "type": "DatasetReference"}


def _fields(part: ActivityPart) -> dict[str, dict[str, Any]]:
    return dict(part.schema["properties"])


def _mode_fields(part: ActivityPart) -> dict[str, str]:
    """{mode field: the field whose presence it tells}."""
    return {n: s["x-mode-of"] for n, s in _fields(part).items() if "x-mode-of" in s}


def dataset_type(properties: Mapping[str, Any] | None) -> str | None:
    value = properties.get("type") if isinstance(properties, Mapping) else None
    return value if isinstance(value, str) else None


def part_for(
    activity: Mapping[str, Any], datasets: DatasetLookup
) -> tuple[Connector, ActivityPart] | None:
    """The connector part that authors this activity, or None (then it is read-only)."""
    for connector in connectors():
        for part in connector.activity_parts:
            if activity.get("type") != part.activity_type:
                continue
            if part.source_type is not None:
                source = _get(activity, list(part.schema.get("x-source-path", [])))
                if isinstance(source, dict) and source.get("type") == part.source_type:
                    return connector, part
                continue
            name = values_of(part, activity).get("dataset")
            if isinstance(name, str) and dataset_type(datasets(name)) == part.dataset_type:
                return connector, part
    return None


def values_of(part: ActivityPart, activity: Mapping[str, Any]) -> dict[str, Any]:
    """The part's field values as the activity holds them (absent fields left out; a mode
    field from whether its field is there)."""
    values: dict[str, Any] = {}
    for name, schema in _fields(part).items():
        if "x-adf-path" in schema:
            path = list(schema["x-adf-path"])
            if _present(activity, path):
                values[name] = _get(activity, path)
    for mode, of in _mode_fields(part).items():
        values[mode] = QUERY_MODE if values.get(of) not in (None, "") else TABLE_MODE
    return values


def _is_expression_value(value: Any) -> bool:
    return expressions.is_expression(value)


def _as_stored(value: Any, stored: Any) -> Any:
    """An edited value in the form ADF Studio writes it in a pipeline: an expression as
    ``{"value", "type": "Expression"}`` (or the plain string / key order the stored one
    had), anything else as it is."""
    text = expressions.expression_text(value) if _is_expression_value(value) else None
    if text is None:
        return value
    if isinstance(stored, str) and expressions.is_expression_text(stored):
        return text
    if expressions.is_expression_object(stored):
        kept = dict(stored)
        kept["value"] = text
        return kept
    return {"value": text, "type": expressions.EXPRESSION}


def apply(
    part: ActivityPart, activity: Mapping[str, Any], values: Mapping[str, Any]
) -> dict[str, Any]:
    """The activity with the part's fields set from ``values``: a field left out is removed
    (unless the activity never had it), a value equal to the stored one keeps the stored
    form, a defaulted flag stays absent while it keeps its default (ADF's
    ``firstRowOnly`` absent means true)."""
    result = copy.deepcopy(dict(activity))
    modes = _mode_fields(part)
    hidden = {of for mode, of in modes.items() if values.get(mode) == TABLE_MODE}
    for name, schema in _fields(part).items():
        if "x-adf-path" not in schema:
            continue
        path = list(schema["x-adf-path"])
        had = _present(activity, path)
        stored = _get(activity, path)
        value = values.get(name)
        if name in hidden or value is None or value == "":
            if had and (name in hidden or "default" not in schema):
                _delete(result, path)
            continue
        if had and _same(value, stored):
            continue
        if not had and "default" in schema and value == schema["default"]:
            continue
        _set(result, path, _as_stored(value, stored), _REFERENCE_TEMPLATE)
    return result


def _same(value: Any, stored: Any) -> bool:
    if _is_expression_value(value) or _is_expression_value(stored):
        return (
            _is_expression_value(value)
            and _is_expression_value(stored)
            and expressions.expression_text(value).strip()
            == expressions.expression_text(stored).strip()
        )
    if isinstance(value, str) and isinstance(stored, str):
        # A form trims what it sends: the same text around whitespace is the stored text.
        return value.strip() == stored.strip()
    return bool(value == stored)


def _table_named(dataset: Mapping[str, Any]) -> bool:
    tp = dataset.get("typeProperties")
    if not isinstance(tp, dict):
        return False
    return any(tp.get(key) not in (None, "") for key in ("table", "tableName"))


def check(
    part: ActivityPart,
    values: Mapping[str, Any],
    datasets: DatasetLookup,
    *,
    query_problems: Callable[[str], list[str]] | None = None,
    parameters: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """Problems with the part's values, each at its field (``$.<field>``): the schema's
    rules, the dataset (there, of the part's type), the seed's rule on the query both ways
    (Query needs a query; Table needs a dataset naming a table), the query itself
    (``query_problems``: the connector's read-only guard), the pipeline parameters an
    expression in it uses."""
    problems = [
        Problem(
            "$." + ".".join(str(p) for p in e.absolute_path) if e.absolute_path else "$",
            _message(e),
        )
        for e in part.validator.iter_errors(dict(values))
    ]
    problems = [_at_required_field(p, values) for p in problems]
    name = values.get("dataset")
    if isinstance(name, str) and name:
        dataset = datasets(name)
        if dataset is None:
            problems.append(Problem("$.dataset", f"There is no dataset '{name}' in this factory."))
        elif part.dataset_type and dataset_type(dataset) != part.dataset_type:
            problems.append(
                Problem(
                    "$.dataset",
                    f"'{name}' is a {dataset_type(dataset)} dataset; this source reads a "
                    f"{part.dataset_type} dataset.",
                )
            )
        elif values.get("useQuery") == TABLE_MODE and not _table_named(dataset):
            problems.append(
                Problem(
                    "$.useQuery",
                    f"The dataset '{name}' names no table (table or tableName): choose Query "
                    "and write a query, or set the table in the dataset.",
                )
            )
    query = values.get("query")
    if values.get("useQuery") == QUERY_MODE and query not in (None, ""):
        if expressions.is_expression(query):
            problems.extend(expression_problems(query, parameters, variables))
        elif (
            isinstance(query, str) and query_problems is not None and len(query) <= _max_query(part)
        ):
            problems.extend(Problem("$.query", m) for m in query_problems(query))
    return problems


def _max_query(part: ActivityPart) -> int:
    for branch in part.schema["properties"].get("query", {}).get("anyOf", []):
        if "maxLength" in branch:
            return int(branch["maxLength"])
    return 1 << 20


def _message(error: Any) -> str:
    if error.validator == "maxLength":
        return f"Too long: at most {error.validator_value:,} characters."
    if error.validator == "minLength":
        return "Required."
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return f"Required: {missing}." if missing else "Required."
    if error.validator == "anyOf":
        sub = [e for e in error.context or [] if e.validator == "maxLength"]
        if sub:
            return f"Too long: at most {sub[0].validator_value:,} characters."
        return "Enter text, or an expression starting with @."
    if error.validator == "enum":
        return "Choose one of: " + ", ".join(map(str, error.validator_value)) + "."
    return str(error.message)


def _at_required_field(problem: Problem, values: Mapping[str, Any]) -> Problem:
    """A "required" error is reported at the missing field, not at the whole object."""
    if problem.path == "$" and problem.message.startswith("Required: "):
        name = problem.message[len("Required: ") : -1]
        message = "Required: Query mode needs a query." if name == "query" else "Required."
        return Problem(f"$.{name}", message)
    return problem


def expression_problems(
    query: Any,
    parameters: Mapping[str, Any] | None,
    variables: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """A malformed expression, or one reading a pipeline parameter or variable the pipeline
    does not declare (``None``: not known, not checked)."""
    try:
        used = expression_eval.referenced(query)
    except expression_eval.ExpressionError as exc:
        return [Problem("$.query", f"The expression in the query is not valid: {exc}")]
    problems = []
    for scope, declared, what in (
        ("pipeline", parameters, "pipeline parameter"),
        ("variables", variables, "variable"),
    ):
        if declared is None:
            continue
        known = {str(k).casefold() for k in declared}
        for used_scope, used_name in used:
            if used_scope == scope and used_name.casefold() not in known:
                problems.append(
                    Problem(
                        "$.query",
                        f"The query refers to the {what} '{used_name}', which the pipeline "
                        "does not declare.",
                    )
                )
    return problems


def test_values_needed(query: Any) -> list[tuple[str, str]]:
    """The ``(scope, name)`` values a query's expressions read (pipeline parameters,
    variables, ``item()`` fields): what Check and Preview ask for."""
    if not expressions.is_expression(query):
        return []
    try:
        return [
            pair
            for pair in expression_eval.referenced(query)
            if pair[0] in ("pipeline", "variables", "item")
        ]
    except expression_eval.ExpressionError:
        return []


PlaceValues = Callable[[str, tuple[expression_eval.Piece, ...]], str]
"""(evaluated text, the pieces of it that came from test values) -> the text to send, each
piece written as a literal of the query language (a connector's ``place_values``)."""


def evaluate_query(
    query: Any, test_values: Mapping[tuple[str, str], Any], *, place: PlaceValues | None
) -> str:
    """The query text to send, the test values put in: with ``place`` None, as ADF's
    string interpolation pastes them; else as ``place`` writes them (the connector's
    literals: a value can never be SQL). Raises
    :class:`connectors.expression_eval.ExpressionError` (and its subclasses
    ``CannotEvaluate``, ``MissingValue``, ``ValueRefused``) with a message to show."""
    if not expressions.is_expression(query):
        return str(expressions.literal(query))
    by_scope: dict[str, dict[str, Any]] = {"pipeline": {}, "variables": {}}
    item: dict[str, Any] = {}
    for (scope, name), value in test_values.items():
        if scope == "item":
            item[name] = value
        elif scope in by_scope:
            by_scope[scope][name] = value
    scope_kwargs: dict[str, Any] = {
        "pipeline_parameters": by_scope["pipeline"],
        "variables": by_scope["variables"],
    }
    if item:
        scope_kwargs["item"] = item.get("", item)
    traced = expression_eval.evaluate_traced(query, expression_eval.Scope(**scope_kwargs))
    if not isinstance(traced.value, str):
        raise expression_eval.ExpressionError(
            f"The query evaluates to {json.dumps(traced.value)}, not text.", ""
        )
    return traced.value if place is None else place(traced.value, traced.pieces)


def field_names(part: ActivityPart) -> list[str]:
    return [spec.name for spec in field_specs(part)]


__all__ = [
    "QUERY_MODE",
    "TABLE_MODE",
    "DatasetLookup",
    "PlaceValues",
    "apply",
    "check",
    "dataset_type",
    "evaluate_query",
    "expression_problems",
    "test_values_needed",
    "field_names",
    "part_for",
    "values_of",
]

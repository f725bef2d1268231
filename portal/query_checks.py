"""Checking and previewing an activity's query against its linked service's server.

The connector's ``query_tools`` do the work (read-only guard before any network, deadline,
bounded reads, the address policy of connection tests). Here: which linked service, its
secrets, the test values of the query's expressions, and the limits of connection tests
(each user's tests a minute, the shared pool of running tests), and the audit line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors import activity_parts, expression_eval
from connectors.base import TestOptions
from connectors.problems import Problem
from connectors.registry import get_version
from connectors.text_positions import typed_position
from portal.pipelines import ActivityEdit, Datasets, connector_of, linked_service_of
from portal.services import live
from portal.services.actor import Actor
from portal.services.call_values import ValuesFor, ValuesRefused, for_call, no_values
from portal.services.live import LiveRefused, Operation, Target


@dataclass
class QueryResult:
    """What a check or a preview found, as the pages, the API and the CLI show it."""

    ok: bool
    message: str = ""
    line: int | None = None
    column: int | None = None
    sent: str = ""
    """The query as sent (test values put in), empty when nothing was sent."""
    linked_service: str = ""
    connector_version: str = ""
    report: dict[str, Any] = field(default_factory=dict)
    refused_status: int = 0
    """The HTTP status of a call the live path refused before any network (429), else 0."""
    problems: list[Problem] = field(default_factory=list)
    """Where the values given for the call are wrong (nothing was sent)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "linkedService": self.linked_service or None,
            "connectorVersion": self.connector_version or None,
            **{
                k: v for k, v in self.report.items() if k not in ("ok", "message", "line", "column")
            },
        }


def test_value_fields(query: Any) -> list[tuple[str, str]]:
    return activity_parts.test_values_needed(query)


def test_value_key(scope: str, name: str) -> str:
    return f"tv-{scope}-{name}"


def test_values_from(
    data: Mapping[str, str], query: Any, parameters: Mapping[str, Any] | None = None
) -> dict[tuple[str, str], Any]:
    """The test values typed in a form; a pipeline parameter the pipeline declares Int,
    Float or Bool is read as that type (the value ADF would have), so that it goes into
    the query as a number or a boolean literal rather than as text."""
    out: dict[tuple[str, str], Any] = {}
    for scope, name in test_value_fields(query):
        text = data.get(test_value_key(scope, name), "")
        if text != "":
            spec = _parameter(parameters or {}, name) if scope == "pipeline" else None
            out[(scope, name)] = _as_declared(text, spec.get("type") if spec else None)
    return out


def _parameter(parameters: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    spec = next((v for k, v in parameters.items() if k.casefold() == name.casefold()), None)
    return spec if isinstance(spec, dict) else None


def _as_declared(text: str, declared: Any) -> Any:
    """``text`` as a value of the declared parameter type, when it is one (else as typed)."""
    kind = str(declared or "").casefold()
    value = text.strip()
    if kind == "int" and re.fullmatch(r"[+-]?[0-9]+", value):
        return int(value)
    if kind == "float" and re.fullmatch(
        r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", value
    ):
        return float(value)
    if kind == "bool" and value.casefold() in ("true", "false"):
        return value.casefold() == "true"
    return text


def default_test_values(query: Any, parameters: Mapping[str, Any]) -> dict[str, str]:
    """Form values for the test values: a pipeline parameter's default, when it has one."""
    out = {}
    for scope, name in test_value_fields(query):
        if scope == "pipeline":
            spec = _parameter(parameters, name)
            default = spec.get("defaultValue") if isinstance(spec, dict) else None
            if isinstance(default, (str, int, float)) and not isinstance(default, bool):
                out[test_value_key(scope, name)] = str(default)
    return out


def run(
    edit: ActivityEdit,
    *,
    what: str,
    actor: Actor,
    test_values: Mapping[tuple[str, str], Any],
    values_for: ValuesFor = no_values,
    rate_limited: bool = True,
) -> QueryResult:
    """``what`` is "check" (EXPLAIN) or "preview" (the query with the preview's caps).
    ``test_values`` are the query's (pipeline parameters, variables, item());
    ``values_for`` the linked service's (see :mod:`portal.services.call_values`)."""
    values = edit.values
    query = values.get("query") if values.get("useQuery") == activity_parts.QUERY_MODE else None
    return run_query(
        query,
        dataset_name=str(values.get("dataset", "")),
        datasets=edit.datasets,
        what=what,
        actor=actor,
        test_values=test_values,
        values_for=values_for,
        rate_limited=rate_limited,
        first_row_only=_first_row_only(edit, values),
        label=f"activity '{edit.activity.name}' of pipeline '{edit.resource.name}'",
    )


def _first_row_only(edit: ActivityEdit, values: Mapping[str, Any]) -> bool | None:
    """None for a part without the flag (a Copy); else the flag, absent meaning true."""
    if "firstRowOnly" not in edit.part.schema["properties"]:
        return None
    return values.get("firstRowOnly", True) is not False


def run_query(
    query: Any,
    *,
    dataset_name: str,
    datasets: Datasets,
    what: str,
    actor: Actor,
    test_values: Mapping[tuple[str, str], Any],
    values_for: ValuesFor = no_values,
    rate_limited: bool = True,
    first_row_only: bool | None = None,
    label: str = "",
) -> QueryResult:
    """Check or preview ``query`` (None: the dataset's table, Table mode) on the server of
    the dataset's linked service."""
    dataset = datasets.resource(dataset_name)
    service = linked_service_of(dataset)
    connector = connector_of(service)
    if dataset is None or service is None or connector is None:
        return QueryResult(False, f"The dataset '{dataset_name}' has no linked service here.")
    tools = connector.query_tools
    if tools is None:
        return QueryResult(False, f"{connector.title} queries cannot be checked here.")
    if query in (None, ""):
        query = tools.table_query(dataset.properties.get("typeProperties") or {})
        if query is None:
            return QueryResult(
                False, f"The dataset '{dataset_name}' names no table: choose Query and write one."
            )
    try:
        text = activity_parts.evaluate_query(query, test_values, place=tools.place_values)
    except expression_eval.ValueRefused as exc:  # a value that would not stay a literal
        return QueryResult(False, exc.message, line=exc.line or None, column=exc.column or None)
    except expression_eval.CannotEvaluate as exc:
        return QueryResult(False, f"Cannot evaluate here: {exc.message} Give the value to use.")
    except expression_eval.ExpressionError as exc:
        return QueryResult(False, f"The expression cannot be evaluated: {exc.message}")
    base = QueryResult(
        False, linked_service=service.name, connector_version=service.connector_version
    )
    refused = tools.query_problems(text)
    if refused:
        base.message = refused[0]
        base.report = _position_of(tools, text)
        base.line, base.column = _as_typed(
            query, text, base.report.get("line"), base.report.get("column")
        )
        return base
    version = get_version(service.connector, service.connector_version)
    target = Target(
        service.factory, service, service.name, service.connector, service.connector_version
    )
    operation = Operation.QUERY_PREVIEW if what == "preview" else Operation.QUERY_CHECK
    try:
        prepared = for_call(actor, operation, target, service, values_for(service))
    except ValuesRefused as exc:
        base.message, base.problems = exc.message, exc.problems
        return base
    type_properties = prepared.type_properties

    def work(options: TestOptions) -> dict[str, Any]:
        if what == "preview":
            return tools.preview_query(  # type: ignore[no-any-return]
                version, type_properties, text, options, first_row_only=first_row_only
            )
        return tools.check_query(version, type_properties, text, options)  # type: ignore[no-any-return]

    try:
        report = live.call(
            actor,
            operation,
            target,
            work,
            redaction=prepared.redaction,
            detail=f"query {what} of {label or 'a query'}",
            rate_limited=rate_limited,
        )
    except LiveRefused as exc:
        base.message = exc.message
        base.refused_status = exc.status
        return base
    base.ok = bool(report.get("ok"))
    base.message = str(report.get("message", ""))
    base.line, base.column = _as_typed(query, text, report.get("line"), report.get("column"))
    base.sent = text
    base.report = report
    if prepared.used:
        report["values"] = prepared.used
    return base


def _as_typed(
    query: Any, text: str, line: int | None, column: int | None
) -> tuple[int | None, int | None]:
    """A position in the text that ran, as a position in the query as typed (the two
    differ where ``@{...}`` was evaluated); a query that is one whole expression keeps it."""
    typed = query.get("value") if isinstance(query, dict) else query
    if line is None or column is None or not isinstance(typed, str):
        return line, column
    if typed.startswith("@") and not typed.startswith(("@{", "@@")):
        return line, column
    return typed_position(typed, text, line, column)


def _position_of(tools: Any, text: str) -> dict[str, Any]:
    where = getattr(tools, "refusal_position", None)
    if where is None:
        return {}
    line, column = where(text)
    return {"line": line, "column": column}

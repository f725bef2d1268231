"""Checking a Copy / Lookup activity's query on a HiveServer2 server: the connector's
read-only guard before any network, then the server's own judgement (its ``EXPLAIN`` of the
exact text that would run, read by the reader for the server that answers:
:meth:`connectors.hiveserver2.dialect.Dialect.check_plan`; never run) before anything runs,
with the connection test's address policy, deadline and bounded reads.

The session is opened by the connection test's own code
(:mod:`connectors.hiveserver2.diagnostics`), so a query check fails for the same reasons, with
the same advice, as a connection test.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from connectors.base import ConnectorVersion, TestOptions
from connectors.hiveserver2.client import FetchLimits, HiveClient
from connectors.hiveserver2.connection_test import run_on_server
from connectors.hiveserver2.diagnostics import Operation
from connectors.hiveserver2.dialect import PlanRefused
from connectors.hiveserver2.errors import HiveStatusError
from connectors.hiveserver2.flavour import Flavour
from connectors.hiveserver2.live import (
    PREVIEW_DEFAULT_ROWS,
    PREVIEW_MAX_BYTES,
    DatasetProblem,
    carry,
    table_of,
)
from connectors.net.deadline import Deadline

_POSITION = re.compile(r"line (\d+),? pos(?:ition)? (\d+)", re.IGNORECASE)


def query_problems(flavour: Flavour, sql: str) -> list[str]:
    """Why ``sql`` is not one read-only query (the guard), or nothing."""
    try:
        flavour.dialect.check_read_only(sql)
    except flavour.dialect.refused as exc:
        return [str(exc)]
    return []


def table_query(dataset_type_properties: dict[str, Any]) -> str | None:
    """The query Table mode sends: every column of the dataset's table (None: it names
    none, or names it by an expression)."""
    try:
        return f"SELECT * FROM {table_of(dataset_type_properties).sql()}"
    except DatasetProblem:
        return None


def _refused(exc: Any) -> dict[str, Any]:
    """The guard's refusal as a report: nothing was sent."""
    return {
        "ok": False,
        "message": str(exc),
        "line": exc.line or None,
        "column": exc.column or None,
    }


def refusal_position(flavour: Flavour, sql: str) -> tuple[int | None, int | None]:
    try:
        flavour.dialect.check_read_only(sql)
    except flavour.dialect.refused as exc:
        return (getattr(exc, "line", 0) or None, getattr(exc, "column", 0) or None)
    return (None, None)


def server_message(text: str) -> dict[str, Any]:
    """The server's error text as shown: the message (Spark's "== SQL ==" excerpt dropped),
    and the position Spark names ("line 1 pos 14", 0-based column) as 1-based."""
    head = text.split("\n== SQL ==")[0]
    head = re.sub(r"^(?:org\.apache\.[\w.]+Exception|Error running query):\s*", "", head.strip())
    head = re.sub(r"^Error occurred during query planning:\s*", "", head)
    head = re.split(r";\s*line \d+ pos \d+;", head)[0]
    if "Exception: " in head:
        head = head.rsplit("Exception: ", 1)[1]
    head = re.sub(r"\s*\(line \d+, pos \d+\)\s*$", "", head)
    out: dict[str, Any] = {"message": " ".join(head.split())[:2000]}
    found = _POSITION.search(text)
    if found:
        out["line"], out["column"] = int(found.group(1)), int(found.group(2)) + 1
    return out


def _server_run(
    flavour: Flavour,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    options: TestOptions,
    stage: str,
    work: Callable[[HiveClient, Deadline], Any],
) -> dict[str, Any]:
    """Open a session as the connection test does (:func:`connection_test.run_on_server`),
    with the plan readers' session settings, run ``work``, close. ``{"ok", "result" |
    "message", "line", "column", "duration_ms", "explain_prefix"}``. A server's refusal of
    the statement (``HiveStatusError``) comes back as its message and position, the plan
    check's (``PlanRefused``) as its message, not as a failed stage."""
    dialect = flavour.dialect
    prefix: list[str] = []
    started = time.perf_counter()

    def guarded(client: HiveClient, deadline: Deadline) -> Any:
        try:
            prefix.append(dialect.reader_for(client).explain_prefix)
            return {"value": work(client, deadline)}
        except HiveStatusError as exc:
            return {"server_error": exc.message}
        except PlanRefused as exc:
            return {"plan_refused": str(exc)}

    operation = Operation(stage, guarded, session_configuration=dialect.session_configuration)
    report = run_on_server(flavour.read_settings, version, type_properties, options, operation)
    duration = round((time.perf_counter() - started) * 1000, 1)
    if isinstance(report, dict):  # refused before any network
        failure: dict[str, Any] = next(
            (s for s in report.get("stages", []) if s.get("status") == "failed"), {}
        )
        text = failure.get("observed") or failure.get("detail") or "not sent"
        return {"ok": False, "message": f"Cannot reach the server from here: {text}"}
    if not report.ok:
        stage_failed = report.first_failure
        assert stage_failed is not None
        text = stage_failed.observed or stage_failed.detail
        return {
            "ok": False,
            "message": f"{stage_failed.name} failed: {text}",
            "change": stage_failed.change,
            "duration_ms": duration,
        }
    result = report.result or {}
    if "server_error" in result:
        return {
            "ok": False,
            **server_message(result["server_error"]),
            "duration_ms": duration,
            "explain_prefix": prefix[0] if prefix else "",
        }
    if "plan_refused" in result:
        return {"ok": False, "message": result["plan_refused"], "duration_ms": duration}
    return {"ok": True, "result": result.get("value"), "duration_ms": duration}


def check_query(
    flavour: Flavour,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    sql: str,
    options: TestOptions,
) -> dict[str, Any]:
    """Parse and analyse ``sql`` on the server (its ``EXPLAIN``, judged by the reader for that
    server): ``{"ok", "message", "line", "column", "plan"}`` (``plan``: the plan shown).
    A syntax error, a missing table or column comes back with the server's message and
    position, a plan that is not a read with the plan check's refusal. The result's columns
    come from the same query under ``LIMIT 0``, itself judged before it runs."""
    dialect = flavour.dialect
    try:
        statement = dialect.check_read_only(sql)
    except dialect.refused as exc:
        return _refused(exc)

    def explain(client: HiveClient, deadline: Deadline) -> Any:
        timeout = max(1, int(deadline.remaining()))
        plan = dialect.check_plan(client, statement, timeout)
        # The result's columns without reading a row: what each version's interim types are.
        empty = f"SELECT * FROM (\n{statement}\n) AS linkwright_columns LIMIT 0"
        try:
            dialect.check_plan(client, empty, timeout)
            got = client.query(empty, limits=FetchLimits(max_rows=1), timeout_seconds=timeout)
        except HiveStatusError as exc:  # the wrapper's first line is not the user's
            return {"wrapped_error": exc.message}
        return {"plan": plan.physical, "columns": [(c.name, c.type_name) for c in got.columns]}

    report = _server_run(flavour, version, type_properties, options, "Check query", explain)
    if not report.get("ok"):
        return _in_query(report, sql, statement, prefix=report.pop("explain_prefix", ""))
    result = report.pop("result") or {}
    if "wrapped_error" in result:
        found = {**report, "ok": False, **server_message(result["wrapped_error"])}
        found.pop("explain_prefix", None)
        return _in_query(found, sql, statement, prefix="", lines_before=1)
    plan = str(result.get("plan", ""))
    columns = [
        {"name": name, **dialect.column_type(server_type, version.version).to_dict()}
        for name, server_type in result.get("columns", [])
    ]
    upgrade = dialect.upgrade
    return {
        **report,
        "message": "The server parsed and planned the query.",
        "plan": plan[:20000],
        "columns": columns,
        "type_label": dialect.type_label,
        "type_changes": dialect.type_changes(result.get("columns", [])),
        "type_changes_versions": {"from": upgrade[0], "to": upgrade[1]} if upgrade else None,
    }


def _in_query(
    report: dict[str, Any],
    sql: str,
    statement: str,
    *,
    prefix: str,
    lines_before: int = 0,
) -> dict[str, Any]:
    """A position the server gave in the statement it was sent (``prefix`` before the
    statement on its first line, ``lines_before`` whole lines before it) as a position in
    ``sql``, the text as typed."""
    line, column = report.get("line"), report.get("column")
    if not isinstance(line, int) or not isinstance(column, int):
        return report
    line -= lines_before
    lead = sql[: max(sql.find(statement), 0)]
    if line <= 1:
        line = 1
        column = column - len(prefix) + len(lead.rsplit("\n", 1)[-1])
    line += lead.count("\n")
    return {**report, "line": line, "column": max(column, 1)}


LOOKUP_MAX_ROWS = 5000
"""ADF's Lookup activity fails when its output has more rows than this."""
LOOKUP_MAX_BYTES = 4 * 1024 * 1024
"""... or is larger than this (4 MB)."""
OUTPUT_SHOWN = 20
"""Items of a Lookup's ``value`` shown in the output preview (the count says how many)."""


def preview_query(
    flavour: Flavour,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    sql: str,
    options: TestOptions,
    *,
    first_row_only: bool | None = None,
    rows: int = PREVIEW_DEFAULT_ROWS,
) -> dict[str, Any]:
    """Run the query with the dataset preview's caps: ``{"ok", "columns": [{"name",
    "server_type", "source_type", "interim_type"}], "rows", "cut", "warnings",
    "type_label"}``. For a
    Lookup (``first_row_only`` not None), ``output`` is what the activity would give:
    ``{"firstRow": {...}}`` or ``{"count": n, "value": [...]}``, with a warning where ADF
    would fail (more than 5,000 rows, more than 4 MB)."""
    dialect = flavour.dialect
    try:
        statement = dialect.check_read_only(sql)
    except dialect.refused as exc:
        return _refused(exc)
    if first_row_only is False:
        limits = FetchLimits(max_rows=LOOKUP_MAX_ROWS, max_bytes=LOOKUP_MAX_BYTES, batch_rows=1000)
    else:
        wanted = 1 if first_row_only else max(1, rows)
        limits = FetchLimits(max_rows=wanted, max_bytes=PREVIEW_MAX_BYTES, batch_rows=wanted + 1)
    wrapped = f"SELECT * FROM (\n{statement}\n) AS linkwright_preview LIMIT {limits.max_rows + 1}"

    def work(client: HiveClient, deadline: Deadline) -> Any:
        timeout = max(1, int(deadline.remaining()))
        dialect.check_plan(client, wrapped, timeout)
        got = client.query(wrapped, limits=limits, timeout_seconds=timeout)
        types = [dialect.column_type(c.type_name, version.version) for c in got.columns]
        return {
            "columns": [
                {"name": c.name, **t.to_dict()} for c, t in zip(got.columns, types, strict=True)
            ],
            "rows": [[carry(v, t) for v, t in zip(row, types, strict=True)] for row in got.rows],
            "cut": got.cut,
            "bytes_read": got.bytes_read,
        }

    report = _server_run(flavour, version, type_properties, options, "Preview query", work)
    if not report.get("ok"):  # the wrapper's first line is not the user's
        report.pop("explain_prefix", None)
        return _in_query(report, sql, statement, prefix="", lines_before=1)
    result = report.pop("result") or {}
    found = {
        **report,
        **result,
        "message": _described(result),
        "warnings": [],
        "type_label": dialect.type_label,
    }
    if first_row_only is not None:
        found.update(_lookup_output(result, first_row_only))
    return found


def _described(result: dict[str, Any]) -> str:
    count = len(result.get("rows", []))
    text = f"{count:,} row{'s' if count != 1 else ''}, {len(result.get('columns', []))} columns"
    return text + (f" ({result['cut']})" if result.get("cut") else "") + "."


def _lookup_output(result: dict[str, Any], first_row_only: bool) -> dict[str, Any]:
    names = [c["name"] for c in result.get("columns", [])]
    objects = [dict(zip(names, row, strict=True)) for row in result.get("rows", [])]
    warnings: list[str] = []
    if first_row_only:
        output: dict[str, Any] = {"firstRow": objects[0]} if objects else {}
        shown = output
    else:
        output = {"count": len(objects), "value": objects}
        shown = {"count": len(objects), "value": objects[:OUTPUT_SHOWN]}
        cut = str(result.get("cut") or "")
        if "rows" in cut and "more" in cut:
            warnings.append(
                f"The query returns more than {LOOKUP_MAX_ROWS:,} rows: ADF's Lookup fails "
                f"when firstRowOnly is false and the output has more than {LOOKUP_MAX_ROWS:,} rows."
            )
            output["count"] = f"more than {LOOKUP_MAX_ROWS:,}"
            shown["count"] = output["count"]
    size = len(json.dumps(output, ensure_ascii=False).encode("utf-8"))
    if size > LOOKUP_MAX_BYTES or "byte" in str(result.get("cut") or ""):
        warnings.append(
            f"The output is larger than 4 MB ({size:,} bytes read before the cap): ADF's "
            "Lookup fails when its output exceeds 4 MB."
        )
    text = json.dumps(shown, indent=2, ensure_ascii=False)
    if not first_row_only and len(objects) > OUTPUT_SHOWN:
        text += f"\n(the first {OUTPUT_SHOWN} of {len(objects):,} items of value are shown)"
    return {"output": text, "output_bytes": size, "warnings": warnings}


__all__ = [
    "LOOKUP_MAX_BYTES",
    "LOOKUP_MAX_ROWS",
    "check_query",
    "preview_query",
    "query_problems",
    "refusal_position",
    "server_message",
    "table_query",
]

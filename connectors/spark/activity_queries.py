"""Checking a Copy / Lookup activity's Spark query: the read-only guard before any network,
then ``EXPLAIN`` on the live server (parsed and planned, never run), with the connection
test's address policy, deadline and bounded reads.

The session is opened by the connection test's own code (:mod:`connectors.spark.diagnostics`),
so a query check fails for the same reasons, with the same advice, as a connection test.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from connectors.base import ConnectorVersion, TestOptions
from connectors.encrypted_credentials import one_off_needed
from connectors.expressions import literal
from connectors.spark.connection_test import _unresolvable
from connectors.spark.diagnostics import Stage, _Run
from connectors.spark.hive.client import HiveClient
from connectors.spark.hive.errors import HiveStatusError
from connectors.spark.query_guard import QueryRefused, check_read_only
from connectors.spark.settings import ClientLimits, SettingsError, settings_from_type_properties

_POSITION = re.compile(r"line (\d+),? pos(?:ition)? (\d+)", re.IGNORECASE)
_PLAN_ERROR = re.compile(
    r"(AnalysisException|ParseException|Error occurred during query planning|"
    r"\[[A-Z_]+(?:\.[A-Z_]+)?\])"
)


def query_problems(sql: str) -> list[str]:
    """Why ``sql`` is not one read-only query (the guard), or nothing."""
    try:
        check_read_only(sql)
    except QueryRefused as exc:
        return [str(exc)]
    return []


def refusal_position(sql: str) -> tuple[int | None, int | None]:
    try:
        check_read_only(sql)
    except QueryRefused as exc:
        return (exc.line or None, exc.column or None)
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


class _QueryRun(_Run):
    """A connection test whose query stage runs ``work`` instead of ``SELECT 1``."""

    work: Callable[[HiveClient, int], Any]
    result: Any = None
    error: HiveStatusError | None = None

    def _server_info(self) -> None:
        return None

    def _query(self) -> None:
        assert self.client is not None
        with self.stage(Stage.QUERY) as detail:
            timeout = max(1, int(self.deadline.remaining()))
            try:
                self.result = self.work(self.client, timeout)
            except HiveStatusError as exc:
                self.error = exc
            detail.append("answered")


def _prepare(version: ConnectorVersion, type_properties: dict[str, Any]) -> tuple[Any, str | None]:
    """(SparkSettings, None) or (None, why the server cannot be reached from here)."""
    needed = one_off_needed(version, type_properties)
    if needed:
        return None, needed
    type_properties = {name: literal(value) for name, value in type_properties.items()}
    unresolved = _unresolvable(type_properties)
    if unresolved:
        return None, "; ".join(unresolved) + "."
    secret = type_properties.get("password")
    password = secret.get("value") if isinstance(secret, dict) else None
    try:
        return settings_from_type_properties(version.version, type_properties, password), None
    except SettingsError as exc:
        return None, "; ".join(exc.problems) + "."


def run_on_server(
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    options: TestOptions,
    work: Callable[[HiveClient, int], Any],
) -> dict[str, Any]:
    """Open a session as the connection test does, run ``work(client, timeout_s)``, close.
    ``{"ok", "result" | "message", "line", "column", "duration_ms"}``; never raises."""
    started = time.perf_counter()
    settings, why = _prepare(version, type_properties)
    if settings is None:
        return {"ok": False, "message": f"Cannot reach the server from here: {why}"}
    limits = ClientLimits(
        connect_timeout_s=options.connect_timeout_s, deadline_s=options.deadline_s
    )
    run = _QueryRun(settings, options.address_policy, limits, _resolver())
    run.work = work
    run.ca_pem = options.ca_certificate
    failed = None
    try:
        run.execute()
    except Exception:  # noqa: BLE001 - the report says what failed
        failed = run.report.first_failure
    finally:
        run.cleanup()
    duration = round((time.perf_counter() - started) * 1000, 1)
    if failed is not None or run.report.first_failure is not None:
        stage = failed or run.report.first_failure
        assert stage is not None
        text = stage.observed or stage.detail
        return {
            "ok": False,
            "message": f"{stage.name} failed: {text}",
            "change": stage.change,
            "duration_ms": duration,
        }
    if run.error is not None:
        return {"ok": False, **server_message(run.error.message), "duration_ms": duration}
    return {"ok": True, "result": run.result, "duration_ms": duration}


def _resolver() -> Any:
    from connectors.spark.endpoint import system_resolver

    return system_resolver


def check_query(
    version: ConnectorVersion, type_properties: dict[str, Any], sql: str, options: TestOptions
) -> dict[str, Any]:
    """Parse and plan ``sql`` on the server with ``EXPLAIN``: ``{"ok", "message", "line",
    "column", "plan"}``. A syntax error, a missing table or column comes back with the
    server's message and position."""
    try:
        statement = check_read_only(sql)
    except QueryRefused as exc:
        return {
            "ok": False,
            "message": str(exc),
            "line": exc.line or None,
            "column": exc.column or None,
        }

    def explain(client: HiveClient, timeout: int) -> Any:
        return client.query_first_value(EXPLAIN + statement, timeout_seconds=timeout)

    report = run_on_server(version, type_properties, options, explain)
    if not report.get("ok"):
        return _in_query(report, sql, statement)
    plan = str(report.pop("result") or "")
    # Spark answers EXPLAIN of a query it cannot analyse with the error as the plan.
    body = plan.removeprefix("== Physical Plan ==").lstrip("\n")
    if _PLAN_ERROR.match(body) or body.startswith("org.apache.spark"):
        found = {"ok": False, **server_message(body), "duration_ms": report.get("duration_ms")}
        return _in_query(found, sql, statement)
    return {**report, "message": "The server parsed and planned the query.", "plan": plan[:20000]}


EXPLAIN = "EXPLAIN "


def _in_query(report: dict[str, Any], sql: str, statement: str) -> dict[str, Any]:
    """A position the server gave in ``EXPLAIN <statement>`` as a position in ``sql``."""
    line, column = report.get("line"), report.get("column")
    if not isinstance(line, int) or not isinstance(column, int):
        return report
    lead = sql[: max(sql.find(statement), 0)]
    if line == 1:
        column = column - len(EXPLAIN) + len(lead.rsplit("\n", 1)[-1])
    line += lead.count("\n")
    return {**report, "line": line, "column": max(column, 1)}


__all__ = ["check_query", "query_problems", "refusal_position", "run_on_server", "server_message"]

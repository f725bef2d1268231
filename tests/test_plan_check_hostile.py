"""Issue 18 against a real Spark Thrift Server: hostile queries sent through every connector
call that runs a query (dataset preview, query check, query preview) take no effect ON THE
SERVER, checked by a privileged test-only client; legitimate queries still preview.

Each hostile query is sent twice: as the product does (read-only guard, then the plan
check) and with the guard made to pass everything, so that the server's plan is the only
judge. Control tests send attacks of each class straight to the server and see them take
effect, so the effect checks are real.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from connectors.hiveserver2 import live, queries
from connectors.hiveserver2.client import FetchLimits, HiveClient
from connectors.hiveserver2.live import PreviewRequest, TableRef
from connectors.spark import CONNECTOR
from connectors.spark.flavour import FLAVOUR
from connectors.spark.plan_check import FUNCTIONS_FILE, PREFIX_WORDS
from tests.helpers import direct_client
from tests.hostile_queries_plan import HOSTILE, LEGITIMATE, SECRET_KEY, SECRET_LINE, SEED
from tests.spark_catalog import OPTIONS, ensure_catalog, type_properties
from tests.spark_functions_capture import system_functions
from tests.spark_server import ServerPool

MODE = "binary-nosasl"
SPARK_REJECTS = {"r13"}
"""Spellings Spark itself cannot analyse (try_reflect is Spark 4's): its own message is the
answer. (Spark reads neither a directory of text as Parquet nor a text file as ORC either,
but a statement that names a path gets the path refusal, never the server's message, which
can quote the file.)"""
CANARY = "lw_canary.canary"
CANARY_ROWS = [(1, "one"), (2, "two"), (3, "three")]


@dataclass(frozen=True)
class Target:
    port: int
    version: Any
    type_properties: dict[str, Any]
    markers: Path
    fields: dict[str, str]

    def sql(self, query_id: str, text: str) -> str:
        return text.format(
            marker=self.markers / query_id,
            out_dir=self.markers / f"{query_id}-dir",
            prop=f"lw.attack.{query_id}",
            **self.fields,
        )


@pytest.fixture(scope="module")
def target(spark_pool: ServerPool, tmp_path_factory: pytest.TempPathFactory) -> Target:
    server = spark_pool.get(MODE)
    ensure_catalog(server)
    root = tmp_path_factory.mktemp("hostile")
    markers, secrets = root / "markers", root / "secrets"
    markers.mkdir()
    secrets.mkdir()
    (secrets / "secret.txt").write_text(f"{SECRET_LINE}\nsecond line\n")
    (secrets / "secret.json").write_text(json.dumps({SECRET_KEY: SECRET_LINE}) + "\n")
    fields = {
        "secret_text": str(secrets / "secret.txt"),
        "secret_json": str(secrets / "secret.json"),
        "secret_dir": str(secrets),
    }
    with direct_client(server.port) as client:
        for statement in SEED:
            client.query(statement.format(markers=markers, **fields), limits=FetchLimits())
        fields["canary_dir"] = _table_dir(client, CANARY)
    version, tp, _ = type_properties(server)
    return Target(server.port, CONNECTOR.version(version), tp, markers, fields)


def _table_dir(client: HiveClient, table: str) -> str:
    got = client.query(f"DESCRIBE TABLE EXTENDED {table}", limits=FetchLimits(max_rows=200))
    location = next(str(row[1]) for row in got.rows if row[0] == "Location")
    return location.removeprefix("file:")


# -- what the server looks like: every effect an attack could have ---------------------------
def server_state(client: HiveClient, target: Target, *, table: str = CANARY) -> dict[str, Any]:
    """What the privileged client sees: the table's rows, data files and caching, catalog
    objects, jars and files added, JVM system properties, files made in the markers
    directory."""

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return client.query(sql, limits=FetchLimits(max_rows=10_000)).rows

    location = Path(target.fields["canary_dir"] if table == CANARY else _table_dir(client, table))
    plan = str(rows(f"EXPLAIN SELECT * FROM {table}")[0][0])
    properties = str(rows("SELECT reflect('java.lang.System', 'getProperties')")[0][0])
    return {
        "rows": sorted(rows(f"SELECT * FROM {table}")),
        "files": sorted(
            (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in location.iterdir()
        ),
        "cached": "InMemoryRelation" in plan,
        "databases": rows("SHOW DATABASES"),
        "tables": rows("SHOW TABLES IN lw_canary"),
        "functions": rows("SHOW USER FUNCTIONS IN lw_canary"),
        "jars": rows("LIST JARS"),
        "files added": rows("LIST FILES"),
        "attack properties": sorted(p for p in properties.split(", ") if "lw.attack." in p),
        "markers": sorted(p.name for p in target.markers.iterdir()),
    }


@pytest.fixture(scope="module")
def baseline(target: Target) -> dict[str, Any]:
    with direct_client(target.port) as client:
        state = server_state(client, target)
    assert state["rows"] == CANARY_ROWS and state["files"], state
    assert not state["attack properties"] and not state["markers"] and not state["cached"]
    return state


# -- sending a query through every connector call -------------------------------------------
def through_connector(target: Target, sql: str) -> dict[str, dict[str, Any]]:
    version, tp = target.version, target.type_properties
    return {
        "dataset preview": live.preview(
            FLAVOUR, version, tp, OPTIONS, PreviewRequest(query=sql, rows=5)
        ),
        "query check": queries.check_query(FLAVOUR, version, tp, sql, OPTIONS),
        "query preview": queries.preview_query(FLAVOUR, version, tp, sql, OPTIONS),
    }


def why_not(report: dict[str, Any]) -> str:
    """What a report that did not run its query says (refusal, server message, stage)."""
    if report.get("refused"):
        return str(report["refused"])
    failed = [s for s in report.get("stages", []) if s.get("status") == "failed"]
    if failed:
        return str(failed[0].get("detail"))
    return str(report.get("message", ""))


def _guard_out_of_the_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-only guard passes every text: the server's plan is the only judge."""
    dialect = dataclasses.replace(FLAVOUR.dialect, check_read_only=lambda sql: sql)
    unguarded = dataclasses.replace(FLAVOUR, dialect=dialect)
    monkeypatch.setattr(sys.modules[__name__], "FLAVOUR", unguarded)


@pytest.fixture(params=["guard and plan", "plan alone"])
def judged_by(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "plan alone":
        _guard_out_of_the_way(monkeypatch)
    return str(request.param)


@pytest.mark.spark(MODE)
@pytest.mark.parametrize(("query_id", "text", "kind"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_query_takes_no_effect_on_the_server_whatever_call_sends_it(
    target: Target, baseline: dict[str, Any], judged_by: str, query_id: str, text: str, kind: str
) -> None:
    sql = target.sql(query_id, text)
    reports = through_connector(target, sql)
    for call, report in reports.items():
        assert not report.get("ok"), f"{call} ran {kind} query {query_id}: {report}"
        assert why_not(report), f"{call} gave no reason for {query_id}: {report}"
    answers = json.dumps(reports)
    assert SECRET_LINE not in answers and SECRET_KEY not in answers, answers
    with direct_client(target.port) as client:
        assert server_state(client, target) == baseline, f"{kind} query {query_id} took effect"


@pytest.mark.spark(MODE)
@pytest.mark.parametrize(
    ("query_id", "kind"),
    [(h[0], h[2]) for h in HOSTILE if h[2] in ("script", "reflection", "function", "path")],
)
def test_with_the_guard_out_of_the_way_the_server_s_plan_is_what_refuses(
    target: Target, monkeypatch: pytest.MonkeyPatch, query_id: str, kind: str
) -> None:
    _guard_out_of_the_way(monkeypatch)
    text = next(h[1] for h in HOSTILE if h[0] == query_id)
    report = through_connector(target, target.sql(query_id, text))["query preview"]
    said = why_not(report)
    if query_id in SPARK_REJECTS:
        assert said.startswith("[") and not said.startswith(PREFIX_WORDS), said
    else:
        assert said.startswith(PREFIX_WORDS), said


@pytest.mark.spark(MODE)
@pytest.mark.parametrize("view", ["v_script", "v_reflect", "v_path"])
def test_a_table_preview_of_a_view_whose_body_is_not_a_read_is_refused(
    target: Target, baseline: dict[str, Any], view: str
) -> None:
    report = live.preview(
        FLAVOUR,
        target.version,
        target.type_properties,
        OPTIONS,
        PreviewRequest(table=TableRef("lw_canary", view)),
    )
    assert not report["ok"] and str(report.get("refused", "")).startswith(PREFIX_WORDS), report
    assert SECRET_LINE not in json.dumps(report)
    with direct_client(target.port) as client:
        assert server_state(client, target) == baseline


@pytest.mark.spark(MODE)
def test_a_refusal_names_the_node_or_the_function_and_never_shows_the_plan(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    _guard_out_of_the_way(monkeypatch)
    said = {
        query_id: why_not(through_connector(target, target.sql(query_id, text))["query check"])
        for query_id, text, _ in HOSTILE
        if query_id in ("r01", "s13", "p03", "f01", "e04")
    }
    assert "reflect is not an allowed function" in said["r01"]
    assert "ScriptTransformation is not a read operation" in said["s13"]
    assert "a file read by its path (Relation [..] json" in said["p03"]
    assert "is not an allowed function" in said["f01"]
    assert "line break" in said["e04"]
    for text in said.values():
        assert "#" not in text and "+-" not in text and SECRET_KEY not in text, text


# -- control: the same attacks sent straight to the server do take effect ----------------------
@pytest.mark.spark(MODE)
def test_control_attacks_sent_straight_to_the_server_take_effect(target: Target) -> None:
    control = "lw_canary.control_t"
    with direct_client(target.port) as client:
        before = server_state(client, target, table=control)

        def run(sql: str) -> list[tuple[Any, ...]]:
            return client.query(target.sql("control", sql), limits=FetchLimits()).rows

        try:
            run("SELECT TRANSFORM(1) USING 'touch {marker}' AS (a)")
            run("SELECT reflect('java.lang.System', 'setProperty', '{prop}', 'x')")
            run(f"INSERT INTO {control} VALUES (7)")
            run(f"CACHE TABLE {control}")
            secret = run("SELECT * FROM text.`{secret_text}`")
            after = server_state(client, target, table=control)
        finally:
            run("SELECT reflect('java.lang.System', 'clearProperty', '{prop}')")
            run(f"UNCACHE TABLE IF EXISTS {control}")
            run(f"TRUNCATE TABLE {control}")
            (target.markers / "control").unlink(missing_ok=True)
        assert server_state(client, target, table=control) == before
    assert (SECRET_LINE,) in secret
    assert after["markers"] == ["control"]
    assert after["attack properties"] == ["lw.attack.control=x"]
    assert after["rows"] == [(7,)] and after["files"] != before["files"]
    assert after["cached"] and not before["cached"]


# -- legitimate queries still preview --------------------------------------------------------
@pytest.mark.spark(MODE)
@pytest.mark.parametrize(("name", "sql"), LEGITIMATE, ids=[name for name, _ in LEGITIMATE])
def test_a_legitimate_query_still_previews_through_every_call(
    target: Target, name: str, sql: str
) -> None:
    for call, report in through_connector(target, sql).items():
        assert report.get("ok"), f"{call} refused {name}: {why_not(report)}"


@pytest.mark.spark(MODE)
@pytest.mark.parametrize(
    "table",
    [
        TableRef("sales", "all_types"),
        TableRef("sales", "v_types"),
        TableRef("sales", "odd_names"),
        TableRef("global_temp", "my view"),
        TableRef("lw_canary", "canary"),
        TableRef("lw_canary", "chars"),
    ],
    ids=lambda t: t.label,
)
def test_a_table_preview_of_a_catalog_table_or_view_still_runs(
    target: Target, table: TableRef
) -> None:
    report = live.preview(
        FLAVOUR, target.version, target.type_properties, OPTIONS, PreviewRequest(table=table)
    )
    assert report["ok"], why_not(report)


@pytest.mark.spark(MODE)
def test_the_function_list_is_what_the_server_answers(target: Target) -> None:
    with direct_client(target.port) as client:
        answered = system_functions(client)
    assert json.loads(FUNCTIONS_FILE.read_text())["functions"] == answered

"""Saving one activity of a 300-activity pipeline against one of a 15-activity pipeline.

Run with ``python -m bench.activity_save`` (or ``bash scripts/bench.sh``). It runs itself
again under ``scripts/with-postgres.sh`` (a throwaway PostgreSQL on 127.0.0.1) unless
DATABASE_URL is set, as the production script needs. It starts ``scripts/run-production.sh``
(gunicorn, its defaults) on a free 127.0.0.1 port, imports a factory whose two pipelines are
made of the Copy activity of a real ADF pipeline file (tests/connectors/data/pipelines,
Studio's tab-indented style), repeated and chained, and signs in an Editor. Then, over HTTP,
it saves the query of the middle activity of each pipeline in turn (the activity page's
form, as the browser posts it), each save a new revision of the whole file with only that
activity's bytes replaced. Goal (issue 21): the save's median on the 300-activity pipeline
at most 1.5x the 15-activity one's. The figures go to the section ``activity_save`` of
docs/benchmarks.md (``--no-write``: printed only); exit status 1 when the goal is missed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

from bench._postgres import under_postgres
from bench._report import Goal, machine_facts, markdown_table, median, p90, publish
from bench.pages_under_test_load import (
    free_port,
    request,
    server_environment,
    server_user,
    start_server,
    stop_server,
    wait_until_serving,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "connectors" / "data" / "pipelines"
SECTION = "activity_save"
SIZES = (15, 300)
SAVES = int(os.environ.get("BENCH_ACTIVITY_SAVES", "60"))
GOAL_RATIO = 1.5
FACTORY = "bench"
CSRF = secrets.token_hex(16)  # the form's token and its cookie, as a browser holds both


def pipeline_name(size: int) -> str:
    return f"Copy {size} tables"


def pipeline_file(size: int) -> bytes:
    """A pipeline of ``size`` Copy activities, each after the one before it, in the shape
    and style of the real file's Copy activity."""
    template = json.loads((DATA / "Spark to SQL.json").read_bytes())
    copy = next(a for a in template["properties"]["activities"] if a["type"] == "Copy")
    activities = []
    for index in range(size):
        activity = json.loads(json.dumps(copy))
        activity["name"] = f"Copy table {index:03d}"
        activity["dependsOn"] = (
            [{"activity": f"Copy table {index - 1:03d}", "dependencyConditions": ["Succeeded"]}]
            if index
            else []
        )
        activity["typeProperties"]["source"]["query"] = f"SELECT id, amount FROM sales_{index}"
        activities.append(activity)
    document = {
        "name": pipeline_name(size),
        "properties": {**template["properties"], "activities": activities},
    }
    return json.dumps(document, indent="\t", ensure_ascii=False).encode()


def repository_zip() -> bytes:
    from tests.connectors.repository_builders import as_zip, spark_v2_linked_service

    files = {
        "linkedService/SparkLS.json": json.dumps(
            spark_v2_linked_service("SparkLS"), indent="\t"
        ).encode(),
        "dataset/SparkSales.json": (DATA / "SparkSales.json").read_bytes(),
        "dataset/SqlSales.json": (DATA / "SqlSales.json").read_bytes(),
    }
    for size in SIZES:
        files[f"pipeline/{pipeline_name(size)}.json"] = pipeline_file(size)
    return as_zip(files)


def set_up(env: dict[str, str]) -> str:
    """The factory imported and an Editor of it signed in: its session cookie."""
    user = server_user(env, editor=False)  # an Editor of the one factory below
    from django.test import Client

    from portal.roles import Role
    from portal.services import factories, repository
    from portal.services.actor import Actor

    actor = Actor.cli(user)
    factory = factories.create(actor, FACTORY)
    factories.set_role(actor, factory, user, Role.EDITOR)
    result = repository.import_repository(actor, factory, repository_zip(), label="bench.zip")
    if not result.ok:
        raise RuntimeError("; ".join(str(line) for line in result.report))
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def revision_of(size: int) -> int:
    from portal.models import Resource

    return Resource.objects.get(
        factory__name=FACTORY, kind="pipeline", name=pipeline_name(size)
    ).revision


def save_once(port: int, cookie: str, size: int, round_number: int) -> float:
    key = f"properties.activities.{size // 2}"
    name = urllib.parse.quote(pipeline_name(size))
    path = f"/factories/{FACTORY}/pipeline/{name}/activities/{key}/"
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": CSRF,
            "tp-dataset": "SparkSales",
            "tp-useQuery": "Query",
            "tp-query": f"SELECT id, amount * {round_number} AS amount FROM sales",
            "based_on": revision_of(size),
            "save": "1",
        }
    ).encode()
    headers = {
        "Cookie": f"sessionid={cookie}; csrftoken={CSRF}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    status, seconds, location = request(port, "POST", path, headers, body)
    if status != 302:
        raise RuntimeError(f"saving {path} answered {status}")
    return seconds


def measure(database: str, *, write: bool) -> int:
    data_dir = tempfile.mkdtemp(prefix="linkwright-bench-")
    port = free_port()
    env = server_environment(port, data_dir)
    log = Path(data_dir) / "server.log"
    server = start_server(env, log)
    times: dict[int, list[float]] = {size: [] for size in SIZES}
    file_sizes = {size: len(pipeline_file(size)) for size in SIZES}
    try:
        wait_until_serving(port, server, log)
        cookie = set_up(env)
        for round_number in range(1, 6):  # warm up every worker
            for size in SIZES:
                save_once(port, cookie, size, round_number)
        for round_number in range(SAVES):
            order = SIZES if round_number % 2 == 0 else tuple(reversed(SIZES))
            for size in order:
                times[size].append(save_once(port, cookie, size, 10 + round_number))
    finally:
        stop_server(server)
        shutil.rmtree(data_dir, ignore_errors=True)
    small, large = SIZES
    text = render(database, times, file_sizes)
    goal = Goal.at_most(
        f"saving one activity of a {large}-activity pipeline (median) at most "
        f"{GOAL_RATIO:g}x a {small}-activity one's",
        median(times[large]) * 1000,
        median(times[small]) * 1000,
        GOAL_RATIO,
        "ms",
        reference_label=f"{small} activities",
    )
    return publish(SECTION, text, write=write, goals=[goal])


def render(database: str, times: dict[int, list[float]], file_sizes: dict[int, int]) -> str:
    facts = markdown_table(
        ["machine", "value"],
        [[k, v] for k, v in machine_facts(["Django", "gunicorn", "psycopg"])],
    )

    def ms(values: list[float], statistic: Any) -> str:
        return f"{statistic(values) * 1000:.1f}"

    rows = [
        [
            f"{size} activities ({file_sizes[size] / 1024:.0f} KiB file)",
            ms(times[size], median),
            ms(times[size], p90),
            ms(times[size], min),
        ]
        for size in SIZES
    ]
    small, large = SIZES
    return "\n".join(
        [
            "## Saving one activity of a large pipeline",
            "",
            "Generated by `python -m bench.activity_save` (part of `bash scripts/bench.sh`).",
            "",
            facts,
            "",
            "Server: `scripts/run-production.sh` (gunicorn, its defaults) on 127.0.0.1, "
            f"database {database}. A factory imported from a repository whose pipelines hold "
            f"{small} and {large} Copy activities (the Copy activity of "
            "tests/connectors/data/pipelines/Spark to SQL.json, repeated and chained, in "
            "Studio's tab-indented style). A signed-in Editor saves the query of the middle "
            "activity of each pipeline through its activity page's form over HTTP (a new "
            "connection each, as `request` in bench/pages_under_test_load.py), the two "
            f"pipelines in turn, alternating which goes first: 5 untimed rounds, then {SAVES} "
            "timed saves of each. Each save is checked (302) and stores a new revision of the "
            "whole file with only the activity's bytes replaced.",
            "",
            markdown_table(["save (ms)", "median", "p90", "fastest"], rows),
            "",
            f"{large} / {small} activities (medians): "
            f"**{median(times[large]) / median(times[small]):.2f}**.",
        ]
    )


def main() -> int:
    return under_postgres("bench.activity_save", measure)


if __name__ == "__main__":
    sys.exit(main())

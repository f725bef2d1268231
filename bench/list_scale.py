"""Benchmark: the linked-service list and its filters at 100 and at 50,000 definitions.

Run with ``python -m bench.list_scale`` (or ``bash scripts/bench.sh``). Each size has a
fresh database of its own (SQLite files; PostgreSQL databases beside DATABASE_URL's when it
is set): one Spark definition is saved through the save service, then copied (``bulk_create``,
with the list-filter terms the save service keeps) to that many linked services, a tenth of
them annotated ``nightly``; ten of them, the same at every size, are annotated ``team-ops``
and ten match the name filter. Each page is requested in-process through Django's test
client by a signed-in Reader (middleware, session, template: no HTTP server), the sizes
alternating (the default database switched between the two), five rounds. Reference, in the
same run: the same list rendering 200 rows a page (the largest page size), at both sizes.
Goals: the list page's p50 under 50 ms at the large size (issue 10, point 8, at 10,000 there)
and every page within 1.5x of its p50 at 100 (issue 10; issue 21: the filters at 50,000).
``LINKWRIGHT_BENCH_LIST_SIZE`` (or ``--size``) sets the large size, e.g. 5000 for a quick run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._report import Goal, machine_facts, markdown_table, median, p90, publish

ROOT = Path(__file__).resolve().parents[1]
SECTION = "list_scale"
SMALL, LARGE = 100, 50_000
RUNS = 40
REFERENCE_RUNS = 5
GOAL_MS = 50.0
GOAL_RATIO = 1.5

LIST = "/factories/default/?kind=linkedService"
REFERENCE_SIZE = 200
REFERENCE_URL = f"{LIST}&pageSize={REFERENCE_SIZE}"
NAME_FILTER = "park0004"  # Spark00040..Spark00049: ten at every size
TEAM = "team-ops"  # ten at every size
PAGES = {
    "list, first page (default: 50 by name)": LIST,
    "list, page 100 sorted by last change, newest first": LIST + "&sort=-updated&page=100",
    "list filtered by name (10 found)": LIST + f"&name={NAME_FILTER}",
    "list filtered by annotation (10 found)": LIST + "&annotation=Team-Ops",
    "API list, first page": "/api/v1/linkedservices/",
    "API list filtered by name (10 found)": f"/api/v1/linkedservices/?name={NAME_FILTER}",
    "API list filtered by annotation (10 found)": "/api/v1/linkedservices/?annotation=TEAM-OPS",
}
MAIN = "list, first page (default: 50 by name)"


def _setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["LINKWRIGHT_DATA_DIR"] = tempfile.mkdtemp(prefix="linkwright-bench-list-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _database_for(size: int) -> Any:
    """A fresh database for ``size`` (its settings' NAME): a file beside the default one on
    SQLite, a new database on PostgreSQL."""
    from django.db import connection

    base = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        return str(Path(base).with_name(f"list-{size}.sqlite3"))
    name = f"{base}_list_{size}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return name


def _use(database: Any) -> None:
    """Make ``database`` the default one (the next query connects to it)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = database


def _grow_to(count: int, template: Any) -> None:
    """Copies of ``template`` until the default factory holds ``count`` linked services,
    with the terms the save service keeps for the list filters."""
    from portal.listing import annotations_column, keep_terms
    from portal.models import Resource

    have = Resource.objects.count()
    for first in range(have, count, 5000):
        rows = []
        for index in range(first, min(first + 5000, count)):
            name = f"Spark{index:05d}"
            annotations = ["nightly"] if index % 10 == 0 else []
            if index < SMALL and index % 10 == 5:
                annotations.append(TEAM)
            rows.append(
                Resource(
                    factory_id=template.factory_id,
                    kind=template.kind,
                    name=name,
                    name_key=name.casefold(),
                    connector=template.connector,
                    connector_version=template.connector_version,
                    description=f"Spark cluster {index} of the bench",
                    annotations=annotations_column({"annotations": annotations}),
                    definition=template.definition,
                    revision=1,
                    created_by_id=template.created_by_id,
                    updated_by_id=template.updated_by_id,
                )
            )
        keep_terms(Resource.objects.bulk_create(rows, batch_size=1000), new=True)


def _prepare(size: int) -> tuple[Any, Any]:
    """The current database migrated and filled with ``size`` linked services; a Reader's
    page client and API client on it."""
    import logging

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from portal.definitions import save_definition
    from portal.models import ApiToken
    from portal.roles import Role, set_role
    from tests.conftest import SPARK_V2

    call_command("migrate", verbosity=0)
    logging.disable(logging.INFO)
    user = get_user_model().objects.create_user("bench")
    set_role(user, Role.READER)
    _, key = ApiToken.issue(user, "bench")
    page_client = Client()
    page_client.force_login(user)
    api_client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    template = save_definition(
        user=user, name="Spark00000", properties=SPARK_V2, action="create"
    ).resource
    _grow_to(size, template)
    from django.db import connection

    if connection.vendor == "postgresql":  # what autovacuum does soon after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return page_client, api_client


def _timed(get: Any, url: str, runs: int) -> tuple[list[float], int]:
    get(url)  # warm
    samples = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    return samples, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument(
        "--size",
        type=int,
        default=int(os.environ.get("LINKWRIGHT_BENCH_LIST_SIZE", LARGE)),
        help=f"the large size (default {LARGE:,}, or LINKWRIGHT_BENCH_LIST_SIZE)",
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    runs = max(5, min(args.runs, 1000))
    large = max(args.size, SMALL + 1)
    _setup_django()
    from django.db import connection

    databases: dict[int, Any] = {}
    clients: dict[int, tuple[Any, Any]] = {}
    for count in (SMALL, large):
        databases[count] = _database_for(count)
        _use(databases[count])
        started = time.perf_counter()
        clients[count] = _prepare(count)
        print(f"{count:,} definitions in {time.perf_counter() - started:.1f} s", flush=True)

    results: dict[int, dict[str, tuple[list[float], int]]] = {SMALL: {}, large: {}}
    rounds = 5
    for _ in range(rounds):  # alternate, so that the machine's load falls on both alike
        for count in (SMALL, large):
            _use(databases[count])
            page_client, api_client = clients[count]
            found = results[count]
            for label, url in PAGES.items():
                get = api_client.get if url.startswith("/api/") else page_client.get
                samples, size = _timed(get, url, max(runs // rounds, 1))
                found[label] = (found.get(label, ([], 0))[0] + samples, size)
    for count in (SMALL, large):
        _use(databases[count])
        results[count][f"reference: {REFERENCE_SIZE} rows rendered per page"] = _timed(
            clients[count][0].get, REFERENCE_URL, REFERENCE_RUNS
        )

    small_p50 = median(results[SMALL][MAIN][0])
    large_p50 = median(results[large][MAIN][0])
    ratio = large_p50 / small_p50
    goals = []
    for label in PAGES:
        at_small, at_large = median(results[SMALL][label][0]), median(results[large][label][0])
        goals.append(
            Goal.under(
                f"{label}: p50 at {large:,} under {GOAL_MS:g} ms (issue 10, point 8: at 10,000)",
                at_large,
                GOAL_MS,
                "ms",
            )
        )
        goals.append(
            Goal.at_most(
                f"{label}: p50 at {large:,} within {GOAL_RATIO:g}x of at {SMALL} "
                "(issue 10, point 8; issue 21)",
                at_large,
                at_small,
                GOAL_RATIO,
                "ms",
                reference_label=f"at {SMALL}",
            )
        )
    rows = []
    for label in results[SMALL]:
        (at_small_ms, small_size), (at_large_ms, large_size) = (
            results[SMALL][label],
            results[large][label],
        )
        rows.append(
            [
                label,
                f"{median(at_small_ms):.1f}",
                f"{median(at_large_ms):.1f}",
                f"{p90(at_large_ms):.1f}",
                f"{median(at_large_ms) / median(at_small_ms):.2f}",
                f"{small_size / 1024:.0f} / {large_size / 1024:.0f}",
            ]
        )
    text = "\n".join(
        [
            f"## Linked-service list and its filters at {SMALL} and {large:,} definitions",
            "",
            "Generated by `python -m bench.list_scale` (part of `bash scripts/bench.sh`).",
            "",
            markdown_table(
                ["machine", "value"],
                [[k, v] for k, v in machine_facts(["Django"])]
                + [["load average at the end", "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())]],
            ),
            "",
            f"Database: {connection.vendor}, a fresh one for each size (no deleted rows); one "
            f"saved Spark 2.0 definition copied to {SMALL} and to {large:,} linked services "
            "(a tenth annotated `nightly`; ten, the same at both sizes, annotated "
            f"`{TEAM}`, ten named `Spark0004x`, which the name filter `{NAME_FILTER}` finds), "
            "with the terms the save service keeps for the filters (PostgreSQL: then analyzed, as "
            "autovacuum does after a bulk load). The two databases "
            "alternate, five rounds, so that the machine's load falls on both alike. Pages "
            "requested "
            "in-process (Django's test client: middleware, session, template; no HTTP server) "
            f"by a signed-in Reader, {runs} times each in all; the reference "
            f"(the same list, {REFERENCE_SIZE} rows a page) {REFERENCE_RUNS} times. Goal: the "
            f"list's p50 under {GOAL_MS:.0f} ms at {large:,} and within {GOAL_RATIO}x of its p50 "
            f"at {SMALL}, on every page measured (the reference aside).",
            "",
            markdown_table(
                [
                    "page",
                    f"p50 ms at {SMALL}",
                    f"p50 ms at {large}",
                    f"p90 ms at {large}",
                    f"{large} / {SMALL}",
                    "KiB at both",
                ],
                rows,
            ),
            "",
            f"The list at {large}: **{large_p50:.1f} ms** p50, **{ratio:.2f}x** its time at "
            f"{SMALL}.",
        ]
    )
    return publish(SECTION, text, write=not args.no_write, goals=goals)


if __name__ == "__main__":
    sys.exit(main())

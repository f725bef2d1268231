"""Benchmark: the linked-service list at 100 and at 10,000 definitions.

Run with ``python -m bench.list_scale`` (or ``bash scripts/bench.sh``). A throwaway SQLite
database (PostgreSQL when DATABASE_URL is set). One Spark definition is saved through the
save service, then copied row by row (``bulk_create``) to 10,000 linked services, a tenth
of them annotated. Each page is requested in-process through Django's
test client by a signed-in Reader (middleware, session, template: no HTTP server), the
sizes alternating (all but 100 soft-deleted, then all live again), five rounds.
Reference, in the same run: the same list rendering 200 rows a page (the largest page
size), at both sizes. Goal (issue 10, point 8): the list page's p50 under 50 ms at 10,000 and
within 1.5x of its p50 at 100, applied to every page measured (issue 21 asks the same 1.5x of
the filters at 50,000 definitions).
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
SMALL, LARGE = 100, 10_000
RUNS = 40
REFERENCE_RUNS = 5
GOAL_MS = 50.0
GOAL_RATIO = 1.5

LIST = "/factories/default/?kind=linkedService"
REFERENCE_SIZE = 200
REFERENCE_URL = f"{LIST}&pageSize={REFERENCE_SIZE}"
PAGES = {
    "list, first page (default: 50 by name)": LIST,
    "list, page 100 sorted by last change, newest first": LIST + "&sort=-updated&page=100",
    "list filtered by annotation": LIST + "&annotation=Nightly",
    "API list, first page": "/api/v1/linkedservices/",
}
MAIN = "list, first page (default: 50 by name)"


def _setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["LINKWRIGHT_DATA_DIR"] = tempfile.mkdtemp(prefix="linkwright-bench-list-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _grow_to(count: int, template: Any) -> None:
    """Copies of ``template`` until the default factory holds ``count`` linked services."""
    from portal.listing import annotations_column
    from portal.models import Resource

    have = Resource.objects.count()
    rows = []
    for index in range(have, count):
        name = f"Spark{index:05d}"
        annotated = index % 10 == 0
        rows.append(
            Resource(
                factory_id=template.factory_id,
                kind=template.kind,
                name=name,
                name_key=name.casefold(),
                connector=template.connector,
                connector_version=template.connector_version,
                description=f"Spark cluster {index} of the bench",
                annotations=annotations_column({"annotations": ["nightly"] if annotated else []}),
                definition=template.definition,
                revision=1,
                created_by_id=template.created_by_id,
                updated_by_id=template.updated_by_id,
            )
        )
    Resource.objects.bulk_create(rows, batch_size=1000)


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
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    runs = max(5, min(args.runs, 1000))
    _setup_django()
    import logging

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from portal.definitions import save_definition
    from portal.models import ApiToken, Resource
    from portal.roles import Role, set_role
    from tests.conftest import SPARK_V2

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

    _grow_to(LARGE, template)
    extra = Resource.objects.exclude(pk=template.pk).order_by("name_key")
    first_extra = [r.pk for r in extra[: SMALL - 1]]
    beyond = Resource.objects.exclude(pk__in=[template.pk, *first_extra])

    def live(count: int) -> None:
        """SMALL live (the rest deleted, still in the table) or all LARGE live."""
        beyond.update(deleted_at=timezone.now() if count == SMALL else None)

    results: dict[int, dict[str, tuple[list[float], int]]] = {SMALL: {}, LARGE: {}}
    rounds = 5
    for _ in range(rounds):  # alternate, so that the machine's load falls on both alike
        for count in (SMALL, LARGE):
            live(count)
            found = results[count]
            for label, url in PAGES.items():
                get = api_client.get if url.startswith("/api/") else page_client.get
                samples, size = _timed(get, url, max(runs // rounds, 1))
                found[label] = (found.get(label, ([], 0))[0] + samples, size)
    for count in (SMALL, LARGE):
        live(count)
        results[count][f"reference: {REFERENCE_SIZE} rows rendered per page"] = _timed(
            page_client.get, REFERENCE_URL, REFERENCE_RUNS
        )

    small_p50 = median(results[SMALL][MAIN][0])
    large_p50 = median(results[LARGE][MAIN][0])
    ratio = large_p50 / small_p50
    goals = []
    for label in PAGES:
        at_small, at_large = median(results[SMALL][label][0]), median(results[LARGE][label][0])
        goals.append(
            Goal.under(
                f"{label}: p50 at {LARGE:,} under {GOAL_MS:g} ms (issue 10, point 8)",
                at_large,
                GOAL_MS,
                "ms",
            )
        )
        goals.append(
            Goal.at_most(
                f"{label}: p50 at {LARGE:,} within {GOAL_RATIO:g}x of at {SMALL} "
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
        (small, small_size), (large, large_size) = results[SMALL][label], results[LARGE][label]
        rows.append(
            [
                label,
                f"{median(small):.1f}",
                f"{median(large):.1f}",
                f"{p90(large):.1f}",
                f"{median(large) / median(small):.2f}",
                f"{small_size / 1024:.0f} / {large_size / 1024:.0f}",
            ]
        )
    text = "\n".join(
        [
            "## Linked-service list at 100 and 10,000 definitions",
            "",
            "Generated by `python -m bench.list_scale` (part of `bash scripts/bench.sh`).",
            "",
            markdown_table(
                ["machine", "value"],
                [[k, v] for k, v in machine_facts(["Django"])]
                + [["load average at the end", "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())]],
            ),
            "",
            f"Database: {connection.vendor}, fresh; one saved Spark 2.0 definition copied to "
            f"{LARGE} linked services (a tenth annotated `nightly`); for the figures at {SMALL} "
            f"all but {SMALL} are deleted (still in the table), so that both sizes alternate, "
            "five rounds, and the machine's load falls on both alike. Pages requested "
            "in-process (Django's test client: middleware, session, template; no HTTP server) "
            f"by a signed-in Reader, {runs} times each in all; the reference "
            f"(the same list, {REFERENCE_SIZE} rows a page) {REFERENCE_RUNS} times. Goal: the "
            f"list's p50 under {GOAL_MS:.0f} ms at {LARGE} and within {GOAL_RATIO}x of its p50 "
            f"at {SMALL}, on every page measured (the reference aside).",
            "",
            markdown_table(
                [
                    "page",
                    f"p50 ms at {SMALL}",
                    f"p50 ms at {LARGE}",
                    f"p90 ms at {LARGE}",
                    f"{LARGE} / {SMALL}",
                    "KiB at both",
                ],
                rows,
            ),
            "",
            f"The list at {LARGE}: **{large_p50:.1f} ms** p50, **{ratio:.2f}x** its time at "
            f"{SMALL}.",
        ]
    )
    return publish(SECTION, text, write=not args.no_write, goals=goals)


if __name__ == "__main__":
    sys.exit(main())

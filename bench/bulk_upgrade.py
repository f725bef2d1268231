"""Benchmark: upgrading 1,000 Spark v1.0 definitions to v2.0 in bulk.

Run with ``python -m bench.bulk_upgrade`` (or ``bash scripts/bench.sh``). Uses a fresh
SQLite database in a temporary directory (or PostgreSQL when DATABASE_URL is set), creates
the definitions, then times a dry run and the real bulk upgrade, counting SQL queries.
Goal (issue 10, point 23; issue 21): 1,000 ready definitions applied under 3 s, every one
upgraded. The figures are written to docs/benchmarks.md between this benchmark's markers.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._report import Goal, machine_facts, markdown_table, publish

COUNT = int(os.environ.get("BENCH_UPGRADE_COUNT", "1000"))
GOAL_S = 3.0
ROOT = Path(__file__).resolve().parents[1]

KINDS: list[tuple[str, dict[str, Any]]] = [
    (
        "HTTP, user and password, TLS with the system trust store",
        {
            "thriftTransportProtocol": "HTTP",
            "authenticationType": "UsernameAndPassword",
            "username": "svc",
            "password": {"type": "SecureString", "value": "bench-secret"},
            "httpPath": "cliservice",
            "enableSsl": True,
            "useSystemTrustStore": True,
        },
    ),
    (
        "HDInsight (TLS)",
        {
            "authenticationType": "WindowsAzureHDInsightService",
            "username": "admin",
            "password": {"type": "SecureString", "value": "bench-secret"},
            "httpPath": "/sparkhive2",
            "enableSsl": True,
        },
    ),
]
"""Every definition is ready: the goal is about applying, not about finding decisions."""


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["LINKWRIGHT_DATA_DIR"] = tempfile.mkdtemp(prefix="linkwright-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create(user: Any, prefix: str) -> float:
    from portal.definitions import save_definition

    started = time.perf_counter()
    for index in range(COUNT):
        _label, tp = KINDS[index % len(KINDS)]
        properties = {
            "type": "Spark",
            "typeProperties": {"host": f"spark{index}.example.com", "port": 443, **tp},
        }
        save_definition(
            user=user, name=f"{prefix}{index:04d}", properties=properties, action="create"
        )
    return time.perf_counter() - started


def statements(queries: Any) -> int:
    """SQL statements a CaptureQueriesContext saw: an executemany counts once per row
    (Django logs it once, as "N times: ...")."""
    total = 0
    for query in queries.captured_queries:
        times, many, _ = query["sql"].partition(" times: ")
        total += int(times) if many and times.isdigit() else 1
    return total


def main() -> None:
    setup_django()
    import logging

    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from portal.models import Resource
    from portal.services import upgrades as upgrade_actions
    from portal.services.actor import Actor
    from portal.upgrades import upgradable

    logging.disable(logging.INFO)
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    actor = Actor.cli(user)
    create_s = _create(user, "Bulk") + _create(user, "One")

    def services(prefix: str) -> list[Resource]:
        return list(upgradable().filter(name_key__startswith=prefix.casefold()))

    # Django's log keeps the last 9,000 queries, and a capture reads it when asked: each
    # is counted at once, from an emptied log.
    bulk_set = services("Bulk")
    reset_queries()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as dry_queries:
        dry = upgrade_actions.bulk(actor, bulk_set, apply=False)
    dry_s = time.perf_counter() - started
    dry_statements = statements(dry_queries)

    bulk_set = services("Bulk")
    reset_queries()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as bulk_queries:
        applied = upgrade_actions.bulk(actor, bulk_set, apply=True)
    bulk_s = time.perf_counter() - started
    bulk_statements = statements(bulk_queries)

    # The reference: the same definitions upgraded one at a time through the action the
    # wizard's and the API's Apply call (planned, validated, saved and audited per call).
    one_set = services("One")
    one_upgraded = 0
    reset_queries()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as one_queries:
        for service in one_set:
            upgrade_actions.apply(actor, service, based_on=service.revision)
            one_upgraded += 1
    one_s = time.perf_counter() - started
    one_statements = statements(one_queries)

    upgraded = sum(o.upgraded for o in applied)
    ready = sum(1 for o in dry if not o.error)
    left = len(upgradable().filter(name_key__startswith="bulk"))
    goals = [
        Goal.under(
            f"{COUNT} ready definitions applied in bulk under {GOAL_S:g} s "
            "(issue 10, point 23; issue 21)",
            bulk_s,
            GOAL_S,
            "s",
        ),
        Goal.holds(
            "every ready definition upgraded by the bulk apply",
            f"{upgraded} of {COUNT}",
            f"{COUNT} ready",
            upgraded == COUNT,
        ),
    ]
    rows = [
        ["definitions", str(len(bulk_set)), str(len(one_set))],
        ["found ready by the dry run", str(ready), ""],
        ["upgraded", str(upgraded), str(one_upgraded)],
        ["still on version 1.0 afterwards", str(left), ""],
        ["apply: total", f"**{bulk_s:.2f} s**", f"{one_s:.2f} s"],
        [
            "apply: per definition",
            f"{bulk_s / max(upgraded, 1) * 1000:.2f} ms",
            f"{one_s / max(one_upgraded, 1) * 1000:.2f} ms",
        ],
        [
            "apply: SQL statements per definition",
            f"{bulk_statements / max(upgraded, 1):.2f}",
            f"{one_statements / max(one_upgraded, 1):.2f}",
        ],
        ["dry run: total", f"{dry_s:.2f} s", ""],
        ["dry run: SQL statements per definition", f"{dry_statements / COUNT:.2f}", ""],
    ]
    text = report(rows, connection.vendor, create_s, ratio=bulk_s / one_s, secs=bulk_s)
    sys.exit(publish("bulk_upgrade", text, write="--no-write" not in sys.argv, goals=goals))


def report(
    rows: list[list[str]], vendor: str, create_s: float, *, ratio: float, secs: float
) -> str:
    facts = markdown_table(
        ["machine", "value"], [[k, v] for k, v in machine_facts(["Django", "jsonschema"])]
    )
    body = "\n".join(
        [
            "## Bulk upgrade of Spark v1.0 definitions",
            "",
            "Generated by `python -m bench.bulk_upgrade` (part of `bash scripts/bench.sh`).",
            "",
            facts,
            "",
            f"Database: {vendor}, fresh (the portal's settings: on SQLite, WAL with "
            f"synchronous=NORMAL). Two sets of {COUNT} version 1.0 definitions, every one "
            "ready to upgrade, half of each kind: "
            + "; ".join(label for label, _ in KINDS)
            + f" (created in {create_s:.1f} s, not counted). **Bulk** (the measure): "
            "`portal.services.upgrades.bulk`, as `manage.py upgrade --connector Spark "
            "--apply`, the API's and the Upgrade page's bulk apply run it: each definition "
            "planned once, its proposal validated once, its revision and audit row written "
            "in the same transaction (100 definitions to a transaction); its dry run timed "
            "first on the same set. **One at a time** (the "
            "reference): the other set upgraded by `portal.services.upgrades.apply`, the "
            "action the wizard's and the API's Apply call for one definition. Both columns "
            "are counted from what each run did. SQL statements are counted with Django's "
            "CaptureQueriesContext (its log emptied first: it keeps the last 9,000), each "
            "row of an executemany as one.",
            "",
            markdown_table(["measure", "bulk", "one at a time"], rows),
            "",
            f"Bulk / one at a time: **{ratio:.2f}**. Goal: {COUNT} ready definitions applied "
            f"under {GOAL_S:.0f} s: {secs:.2f} s.",
        ]
    )
    return body


if __name__ == "__main__":
    main()

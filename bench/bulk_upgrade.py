"""Benchmark: upgrading 1,000 Spark v1.0 definitions to v2.0 in bulk.

Run with ``python -m bench.bulk_upgrade`` (or ``bash scripts/bench.sh``). Uses a fresh
SQLite database in a temporary directory (or PostgreSQL when DATABASE_URL is set), creates
the definitions, then times a dry run and the real bulk upgrade, counting SQL queries.
The figures are written to docs/benchmarks.md between this benchmark's markers.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

COUNT = int(os.environ.get("BENCH_UPGRADE_COUNT", "1000"))
GOAL_S = 3.0
ROOT = Path(__file__).resolve().parents[1]

KINDS: list[tuple[str, dict[str, Any]]] = [
    (
        "ready (HTTP, user and password)",
        {
            "thriftTransportProtocol": "HTTP",
            "authenticationType": "UsernameAndPassword",
            "username": "svc",
            "password": {"type": "SecureString", "value": "bench-secret"},
            "httpPath": "cliservice",
            "enableSsl": True,
        },
    ),
    (
        "ready (HDInsight)",
        {
            "authenticationType": "WindowsAzureHDInsightService",
            "username": "admin",
            "password": {"type": "SecureString", "value": "bench-secret"},
            "httpPath": "/sparkhive2",
            "enableSsl": True,
            "allowSelfSignedServerCert": True,
        },
    ),
    (
        "needs decisions (SASL, Username)",
        {"thriftTransportProtocol": "SASL", "authenticationType": "Username", "username": "etl"},
    ),
]


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


def upgrade_as_before(user: Any, services: list[Any]) -> list[bool]:
    """The reference: the bulk upgrade as it was before issue 10 (point 23). Each
    definition planned for the dry-run verdict, planned again by ``apply_upgrade``, its
    proposal validated by the plan and again by the save, and its audit row written by the
    caller after the save, as a commit of its own."""
    from portal import audit
    from portal.definitions import save_definition
    from portal.models import AuditEvent, Revision
    from portal.upgrades import plan_for

    upgraded = []
    for service in services:
        if not plan_for(service).ready:  # the verdict
            upgraded.append(False)
            continue
        plan = plan_for(service)  # apply_upgrade planned again
        result = save_definition(
            user=user,
            name=service.name,
            properties=plan.proposed or {},
            action=Revision.Action.UPGRADE,
            comment=plan.summary(),
            instance=service,
            based_on=service.revision,
            trusted_secret_references=True,
        )
        audit.record(
            AuditEvent.Action.UPGRADE, user=user, resource=result.resource, detail="command line"
        )
        upgraded.append(True)
    return upgraded


def _journal(mode: str, synchronous: str) -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA journal_mode={mode}")
            cursor.execute(f"PRAGMA synchronous={synchronous}")


def main() -> None:
    setup_django()
    import logging

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.models import Resource
    from portal.upgrades import bulk_upgrade, upgradable

    logging.disable(logging.INFO)
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    create_s = _create(user, "Ours") + _create(user, "Before") + _create(user, "BeforeWal")

    def services(prefix: str) -> list[Resource]:
        return list(upgradable().filter(name_key__startswith=prefix.casefold()))

    ours = services("Ours")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as dry_queries:
        dry = bulk_upgrade(user=user, services=ours, apply=False)
    dry_s = time.perf_counter() - started

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as apply_queries:
        applied = bulk_upgrade(user=user, services=ours, apply=True, audit_detail="command line")
    apply_s = time.perf_counter() - started

    # The reference, as it was: the old algorithm, on SQLite also with its old journal
    # (rollback journal, synchronous=FULL); then the old algorithm in WAL, to tell apart
    # what the journal and what the algorithm saved.
    before = services("BeforeWal")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as before_wal_queries:
        upgrade_as_before(user, before)
    before_wal_s = time.perf_counter() - started
    _journal("DELETE", "FULL")
    before = services("Before")
    before = [s for s in before if not s.name_key.startswith("beforewal")]
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as before_queries:
        before_upgraded = upgrade_as_before(user, before)
    before_s = time.perf_counter() - started
    _journal("WAL", "NORMAL")

    upgraded = sum(o.upgraded for o in applied)
    assert upgraded == sum(before_upgraded), "both paths upgrade the same definitions"
    not_ready = sum(1 for o in dry if o.error)
    per = max(upgraded, 1)
    met = apply_s < GOAL_S
    rows = [
        ["definitions (each run)", str(COUNT), str(COUNT), str(COUNT)],
        ["upgraded", str(upgraded), str(upgraded), str(upgraded)],
        ["left for decisions", str(not_ready), str(not_ready), str(not_ready)],
        ["apply: total", f"**{apply_s:.2f} s**", f"{before_wal_s:.2f} s", f"**{before_s:.2f} s**"],
        [
            "apply: per upgraded definition",
            f"{apply_s / per * 1000:.2f} ms",
            f"{before_wal_s / per * 1000:.2f} ms",
            f"{before_s / per * 1000:.2f} ms",
        ],
        [
            "apply: queries per upgraded definition",
            f"{len(apply_queries) / per:.2f}",
            f"{len(before_wal_queries) / per:.2f}",
            f"{len(before_queries) / per:.2f}",
        ],
        ["dry run: total", f"{dry_s:.2f} s", "", ""],
        ["dry run: queries per definition", f"{len(dry_queries) / COUNT:.2f}", "", ""],
    ]
    write_report(rows, connection.vendor, create_s, met=met, ratio=apply_s / before_s)
    for row in rows:
        print(" | ".join(row))
    if not met:
        sys.exit(1)


def write_report(
    rows: list[list[str]], vendor: str, create_s: float, *, met: bool, ratio: float
) -> None:
    from bench._report import machine_facts, markdown_table, write_section

    facts = markdown_table(
        ["machine", "value"], [[k, v] for k, v in machine_facts(["Django", "jsonschema"])]
    )
    journal = (
        " SQLite runs in WAL mode with synchronous=NORMAL (portal/settings.py); the reference "
        "ran with the rollback journal and synchronous=FULL it had before, and once more in WAL."
        if vendor == "sqlite"
        else ""
    )
    body = "\n".join(
        [
            "## Bulk upgrade of Spark v1.0 definitions",
            "",
            "Generated by `python -m bench.bulk_upgrade` (part of `bash scripts/bench.sh`).",
            "",
            facts,
            "",
            f"Database: {vendor}, fresh.{journal} Three sets of {COUNT} definitions, a third "
            "each of: "
            + "; ".join(label for label, _ in KINDS)
            + f" (created in {create_s:.1f} s, not counted). **Ours** (`bulk_upgrade`, as "
            "`manage.py upgrade_spark --apply` runs it): each definition planned once, its "
            "proposal validated once (by the plan), revision and audit row in one transaction. "
            "**Reference**: the same upgrade as it was before (planned for the verdict and "
            "again to apply, validated by the plan and again by the save, the audit row a "
            "commit of its own). Queries are counted with Django's CaptureQueriesContext.",
            "",
            markdown_table(["measure", "ours", "reference in WAL", "reference as before"], rows),
            "",
            f"Ours / reference as before: **{ratio:.2f}**. Goal: apply under {GOAL_S:.0f} s: "
            + ("met." if met else "**missed**."),
        ]
    )
    write_section("bulk_upgrade", body)


if __name__ == "__main__":
    main()

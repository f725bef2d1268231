"""Benchmark: upgrading 1,000 Spark v1.0 definitions to v2.0 in bulk.

Run with ``python -m bench.bulk_upgrade`` (or ``bash scripts/bench.sh``). Uses a fresh
SQLite database in a temporary directory (or PostgreSQL when DATABASE_URL is set), creates
the definitions, then times a dry run and the real bulk upgrade, counting SQL queries.
The figures are written to docs/benchmarks.md between this benchmark's markers.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

COUNT = int(os.environ.get("BENCH_UPGRADE_COUNT", "1000"))
ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:bulk-upgrade:start -->", "<!-- bench:bulk-upgrade:end -->"

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


def main() -> None:
    setup_django()
    import logging

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.definitions import save_definition
    from portal.upgrades import bulk_upgrade, upgradable

    logging.disable(logging.INFO)
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    started = time.perf_counter()
    for index in range(COUNT):
        _label, tp = KINDS[index % len(KINDS)]
        properties = {
            "type": "Spark",
            "typeProperties": {"host": f"spark{index}.example.com", "port": 443, **tp},
        }
        save_definition(user=user, name=f"Spark{index:04d}", properties=properties, action="create")
    create_s = time.perf_counter() - started

    services = list(upgradable())
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as dry_queries:
        dry = bulk_upgrade(user=user, services=services, apply=False)
    dry_s = time.perf_counter() - started

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as apply_queries:
        applied = bulk_upgrade(user=user, services=services, apply=True)
    apply_s = time.perf_counter() - started

    upgraded = sum(o.upgraded for o in applied)
    not_ready = sum(1 for o in dry if o.error)
    rows = {
        "definitions": COUNT,
        "upgraded": upgraded,
        "left for decisions": not_ready,
        "dry run: total": f"{dry_s:.2f} s",
        "dry run: per definition": f"{dry_s / COUNT * 1000:.2f} ms",
        "dry run: queries per definition": f"{len(dry_queries) / COUNT:.2f}",
        "apply: total": f"{apply_s:.2f} s",
        "apply: per definition": f"{apply_s / COUNT * 1000:.2f} ms",
        "apply: per upgraded definition": f"{apply_s / max(upgraded, 1) * 1000:.2f} ms",
        "apply: queries per upgraded definition": f"{len(apply_queries) / max(upgraded, 1):.2f}",
        "(setup: creating the definitions)": f"{create_s:.2f} s",
    }
    write_report(rows, connection.vendor)
    for key, value in rows.items():
        print(f"{key:>42}: {value}")


def write_report(rows: dict[str, Any], vendor: str) -> None:
    lines = [
        START,
        "## Bulk upgrade of Spark v1.0 definitions",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} by `python -m bench.bulk_upgrade` on "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, database {vendor}. "
        f"{COUNT} definitions, a third each of: "
        + "; ".join(label for label, _ in KINDS)
        + ". The dry run plans every one; the apply upgrades the ready ones, each as its "
        "own revision in its own transaction (the others are reported, not stopped at).",
        "",
        "| measure | value |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in rows.items()],
        END,
    ]
    section = "\n".join(lines)
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

"""python manage.py lifecycle [--factory F] [--json]: the connector lifecycle inventory —
every linked service whose connector version is deprecated, at end of support or removed,
with the stage and date, whether ADF's automatic upgrade takes it, what blocks upgrading it
and the address of its upgrade wizard. Every factory unless --factory."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.lifecycle import inventory, summary
from portal.management.factory_option import factory_from
from portal.models import Factory


class Command(BaseCommand):
    help = "Lists linked services on a connector version past its end of support."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="a machine-readable report")
        parser.add_argument("--factory", help="only this factory (default: every factory)")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options.get("factory")
        factories = [factory_from(options)] if name else list(Factory.objects.order_by("name"))
        entries = inventory(factories)
        if options["json"]:
            report = {
                "summary": [
                    {"connector": c, "version": v, "stage": s, "date": d, "count": n}
                    for c, v, s, d, n in summary(entries)
                ],
                "linked_services": [e.as_dict() for e in entries],
            }
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
            return
        for c, v, s, d, n in summary(entries):
            self.stdout.write(f"{c} {v}: {s} since {d}: {n} linked service{'s' * (n != 1)}")
        for entry in entries:
            row = entry.as_dict()
            auto = {None: "no automatic upgrade", True: "upgraded automatically"}.get(
                row["automatic"],
                "not upgraded automatically (" + "; ".join(row["automatic_skips"]) + ")",
            )
            blocked = "; ".join(row["blocked_by"]) or "nothing blocks the upgrade"
            self.stdout.write(
                f"{row['factory']}/{row['name']}: {row['connector']} {row['version']}, {auto}; "
                f"{blocked}; {row['wizard'] or ''}"
            )

"""python manage.py upgrade_spark --dry-run | --apply [--name NAME] [--json]"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.management.factory_option import add_factory_option, factory_from
from portal.models import Resource
from portal.upgrades import bulk_upgrade, upgradable


class Command(BaseCommand):
    help = (
        "Plans (--dry-run) or applies (--apply) the upgrade of every Spark linked service "
        "still on connector version 1.0. Exit status is non-zero when any was not upgraded."
    )
    connector = "Spark"

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
        mode.add_argument("--apply", action="store_true", help="upgrade the ready ones")
        parser.add_argument("--name", help="only this linked service")
        parser.add_argument("--json", action="store_true", help="a machine-readable report")
        parser.add_argument("--user", help="user name recorded as the author")
        add_factory_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        services = upgradable(factory_from(options)).filter(connector=self.connector)
        if options["name"]:
            services = services.filter(name_key=Resource.key_for(options["name"]))
            if not services.exists():
                raise CommandError(
                    f"No {self.connector} linked service {options['name']!r} to upgrade."
                )
        outcomes = bulk_upgrade(
            user=user,
            services=list(services),
            apply=options["apply"],
            audit_detail="command line",
        )
        if options["json"]:
            report = {"applied": options["apply"], "results": [o.as_dict() for o in outcomes]}
            self.stdout.write(json.dumps(report, indent=2))
        else:
            for outcome in outcomes:
                self._print(outcome, options["apply"])
        failed = [o for o in outcomes if (options["apply"] and not o.upgraded) or o.error]
        if not options["json"]:
            done = sum(o.upgraded for o in outcomes)
            verb = "upgraded" if options["apply"] else "ready"
            count = done if options["apply"] else len(outcomes) - len(failed)
            self.stdout.write(f"{count} of {len(outcomes)} {verb}.")
        if failed:
            raise SystemExit(1)

    def _print(self, outcome: Any, applied: bool) -> None:
        if outcome.upgraded:
            head = f"upgraded  {outcome.service.name} (revision {outcome.revision})"
        elif outcome.error:
            head = f"NOT READY {outcome.service.name}: {outcome.error}"
        else:
            head = f"ready     {outcome.service.name}"
        self.stdout.write(head)
        if outcome.plan is not None:
            for finding in outcome.plan.findings:
                self.stdout.write(f"          {finding.line()}")

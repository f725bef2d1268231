"""python manage.py upgrade --connector TYPE --dry-run | --apply [--name NAME] [--json]
[--factory F] [--user NAME]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors.registry import connectors
from portal.management.factory_option import actor_from, add_factory_option, factory_from
from portal.models import Resource
from portal.services import upgrades
from portal.upgrades import upgradable


class Command(BaseCommand):
    help = (
        "Plans (--dry-run) or applies (--apply) the upgrade of every linked service of a "
        "connector (--connector) still on a version past its end of support. Exit status is "
        "non-zero when any was not upgraded."
    )
    requires_system_checks: list[str] = []
    connector: str | None = None
    """A fixed connector (the ``upgrade_spark`` alias); else ``--connector``."""

    def add_arguments(self, parser: CommandParser) -> None:
        if self.connector is None:
            with_upgrade = sorted(c.type for c in connectors() if c.upgrade is not None)
            parser.add_argument(
                "--connector",
                required=True,
                help=f"the connector type ({', '.join(with_upgrade)})",
            )
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
        mode.add_argument("--apply", action="store_true", help="upgrade the ready ones")
        parser.add_argument("--name", help="only this linked service")
        parser.add_argument("--json", action="store_true", help="a machine-readable report")
        parser.add_argument("--user", help="user name recorded as the author")
        add_factory_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        connector = self.connector or options["connector"]
        known = {c.type.casefold(): c for c in connectors() if c.upgrade is not None}
        found = known.get(str(connector).casefold())
        if found is None:
            names = ", ".join(sorted(c.type for c in known.values())) or "none"
            raise CommandError(f"No upgrade for connector {connector!r} (upgrades: {names}).")
        actor = actor_from(options)
        services = upgradable(factory_from(options)).filter(connector=found.type)
        if options["name"]:
            services = services.filter(name_key=Resource.key_for(options["name"]))
            if not services.exists():
                raise CommandError(
                    f"No {found.type} linked service {options['name']!r} to upgrade."
                )
        outcomes = upgrades.bulk(actor, list(services), apply=options["apply"])
        if options["json"]:
            report = {"applied": options["apply"], "results": [o.as_dict() for o in outcomes]}
            self.stdout.write(json.dumps(report, indent=2))
        else:
            for outcome in outcomes:
                self._print(outcome)
        failed = [o for o in outcomes if (options["apply"] and not o.upgraded) or o.error]
        if not options["json"]:
            done = sum(o.upgraded for o in outcomes)
            verb = "upgraded" if options["apply"] else "ready"
            count = done if options["apply"] else len(outcomes) - len(failed)
            self.stdout.write(f"{count} of {len(outcomes)} {verb}.")
        if failed:
            raise SystemExit(1)

    def _print(self, outcome: Any) -> None:
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

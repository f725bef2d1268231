"""python manage.py factory create NAME [--kind adf|synapse] [--description TEXT]
python manage.py factory list [--json]
python manage.py factory delete NAME"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.management.factory_option import actor_from
from portal.models import Factory, Resource
from portal.services import factories


class Command(BaseCommand):
    help = "Creates, lists or deletes factories (ADF data factories or Synapse workspaces)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="a new, empty factory")
        create.add_argument("name", metavar="NAME")
        create.add_argument("--kind", default="adf", choices=["adf", "synapse"])
        create.add_argument("--description", default="")
        create.add_argument("--user", help="user name recorded as the creator (made its Admin)")
        listing = actions.add_parser("list", help="every factory, with its resource count")
        listing.add_argument("--json", action="store_true")
        delete = actions.add_parser("delete", help="an empty factory")
        delete.add_argument("name", metavar="NAME")
        delete.add_argument("--user", help="user name recorded in the audit log")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            try:
                factory = factories.create(
                    actor_from(options),
                    options["name"],
                    kind=options["kind"],
                    description=options["description"],
                )
            except factories.FactoryRefused as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"Factory '{factory.name}' created ({factory.get_kind_display()}).")
        elif action == "list":
            rows = [
                {
                    "name": f.name,
                    "kind": f.kind,
                    "description": f.description,
                    "resources": Resource.objects.live().filter(factory=f).count(),
                }
                for f in Factory.objects.order_by("name")
            ]
            if options["json"]:
                self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
                return
            for row in rows:
                self.stdout.write(f"{row['name']:<30} {row['kind']:<12} {row['resources']:>6}")
        else:
            factory = Factory.objects.filter(name=options["name"]).first()
            if factory is None:
                raise CommandError(f"No factory named {options['name']!r}.")
            try:
                factories.delete(actor_from(options), factory)
            except factories.FactoryRefused as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"Factory '{options['name']}' deleted.")

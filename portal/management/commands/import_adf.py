"""python manage.py import_adf PATH... [--factory NAME]: import ADF files, all or none."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal import audit
from portal.imports import files_from_paths, import_documents
from portal.management.factory_option import add_factory_option, factory_from
from portal.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Imports ADF / Synapse resource JSON files, or folders in git layout "
        "(linkedService/<name>.json, dataset/, pipeline/...). Nothing is imported when any "
        "file has a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--replace", action="store_true", help="replace existing ones as a new revision"
        )
        parser.add_argument("--user", help="user name recorded as the author")
        add_factory_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        files, missing = files_from_paths(options["paths"])
        if missing:
            raise CommandError("\n".join(missing))
        factory = factory_from(options)
        ok, outcomes = import_documents(
            files, user=user, replace=options["replace"], factory=factory
        )
        for outcome in outcomes:
            for warning in outcome.warnings:
                self.stderr.write(f"{outcome.source}: warning: {warning}")
        if not ok:
            lines = [f"{o.source}: {p.path}: {p.message}" for o in outcomes for p in o.problems]
            raise CommandError("\n".join([*lines, f"Nothing imported ({len(lines)} problem(s))."]))
        for outcome in outcomes:
            audit.record(
                AuditEvent.Action.IMPORT,
                user=user,
                resource=outcome.resource,
                detail=f"command line, from {outcome.source}",
            )
            verb = "replaced" if outcome.replaced else "imported"
            self.stdout.write(f"{outcome.source}: {verb} '{outcome.name}'")
        self.stdout.write(self.style.SUCCESS(f"{len(outcomes)} resource(s) imported."))

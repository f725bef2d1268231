"""python manage.py validate [--factory F] [--format text|json|junit|sarif]
[--fail-on error|warning]: ADF's Validate all, offline."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors.factory_checks import Severity, has_errors
from connectors.factory_checks.reports import FORMATS, render
from portal.management.factory_option import add_factory_option, factory_from
from portal.publish import ENVIRONMENT_NOTE, validate_factory


class Command(BaseCommand):
    help = (
        "Checks a whole factory as ADF's Validate all does, offline: each kind's shape, "
        "references, cycles, names, expressions, ADF's and ARM's limits. Exit 1 when a "
        "finding is as bad as --fail-on (default: error)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_factory_option(parser)
        parser.add_argument(
            "--environment", help="(comes with the environments feature; accepted, unused)"
        )
        parser.add_argument("--format", choices=FORMATS, default="text")
        parser.add_argument(
            "--fail-on", choices=("error", "warning"), default="error", dest="fail_on"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        factory = factory_from(options)
        if options.get("environment"):
            self.stderr.write(ENVIRONMENT_NOTE)
        snapshot, findings = validate_factory(factory)
        self.stdout.write(render(options["format"], snapshot, findings), ending="")
        if has_errors(findings, Severity(options["fail_on"])):
            raise CommandError(
                f"Validation found problems at or above '{options['fail_on']}'.", returncode=1
            )

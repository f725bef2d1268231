"""python manage.py export_arm --out DIR [--factory F] [--force]: what ADF Studio's
Publish writes to adf_publish, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors.adf_repository import write_folder
from connectors.factory_checks import Severity
from portal.management.factory_option import add_factory_option, factory_from
from portal.publish import ENVIRONMENT_NOTE, publish_factory


class Command(BaseCommand):
    help = (
        "Writes ARMTemplateForFactory.json, ARMTemplateParametersForFactory.json, "
        "linkedTemplates/ and globalParameters/ as ADF's Publish does. Refuses (exit 1, the "
        "problems listed) when validation finds an error, unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_factory_option(parser)
        parser.add_argument("--out", required=True, metavar="DIR")
        parser.add_argument(
            "--environment", help="(comes with the environments feature; accepted, unused)"
        )
        parser.add_argument(
            "--force", action="store_true", help="publish even when validation finds errors"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        factory = factory_from(options)
        if options.get("environment"):
            self.stderr.write(ENVIRONMENT_NOTE)
        result = publish_factory(factory, force=options["force"])
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        if result.export is None:
            for f in errors:
                self.stderr.write(str(f))
            raise CommandError(
                f"Not published: validation found {len(errors)} error(s) "
                "(--force publishes anyway).",
                returncode=1,
            )
        root = Path(options["out"])
        count = write_folder(root, result.export.files())
        note = f" despite {len(errors)} validation error(s)" if errors else ""
        self.stdout.write(self.style.SUCCESS(f"{count} file(s) written to {root}{note}."))

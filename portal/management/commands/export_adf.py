"""python manage.py export_adf DIR [--factory NAME]: write a factory in ADF git layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.imports import export_directory
from portal.management.factory_option import add_factory_option, factory_from
from portal.models import Resource


class Command(BaseCommand):
    help = "Writes DIR/<kind folder>/<name>.json for every resource of a factory, as ADF does."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")
        add_factory_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["directory"])
        factory = factory_from(options)
        resources = Resource.objects.live().filter(factory=factory).select_related("factory")
        count = export_directory(resources, root)
        self.stdout.write(self.style.SUCCESS(f"{count} resource(s) written to {root}."))

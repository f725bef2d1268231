"""python manage.py export_adf DIR: write every linked service in ADF git layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from connectors.adf_format import dump_linked_service, git_path
from portal.models import LinkedService


class Command(BaseCommand):
    help = "Writes DIR/linkedService/<name>.json for every linked service, as ADF Studio does."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["directory"])
        count = 0
        for service in LinkedService.objects.live():
            target = root / git_path(service.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_linked_service(service.name, service.properties), "utf-8")
            count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} linked service(s) written to {root}."))

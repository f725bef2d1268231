"""python manage.py export_adf DIR [--factory NAME]: write a factory as its git repository."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from connectors.adf_repository import write_folder
from portal.management.factory_option import add_factory_option, factory_from
from portal.services import repository
from portal.services.actor import Actor


class Command(BaseCommand):
    help = (
        "Writes every resource of a factory under DIR at the path it was imported from "
        "(new ones at <kind folder>/<name>.json), unedited ones byte for byte, and the files "
        "kept as is; secure strings masked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")
        add_factory_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["directory"])
        factory = factory_from(options)
        write = partial(write_folder, root)
        count = repository.export_factory(Actor.cli(), factory, write)
        self.stdout.write(self.style.SUCCESS(f"{count} file(s) written to {root}."))

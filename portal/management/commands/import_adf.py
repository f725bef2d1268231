"""python manage.py import_adf PATH... [--factory NAME] [--skip-bad-files] [--replace]:
import ADF files, or a whole repository (its root folder or a zip of it), all or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors.kinds import KINDS
from connectors.repository_source import RepositoryRefused
from portal import audit
from portal.imports import files_from_paths, import_documents, import_repository
from portal.management.factory_option import add_factory_option, factory_from
from portal.models import AuditEvent, Factory


def is_repository(paths: list[str]) -> bool:
    """One path that is a zip, or a folder with at least one of ADF's resource folders."""
    if len(paths) != 1:
        return False
    path = Path(paths[0])
    if path.is_file():
        return path.suffix.lower() == ".zip"
    return path.is_dir() and any((path / kind.folder).is_dir() for kind in KINDS.values())


class Command(BaseCommand):
    help = (
        "Imports the root of an ADF / Synapse git repository (a folder with linkedService/, "
        "dataset/, pipeline/..., or a .zip of it) with one report line per file, or loose "
        "resource JSON files. Nothing is imported when any file has an error, unless "
        "--skip-bad-files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--replace", action="store_true", help="replace existing ones as a new revision"
        )
        parser.add_argument(
            "--skip-bad-files",
            action="store_true",
            help="import a repository's good files even when others have errors",
        )
        parser.add_argument("--user", help="user name recorded as the author")
        add_factory_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        factory = factory_from(options)
        if is_repository(options["paths"]):
            self._import_repository(Path(options["paths"][0]), user, factory, options)
            return
        if options["skip_bad_files"]:
            raise CommandError("--skip-bad-files needs one repository folder or zip.")
        files, missing = files_from_paths(options["paths"])
        if missing:
            raise CommandError("\n".join(missing))
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

    def _import_repository(
        self, path: Path, user: Any, factory: Factory, options: dict[str, Any]
    ) -> None:
        source: Path | bytes = path.read_bytes() if path.is_file() else path
        try:
            result = import_repository(
                source,
                user=user,
                factory=factory,
                replace=options["replace"],
                skip_bad_files=options["skip_bad_files"],
            )
        except RepositoryRefused as exc:
            raise CommandError(f"{path}: refused: {exc}") from exc
        if not result.ok:
            raise CommandError("\n".join([*map(str, result.report), result.summary()]))
        for line in result.report:
            self.stdout.write(str(line))
        # One row for the whole import: each resource's revision names its file.
        audit.record(
            AuditEvent.Action.IMPORT,
            user=user,
            factory=factory,
            name=path.name[:260],
            detail=f"command line, repository {path}: {result.summary()}",
        )
        self.stdout.write(self.style.SUCCESS(f"{result.summary()} Factory '{factory.name}'."))

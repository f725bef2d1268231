"""python manage.py import_adf PATH... [--factory NAME] [--skip-bad-files] [--replace]
[--pedantic]: import ADF files, or a whole repository (its root folder or a zip of it), all
or none."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors.kinds import KINDS
from connectors.repository_source import RepositoryRefused
from portal.imports import files_from_paths, files_report
from portal.management.factory_option import actor_from, add_factory_option, factory_from
from portal.models import Factory
from portal.services import repository
from portal.services.actor import Actor


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
        "dataset/, pipeline/..., or a .zip of it), or loose resource JSON files: one line "
        "per file and per problem on stdout, the summary last, exit status 1 when anything "
        "has an error. Nothing is imported when any file has an error, unless "
        "--skip-bad-files (then the bad files are kept as is and exported unchanged)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--replace", action="store_true", help="replace existing ones as a new revision"
        )
        parser.add_argument(
            "--skip-bad-files",
            action="store_true",
            help="import a repository's good files even when others have errors (the bad "
            "ones are kept as is and exported unchanged)",
        )
        parser.add_argument(
            "--pedantic",
            action="store_true",
            help="also say where a file's keys are in another order than ADF Studio's",
        )
        parser.add_argument("--user", help="user name recorded as the author")
        add_factory_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from(options)
        factory = factory_from(options)
        if is_repository(options["paths"]):
            self._import_repository(Path(options["paths"][0]), actor, factory, options)
            return
        if options["skip_bad_files"]:
            raise CommandError("--skip-bad-files needs one repository folder or zip.")
        files, missing = files_from_paths(options["paths"])
        if missing:
            self._fail(missing, "Nothing imported.")
        ok, outcomes = repository.import_files(
            actor, factory, files, replace=options["replace"], pedantic=options["pedantic"]
        )
        for line in files_report(outcomes, ok):
            self.stdout.write(str(line))
        if not ok:
            problems = sum(len(o.problems) for o in outcomes)
            self.stdout.write(f"Nothing imported ({problems} problem(s)).")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"{len(outcomes)} resource(s) imported."))

    def _fail(self, why: list[str], summary: str) -> NoReturn:
        """What stopped the import, one line each on stderr, the summary last; status 1."""
        for line in why:
            self.stderr.write(line)
        self.stdout.write(summary)
        raise SystemExit(1)

    def _import_repository(
        self, path: Path, actor: Actor, factory: Factory, options: dict[str, Any]
    ) -> None:
        # A zip is read from its file as needed, not into memory whole.
        with ExitStack() as stack:
            source = stack.enter_context(path.open("rb")) if path.is_file() else path
            try:
                result = repository.import_repository(
                    actor,
                    factory,
                    source,
                    label=str(path),
                    replace=options["replace"],
                    skip_bad_files=options["skip_bad_files"],
                    pedantic=options["pedantic"],
                )
            except RepositoryRefused as exc:
                self._fail([f"{path}: refused: {exc}"], "Nothing imported: nothing was read.")
        for line in result.report:
            self.stdout.write(str(line))
        if not result.ok:
            self.stdout.write(result.summary())
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"{result.summary()} Factory '{factory.name}'."))

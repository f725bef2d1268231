"""python manage.py environments list|show|validate [--factory F] [--environment E] [--json]

- ``list``: the factory's environments in order, each with its override files.
- ``show``: what each environment (or E) changes: per resource, the paths it sets, adds or
  removes, with the value (a secret's value is never printed).
- ``validate``: every override applied and every effective definition checked; each
  finding at its file, line, column and field. Exit status 1 when any is an error.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.management.factory_option import add_factory_option, factory_from

SECRET_SHOWN = "(secret, not shown)"


class Command(BaseCommand):
    help = (
        "Lists, shows or validates the environments of a factory (its dev/test/prod values "
        "from azure.datafactory.tools config files and ARM parameter files). validate exits "
        "with status 1 when an override or an effective definition has an error."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "show", "validate"])
        add_factory_option(parser)
        parser.add_argument("--environment", help="only this environment")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        from portal.models import Environment

        factory = factory_from(options)
        name = options.get("environment")
        environments = Environment.objects.filter(factory=factory)
        if name and not environments.filter(name=name).exists():
            known = ", ".join(environments.values_list("name", flat=True)) or "none"
            raise CommandError(
                f"Factory '{factory.name}' has no environment '{name}' (environments: {known})."
            )
        handler = {"list": self._list, "show": self._show, "validate": self._validate}
        handler[options["action"]](factory, name, as_json=options["json"])

    def _write(self, document: Any) -> None:
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))

    def _list(self, factory: Any, name: str | None, *, as_json: bool) -> None:
        from portal.models import Environment

        environments = Environment.objects.filter(factory=factory).prefetch_related("files")
        if name:
            environments = environments.filter(name=name)
        rows = [
            {
                "name": e.name,
                "position": e.position,
                "repository": e.is_repository,
                "files": [{"path": f.path, "format": f.format} for f in e.files.all()],
            }
            for e in environments
        ]
        if as_json:
            self._write({"factory": factory.name, "environments": rows})
            return
        if not rows:
            self.stdout.write(f"Factory '{factory.name}' has no environments.")
        for row in rows:
            what = "the repository's own values" if row["repository"] else "overrides"
            files = ", ".join(f"{f['path']} ({f['format']})" for f in row["files"])
            self.stdout.write(f"{row['name']}: {what}" + (f": {files}" if files else ""))

    def _show(self, factory: Any, name: str | None, *, as_json: bool) -> None:
        from portal.environments import check_factory

        checked = check_factory(factory, name)
        shown: list[dict[str, Any]] = [
            {"environment": result.name, "changes": [_change(c) for c in result.workspace.changes]}
            for result in checked.results
        ]
        if as_json:
            self._write({"factory": factory.name, "environments": shown})
            return
        for environment in shown:
            changes = environment["changes"]
            self.stdout.write(f"{environment['environment']}: {len(changes)} change(s)")
            for change in changes:
                value = "" if change["action"] == "remove" else f" = {change['value']}"
                self.stdout.write(
                    f"  {change['resource']} {change['path']}: {change['action']}{value}"
                    f"  ({change['file']}:{change['line']})"
                )

    def _validate(self, factory: Any, name: str | None, *, as_json: bool) -> None:
        from portal.environments import check_factory

        checked = check_factory(factory, name)
        errors = sum(len(r.errors) for r in checked.results)
        if as_json:
            self._write(
                {
                    "factory": factory.name,
                    "ok": checked.ok,
                    "errors": errors,
                    "environments": [
                        {
                            "environment": r.name,
                            "ok": r.ok,
                            "resources": len(r.problems),
                            "changed": len(r.workspace.changed),
                            "findings": [f.as_dict() for f in r.findings],
                        }
                        for r in checked.results
                    ],
                }
            )
        else:
            for result in checked.results:
                mark = "ok  " if result.ok else "FAIL"
                self.stdout.write(
                    f"{mark} {result.name}: {len(result.problems)} resource(s), "
                    f"{len(result.workspace.changed)} changed, {len(result.errors)} error(s)"
                )
                for finding in result.findings:
                    self.stdout.write(f"  {finding}")
        if errors:
            raise CommandError(
                f"{errors} error(s) in the environments of '{factory.name}'.", returncode=1
            )


def _change(change: Any) -> dict[str, Any]:
    from connectors.environments.secret_values import is_secret_target
    from connectors.problems import json_path

    resource = change.resource
    secret = is_secret_target(
        resource.kind, resource.properties, change.keys, change.previous, change.value
    )
    return {
        "resource": resource.label,
        "path": json_path(("properties", *change.keys)),
        "action": str(change.action),
        "value": SECRET_SHOWN if secret and change.value is not None else change.value,
        "file": change.where.file,
        "line": change.where.line,
    }

"""python manage.py preview_dataset NAME [--factory F] [--rows N] [--query SQL] [--json]
[--param NAME=VALUE] [--secret NAME[=VALUE]] [--password [VALUE]]: the first rows of a saved
dataset's table (or of a read-only query) on its live server, with the values for the call
to its linked service (see :mod:`portal.management.call_value_options`)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.management.call_value_options import add_call_value_options, call_values_from
from portal.management.factory_option import add_factory_option, factory_from
from portal.models import Resource

MARKS = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}
DATASET_KIND = "dataset"


class Command(BaseCommand):
    help = (
        "Previews a saved dataset's data through its linked service: each column's name, "
        "connector's type and interim service type, then the rows. Audited like a preview in the "
        "portal. Exit status 0 only when the preview succeeded."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--rows", type=int, default=None, help="1 to 1000 (default 100)")
        parser.add_argument("--query", default=None, help="one read-only SELECT instead")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        add_call_value_options(parser)
        add_factory_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from portal import datasets
        from portal.services.actor import Actor

        dataset = (
            Resource.objects.live()
            .filter(
                factory=factory_from(options),
                kind=DATASET_KIND,
                name_key=Resource.key_for(options["name"]),
            )
            .first()
        )
        if dataset is None:
            raise CommandError(f"No dataset named {options['name']!r}.")
        values = call_values_from(options)
        try:
            live = datasets.for_dataset(dataset).with_values(values)
            report = datasets.preview(
                live,
                Actor.cli(),
                rows=options["rows"],
                query=options["query"],
                rate_limited=False,
            )
        except datasets.LiveRefused as exc:
            raise CommandError(exc.message) from None
        if report.get("refused"):
            raise CommandError(str(report["refused"]))
        if options["json"]:
            self.stdout.write(json.dumps(_document(dataset, report), indent=2, ensure_ascii=False))
        else:
            self._print(dataset, report)
        if not report.get("ok"):
            raise SystemExit(1)

    def _print(self, dataset: Resource, report: dict[str, Any]) -> None:
        if not report.get("ok"):
            self.stdout.write(f"Preview of {dataset.name} FAILED")
            for stage in report.get("stages", []):
                line = f"  [{MARKS.get(stage['status'], '?')}] {stage['name']:<30}"
                if stage.get("detail"):
                    line += f"  {stage['detail']}"
                self.stdout.write(line)
                for key in ("observed", "change"):
                    if stage.get(key):
                        self.stdout.write(f"         {key}: {stage[key]}")
            return
        result = report["result"]
        self.stdout.write(
            f"Preview of {dataset.name}: {result['source']} through "
            f"{report['linkedService']} (connector version {result['version']})"
        )
        header = [
            f"{c['name']} ({c['source_type']} -> {c['interim_type']})" for c in result["columns"]
        ]
        self.stdout.write("\t".join(header))
        for row in result["rows"]:
            self.stdout.write("\t".join("NULL" if v is None else str(v) for v in row))
        self.stdout.write(
            f"{result['row_count']} rows" + (f"; {result['cut']}" if result["cut"] else "")
        )


def _document(dataset: Resource, report: dict[str, Any]) -> dict[str, Any]:
    result = report.get("result") or {}
    return {
        "dataset": dataset.name,
        "linkedService": report.get("linkedService"),
        "connectorVersion": report.get("connectorVersion"),
        "ok": bool(report.get("ok")),
        "source": result.get("source"),
        "columns": [
            {"name": c["name"], "sourceType": c["source_type"], "interimType": c["interim_type"]}
            for c in result.get("columns", [])
        ],
        "rows": result.get("rows", []),
        "cut": result.get("cut", ""),
        "stages": [] if report.get("ok") else report.get("stages", []),
    }

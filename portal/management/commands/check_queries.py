"""python manage.py check_queries [--factory F] [--json] [--param NAME=VALUE]
[--secret NAME[=VALUE]] [--password [VALUE]]: check every query of a factory's Copy and
Lookup activities that a connector authors, on its server (the server's own EXPLAIN, judged by
the connector's plan check, not run). Exit status 1 when any query fails.

``--param`` gives a pipeline parameter's value to every query that reads it (instead of its
default) and a linked-service parameter's to every linked service that has it; ``--secret``
and ``--password`` go to every linked service that takes them (see
:mod:`portal.management.call_value_options`)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.management.call_value_options import add_call_value_options, call_values_from
from portal.management.factory_option import add_factory_option, factory_from


class Command(BaseCommand):
    help = (
        "Checks the query of every Copy and Lookup activity a connector authors in a factory "
        "(the default factory unless --factory). Exit status 1 when any query fails."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the results as JSON")
        add_call_value_options(
            parser,
            param_help="a pipeline parameter's value for every query that reads it, and a "
            "linked-service parameter's for every linked service that has it (repeatable)",
        )
        add_factory_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from portal.query_audit import bulk_rows, check_rows
        from portal.services.actor import Actor

        factory = factory_from(options)
        values = call_values_from(options)
        rows = bulk_rows(factory)
        check_rows(
            rows,
            actor=Actor.cli(),
            rate_limited=False,
            parameters=values.parameters,
            values_for=lambda service: values.fitting(
                service.connector_definition, service.properties
            ),
        )
        failing = [r for r in rows if r.result is None or not r.result.ok]
        if options["json"]:
            document = {
                "factory": factory.name,
                "checked": len(rows),
                "failing": len(failing),
                "activities": [r.as_dict() for r in rows],
            }
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            for row in rows:
                result = row.result
                mark = "ok  " if result is not None and result.ok else "FAIL"
                where = ""
                if result is not None and result.line:
                    where = f" (line {result.line}, column {result.column})"
                message = result.message if result is not None else "not checked"
                self.stdout.write(
                    f"{mark} {row.pipeline.name} / {row.activity.name} "
                    f"[{row.linked_service.name if row.linked_service else 'no linked service'}"
                    f" {row.linked_service.connector_version if row.linked_service else ''}]"
                    f": {message}{where}"
                )
            self.stdout.write(f"{len(rows) - len(failing)} of {len(rows)} queries check.")
        if failing:
            raise CommandError(f"{len(failing)} of {len(rows)} queries fail.", returncode=1)

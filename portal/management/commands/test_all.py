"""python manage.py test_all --factory F --environment E [--json] [--param NAME=VALUE]
[--secret NAME[=VALUE]] [--password [VALUE]]: test every linked service of the factory in
environment E, on the task queue (Celery workers; in this process without a broker), and
wait for every verdict. Exit status 1 when a test fails. Values given apply to each linked
service that takes them, for these tests only."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.management.call_value_options import add_call_value_options, call_values_from
from portal.management.factory_option import add_factory_option, factory_from
from portal.models import ConnectionTest, Environment


class Command(BaseCommand):
    help = (
        "Tests every linked service of a factory in one of its environments, on the task "
        "queue. Exit status 0 only when every test passed."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        add_factory_option(parser)
        parser.add_argument("--environment", required=True, help="the environment to test")
        parser.add_argument("--json", action="store_true", help="print the verdicts as JSON")
        add_call_value_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from portal.environments import environment_named
        from portal.services import connection_tests, test_queue
        from portal.services.actor import Actor

        factory = factory_from(options)
        try:
            environment = environment_named(factory, options["environment"])
        except Environment.DoesNotExist as exc:
            raise CommandError(str(exc)) from None
        assert environment is not None
        run = test_queue.test_all(Actor.cli(), environment, call_values_from(options, call="test"))
        tests = test_queue.wait_for_all(run.tests)
        if options["json"]:
            documents = [connection_tests.as_document(t) for t in tests]
            self.stdout.write(json.dumps(documents, indent=2))
        else:
            for test in tests:
                failure = test.first_failure
                why = f"  {failure['name']}: {failure.get('detail', '')}" if failure else ""
                self.stdout.write(f"{test.status:<7} {test.name}{why}")
            passed = sum(1 for t in tests if t.status == ConnectionTest.Status.PASSED)
            self.stdout.write(f"{passed} of {len(tests)} passed in environment {environment.name}")
        if any(t.status != ConnectionTest.Status.PASSED for t in tests):
            raise SystemExit(1)

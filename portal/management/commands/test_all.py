"""python manage.py test_all --factory F --environment E [--json] [--param NAME=VALUE]
[--secret NAME[=VALUE]] [--password [VALUE]] [--wait-at-most SECONDS]
[--notify [--webhook URL] [--email ADDRESS]]:
test every linked service of the factory in environment E, on the task queue (Celery
workers; in this process without a broker), and wait for every verdict. Exit status 1 when
a test fails. Values given apply to each linked service that takes them, for these tests
only. ``--notify`` (a periodic re-test, from cron) tells the webhook and the email
addresses (LINKWRIGHT_NOTIFY_WEBHOOK, LINKWRIGHT_NOTIFY_EMAIL unless given) of each linked
service whose verdict differs from its last one in E (see portal.services.retest)."""

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
        parser.add_argument(
            "--wait-at-most",
            type=float,
            default=None,
            metavar="SECONDS",
            help="stop waiting after this long (the tests still unfinished stay queued for "
            "the workers, and count as not passed); default: until every verdict is in",
        )
        parser.add_argument(
            "--notify",
            action="store_true",
            help="tell of each verdict that differs from the linked service's last one in the "
            "environment (a periodic re-test, from cron)",
        )
        parser.add_argument(
            "--webhook",
            default="",
            help="with --notify: POST the changes as JSON here (default: "
            "LINKWRIGHT_NOTIFY_WEBHOOK)",
        )
        parser.add_argument(
            "--email",
            action="append",
            default=[],
            help="with --notify: email the changes to this address (repeatable; default: "
            "LINKWRIGHT_NOTIFY_EMAIL)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        from portal.environments import environment_named
        from portal.services import connection_tests, retest
        from portal.services.actor import Actor

        webhook = options["webhook"] or settings.NOTIFY_WEBHOOK_URL
        emails = options["email"] or settings.NOTIFY_EMAILS
        if options["notify"] and not (webhook or emails):
            raise CommandError(
                "--notify has no one to tell: give --webhook or --email, or set "
                "LINKWRIGHT_NOTIFY_WEBHOOK or LINKWRIGHT_NOTIFY_EMAIL."
            )
        factory = factory_from(options)
        try:
            environment = environment_named(factory, options["environment"])
        except Environment.DoesNotExist as exc:
            raise CommandError(str(exc)) from None
        assert environment is not None
        values = call_values_from(options, call="test")
        done = retest.retest(Actor.cli(), environment, values, at_most=options["wait_at_most"])
        tests = done.tests
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
        if options["notify"]:
            self._notify(done, webhook, emails)
        if any(t.status != ConnectionTest.Status.PASSED for t in tests):
            raise SystemExit(1)

    def _notify(self, done: Any, webhook: str, emails: list[str]) -> None:
        from portal.services import retest

        notified = retest.notify(done, webhook=webhook, emails=emails)
        # On standard error: standard output may be --json's document.
        say = self.stderr.write
        if not done.changes:
            say("No verdict changed since the last test in this environment: no one told.")
            return
        say(f"{len(done.changes)} verdict(s) changed:")
        for change in done.changes:
            say(f"  {change.line()}")
        if notified.webhook:
            say(f"Told the webhook at {notified.webhook}.")
        if notified.emailed:
            say(f"Emailed {', '.join(notified.emailed)}.")
        for error in notified.errors:
            say(f"Not told: {error}")

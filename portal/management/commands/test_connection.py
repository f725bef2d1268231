"""python manage.py test_connection NAME [--json] [--param NAME=VALUE] [--secret NAME[=VALUE]]
[--password [VALUE]] [--factory F] [--environment E]: test a saved linked service's
connection (``--environment``: its effective definition in that environment of the factory).

``--param`` gives a linked-service parameter's value for this test (its default otherwise);
``--secret`` the value of a secret property (``password``) for this test only: an Azure Key
Vault secret, an encryptedCredential, or instead of the stored one; ``--password`` the
password ADF holds encrypted. Without a value they are asked for without echo, which keeps
them out of the shell history and the process list (see
:mod:`portal.management.call_value_options`). None is ever stored."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors.kinds import LINKED_SERVICE
from connectors.registry import has_form
from portal.management.call_value_options import add_call_value_options, call_values_from
from portal.management.factory_option import add_factory_option, factory_from
from portal.models import (  # loaded by django.setup() anyway
    ConnectionTest,
    Environment,
    Factory,
    Resource,
)

MARKS = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}


class Command(BaseCommand):
    help = (
        "Tests the connection of a saved linked service stage by stage. Exit status 0 only "
        "when every stage passed."
    )
    # Start-up is most of a short test's time: no system checks (they import every URL,
    # view and the API), and the client is imported only once there is something to test.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        add_call_value_options(parser)
        add_factory_option(parser)
        parser.add_argument(
            "--environment",
            help="test the effective definition in this environment of the factory",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from portal.services import connection_tests
        from portal.services.actor import Actor

        factory = factory_from(options)
        environment = _environment(factory, options.get("environment"))
        service = (
            Resource.objects.live()
            .filter(
                factory=factory,
                kind=LINKED_SERVICE.name,
                name_key=Resource.key_for(options["name"]),
            )
            .first()
        )
        if service is None or not has_form(service.kind, service.connector):
            raise CommandError(f"No linked service named {options['name']!r}.")
        values = call_values_from(options, call="test")
        try:
            test = connection_tests.start(
                actor=Actor.cli(),
                version=service.connector_definition,
                name=service.name,
                resource=service,
                environment=environment,
                rate_limited=False,
                one_off_password=values.password,
                test_values=values.test_values,
                wait=True,  # on the test itself, not by polling its row
            )
        except connection_tests.TestRefused as exc:
            raise CommandError(str(exc)) from None
        if not test.done:  # longer than CONNECTION_TEST_WAIT_SECONDS: poll from here on
            test = connection_tests.wait_for_verdict(test)
        if options["json"]:
            self.stdout.write(json.dumps(connection_tests.as_document(test), indent=2))
        else:
            self._print(test)
        if test.status != ConnectionTest.Status.PASSED:
            raise SystemExit(1)

    def _print(self, test: ConnectionTest) -> None:
        result = test.result
        where = f", environment {test.environment.name}" if test.environment else ""
        self.stdout.write(f"Connection test of {test.name} (revision {test.revision}{where})")
        for note in result.get("notes", []):
            self.stdout.write(f"  note: {note}")
        for used in result.get("values", []):
            self.stdout.write(f"  {_described_value(used)}")
        for stage in result.get("stages", []):
            duration = "" if stage["status"] == "skipped" else f"{stage['duration_ms']:8.1f} ms"
            line = f"  [{MARKS.get(stage['status'], '?')}] {stage['name']:<30} {duration}"
            if stage.get("detail"):
                line += f"  {stage['detail']}"
            self.stdout.write(line)
            if stage.get("observed"):
                self.stdout.write(f"         observed: {stage['observed']}")
            if stage.get("change"):
                self.stdout.write(f"         change:   {stage['change']}")
        verdict = "passed" if test.status == ConnectionTest.Status.PASSED else "FAILED"
        self.stdout.write(f"{verdict} in {result.get('total_ms', 0):.0f} ms")


def _environment(factory: Factory, name: str | None) -> Environment | None:
    """The ``--environment`` named (None without one: the environments' checker, which
    :mod:`portal.environments` loads, is then not loaded at all)."""
    if not name:
        return None
    from portal.environments import environment_named

    try:
        return environment_named(factory, name)
    except Environment.DoesNotExist as exc:
        raise CommandError(str(exc)) from None


def _described_value(used: dict[str, Any]) -> str:
    """One line of the values a test used (a secret's value is the mask already)."""
    value = json.dumps(used.get("value"), ensure_ascii=False)
    if used.get("kind") == "field":
        return f"{used['name']} = {value}  (from {used.get('expression')})"
    source = f"  ({used['source']})" if used.get("source") else ""
    return f"{used.get('kind')} {used['name']} = {value}{source}"

"""A periodic re-test of an environment, and its notification when a verdict changes.

``manage.py test_all --factory F --environment E --notify``, run from cron, tests every
linked service in E as "Test all" does (:mod:`portal.services.test_queue`), then compares
each verdict with that linked service's last verdict in E before the run. When one changed
(passed to failed, or back), it tells: a JSON POST to a webhook, through the connection
tests' network policy and deadline (:mod:`connectors.net.webhook`), and/or an email
through Django's mail backend. A linked service with no earlier verdict in E has nothing
to change from. What is sent is the tests' stored reports: never a secret.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Max
from django.urls import reverse

from connectors.net.webhook import WebhookError, post_json, where
from portal.models import ConnectionTest, Environment
from portal.services import test_queue
from portal.services.actor import Actor
from portal.services.call_values import NO_VALUES, CallValues
from portal.services.live import network_policy

log = logging.getLogger("portal.notify")
DONE = (ConnectionTest.Status.PASSED, ConnectionTest.Status.FAILED)


@dataclass(frozen=True)
class VerdictChange:
    """A linked service whose verdict in the environment is not its last one there."""

    before: ConnectionTest
    after: ConnectionTest

    def document(self) -> dict[str, Any]:
        failure = self.after.first_failure or {}
        return {
            "linkedService": self.after.name,
            "before": self.before.status,
            "after": self.after.status,
            "test": self.after.pk,
            "testPath": reverse("connection-test", args=[self.after.pk]),
            "failedStage": failure.get("name"),
            "detail": failure.get("detail"),
        }

    def line(self) -> str:
        failure = self.after.first_failure
        why = f" ({failure['name']}: {failure.get('detail', '')})" if failure else ""
        return f"{self.after.name}: {self.before.status} -> {self.after.status}{why}"


@dataclass
class Retest:
    environment: Environment
    tests: list[ConnectionTest]
    changes: list[VerdictChange]


@dataclass
class Notified:
    """What was told, and what could not be (each error without the webhook's URL)."""

    webhook: str = ""
    emailed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def last_verdicts(environment: Environment) -> dict[int, ConnectionTest]:
    """Each linked service's last verdict in ``environment``, by its id."""
    latest = (
        ConnectionTest.objects.filter(
            environment=environment, resource__isnull=False, status__in=DONE
        )
        .values("resource_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    tests = ConnectionTest.objects.filter(pk__in=list(latest))
    return {t.resource_id: t for t in tests if t.resource_id is not None}


def retest(
    actor: Actor,
    environment: Environment,
    values: CallValues = NO_VALUES,
    at_most: float | None = None,
) -> Retest:
    """Test every linked service in ``environment`` (on the task queue), wait for every
    verdict (or ``at_most`` seconds), and say which verdicts differ from the last one
    before (a test still unfinished then has none yet)."""
    test_queue.sweep_interrupted()  # a test left interrupted is a verdict: failed
    before = last_verdicts(environment)
    run = test_queue.test_all(actor, environment, values)
    tests = test_queue.wait_for_all(run.tests, at_most=at_most)
    changes = [
        VerdictChange(before[t.resource_id], t)
        for t in tests
        if t.done and t.resource_id in before and before[t.resource_id].status != t.status
    ]
    return Retest(environment, tests, changes)


def document(done: Retest) -> dict[str, Any]:
    """What the webhook is sent."""
    environment = done.environment
    return {
        "factory": environment.factory.name,
        "environment": environment.name,
        "tested": len(done.tests),
        "passed": sum(1 for t in done.tests if t.status == ConnectionTest.Status.PASSED),
        "changes": [c.document() for c in done.changes],
    }


def notify(done: Retest, *, webhook: str = "", emails: Sequence[str] = ()) -> Notified:
    """Tell the webhook and the email addresses of ``done``'s changed verdicts (nothing
    when none changed)."""
    notified = Notified()
    if not done.changes:
        return notified
    environment = done.environment
    label = f"{environment.factory.name}/{environment.name}"
    if webhook:
        try:
            status = post_json(
                webhook,
                document(done),
                policy=network_policy(),
                connect_timeout=settings.CONNECTION_TEST_CONNECT_TIMEOUT,
                deadline_s=settings.CONNECTION_TEST_DEADLINE,
            )
            notified.webhook = f"{where(webhook)} (HTTP {status})"
            log.info("webhook %s told of changed verdicts in %s", where(webhook), label)
        except WebhookError as exc:
            notified.errors.append(f"webhook: {exc}")
            log.warning("webhook not told of changed verdicts in %s: %s", label, exc)
    if emails:
        count = len(done.changes)
        subject = f"[Linkwright] {label}: {count} verdict{'' if count == 1 else 's'} changed"
        body = "\n".join(
            [
                f"Linked services whose connection test verdict in {label} changed since "
                "their last test there:",
                "",
                *(c.line() for c in done.changes),
                "",
                f"{document(done)['passed']} of {len(done.tests)} passed.",
            ]
        )
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(emails))
            notified.emailed = list(emails)
        except OSError as exc:
            notified.errors.append(f"email: {type(exc).__name__}: {exc}")
            log.warning("email about changed verdicts in %s not sent: %s", label, exc)
    return notified


__all__ = ["Notified", "Retest", "VerdictChange", "document", "last_verdicts", "notify", "retest"]

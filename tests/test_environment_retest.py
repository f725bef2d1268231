"""A periodic re-test of an environment (issue 22, point 5): ``manage.py test_all ...
--notify``, run from cron, tells a webhook (a JSON POST, through the network policy) and
email addresses (Django's mail backend) of each linked service whose verdict differs from
its last one in the environment. A real Spark Thrift Server stands for dev; the webhook is
a local HTTP server on 127.0.0.1; mail goes to Django's locmem backend."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from portal.models import Environment, Factory
from portal.services import retest
from tests.environment_factory import (
    _loopback_allowed,  # noqa: F401
    shop,
)
from tests.spark_server import ServerPool

PASSWORD = "any-password"  # binary-sasl-none takes any user and password


class Hook:
    """A webhook on 127.0.0.1 that keeps what it is sent."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, Any]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.received.append((self.path, self.headers["Content-Type"], json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/t0ken-in-path"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    found = Hook()
    yield found
    found.close()


@pytest.fixture
def factory(tmp_path: Path, editor: Any, spark_pool: ServerPool) -> Factory:
    ports = spark_pool.get("binary-sasl-none").port, spark_pool.get("binary-sasl-none").port
    return shop(tmp_path / "repo", editor, *ports)


def run(*options: str) -> str:
    """``test_all`` of shop's dev with --notify; what it wrote on standard error."""
    err = io.StringIO()
    try:
        call_command(
            "test_all", "--factory", "shop", "--environment", "dev", "--notify", *options,
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    except SystemExit as exc:
        assert exc.code == 1
    return err.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-none")
@pytest.mark.usefixtures("_loopback_allowed")
def test_a_retest_tells_the_webhook_and_by_email_only_of_verdicts_that_changed(
    factory: Factory, hook: Hook, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_EMAILS = ["data-team@example.com"]
    secret = ["--secret", f"password={PASSWORD}"]

    # The first run: no earlier verdict to change from.
    said = run("--webhook", hook.url, *secret)
    assert "No verdict changed" in said
    assert hook.received == [] and mail.outbox == []

    # The Key Vault secret no longer given: LS_Spark fails where it passed.
    said = run("--webhook", hook.url)
    assert "LS_Spark: passed -> failed" in said
    assert "Told the webhook at http://127.0.0.1:" in said and "t0ken" not in said
    assert "Emailed data-team@example.com." in said
    [(path, content_type, document)] = hook.received
    assert path == "/hooks/t0ken-in-path" and content_type == "application/json"
    assert document["factory"] == "shop" and document["environment"] == "dev"
    assert (document["tested"], document["passed"]) == (1, 0)
    [change] = document["changes"]
    assert (change["linkedService"], change["before"], change["after"]) == (
        "LS_Spark",
        "passed",
        "failed",
    )
    assert change["testPath"] == f"/connection-tests/{change['test']}/"
    assert "spark-password" in change["detail"]
    [email] = mail.outbox
    assert email.to == ["data-team@example.com"]
    assert email.subject == "[Linkwright] shop/dev: 1 verdict changed"
    assert "LS_Spark: passed -> failed" in email.body

    # The same verdict again: no one is told.
    said = run("--webhook", hook.url)
    assert "No verdict changed" in said
    assert len(hook.received) == 1 and len(mail.outbox) == 1

    # Back to passed: told again.
    said = run("--webhook", hook.url, *secret)
    assert "LS_Spark: failed -> passed" in said
    assert len(hook.received) == 2 and len(mail.outbox) == 2
    assert PASSWORD not in json.dumps([r[2] for r in hook.received])
    assert all(PASSWORD not in m.body for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-none")
@pytest.mark.usefixtures("_loopback_allowed")
def test_a_webhook_the_network_policy_refuses_is_not_told_and_email_still_is(
    factory: Factory, hook: Hook, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run("--webhook", hook.url, "--email", "ops@example.com", "--secret", f"password={PASSWORD}")
    environment = Environment.objects.get(factory=factory, name="dev")
    from portal.services.actor import Actor

    done = retest.retest(Actor.cli(), environment)
    assert [c.line().split(" (")[0] for c in done.changes] == ["LS_Spark: passed -> failed"]
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    notified = retest.notify(done, webhook=hook.url, emails=["ops@example.com"])
    assert hook.received == []
    [error] = notified.errors
    assert error.startswith("webhook: http://127.0.0.1:") and "network policy" in error
    assert "t0ken" not in error
    assert notified.emailed == ["ops@example.com"] and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_notify_with_no_one_to_tell_is_refused_before_any_test(settings: Any) -> None:
    settings.NOTIFY_WEBHOOK_URL = ""
    settings.NOTIFY_EMAILS = []
    Factory.objects.create(name="shop")
    with pytest.raises(CommandError, match="--notify has no one to tell"):
        call_command("test_all", "--factory", "shop", "--environment", "dev", "--notify")


@pytest.mark.django_db(transaction=True)
def test_a_retest_whose_queue_has_no_worker_stops_waiting_when_told_and_leaves_its_tests_queued(
    tmp_path: Path, editor: Any, hook: Hook, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from portal import tasks
    from portal.models import ConnectionTest

    settings.CONNECTION_TEST_INTERRUPTED_AFTER = 0.5
    shop(tmp_path / "repo", editor, 10000, 10443)
    # A broker that keeps every task and no worker to take one.
    monkeypatch.setattr(tasks.run_queued_test, "delay", lambda *args: None)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as failed:
        call_command(
            "test_all", "--factory", "shop", "--environment", "dev", "--wait-at-most", "2",
            "--notify", "--webhook", hook.url, stdout=out, stderr=err,
        )  # fmt: skip
    assert failed.value.code == 1
    assert "queued  LS_Spark" in out.getvalue() and "0 of 1 passed" in out.getvalue()
    assert "No verdict changed" in err.getvalue() and hook.received == []
    # Waiting far past the deadline did not make it interrupted: a worker will take it.
    [test] = ConnectionTest.objects.all()
    assert test.status == ConnectionTest.Status.QUEUED and test.taken_at is None

"""Running connection tests without tying up the web server.

Tests run on a small thread pool; at most ``CONNECTION_TEST_MAX_PENDING`` wait or run at
once, each user may start ``CONNECTION_TEST_RATE_PER_MINUTE`` a minute, and every test has
the connector's own deadline. The request that starts a test returns at once; the page
polls for the result (htmx), the API and the CLI may wait for it.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from connectors.base import ConnectorVersion, TestOptions
from connectors.net_policy import AddressPolicy
from connectors.registry import get_connector
from portal.definitions import resolve_secrets
from portal.models import ConnectionTest, LinkedService, unseal

log = logging.getLogger("portal.connection_tests")


class TestRefused(Exception):
    """The test was not started (not testable, too many, or too often)."""

    __test__ = False


_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_slots: threading.BoundedSemaphore | None = None


def _executor() -> tuple[ThreadPoolExecutor, threading.BoundedSemaphore]:
    global _pool, _slots
    with _lock:
        if _pool is None or _slots is None:
            _pool = ThreadPoolExecutor(
                max_workers=settings.CONNECTION_TEST_WORKERS, thread_name_prefix="conn-test"
            )
            _slots = threading.BoundedSemaphore(settings.CONNECTION_TEST_MAX_PENDING)
        return _pool, _slots


def network_policy() -> AddressPolicy:
    return AddressPolicy(
        allow_loopback=settings.CONNECTION_TEST_ALLOW_LOOPBACK,
        allow_private=settings.CONNECTION_TEST_ALLOW_PRIVATE,
        allowed=tuple(ipaddress.ip_network(n) for n in settings.CONNECTION_TEST_ALLOWED_NETWORKS),
        denied=tuple(ipaddress.ip_network(n) for n in settings.CONNECTION_TEST_DENIED_NETWORKS),
    )


def options(ca_certificate: str | None = None) -> TestOptions:
    return TestOptions(
        address_policy=network_policy(),
        connect_timeout_s=settings.CONNECTION_TEST_CONNECT_TIMEOUT,
        deadline_s=settings.CONNECTION_TEST_DEADLINE,
        ca_certificate=ca_certificate,
    )


def start(
    *,
    user: Any,
    version: ConnectorVersion,
    properties: dict[str, Any] | None = None,
    name: str = "",
    linked_service: LinkedService | None = None,
    wait: bool = False,
    rate_limited: bool = True,
    trusted_references: bool = False,
    ca_certificate: str | None = None,
) -> ConnectionTest:
    """Queue a test and return its row.

    ``properties`` are values typed by a user (an untouched secret holds the mask and
    means the stored one); None tests ``linked_service`` as saved. ``trusted_references``
    is for properties the portal derived itself from stored ones (an upgrade proposal).
    ``ca_certificate`` is PEM text (checked by ``parse_ca_pem``) for this test only: it is
    handed to the connector and never stored.
    """
    stored = linked_service.properties if linked_service is not None else None
    unsaved = properties is not None
    if properties is None:
        if stored is None:
            raise TestRefused("Nothing to test.")
        properties = stored
    properties, problems = resolve_secrets(
        properties, stored, trusted=trusted_references or not unsaved
    )
    if problems:
        raise TestRefused(f"{problems[0].path}: {problems[0].message}")
    connector = get_connector(version.connector_type)
    if connector.test_connection is None:
        raise TestRefused(f"{connector.title} linked services cannot be tested here.")
    since = timezone.now() - timedelta(minutes=1)
    recent = ConnectionTest.objects.filter(user=user, created_at__gte=since).count()
    if rate_limited and recent >= settings.CONNECTION_TEST_RATE_PER_MINUTE:
        raise TestRefused(
            f"You started {recent} tests in the last minute; wait a moment and try again."
        )
    pool, slots = _executor()
    if not slots.acquire(blocking=False):
        raise TestRefused("Too many connection tests are running; try again in a moment.")
    try:
        test = ConnectionTest.objects.create(
            linked_service=linked_service,
            revision=linked_service.revision if linked_service else None,
            unsaved=unsaved,
            name=name,
            connector=version.connector_type,
            connector_version=version.version,
            user=user,
        )
        type_properties = unseal(properties).get("typeProperties", {})
        future: Future[None] = pool.submit(
            _run,
            test.pk,
            connector.test_connection,
            version,
            type_properties,
            options(ca_certificate),
        )
    except BaseException:
        slots.release()
        raise
    future.add_done_callback(lambda _f: slots.release())
    if wait:
        future.result(timeout=settings.CONNECTION_TEST_DEADLINE + 30)
        test.refresh_from_db()
    return test


def _run(
    pk: int,
    tester: Any,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    test_options: TestOptions,
) -> None:
    close_old_connections()
    try:
        ConnectionTest.objects.filter(pk=pk).update(status=ConnectionTest.Status.RUNNING)
        try:
            report = tester(version, type_properties, test_options)
        except Exception as exc:  # noqa: BLE001 - a tester must not raise; say so if it does
            log.exception("connection test %s crashed", pk)
            report = {
                "ok": False,
                "stages": [
                    {
                        "name": "Connection test",
                        "status": "failed",
                        "duration_ms": 0,
                        "detail": f"The test itself failed ({type(exc).__name__}).",
                    }
                ],
            }
        status = ConnectionTest.Status.PASSED if report.get("ok") else ConnectionTest.Status.FAILED
        ConnectionTest.objects.filter(pk=pk).update(
            status=status, finished_at=timezone.now(), report=json.dumps(report, default=str)
        )
    finally:
        connection.close()


def as_document(test: ConnectionTest) -> dict[str, Any]:
    """A test as the API and ``test_connection --json`` show it."""
    return {
        "id": test.pk,
        "status": test.status,
        "linkedService": test.name or None,
        "revision": test.revision,
        "unsaved": test.unsaved,
        "connector": test.connector,
        "connectorVersion": test.connector_version,
        "user": test.user.get_username() if test.user else None,
        "createdAt": test.created_at.isoformat(),
        "finishedAt": test.finished_at.isoformat() if test.finished_at else None,
        "report": test.result or None,
    }

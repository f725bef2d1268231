"""Shared helpers for the connection-test tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from connectors.hiveserver2.binary_transport import UnframedTransport
from connectors.hiveserver2.client import HiveClient
from connectors.hiveserver2.diagnostics import (
    Stage,
    StageStatus,
    TestReport,
    run_connection_test,
)
from connectors.net.deadline import Deadline
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.endpoint import Resolver
from connectors.net_policy import AddressPolicy
from connectors.spark.settings import ClientLimits, settings_from_type_properties

LOOPBACK_POLICY = AddressPolicy(allow_loopback=True)


def run(
    port: int,
    *,
    version: str = "1.0",
    password: str | None = None,
    limits: ClientLimits | None = None,
    resolver: Resolver | None = None,
    ca_certificate: str | None = None,
    **type_properties: Any,
) -> TestReport:
    """Run the connection test against 127.0.0.1 (or ``host=``) on ``port``;
    ``ca_certificate`` is PEM text uploaded for the test."""
    tp: dict[str, Any] = {"host": "127.0.0.1", "port": port}
    tp.update(type_properties)
    settings = settings_from_type_properties(version, tp, password)
    return run_connection_test(
        settings,
        address_policy=LOOPBACK_POLICY,
        limits=limits or ClientLimits(connect_timeout_s=5, deadline_s=60),
        resolver=resolver or resolver_for({"localhost": "127.0.0.1"}),
        ca_certificate=ca_certificate,
    )


def describe(report: TestReport) -> str:
    return "\n".join(
        f"{s.name}: {s.status.value} {s.duration_ms}ms {s.detail} | {s.observed} | {s.change}"
        for s in report.stages
    )


def report_text(report: TestReport) -> str:
    """Everything a report says, without timings."""
    return "\n".join(
        f"{s.name}: {s.status.value} {s.detail} | {s.observed} | {s.change}" for s in report.stages
    )


def assert_passed(report: TestReport) -> None:
    assert report.ok, describe(report)


def assert_failed_at(report: TestReport, stage: Stage) -> Any:
    """Assert the first failure is ``stage``; return that stage's result."""
    failure = report.first_failure
    assert failure is not None, describe(report)
    assert failure.name == stage.value, describe(report)
    assert failure.observed and failure.change, describe(report)
    later = report.stages[report.stages.index(failure) + 1 :]
    assert all(
        s.status != StageStatus.PASSED or s.name == Stage.CLOSE_SESSION.value for s in later
    ), describe(report)
    return failure


def resolver_for(mapping: dict[str, str]) -> Resolver:
    """A resolver answering from ``mapping`` only (tests never use real DNS)."""

    def resolve(host: str, port: int) -> list[str]:
        if host in mapping:
            return [mapping[host]]
        raise OSError(-2, f"Name or service not known: {host}")

    return resolve


@contextmanager
def direct_client(port: int, *, deadline_s: float = 120.0) -> Iterator[HiveClient]:
    """A privileged, test-only HiveClient straight to a ``binary-nosasl`` server on
    127.0.0.1: no portal, no read-only guard, no plan check (set-up and effect checks)."""
    deadline = Deadline(deadline_s)
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    transport = UnframedTransport(
        DeadlineSocket(sock, deadline, peer=f"127.0.0.1:{port}"), max_reply_bytes=64 << 20
    )
    client = HiveClient(transport, max_string_bytes=64 << 20)
    try:
        client.open_session()
        yield client
        client.close_session()
    finally:
        transport.close()


def url_of(resource: Any, action: str = "", *args: Any) -> str:
    """The address of a resource's page (or of one of its actions), as the portal makes it."""
    from portal.addresses import resource_url

    return resource_url(resource, action, *args)


def deleted_url_of(resource: Any, action: str) -> str:
    """The address of an action on a deleted resource (undelete, purge)."""
    from portal.addresses import deleted_url

    return deleted_url(resource, action)


NEW_SPARK = "/factories/default/new/linkedService/Spark/"
"""The new Spark linked service form in the default factory."""
NEW_SPARK_TEST = NEW_SPARK + "test/"
"""The test of the new Spark linked service form's values."""


def described(user: Any, resource: Any, description: str, *, trusted: bool = False) -> Any:
    """``resource`` saved again with ``description`` (its other properties as stored;
    ``trusted``: its stored secret references reused, as the portal's own)."""
    from portal.definitions import save_definition
    from portal.models import Revision

    return save_definition(
        user=user,
        name=resource.name,
        properties={**resource.properties, "description": description},
        action=Revision.Action.EDIT,
        instance=resource,
        trusted_secret_references=trusted,
    )

"""The PostgreSQL health check that asks the server only when an idle connection has
something to read (portal.db.postgresql): in the PostgreSQL pass of scripts/test.sh."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the PostgreSQL pass of scripts/test.sh)")


def test_an_idle_connection_is_usable_without_asking_the_server(monkeypatch: Any) -> None:
    _postgresql_only()
    connection.ensure_connection()

    def asked(self: Any) -> bool:
        raise AssertionError("a round trip")

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", asked)
    assert connection.is_usable()


def test_a_connection_the_server_ended_is_not_usable_and_the_next_query_reconnects() -> None:
    _postgresql_only()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    for _ in range(100):  # the server's goodbye is on its way (milliseconds)
        if not connection.is_usable():
            break
        time.sleep(0.05)
    assert not connection.is_usable()
    # As at a request's start with CONN_HEALTH_CHECKS: dropped, and opened again.
    connection.health_check_enabled, connection.health_check_done = True, False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_the_check_works_on_a_descriptor_select_cannot_watch(monkeypatch: Any) -> None:
    _postgresql_only()
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2048:
        pytest.skip("no descriptors above 1023 here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2048), hard))
    connection.ensure_connection()
    raw = connection.connection
    fd = raw.pgconn.socket
    high = os.dup2(fd, 1500)  # the same socket, seen through a descriptor above 1023
    try:
        seen_high = SimpleNamespace(closed=False, broken=False, pgconn=SimpleNamespace(socket=high))
        monkeypatch.setattr(connections["default"], "connection", seen_high)

        def asked(self: Any) -> bool:
            raise AssertionError("a round trip")

        monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", asked)
        assert connection.is_usable()
    finally:
        os.close(high)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

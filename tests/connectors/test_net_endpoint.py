"""Resolve once, connect to the first allowed address that answers: the stages every
connector's test runs (connectors/net/endpoint.py), on 127.0.0.0/8 only."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator

import pytest

from connectors.net.deadline import Deadline
from connectors.net.endpoint import (
    AddressDenied,
    Resolution,
    connect_first,
    resolve_allowed,
)
from connectors.net.errors import DeadlineExceeded
from connectors.net_policy import AddressPolicy


@pytest.fixture
def listener() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield int(server.getsockname()[1])


def addresses(*texts: str) -> Resolution:
    return Resolution(allowed=[ipaddress.ip_address(t) for t in texts])


def test_the_first_allowed_address_that_answers_is_the_one_connected(listener: int) -> None:
    # 127.0.0.2 is loopback too, but nothing listens there on this port: refused.
    sock, address = connect_first(
        addresses("127.0.0.2", "127.0.0.1"), listener, connect_timeout=2, deadline=Deadline(5)
    )
    with sock:
        assert str(address) == "127.0.0.1" and sock.getpeername() == ("127.0.0.1", listener)


def test_when_no_address_answers_the_last_failure_is_raised(listener: int) -> None:
    with pytest.raises(ConnectionRefusedError):
        connect_first(
            addresses("127.0.0.2", "127.0.0.3"), listener, connect_timeout=2, deadline=Deadline(5)
        )


def test_a_spent_deadline_stops_the_attempts_at_once(listener: int) -> None:
    now = [0.0]
    deadline = Deadline(1, clock=lambda: now[0])
    now[0] = 2.0
    with pytest.raises(DeadlineExceeded):
        connect_first(
            addresses("127.0.0.1", "127.0.0.2"), listener, connect_timeout=2, deadline=deadline
        )


def test_a_host_whose_every_address_the_policy_refuses_is_refused_without_saying_which() -> None:
    with pytest.raises(AddressDenied) as refused:
        resolve_allowed(
            "spark.internal",
            10000,
            policy=AddressPolicy(allow_loopback=False),
            deadline=Deadline(5),
            resolver=lambda host, port: ["127.0.0.1", "127.0.0.5"],
        )
    assert "127.0.0" not in str(refused.value)
    allowed = resolve_allowed(
        "spark.internal",
        10000,
        policy=AddressPolicy(allow_loopback=True),
        deadline=Deadline(5),
        resolver=lambda host, port: ["127.0.0.1"],
    )
    assert [str(a) for a in allowed.allowed] == ["127.0.0.1"]

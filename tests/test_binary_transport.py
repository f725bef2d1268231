"""UnframedTransport (NOSASL): buffered reads that never pass the per-reply budget."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from connectors.hiveserver2.binary_transport import UnframedTransport
from connectors.hiveserver2.errors import (
    FrameTooLarge,
)
from connectors.net.deadline import Deadline
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.errors import (
    DeadlineExceeded,
    PeerClosed,
)


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, peer = socket.socketpair()
    yield ours, peer
    ours.close()
    peer.close()


def _transport(sock: socket.socket, budget: int, seconds: float = 5) -> UnframedTransport:
    return UnframedTransport(
        DeadlineSocket(sock, Deadline(seconds), peer="peer"), max_reply_bytes=budget
    )


def test_small_reads_are_served_from_one_receive(pair: tuple[socket.socket, socket.socket]) -> None:
    ours, peer = pair
    transport = _transport(ours, 1024)
    data = bytes(range(200))
    peer.sendall(data)
    got = b"".join(transport.readAll(n) for n in (1, 4, 8, 87, 100))
    assert got == data
    assert transport.wire.bytes_received == len(data)
    assert transport.wire.prefix == data[:64]


def test_a_reply_past_the_budget_is_refused(pair: tuple[socket.socket, socket.socket]) -> None:
    ours, peer = pair
    transport = _transport(ours, 100)
    peer.sendall(b"x" * 300)
    assert transport.readAll(100) == b"x" * 100
    with pytest.raises(FrameTooLarge) as caught:
        transport.read(1)
    assert caught.value.limit == 100
    # Never more than the budget was taken from the socket.
    assert transport.wire.bytes_received == 100


def test_the_budget_is_per_reply_and_unread_bytes_stay_in_order(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    ours, peer = pair
    transport = _transport(ours, 100)
    peer.sendall(b"a" * 60 + b"b" * 40)
    assert transport.readAll(60) == b"a" * 60
    transport.write(b"request")
    transport.flush()
    assert peer.recv(100) == b"request"
    # The 40 bytes received with the first reply come first and count against the
    # next reply's budget, as they would while still waiting in the socket.
    peer.sendall(b"c" * 100)
    assert transport.readAll(100) == b"b" * 40 + b"c" * 60
    with pytest.raises(FrameTooLarge):
        transport.read(1)


def test_a_closed_peer_and_a_silent_peer_still_fail(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    ours, peer = pair
    transport = _transport(ours, 100, seconds=0.2)
    with pytest.raises(DeadlineExceeded):
        transport.read(4)
    peer.close()
    fresh = _transport(ours, 100)
    with pytest.raises(PeerClosed):
        fresh.read(4)

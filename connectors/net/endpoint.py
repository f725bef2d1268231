"""Resolve a host once, check each address against a policy, connect to it."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.net.deadline import Deadline
from connectors.net.errors import (
    ConnectTimeout,
    DeadlineExceeded,
)
from connectors.net_policy import AddressCheck, IPAddress

# A resolver maps (host, port) to IP address strings; injectable for tests.
Resolver = Callable[[str, int], list[str]]


class ResolutionError(Exception):
    """The host name could not be resolved."""


class AddressDenied(ResolutionError):
    """Every address of the host is refused by the address policy."""


# Says no more than the verdict: not which addresses, nor why each is refused.
NOT_ALLOWED = "this portal's network policy does not allow it"


@dataclass
class Resolution:
    allowed: list[IPAddress] = field(default_factory=list)
    denied: list[tuple[IPAddress, str]] = field(default_factory=list)

    def describe(self) -> str:
        """The addresses that will be tried; refused ones are only counted."""
        parts = [str(a) for a in self.allowed]
        if self.denied:
            parts.append(f"{len(self.denied)} address(es) refused by the network policy")
        return ", ".join(parts)


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in seen:
            seen.append(str(sockaddr[0]))
    return seen


def resolve(
    host: str,
    port: int,
    *,
    policy: AddressCheck,
    deadline: Deadline,
    resolver: Resolver = system_resolver,
) -> Resolution:
    """Resolve ``host`` (bounded by the deadline) and sort addresses by policy."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        names = [str(literal)]
    else:
        names = _resolve_with_deadline(host, port, resolver, deadline)
    result = Resolution()
    for name in names:
        address = ipaddress.ip_address(name.split("%", 1)[0])
        reason = policy(address)
        if reason is None:
            result.allowed.append(address)
        else:
            result.denied.append((address, reason))
    return result


def _resolve_with_deadline(
    host: str, port: int, resolver: Resolver, deadline: Deadline
) -> list[str]:
    # getaddrinfo has no timeout of its own, so it runs in a daemon thread.
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["names"] = resolver(host, port)
        except (OSError, UnicodeError) as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=work, name=f"resolve-{host}", daemon=True)
    worker.start()
    worker.join(max(deadline.remaining(), 0))
    if worker.is_alive():
        raise DeadlineExceeded(
            f"resolving {host!r} took longer than the {deadline.total_seconds:g} s deadline"
        )
    if "error" in outcome:
        raise ResolutionError(str(outcome["error"])) from outcome["error"]  # type: ignore[misc]
    names = outcome.get("names") or []
    if not names:
        raise ResolutionError(f"{host!r} resolved to no addresses")
    return list(names)  # type: ignore[call-overload]


def open_tcp(
    address: IPAddress, port: int, *, connect_timeout: float, deadline: Deadline
) -> socket.socket:
    """Connect to exactly ``address``; the timeout is the smaller of both limits."""
    timeout = deadline.io_timeout(connect_timeout, waiting_for=f"{address}:{port}")
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.connect((str(address), port))
    except TimeoutError as exc:
        sock.close()
        raise ConnectTimeout(f"no TCP answer from {address}:{port} within {timeout:.1f} s") from exc
    except OSError:
        sock.close()
        raise
    return sock


def resolve_allowed(
    host: str,
    port: int,
    *,
    policy: AddressCheck,
    deadline: Deadline,
    resolver: Resolver = system_resolver,
) -> Resolution:
    """``resolve``, refused with :class:`AddressDenied` when the policy allows none of the
    addresses (:data:`NOT_ALLOWED`)."""
    resolution = resolve(host, port, policy=policy, deadline=deadline, resolver=resolver)
    if not resolution.allowed:
        raise AddressDenied(NOT_ALLOWED)
    return resolution


def connect_first(
    resolution: Resolution, port: int, *, connect_timeout: float, deadline: Deadline
) -> tuple[socket.socket, IPAddress]:
    """A TCP connection to the first allowed address that takes one, in the resolver's
    order, and that address; when none does, the last address's failure. A spent overall
    deadline ends the attempts at once (:class:`DeadlineExceeded`)."""
    failures: list[Exception] = []
    for address in resolution.allowed:
        try:
            sock = open_tcp(address, port, connect_timeout=connect_timeout, deadline=deadline)
        except (OSError, ConnectTimeout) as exc:
            failures.append(exc)  # try the next allowed address
            continue
        return sock, address
    if not failures:
        raise AddressDenied(NOT_ALLOWED)
    raise failures[-1]

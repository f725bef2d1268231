"""The stages every network test starts with: resolve the host, connect to it.

The host is resolved once and each address judged by the address policy; the TCP
connection goes to exactly an allowed address (:mod:`connectors.net.endpoint`), which the
runner keeps, so that any later connection of the test reaches that same address.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Protocol, TypedDict

from connectors.diagnostics.stages import NamedStage, Report, StageReport, StageRunner
from connectors.net.deadline import Deadline
from connectors.net.deadline_socket import DeadlineSocket
from connectors.net.endpoint import (
    Resolution,
    Resolver,
    connect_first,
    open_tcp,
    resolve_allowed,
    system_resolver,
)
from connectors.net.tls import CertificateInfo
from connectors.net_policy import AddressCheck, AddressPolicy, IPAddress


@dataclass
class EndpointReport(StageReport):
    """The report of a test that reaches a server: the certificate its TLS stage saw comes
    last but the total time."""

    LAST = ("certificate", "total_ms")

    certificate: CertificateInfo | None = None


class Server(Protocol):
    """A connector's settings, as far as reaching the server goes."""

    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int: ...


class TimeLimits(Protocol):
    """A connector's limits, as far as time goes."""

    @property
    def connect_timeout_s(self) -> float: ...

    @property
    def deadline_s(self) -> float: ...


class Reach(TypedDict, total=False):
    """How a test reaches its server: keyword arguments every connector's test takes."""

    address_policy: AddressCheck | None  # judges each resolved address; None: AddressPolicy()
    resolver: Resolver  # host name to addresses; system_resolver when not given
    ca_certificate: str | None  # PEM text uploaded for this test only (parse_ca_pem checked)


@dataclass(frozen=True)
class Endpoint:
    """Where a test connects, and under which limits."""

    host: str
    port: int
    policy: AddressCheck
    resolver: Resolver
    connect_timeout_s: float


class EndpointRunner(StageRunner[Report]):
    """A runner whose test reaches ``server`` as ``reach`` says, within ``limits``."""

    def __init__(self, report: Report, server: Server, limits: TimeLimits, reach: Reach) -> None:
        super().__init__(report)
        self.endpoint = Endpoint(
            server.host,
            server.port,
            reach.get("address_policy") or AddressPolicy(),
            reach.get("resolver", system_resolver),
            limits.connect_timeout_s,
        )
        self.deadline = Deadline(limits.deadline_s)
        self.ca_pem = reach.get("ca_certificate")
        self.address: IPAddress | None = None
        """The address the test connected to (None before the connect stage passed)."""

    def resolve_stage(self, stage: NamedStage) -> Resolution:
        at = self.endpoint
        with self.stage(stage) as detail:
            resolution = resolve_allowed(
                at.host, at.port, policy=at.policy, deadline=self.deadline, resolver=at.resolver
            )
            detail.append(f"{at.host} -> {resolution.describe()}")
            return resolution
        raise AssertionError("unreachable")  # pragma: no cover

    def connect_stage(self, stage: NamedStage, resolution: Resolution) -> socket.socket:
        at = self.endpoint
        with self.stage(stage) as detail:
            sock, self.address = connect_first(
                resolution, at.port, connect_timeout=at.connect_timeout_s, deadline=self.deadline
            )
            detail.append(f"connected to {self.address} port {at.port}")
            return sock
        raise AssertionError("unreachable")  # pragma: no cover

    def connect_again(self) -> socket.socket:
        """A new TCP connection to the address the connect stage reached."""
        assert self.address is not None
        at = self.endpoint
        return open_tcp(
            self.address, at.port, connect_timeout=at.connect_timeout_s, deadline=self.deadline
        )

    def wire(self, sock: socket.socket) -> DeadlineSocket:
        """``sock`` with every read and write bounded by the test's deadline."""
        return DeadlineSocket(
            sock, self.deadline, peer=f"{self.endpoint.host}:{self.endpoint.port}"
        )

"""Which resolved addresses a connection test may connect to.

The connection test resolves the host once, asks the policy about each
address, and connects to exactly an address the policy allowed (no second DNS
lookup), so a name cannot be re-pointed between check and use.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# The policy returns None to allow an address, or a reason to refuse it.
AddressCheck = Callable[[IPAddress], str | None]

_CLOUD_METADATA = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
}


@dataclass(frozen=True)
class AddressPolicy:
    """Default policy: refuse link-local (incl. cloud metadata), multicast,
    unspecified and reserved addresses; loopback and private ranges by flag."""

    allow_loopback: bool = False
    allow_private: bool = True
    allowed: tuple[IPNetwork, ...] = ()
    """When not empty, only addresses in these networks may be reached."""
    denied: tuple[IPNetwork, ...] = ()
    """Networks never reached, whatever else allows them."""

    def __call__(self, address: IPAddress) -> str | None:
        ip = _unmap(address)
        if ip in _CLOUD_METADATA:
            return f"{ip} is a cloud metadata endpoint"
        if ip.is_unspecified:
            return f"{ip} is the unspecified address"
        if ip.is_link_local:
            return f"{ip} is a link-local address"
        if ip.is_multicast:
            return f"{ip} is a multicast address"
        if any(ip.version == n.version and ip in n for n in self.denied):
            return f"{ip} is in a denied network"
        if self.allowed:
            if any(ip.version == n.version and ip in n for n in self.allowed):
                return None
            return f"{ip} is not in an allowed network"
        if ip.is_loopback:
            return None if self.allow_loopback else f"{ip} is a loopback address"
        if isinstance(ip, ipaddress.IPv4Address) and ip == ipaddress.IPv4Address("255.255.255.255"):
            return f"{ip} is the broadcast address"
        if ip.is_private:
            return None if self.allow_private else f"{ip} is a private address"
        if ip.is_reserved:
            return f"{ip} is a reserved address"
        return None


def _unmap(address: IPAddress) -> IPAddress:
    """Treat ``::ffff:a.b.c.d`` exactly like ``a.b.c.d``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def allow_all(address: IPAddress) -> str | None:
    """A policy that allows everything (for trusted internal callers only)."""
    return None

"""Which resolved addresses a connection test may connect to.

The connection test resolves the host once, asks the policy about each
address, and connects to exactly an address the policy allowed (no second DNS
lookup), so a name cannot be re-pointed between check and use.

Only globally reachable addresses are allowed by default (the IANA special-purpose
registries, :mod:`connectors.special_addresses`, decide for their ranges); loopback, private
and other ranges not globally reachable only as the deployment's settings say, and a refusal
names the setting that would allow the address (:class:`SettingNames`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.special_addresses import IPAddress, IPNetwork, special_range

# The policy returns None to allow an address, or a reason to refuse it.
AddressCheck = Callable[[IPAddress], str | None]

_METADATA = {
    ipaddress.ip_address("169.254.169.254"): "a cloud metadata endpoint",
    ipaddress.ip_address("fd00:ec2::254"): "a cloud metadata endpoint",
    ipaddress.ip_address("100.100.100.200"): "a cloud metadata endpoint",
    ipaddress.ip_address("168.63.129.16"): "the Azure platform endpoint (WireServer)",
}
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_BROADCAST = ipaddress.ip_address("255.255.255.255")
_PRIVATE = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)

# IPv6 ranges whose addresses carry an IPv4 address, and where (RFC 6052 prefix
# lengths for NAT64: a local-use /48 may be subdivided, so each length is read).
_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64_SLICES = {
    48: ((6, 8), (9, 11)),
    56: ((7, 8), (9, 12)),
    64: ((9, 13),),
    96: ((12, 16),),
}


@dataclass(frozen=True)
class SettingNames:
    """How the deployment sets each switch of the policy, as a refusal names it (the portal
    gives its environment variables; these defaults name :class:`AddressPolicy`'s fields)."""

    allow_loopback: str = "AddressPolicy(allow_loopback=True)"
    allow_private: str = "AddressPolicy(allow_private=True)"
    allowed: str = "AddressPolicy.allowed"


@dataclass(frozen=True)
class AddressPolicy:
    """Default policy: refuse link-local, metadata and platform endpoints, multicast,
    unspecified and broadcast addresses always; loopback and private (RFC 1918, unique
    local) ranges by flag; every other address that is not globally reachable (shared
    CGNAT space, documentation, benchmarking, reserved...) unless ``allowed`` lists it. An
    IPv6 address that carries an IPv4 one (mapped, compatible, NAT64, 6to4, Teredo) is
    judged as that IPv4 address."""

    allow_loopback: bool = False
    allow_private: bool = True
    allowed: tuple[IPNetwork, ...] = ()
    """When not empty, only addresses in these networks may be reached."""
    denied: tuple[IPNetwork, ...] = ()
    """Networks never reached, whatever else allows them."""
    names: SettingNames = field(default_factory=SettingNames)
    """What the refusals call the settings above."""

    def __call__(self, address: IPAddress) -> str | None:
        if isinstance(address, ipaddress.IPv6Address):
            embedded = embedded_ipv4(address)
            if embedded:
                if _within(address, self.denied):
                    return f"{address} is in a denied network"
                for ipv4 in embedded:
                    reason = self._judge(ipv4)
                    if reason is not None:
                        return f"{address} carries {ipv4}: {reason}"
                return None
        return self._judge(address)

    def _judge(self, ip: IPAddress) -> str | None:
        if ip in _METADATA:
            return f"{ip} is {_METADATA[ip]}"
        if ip.is_unspecified:
            return f"{ip} is the unspecified address"
        if ip.is_link_local:
            return f"{ip} is a link-local address"
        if ip.is_multicast:
            return f"{ip} is a multicast address"
        if ip == _BROADCAST:
            return f"{ip} is the broadcast address"
        if ip.version == 4 and ip in _THIS_NETWORK:
            return f"{ip} is in 0.0.0.0/8 (this network)"
        if _within(ip, self.denied):
            return f"{ip} is in a denied network"
        names = self.names
        if self.allowed:
            if _within(ip, self.allowed):
                return None
            return f"{ip} is not in an allowed network; {names.allowed} lists the networks allowed"
        if ip.is_loopback:
            if self.allow_loopback:
                return None
            return f"{ip} is a loopback address; {names.allow_loopback} allows loopback addresses"
        if _within(ip, _PRIVATE):
            if self.allow_private:
                return None
            return f"{ip} is a private address; {names.allow_private} allows private addresses"
        why = _not_global(ip)
        if why is None:
            return None
        return (
            f"{why}; {names.allowed} allows it when it lists it (and then allows only the "
            "networks it lists)"
        )


def _not_global(ip: IPAddress) -> str | None:
    """Why ``ip`` is not globally reachable; None when it is."""
    if ip.version == 4 and ip in _SHARED:
        return f"{ip} is in the shared address space 100.64.0.0/10 (carrier-grade NAT)"
    special = special_range(ip)
    if special is not None:
        if special.globally_reachable:
            return None
        return f"{ip} is in {special.network} ({special.name}), not globally reachable"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return f"{ip} is a site-local address (fec0::/10, deprecated), not globally reachable"
    if ip.is_reserved or not ip.is_global:
        return f"{ip} is in a range reserved by the IETF, not globally reachable"
    return None


def _within(ip: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(ip.version == n.version and ip in n for n in networks)


def embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries (empty when none): IPv4-mapped,
    IPv4-compatible, NAT64 (64:ff9b::/96 and every RFC 6052 layout of 64:ff9b:1::/48),
    6to4 (2002::/16) and Teredo (2001::/32: server and client)."""
    if address.ipv4_mapped is not None:
        return (address.ipv4_mapped,)
    if address.sixtofour is not None:
        return (address.sixtofour,)
    if address.teredo is not None:
        return address.teredo
    packed = address.packed
    if address in _NAT64_WELL_KNOWN or (
        address in _COMPATIBLE and int(address) > 1  # not :: nor ::1
    ):
        return (ipaddress.IPv4Address(packed[12:]),)
    if address in _NAT64_LOCAL:
        readings = [
            ipaddress.IPv4Address(b"".join(packed[a:b] for a, b in slices))
            for slices in _NAT64_SLICES.values()
        ]
        # A layout that reads an address in 0.0.0.0/8 is not the one in use (no NAT64
        # translates to it), unless every layout does.
        return tuple(ip for ip in readings if ip not in _THIS_NETWORK) or (readings[-1],)
    return ()


def allow_all(address: IPAddress) -> str | None:
    """A policy that allows everything (for trusted internal callers only)."""
    return None

"""The default address policy."""

from __future__ import annotations

import ipaddress

import pytest

from connectors import special_addresses
from connectors.net_policy import AddressPolicy, SettingNames, embedded_ipv4


def verdict_of(address: str, policy: AddressPolicy | None = None) -> str | None:
    return (policy or AddressPolicy())(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("169.254.169.254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "this network"),
        ("::", "unspecified"),
        ("::ffff:169.254.169.254", "metadata"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("255.255.255.255", "broadcast"),
        ("168.63.129.16", "Azure platform endpoint (WireServer)"),
        ("100.100.100.200", "metadata"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
    ],
)
def test_default_policy_refuses(address: str, why: str) -> None:
    reason = verdict_of(address)
    assert reason is not None and why in reason


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.10", "172.16.5.4", "20.50.1.2"])
def test_default_policy_allows_private_and_public(address: str) -> None:
    assert verdict_of(address) is None


def test_flags() -> None:
    assert verdict_of("127.0.0.1", AddressPolicy(allow_loopback=True)) is None
    assert verdict_of("10.0.0.1", AddressPolicy(allow_private=False)) is not None


# The same IPv4 address in each IPv6 form that carries one.
FORMS = {
    "IPv4-mapped": "::ffff:{}",
    "IPv4-compatible": "::{}",
    "NAT64 64:ff9b::/96": "64:ff9b::{}",
    "NAT64 64:ff9b:1::/48, /96 layout": "64:ff9b:1::{}",
}


def six_to_four(ipv4: str) -> str:
    return str(ipaddress.IPv6Address((0x2002 << 112) | (int(ipaddress.IPv4Address(ipv4)) << 80)))


def teredo(client: str, server: str = "65.54.227.120") -> str:
    obfuscated = int(ipaddress.IPv4Address(client)) ^ 0xFFFFFFFF
    value = (0x20010000 << 96) | (int(ipaddress.IPv4Address(server)) << 64) | obfuscated
    return str(ipaddress.IPv6Address(value))


def nat64_48_layout(ipv4: str) -> str:
    """RFC 6052 with a /48 prefix: two octets before the u-octet, two after."""
    raw = ipaddress.IPv4Address(ipv4).packed
    packed = ipaddress.IPv6Address("64:ff9b:1::").packed[:6] + raw[:2] + b"\0" + raw[2:] + bytes(5)
    return str(ipaddress.IPv6Address(packed))


def every_form(ipv4: str) -> dict[str, str]:
    forms = {name: template.format(ipv4) for name, template in FORMS.items()}
    forms["6to4 2002::/16"] = six_to_four(ipv4)
    forms["Teredo 2001::/32"] = teredo(ipv4)
    forms["NAT64 64:ff9b:1::/48, /48 layout"] = nat64_48_layout(ipv4)
    return forms


@pytest.mark.parametrize("ipv4", ["127.0.0.1", "169.254.169.254", "168.63.129.16", "100.64.7.7"])
def test_every_ipv6_form_of_a_refused_ipv4_is_refused_like_it(ipv4: str) -> None:
    own = verdict_of(ipv4)
    assert own is not None
    for form, address in every_form(ipv4).items():
        reason = verdict_of(address)
        assert reason is not None and reason.endswith(own), (form, address, reason)


def test_every_ipv6_form_of_a_private_ipv4_follows_the_private_flag() -> None:
    strict = AddressPolicy(allow_private=False)
    for form, address in every_form("10.1.2.3").items():
        assert verdict_of(address) is None, (form, address)
        assert "10.1.2.3 is a private address" in (verdict_of(address, strict) or ""), form


def test_ipv6_forms_of_a_public_ipv4_are_allowed() -> None:
    for form, address in every_form("20.50.1.2").items():
        assert verdict_of(address) is None, (form, address)


def test_an_ipv6_form_of_loopback_is_allowed_when_loopback_is() -> None:
    assert verdict_of(six_to_four("127.0.0.1"), AddressPolicy(allow_loopback=True)) is None


def test_teredo_refuses_a_blocked_relay_server_too() -> None:
    reason = verdict_of(teredo("20.50.1.2", server="169.254.169.254"))
    assert reason is not None and "169.254.169.254 is a cloud metadata endpoint" in reason


def test_an_allow_list_is_judged_on_the_carried_ipv4() -> None:
    only_6to4 = AddressPolicy(allowed=(ipaddress.ip_network("2002::/16"),))
    assert "not in an allowed network" in (verdict_of(six_to_four("20.50.1.2"), only_6to4) or "")
    only_ten = AddressPolicy(allowed=(ipaddress.ip_network("10.0.0.0/8"),))
    assert verdict_of(six_to_four("10.1.2.3"), only_ten) is None


def test_a_denied_ipv6_range_refuses_its_ipv4_forms() -> None:
    policy = AddressPolicy(denied=(ipaddress.ip_network("2002::/16"),))
    assert "denied network" in (verdict_of(six_to_four("20.50.1.2"), policy) or "")


def test_an_allow_list_may_open_the_shared_address_space() -> None:
    policy = AddressPolicy(allowed=(ipaddress.ip_network("100.64.0.0/10"),))
    assert verdict_of("100.64.0.1", policy) is None
    assert verdict_of("100.100.100.200", policy) is not None  # metadata stays refused


NAMES = SettingNames(allow_loopback="LOOPBACK=1", allow_private="PRIVATE=1", allowed="NETWORKS")
ALLOWED = None
ALWAYS = "always"  # refused whatever the settings say: the reason names no setting
BY_LIST = "NETWORKS allows it when it lists it"
LOOPBACK = "LOOPBACK=1 allows loopback addresses"

# Every range of the IANA IPv4 and IPv6 special-purpose registries: an address in it (in no
# more specific range), and the default policy's verdict: allowed, or refused with the
# reason's words and the setting that would allow it.
REGISTRY_ROWS = [
    ("0.0.0.0/8", "0.1.2.3", ALWAYS, "in 0.0.0.0/8 (this network)"),
    ("0.0.0.0/32", "0.0.0.0", ALWAYS, "the unspecified address"),
    ("10.0.0.0/8", "10.1.2.3", ALLOWED, ""),
    ("100.64.0.0/10", "100.64.0.1", BY_LIST, "shared address space 100.64.0.0/10"),
    ("127.0.0.0/8", "127.0.0.1", LOOPBACK, "127.0.0.1 is a loopback address"),
    ("169.254.0.0/16", "169.254.1.1", ALWAYS, "a link-local address"),
    ("172.16.0.0/12", "172.16.5.4", ALLOWED, ""),
    ("192.0.0.0/24", "192.0.0.100", BY_LIST, "192.0.0.0/24 (IETF Protocol Assignments)"),
    ("192.0.0.0/29", "192.0.0.1", BY_LIST, "(IPv4 Service Continuity Prefix)"),
    ("192.0.0.8/32", "192.0.0.8", BY_LIST, "(IPv4 dummy address)"),
    ("192.0.0.9/32", "192.0.0.9", ALLOWED, ""),
    ("192.0.0.10/32", "192.0.0.10", ALLOWED, ""),
    ("192.0.0.170/32", "192.0.0.170", BY_LIST, "(NAT64/DNS64 Discovery)"),
    ("192.0.0.171/32", "192.0.0.171", BY_LIST, "(NAT64/DNS64 Discovery)"),
    ("192.0.2.0/24", "192.0.2.1", BY_LIST, "(Documentation (TEST-NET-1))"),
    ("192.31.196.0/24", "192.31.196.1", ALLOWED, ""),
    ("192.52.193.0/24", "192.52.193.1", ALLOWED, ""),
    ("192.88.99.0/24", "192.88.99.1", BY_LIST, "(Deprecated (6to4 Relay Anycast))"),
    ("192.88.99.2/32", "192.88.99.2", BY_LIST, "(6a44-relay anycast address)"),
    ("192.168.0.0/16", "192.168.0.10", ALLOWED, ""),
    ("192.175.48.0/24", "192.175.48.1", ALLOWED, ""),
    ("198.18.0.0/15", "198.19.255.1", BY_LIST, "198.18.0.0/15 (Benchmarking)"),
    ("198.51.100.0/24", "198.51.100.7", BY_LIST, "(Documentation (TEST-NET-2))"),
    ("203.0.113.0/24", "203.0.113.7", BY_LIST, "(Documentation (TEST-NET-3))"),
    ("240.0.0.0/4", "240.0.0.1", BY_LIST, "240.0.0.0/4 (Reserved)"),
    ("255.255.255.255/32", "255.255.255.255", ALWAYS, "the broadcast address"),
    ("::1/128", "::1", LOOPBACK, "::1 is a loopback address"),
    ("::/128", "::", ALWAYS, "the unspecified address"),
    # Ranges that carry an IPv4 address: judged as that address (here a public one).
    ("::ffff:0:0/96", "::ffff:20.50.1.2", ALLOWED, ""),
    ("64:ff9b::/96", "64:ff9b::20.50.1.2", ALLOWED, ""),
    ("64:ff9b:1::/48", "64:ff9b:1::20.50.1.2", ALLOWED, ""),
    ("2001::/32", teredo("20.50.1.2"), ALLOWED, ""),
    ("2002::/16", six_to_four("20.50.1.2"), ALLOWED, ""),
    ("100::/64", "100::1", BY_LIST, "100::/64 (Discard-Only Address Block)"),
    ("100:0:0:1::/64", "100:0:0:1::1", BY_LIST, "(Dummy IPv6 Prefix)"),
    ("2001::/23", "2001:1ff::1", BY_LIST, "2001::/23 (IETF Protocol Assignments)"),
    ("2001:1::1/128", "2001:1::1", ALLOWED, ""),
    ("2001:1::2/128", "2001:1::2", ALLOWED, ""),
    ("2001:1::3/128", "2001:1::3", ALLOWED, ""),
    ("2001:2::/48", "2001:2::1", BY_LIST, "2001:2::/48 (Benchmarking)"),
    ("2001:3::/32", "2001:3::1", ALLOWED, ""),
    ("2001:4:112::/48", "2001:4:112::1", ALLOWED, ""),
    ("2001:10::/28", "2001:10::1", BY_LIST, "(Deprecated (previously ORCHID))"),
    ("2001:20::/28", "2001:20::1", ALLOWED, ""),
    ("2001:30::/28", "2001:30::1", ALLOWED, ""),
    ("2001:db8::/32", "2001:db8::1", BY_LIST, "2001:db8::/32 (Documentation)"),
    ("2620:4f:8000::/48", "2620:4f:8000::1", ALLOWED, ""),
    ("3fff::/20", "3fff::1", BY_LIST, "3fff::/20 (Documentation)"),
    ("5f00::/16", "5f00::1", BY_LIST, "5f00::/16 (Segment Routing (SRv6) SIDs)"),
    ("fc00::/7", "fd12:3456::1", ALLOWED, ""),
    ("fe80::/10", "fe80::1", ALWAYS, "a link-local address"),
]


@pytest.mark.parametrize(
    ("network", "address", "verdict", "words"), REGISTRY_ROWS, ids=[r[0] for r in REGISTRY_ROWS]
)
def test_each_special_purpose_range_is_allowed_or_refused_with_its_reason(
    network: str, address: str, verdict: str | None, words: str
) -> None:
    assert ipaddress.ip_address(address) in ipaddress.ip_network(network)
    reason = verdict_of(address, AddressPolicy(names=NAMES))
    if verdict is ALLOWED:
        assert reason is None
        return
    assert reason is not None and words in reason, reason
    if verdict == ALWAYS:
        assert not any(name in reason for name in ("LOOPBACK", "PRIVATE", "NETWORKS")), reason
    else:
        assert verdict in reason, reason


def test_the_rows_above_cover_every_range_of_both_registries() -> None:
    assert {r[0] for r in REGISTRY_ROWS} == {
        str(r.network) for r in special_addresses.IPV4 + special_addresses.IPV6
    }


def test_a_refused_range_opens_when_the_allowed_networks_list_it() -> None:
    for network in ("198.18.0.0/15", "240.0.0.0/4", "2001:db8::/32", "3fff::/20", "5f00::/16"):
        policy = AddressPolicy(allowed=(ipaddress.ip_network(network),))
        assert verdict_of(str(ipaddress.ip_network(network)[1]), policy) is None, network


def test_a_refusal_names_the_setting_that_would_allow_the_address() -> None:
    assert verdict_of("10.0.0.1", AddressPolicy(allow_private=False, names=NAMES)) == (
        "10.0.0.1 is a private address; PRIVATE=1 allows private addresses"
    )
    assert verdict_of("127.0.0.1", AddressPolicy(names=NAMES)) == (
        "127.0.0.1 is a loopback address; LOOPBACK=1 allows loopback addresses"
    )
    only_ten = AddressPolicy(allowed=(ipaddress.ip_network("10.0.0.0/8"),), names=NAMES)
    assert verdict_of("20.50.1.2", only_ten) == (
        "20.50.1.2 is not in an allowed network; NETWORKS lists the networks allowed"
    )


def test_reserved_and_site_local_ipv6_outside_the_registries_are_refused() -> None:
    assert "reserved by the IETF" in (verdict_of("4000::1") or "")
    assert "site-local" in (verdict_of("fec0::1") or "")
    assert verdict_of("2a01:111:f100::1") is None


def test_plain_ipv6_carries_no_ipv4() -> None:
    assert embedded_ipv4(ipaddress.IPv6Address("2001:db8::1")) == ()
    assert embedded_ipv4(ipaddress.IPv6Address("::1")) == ()
    assert verdict_of("2a01:111:f100::1") is None

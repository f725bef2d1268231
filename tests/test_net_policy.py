"""The default address policy."""

from __future__ import annotations

import ipaddress

import pytest

from connectors.net_policy import AddressPolicy, embedded_ipv4


def verdict(address: str, policy: AddressPolicy | None = None) -> str | None:
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
    reason = verdict(address)
    assert reason is not None and why in reason


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.10", "172.16.5.4", "20.50.1.2"])
def test_default_policy_allows_private_and_public(address: str) -> None:
    assert verdict(address) is None


def test_flags() -> None:
    assert verdict("127.0.0.1", AddressPolicy(allow_loopback=True)) is None
    assert verdict("10.0.0.1", AddressPolicy(allow_private=False)) is not None


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
    own = verdict(ipv4)
    assert own is not None
    for form, address in every_form(ipv4).items():
        reason = verdict(address)
        assert reason is not None and reason.endswith(own), (form, address, reason)


def test_every_ipv6_form_of_a_private_ipv4_follows_the_private_flag() -> None:
    strict = AddressPolicy(allow_private=False)
    for form, address in every_form("10.1.2.3").items():
        assert verdict(address) is None, (form, address)
        assert "10.1.2.3 is a private address" in (verdict(address, strict) or ""), form


def test_ipv6_forms_of_a_public_ipv4_are_allowed() -> None:
    for form, address in every_form("20.50.1.2").items():
        assert verdict(address) is None, (form, address)


def test_an_ipv6_form_of_loopback_is_allowed_when_loopback_is() -> None:
    assert verdict(six_to_four("127.0.0.1"), AddressPolicy(allow_loopback=True)) is None


def test_teredo_refuses_a_blocked_relay_server_too() -> None:
    reason = verdict(teredo("20.50.1.2", server="169.254.169.254"))
    assert reason is not None and "169.254.169.254 is a cloud metadata endpoint" in reason


def test_an_allow_list_is_judged_on_the_carried_ipv4() -> None:
    only_6to4 = AddressPolicy(allowed=(ipaddress.ip_network("2002::/16"),))
    assert "not in an allowed network" in (verdict(six_to_four("20.50.1.2"), only_6to4) or "")
    only_ten = AddressPolicy(allowed=(ipaddress.ip_network("10.0.0.0/8"),))
    assert verdict(six_to_four("10.1.2.3"), only_ten) is None


def test_a_denied_ipv6_range_refuses_its_ipv4_forms() -> None:
    policy = AddressPolicy(denied=(ipaddress.ip_network("2002::/16"),))
    assert "denied network" in (verdict(six_to_four("20.50.1.2"), policy) or "")


def test_an_allow_list_may_open_the_shared_address_space() -> None:
    policy = AddressPolicy(allowed=(ipaddress.ip_network("100.64.0.0/10"),))
    assert verdict("100.64.0.1", policy) is None
    assert verdict("100.100.100.200", policy) is not None  # metadata stays refused


def test_plain_ipv6_carries_no_ipv4() -> None:
    assert embedded_ipv4(ipaddress.IPv6Address("2001:db8::1")) == ()
    assert embedded_ipv4(ipaddress.IPv6Address("::1")) == ()
    assert verdict("2a01:111:f100::1") is None

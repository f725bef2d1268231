"""The default address policy."""

from __future__ import annotations

import ipaddress

import pytest

from connectors.net_policy import AddressPolicy


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("169.254.169.254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::ffff:169.254.169.254", "metadata"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("255.255.255.255", "broadcast"),
    ],
)
def test_default_policy_refuses(address: str, why: str) -> None:
    reason = AddressPolicy()(ipaddress.ip_address(address))
    assert reason is not None and why in reason


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.10", "172.16.5.4", "20.50.1.2"])
def test_default_policy_allows_private_and_public(address: str) -> None:
    assert AddressPolicy()(ipaddress.ip_address(address)) is None


def test_flags() -> None:
    assert AddressPolicy(allow_loopback=True)(ipaddress.ip_address("127.0.0.1")) is None
    assert AddressPolicy(allow_private=False)(ipaddress.ip_address("10.0.0.1")) is not None

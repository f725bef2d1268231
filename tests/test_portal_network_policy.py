"""The portal's address policy: built from the settings, its refusals name the variables."""

from __future__ import annotations

import ipaddress
from typing import Any

from portal.services.live import network_policy


def reason(address: str) -> str | None:
    return network_policy()(ipaddress.ip_address(address))


def test_a_loopback_refusal_names_the_variable_that_allows_loopback(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    assert reason("127.0.0.1") == (
        "127.0.0.1 is a loopback address; LINKWRIGHT_TEST_ALLOW_LOOPBACK=1 allows loopback "
        "addresses"
    )
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    assert reason("127.0.0.1") is None


def test_a_private_refusal_names_the_variable_that_allows_private_ranges(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_PRIVATE = False
    assert reason("192.168.1.10") == (
        "192.168.1.10 is a private address; LINKWRIGHT_TEST_ALLOW_PRIVATE=1 allows private "
        "addresses"
    )


def test_a_range_not_globally_reachable_names_the_allowed_networks_variable(
    settings: Any,
) -> None:
    refused = reason("198.18.0.1")
    assert refused is not None
    assert refused.startswith("198.18.0.1 is in 198.18.0.0/15 (Benchmarking)")
    assert "LINKWRIGHT_TEST_ALLOWED_NETWORKS allows it when it lists it" in refused
    settings.CONNECTION_TEST_ALLOWED_NETWORKS = ["198.18.0.0/15"]
    assert reason("198.18.0.1") is None
    assert reason("20.50.1.2") == (
        "20.50.1.2 is not in an allowed network; LINKWRIGHT_TEST_ALLOWED_NETWORKS lists the "
        "networks allowed"
    )

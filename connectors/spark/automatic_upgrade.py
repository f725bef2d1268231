"""Microsoft's criteria for upgrading Spark 1.0 definitions automatically (connector upgrade
guidance, "Automatic connector upgrade", 17 October 2025): a definition is taken unless it
uses Username authentication, the SASL or Binary transport (1.0's default counts), or a
SharkServer / SharkServer2 server type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.spark.upgrade_rules import v1_transport


def automatic_skips(properties: Mapping[str, Any]) -> list[str]:
    tp = properties.get("typeProperties")
    tp = tp if isinstance(tp, Mapping) else {}
    skips = []
    if tp.get("authenticationType") == "Username":
        skips.append("Username authentication")
    transport = v1_transport(tp)
    if transport in ("SASL", "Binary"):
        skips.append(f"the {transport} transport")
    if tp.get("serverType") in ("SharkServer", "SharkServer2"):
        skips.append(f"serverType {tp['serverType']}")
    return skips


__all__ = ["automatic_skips"]

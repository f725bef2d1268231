"""What moving an Impala definition from 1.0 to 2.0 does: the change log of the Impala page
and the one automatic-upgrade criterion Microsoft gives for Impala (SASLUsername); see
README.md."""

from __future__ import annotations

from connectors.hiveserver2 import sibling_upgrade as up
from connectors.hiveserver2.sibling import TLS_1_0
from connectors.impala.type_mapping import TYPES

TYPE_CHANGES = up.type_changes(
    TYPES.rows,
    lambda name, before, after: f"{name} values arrive as {after}, not {before}: check sinks.",
)
RULES = (
    up.SetVersion("Impala"),
    up.Blocks(
        "sasl-username-auth",
        "SASLUsername authentication is not supported in 2.0 (nor upgraded automatically)",
        "authenticationType",
        up.equals("authenticationType", "SASLUsername"),
        "Choose UsernameAndPassword (with the password) or Anonymous. " + up.FIRST,
        automatic=True,
    ),
    up.Blocks(
        "expressions",
        "The outcome depends on an expression's run-time value",
        "authenticationType",
        up.expression("authenticationType"),
        "Write the value itself (whether 2.0 supports it depends on it). " + up.FIRST,
    ),
    up.KeepsDefault(
        "transport",
        "thriftTransportProtocol is required in 2.0 (1.0 has none: it spoke binary Thrift)",
        "thriftTransportProtocol",
        "Binary",
    ),
    *up.tls_rules(TLS_1_0),
    up.DataTypes("Impala", TYPE_CHANGES),
)

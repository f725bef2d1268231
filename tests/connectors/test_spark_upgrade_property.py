"""Every valid Spark 1.0 definition upgrades to a valid 2.0 one, or says exactly why not.

Generated across all enum combinations (serverType × transport × authentication ×
enableSsl unset/true/false × the four TLS options), with optional user name, password,
httpPath, HDInsight or other hosts, expressions and the carried-over properties.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from upgrade_helpers import (
    ANSWER_SECRET,
    CLEAR_SECRET,
    KEY_VAULT_SECRET,
    SECRET_TEXT,
    STORED_SECRET,
    expr,
    plan,
    proposals,
    v1_problems,
    v2_problems,
)

from connectors.problems import json_path
from connectors.secrets import secure_strings
from connectors.upgrade import RETYPE, type_path

ABSENT = object()
EXPR = expr("@linkedService().value")


FILL = {
    "password": ANSWER_SECRET,
    "port": 10001,
    "enableServerCertificateValidation": True,
    RETYPE + "$.properties.typeProperties.password": ANSWER_SECRET,
}
"""Answers for the decisions that have no safe proposal."""


def maybe(*values: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from([ABSENT, *values])


@st.composite
def v1_definitions(draw: st.DrawFn) -> dict[str, Any]:
    auth = draw(
        st.sampled_from(
            ["Anonymous", "Username", "UsernameAndPassword", "WindowsAzureHDInsightService"]
        )
    )
    tp: dict[str, Any] = {
        "host": draw(
            st.sampled_from(["spark.example.com", "c1.azurehdinsight.net", "10.0.0.5", EXPR])
        ),
        "port": draw(st.sampled_from([10000, 10001, 443, EXPR])),
        "authenticationType": auth,
        "serverType": draw(maybe("SharkServer", "SharkServer2", "SparkThriftServer")),
        "thriftTransportProtocol": draw(maybe("Binary", "SASL", "HTTP")),
        "enableSsl": draw(maybe(True, False, EXPR)),
        "trustedCertPath": draw(maybe("/etc/ca.pem", EXPR)),
        "useSystemTrustStore": draw(maybe(True, False, EXPR)),
        "allowHostNameCNMismatch": draw(maybe(True, False, EXPR)),
        "allowSelfSignedServerCert": draw(maybe(True, False, EXPR)),
        "httpPath": draw(maybe("cliservice", "/sparkhive2", EXPR)),
    }
    needs_user = auth != "Anonymous"
    needs_password = auth in ("UsernameAndPassword", "WindowsAzureHDInsightService")
    tp["username"] = draw(st.sampled_from(["admin", EXPR])) if needs_user else draw(maybe("x"))
    secrets = st.sampled_from([STORED_SECRET, CLEAR_SECRET, KEY_VAULT_SECRET])
    tp["password"] = draw(secrets) if needs_password else draw(st.one_of(st.just(ABSENT), secrets))
    properties: dict[str, Any] = {
        "type": "Spark",
        "typeProperties": {k: v for k, v in tp.items() if v is not ABSENT},
    }
    extras = {
        "description": "A cluster",
        "annotations": ["a", {"b": 1}],
        "parameters": {"value": {"type": "String", "defaultValue": "x"}},
        "connectVia": {"referenceName": "IR1", "type": "IntegrationRuntimeReference"},
    }
    for key, value in extras.items():
        if draw(st.booleans()):
            properties[key] = value
    return properties


def _no_secret_shown(result: Any) -> None:
    shown = json.dumps(
        [
            [f.as_dict() for f in result.findings],
            [d.as_dict() for d in result.decisions],
            list(result.blocked),
            result.summary(),
        ]
    )
    assert SECRET_TEXT not in shown and "secretId" not in shown


def _accounted_for(source: dict[str, Any], result: Any) -> None:
    """Every 1.0 key is in the proposal (unchanged unless a finding names it), or dropped
    by a finding that says so."""
    out = result.proposed
    by_path = {f.path: f for f in result.findings}
    retyped = {d.path for d in result.decisions if d.id.startswith(RETYPE)}
    for key, value in source.items():
        if key not in ("type", "typeProperties"):
            assert out[key] == value, key
    for key, value in source["typeProperties"].items():
        path = type_path(key)
        if key in out["typeProperties"]:
            assert out["typeProperties"][key] == value or path in {*by_path, *retyped}, key
        else:
            assert path in by_path and by_path[path].dropped, key
    kept = dict(secure_strings(out))
    for where, secret in secure_strings(source):
        if json_path(("properties", *where)) not in retyped:
            assert kept.get(where, secret) == secret


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(v1_definitions())
def test_every_v1_definition_upgrades_or_says_why(properties: dict[str, Any]) -> None:
    assert v1_problems(properties) == []

    first = plan(properties)
    _no_secret_shown(first)
    assert first.verdict != "blocked", first.blocked  # nothing in a valid 1.0 blocks
    assert set(first.pending) <= {d.id for d in first.decisions}
    if first.verdict == "ready":
        assert not v2_problems(first.proposed)

    answers = proposals(properties)
    accepted = plan(properties, answers)
    _no_secret_shown(accepted)
    _accounted_for(properties, accepted)
    if accepted.verdict == "ready":
        assert not v2_problems(accepted.proposed)
    else:
        # Only decisions with no safe proposal remain, each named.
        assert accepted.verdict == "needs-decisions"
        unanswerable = {d.id for d in accepted.decisions if d.proposed is None}
        assert accepted.pending and set(accepted.pending) <= unanswerable
        for _ in range(2):  # an answer may send the stored password elsewhere: asked next
            answers |= {k: FILL[k] for k in accepted.pending}
            accepted = plan(properties, answers)
        assert accepted.verdict == "ready", (accepted.pending, accepted.blocked)
        _accounted_for(properties, accepted)
        assert not v2_problems(accepted.proposed)

    # Every other choice the user may make is as safe as the proposals.
    fill_all = answers | {k: v for k, v in FILL.items() if not k.startswith(RETYPE)}
    for decision in accepted.decisions:
        for choice in decision.choices or ((True, False) if decision.kind == "boolean" else ()):
            other = plan(properties, fill_all | {decision.id: choice})
            if other.verdict != "ready" and set(other.pending) <= set(FILL):
                # The choice sends the stored password elsewhere: it asks for it again.
                other = plan(properties, fill_all | {decision.id: choice, **FILL})
            _no_secret_shown(other)
            _accounted_for(properties, other)
            assert other.verdict == "ready", (decision.id, choice, other.pending, other.blocked)
            assert not v2_problems(other.proposed)

    out = accepted.proposed["typeProperties"]
    assert accepted.proposed["version"] == "2.0"
    assert out.get("serverType", "SparkThriftServer") == "SparkThriftServer"
    assert out.get("thriftTransportProtocol", "HTTP") == "HTTP"
    assert "enableSsl" in out  # never left to the changed default

"""The Spark 1.0 → 2.0 upgrade rules, one test group per difference in the seed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from upgrade_helpers import (
    ANSWER_SECRET,
    CLEAR_SECRET,
    KEY_VAULT_SECRET,
    SECRET_TEXT,
    SPARK,
    STORED_SECRET,
    decision_ids,
    expr,
    plan,
    proposals,
    v1,
    v1_problems,
    v2_problems,
)

from connectors.spark import settings as spark_settings
from connectors.spark.secret_target import spark_secret_target as SPARK_TARGET
from connectors.spark.upgrade_rules import RULES, TYPE_CHANGES, v1_transport
from connectors.upgrade import RETYPE, Rule, type_path

DATA = Path(__file__).parent / "data"
TP = "$.properties.typeProperties."


def _findings(result, rule_id):
    return [f for f in result.findings if f.rule_id == rule_id]


def _finding_at(result, name):
    return [f for f in result.findings if f.path == type_path(name)]


# --- the rules list --------------------------------------------------------------------


def test_rules_in_their_declared_order() -> None:
    assert [r.id for r in RULES] == [
        "version",
        "server-type",
        "transport",
        "username-auth",
        "enable-ssl-default",
        "tls-options",
        "tls-trust-store",
        "data-types",
        "carry-over",
    ]
    assert all(isinstance(r, Rule) and r.title for r in RULES)


def _seed_differences() -> list[str]:
    text = (DATA / "spark-linkedservice-seed-tables.md").read_text(encoding="utf-8")
    section = text.split("## Differences between Spark version 2.0 and version 1.0")[1]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [row.split("|")[1] for row in rows[1:]]  # skip the header row


# Which rule(s) answer each row of the seed's differences table, by a word in the row.
SEED_ROW_RULES = {
    "`serverType`": ("server-type",),
    "`thriftTransportProtocl`": ("transport",),
    "Username authentication": ("username-auth",),
    "`enableSSL`": ("enable-ssl-default", "tls-options"),
    "TimestampType -> DateTimeOffset": ("data-types",),
}


def test_every_seed_difference_has_a_rule() -> None:
    rows = _seed_differences()
    assert len(rows) == len(SEED_ROW_RULES) == 5
    ids = {r.id for r in RULES}
    for row in rows:
        keys = [k for k in SEED_ROW_RULES if k in row]
        assert len(keys) == 1, row
        assert set(SEED_ROW_RULES[keys[0]]) <= ids


def test_the_connector_exposes_its_upgrade_generically() -> None:
    upgrade = SPARK.upgrade
    assert upgrade is not None
    assert (upgrade.from_version, upgrade.to_version) == ("1.0", "2.0")
    assert upgrade.rules is RULES and upgrade.type_changes is TYPE_CHANGES


# --- version ---------------------------------------------------------------------------


def test_version_is_written_right_after_type() -> None:
    result = plan(v1(thriftTransportProtocol="HTTP", enableSsl=True))
    assert list(result.proposed)[:2] == ["type", "version"]
    assert result.proposed["version"] == "2.0"
    assert [f.path for f in _findings(result, "version")] == ["$.properties.version"]


@pytest.mark.parametrize(
    "properties",
    [
        {"type": "Spark", "version": "2.0", "typeProperties": {}},
        {"type": "Spark", "version": "1.0", "typeProperties": {}},
        {"type": "Hive", "typeProperties": {}},
        {"type": "Spark"},
        {"type": "Spark", "typeProperties": "host=x"},
    ],
)
def test_only_spark_1_0_definitions_are_upgraded(properties) -> None:
    result = plan(properties)
    assert result.verdict == "blocked" and result.blocked and result.proposed is None


# --- serverType ------------------------------------------------------------------------


@pytest.mark.parametrize("server_type", ["SharkServer", "SharkServer2"])
def test_shark_servers_become_spark_thrift_server(server_type) -> None:
    props = v1(serverType=server_type, thriftTransportProtocol="HTTP", enableSsl=True)
    result = plan(props)
    assert result.proposed["typeProperties"]["serverType"] == "SparkThriftServer"
    (finding,) = _findings(result, "server-type")
    assert finding.path == TP + "serverType"
    assert finding.before == json.dumps(server_type)
    assert finding.severity == "warning" and "Spark Thrift Server" in finding.proposal
    assert "serverType" not in decision_ids(result)
    assert result.verdict == "ready"


@pytest.mark.parametrize("server_type", ["SparkThriftServer", None])
def test_a_spark_thrift_server_needs_nothing(server_type) -> None:
    result = plan(v1(serverType=server_type, thriftTransportProtocol="HTTP", enableSsl=True))
    assert not _findings(result, "server-type")
    assert result.proposed["typeProperties"].get("serverType") == server_type
    assert result.verdict == "ready"


def test_an_expression_server_type_is_replaced_not_blocked() -> None:
    props = v1(serverType=expr("@linkedService().kind"), thriftTransportProtocol="HTTP")
    result = plan(props, {"enableSsl": False})
    assert result.proposed["typeProperties"]["serverType"] == "SparkThriftServer"
    (finding,) = _findings(result, "server-type")
    assert "expression" in finding.before and "replaced" in finding.proposal
    assert result.verdict == "ready"


# --- thriftTransportProtocol -----------------------------------------------------------


@pytest.mark.parametrize("transport", ["Binary", "SASL"])
def test_binary_and_sasl_become_http_with_port_and_path_decisions(transport) -> None:
    props = v1(thriftTransportProtocol=transport, enableSsl=False)
    result = plan(props)
    assert result.verdict == "needs-decisions"
    assert set(result.pending) == {"port", "httpPath"}
    port, path = result.decision("port"), result.decision("httpPath")
    assert (port.kind, port.proposed, port.required) == ("integer", 10001, True)
    assert (path.kind, path.proposed, path.required) == ("text", "cliservice", True)
    first = _findings(result, "transport")[0]
    assert first.path == TP + "thriftTransportProtocol"
    assert first.before == json.dumps(transport)
    assert "HTTP mode enabled" in first.proposal

    answered = plan(props, {"port": 10001, "httpPath": "cliservice"})
    assert answered.verdict == "ready"
    tp = answered.proposed["typeProperties"]
    assert (tp["thriftTransportProtocol"], tp["port"], tp["httpPath"]) == (
        "HTTP",
        10001,
        "cliservice",
    )


@pytest.mark.parametrize(
    "host", ["mycluster.azurehdinsight.net", "MyCluster.AzureHDInsight.net.", None]
)
def test_hdinsight_hosts_get_the_gateway_port_and_path(host) -> None:
    props = v1(
        host=host or "spark.example.com",
        thriftTransportProtocol="Binary",
        authenticationType="WindowsAzureHDInsightService" if host is None else "Anonymous",
        username="admin" if host is None else None,
        password=CLEAR_SECRET if host is None else None,
        enableSsl=True,
    )
    result = plan(props)
    assert result.decision("port").proposed == 443
    assert result.decision("httpPath").proposed == "/sparkhive2"
    assert plan(props, proposals(props)).verdict == "ready"


def test_an_existing_http_path_is_proposed_again() -> None:
    result = plan(v1(thriftTransportProtocol="SASL", httpPath="gateway/spark"))
    assert result.decision("httpPath").proposed == "gateway/spark"


def test_an_expression_port_gets_no_proposal_but_takes_an_expression() -> None:
    props = v1(thriftTransportProtocol="SASL", port=expr("@linkedService().port"))
    result = plan(props, proposals(props))
    assert result.decision("port").proposed is None
    assert result.pending == ("port",)
    answered = plan(props, {**proposals(props), "port": expr("@linkedService().httpPort")})
    assert answered.verdict == "ready"
    assert answered.proposed["typeProperties"]["port"] == expr("@linkedService().httpPort")


def test_an_expression_host_keeps_generic_proposals_and_says_so() -> None:
    result = plan(v1(thriftTransportProtocol="Binary", host=expr("@linkedService().host")))
    assert result.decision("port").proposed == 10001
    assert "443" in result.decision("port").help


def test_http_needs_no_transport_change() -> None:
    result = plan(v1(thriftTransportProtocol="HTTP", enableSsl=True))
    assert not _findings(result, "transport")
    assert not {"port", "httpPath"} & decision_ids(result)
    assert result.verdict == "ready"


@pytest.mark.parametrize(
    ("extra", "counts_as"),
    [
        ({"authenticationType": "WindowsAzureHDInsightService"}, "HTTP"),
        ({"serverType": "SharkServer"}, "Binary"),
        ({"serverType": "SharkServer2"}, "SASL"),
        ({"serverType": "SparkThriftServer"}, "SASL"),
        ({}, "SASL"),
        ({"host": "c.azurehdinsight.net"}, "SASL"),
    ],
)
def test_an_unset_transport_counts_as_the_1_0_default(extra, counts_as) -> None:
    props = v1(**extra)
    if extra.get("authenticationType") == "WindowsAzureHDInsightService":
        props["typeProperties"].update(username="admin", password=CLEAR_SECRET)
    tp = props["typeProperties"]
    assert v1_transport(tp) == counts_as
    # The same default as the connection test's reading of a 1.0 definition.
    server = spark_settings.ServerType(tp.get("serverType", "SparkThriftServer"))
    assert spark_settings._default_transport(False, server, tp).value == counts_as
    result = plan(props)
    assert bool(_findings(result, "transport")) == (counts_as != "HTTP")
    if counts_as != "HTTP":
        assert counts_as in _findings(result, "transport")[0].before


def test_an_expression_transport_blocks() -> None:
    props = v1(thriftTransportProtocol=expr("@linkedService().transport"))
    result = plan(props, proposals(props))
    assert result.verdict == "blocked"
    assert any("thriftTransportProtocol is an expression" in b for b in result.blocked)


# --- authenticationType Username -------------------------------------------------------


def test_username_auth_asks_for_a_type_and_then_a_password() -> None:
    props = v1(authenticationType="Username", username="bob", thriftTransportProtocol="HTTP")
    result = plan(props)
    auth = result.decision("authenticationType")
    assert auth.kind == "choice" and auth.required
    assert set(auth.choices) == {"UsernameAndPassword", "Anonymous", "WindowsAzureHDInsightService"}
    assert auth.proposed == "UsernameAndPassword"
    assert result.decision("password").kind == "secret"
    assert "password" in result.pending and result.verdict == "needs-decisions"

    answered = plan(props, {"authenticationType": "UsernameAndPassword", "password": ANSWER_SECRET})
    assert answered.verdict == "ready"
    tp = answered.proposed["typeProperties"]
    assert tp["authenticationType"] == "UsernameAndPassword"
    assert tp["username"] == "bob" and tp["password"] == ANSWER_SECRET


def test_a_password_already_there_is_not_asked_for_again() -> None:
    props = v1(
        authenticationType="Username",
        username="bob",
        password=STORED_SECRET,
        thriftTransportProtocol="HTTP",
    )
    result = plan(props, {"authenticationType": "UsernameAndPassword"})
    assert "password" not in decision_ids(result)
    assert result.verdict == "ready"
    assert result.proposed["typeProperties"]["password"] == STORED_SECRET


def test_anonymous_drops_the_user_name_and_says_so() -> None:
    props = v1(
        authenticationType="Username",
        username="bob",
        password=CLEAR_SECRET,
        thriftTransportProtocol="HTTP",
    )
    result = plan(props, {"authenticationType": "Anonymous"})
    assert result.verdict == "ready"
    tp = result.proposed["typeProperties"]
    assert "username" not in tp and "password" not in tp
    dropped = {f.path for f in result.findings if f.dropped}
    assert {TP + "username", TP + "password"} <= dropped
    assert "password" not in decision_ids(result)


def test_username_auth_on_hdinsight_proposes_hdinsight_auth() -> None:
    props = v1(authenticationType="Username", username="bob", host="c.azurehdinsight.net")
    assert plan(props).decision("authenticationType").proposed == ("WindowsAzureHDInsightService")


def test_an_unknown_answer_is_refused_and_stays_pending() -> None:
    props = v1(authenticationType="Username", username="bob", thriftTransportProtocol="HTTP")
    result = plan(props, {"authenticationType": "Username", "password": ANSWER_SECRET})
    assert "authenticationType" in result.pending
    assert any(p.path == "decision:authenticationType" for p in result.problems)
    assert result.verdict == "needs-decisions"


@pytest.mark.parametrize("auth", ["Anonymous", "UsernameAndPassword"])
def test_other_auth_types_are_left_alone(auth) -> None:
    extra = {"username": "bob", "password": CLEAR_SECRET} if auth != "Anonymous" else {}
    result = plan(v1(authenticationType=auth, thriftTransportProtocol="HTTP", **extra))
    assert not _findings(result, "username-auth")
    assert result.proposed["typeProperties"]["authenticationType"] == auth


def test_an_expression_auth_type_blocks() -> None:
    props = v1(authenticationType=expr("@linkedService().auth"), thriftTransportProtocol="HTTP")
    result = plan(props, proposals(props))
    assert result.verdict == "blocked"
    assert any("authenticationType is an expression" in b for b in result.blocked)


# --- enableSsl default -----------------------------------------------------------------


def test_an_unset_enable_ssl_is_written_false_and_may_be_changed() -> None:
    props = v1(thriftTransportProtocol="HTTP")
    result = plan(props)
    decision = result.decision("enableSsl")
    assert (decision.kind, decision.proposed, decision.required) == ("boolean", False, False)
    assert result.verdict == "ready"  # the proposal stands unless changed
    assert result.proposed["typeProperties"]["enableSsl"] is False
    (finding,) = _findings(result, "enable-ssl-default")
    assert "1.0 default false" in finding.before and "true" in finding.needs

    tls = plan(props, {"enableSsl": True})
    assert tls.proposed["typeProperties"]["enableSsl"] is True and tls.verdict == "ready"


@pytest.mark.parametrize("value", [True, False, expr("@linkedService().tls")])
def test_an_explicit_enable_ssl_carries_over(value) -> None:
    result = plan(v1(thriftTransportProtocol="HTTP", enableSsl=value))
    assert "enableSsl" not in decision_ids(result)
    assert result.proposed["typeProperties"]["enableSsl"] == value


# --- TLS options -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "validation"),
    [
        ({"allowSelfSignedServerCert": True}, False),
        ({"allowHostNameCNMismatch": True}, False),
        ({"allowSelfSignedServerCert": True, "allowHostNameCNMismatch": False}, False),
        ({"allowSelfSignedServerCert": False, "allowHostNameCNMismatch": False}, True),
        ({"useSystemTrustStore": True}, True),
        ({"useSystemTrustStore": False}, True),
        ({"trustedCertPath": "C:\\certs\\ca.pem"}, True),
        ({"allowSelfSignedServerCert": expr("@linkedService().ss")}, None),
        (
            {
                "allowSelfSignedServerCert": expr("@linkedService().ss"),
                "allowHostNameCNMismatch": True,
            },
            False,
        ),
    ],
)
def test_tls_options_become_enable_server_certificate_validation(flags, validation) -> None:
    props = v1(thriftTransportProtocol="HTTP", enableSsl=True, **flags)
    result = plan(props, proposals(props))
    decision = result.decision("enableServerCertificateValidation")
    assert decision.proposed is validation
    assert decision.required is (validation is None)
    tp = result.proposed["typeProperties"]
    assert not set(flags) & set(tp)
    dropped = {f.path for f in result.findings if f.dropped}
    assert {TP + k for k in flags} <= dropped
    if validation is None:
        assert result.pending == ("enableServerCertificateValidation",)
        result = plan(props, {"enableServerCertificateValidation": True})
        tp = result.proposed["typeProperties"]
    assert result.verdict == "ready"
    assert tp["enableServerCertificateValidation"] is (validation is not False)


def test_a_private_ca_file_is_warned_about() -> None:
    result = plan(v1(thriftTransportProtocol="HTTP", enableSsl=True, trustedCertPath="/ca.pem"))
    (finding,) = _finding_at(result, "trustedCertPath")
    assert finding.severity == "warning" and finding.dropped
    assert "no longer honoured" in finding.proposal


def test_no_tls_option_no_validation_decision() -> None:
    result = plan(v1(thriftTransportProtocol="HTTP", enableSsl=True))
    assert "enableServerCertificateValidation" not in decision_ids(result)
    assert "enableServerCertificateValidation" not in result.proposed["typeProperties"]


# --- data types ------------------------------------------------------------------------


def _seed_type_table() -> dict[str, tuple[str, str]]:
    text = (DATA / "spark-datatype-seed-table.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].endswith("Type"):
            rows[cells[0]] = (cells[2], cells[1])  # (version 1.0, version 2.0)
    return rows


def _norm(interim: str) -> str:
    return interim.rstrip(".").lower()  # the seed writes "Sbyte" and "Not supported."


def test_type_changes_are_exactly_the_seed_rows_that_differ() -> None:
    seed = _seed_type_table()
    assert len(seed) == 18
    differing = {t: (a, b) for t, (a, b) in seed.items() if _norm(a) != _norm(b)}
    assert [c.source_type for c in TYPE_CHANGES] == list(differing)
    for change in TYPE_CHANGES:
        before, after = differing[change.source_type]
        assert (_norm(change.before), _norm(change.after)) == (_norm(before), _norm(after))


def test_type_changes_agree_with_the_differences_table() -> None:
    row = next(r for r in _seed_differences() if "TimestampType" in r)
    for change in TYPE_CHANGES:
        if change.source_type != "ByteType":  # only in the mapping table
            assert f"{change.source_type} -> {change.after}" in row


@pytest.mark.parametrize("change", TYPE_CHANGES, ids=lambda c: c.source_type)
def test_each_type_change_says_what_it_means_downstream(change) -> None:
    assert change.meaning[0].isupper() and change.meaning.endswith(".")
    assert "sink" in change.meaning


def test_every_plan_carries_the_type_changes_as_data() -> None:
    result = plan(v1(thriftTransportProtocol="HTTP", enableSsl=True))
    assert result.type_changes == TYPE_CHANGES
    (finding,) = _findings(result, "data-types")
    assert all(c.source_type in finding.needs for c in TYPE_CHANGES)
    assert not [d for d in result.decisions if d.rule_id == "data-types"]


# --- carried over ----------------------------------------------------------------------


def test_expressions_parameters_connect_via_description_annotations_carry_over() -> None:
    props = v1(
        host=expr("@linkedService().host"),
        port=expr("@linkedService().port"),
        username=expr("@linkedService().user"),
        httpPath=expr("@linkedService().path"),
        enableSsl=expr("@linkedService().tls"),
        authenticationType="UsernameAndPassword",
        password=KEY_VAULT_SECRET,
        thriftTransportProtocol="HTTP",
    )
    props |= {
        "description": "Sales cluster",
        "annotations": ["sales", {"owner": "bi"}],
        "parameters": {
            "host": {"type": "String", "defaultValue": "a.example.com"},
            "port": {"type": "Int", "defaultValue": 443},
            "secret": {"type": "SecureString"},
        },
        "connectVia": {"referenceName": "SelfHostedIR", "type": "IntegrationRuntimeReference"},
    }
    assert not v1_problems(props)
    result = plan(props)
    assert result.verdict == "ready", result.blocked
    out = result.proposed
    for key in ("description", "annotations", "parameters", "connectVia"):
        assert out[key] == props[key]
    assert out["typeProperties"] == props["typeProperties"] | {
        "enableSsl": props["typeProperties"]["enableSsl"]
    }
    (finding,) = _findings(result, "carry-over")
    for key in ("description", "annotations", "parameters", "connectVia", "host", "password"):
        assert key in finding.before


# --- secrets ---------------------------------------------------------------------------


RETYPE_PASSWORD = RETYPE + type_path("password")


@pytest.mark.parametrize("secret", [STORED_SECRET, CLEAR_SECRET, KEY_VAULT_SECRET])
def test_a_secret_carries_over_untouched_and_unseen(secret) -> None:
    props = v1(
        authenticationType="UsernameAndPassword",
        username="bob",
        password=secret,
        thriftTransportProtocol="HTTP",
        enableSsl=True,
        useSystemTrustStore=True,
    )
    result = plan(props, proposals(props))
    assert result.verdict == "ready", result.blocked
    assert result.proposed["typeProperties"]["password"] == secret
    shown = json.dumps(
        [
            [f.as_dict() for f in result.findings],
            [d.as_dict() for d in result.decisions],
            result.summary(),
            [str(p) for p in result.problems],
        ]
    )
    assert SECRET_TEXT not in shown and "secretId" not in shown
    assert "spark-password" not in shown  # not even the Key Vault secret's name
    exported = json.dumps(result.as_dict())
    assert SECRET_TEXT not in exported
    if "secretId" in secret:  # kept as the reference, shown as the mask
        assert result.proposed["typeProperties"]["password"] == secret
        shown_password = result.as_dict()["proposed"]["typeProperties"]["password"]
        assert shown_password == {"type": "SecureString", "value": "**********"}


def test_a_stored_password_the_upgrade_sends_elsewhere_must_be_typed_again() -> None:
    props = v1(
        authenticationType="UsernameAndPassword",
        username="bob",
        password=STORED_SECRET,
        thriftTransportProtocol="SASL",
        allowSelfSignedServerCert=True,
    )
    result = plan(props, proposals(props))
    assert result.verdict == "needs-decisions" and result.pending == (RETYPE_PASSWORD,)
    retype = result.decision(RETYPE_PASSWORD)
    assert retype.kind == "secret" and retype.proposed is None
    assert "thriftTransportProtocol" in retype.help and "port" in retype.help
    answered = plan(props, proposals(props) | {RETYPE_PASSWORD: CLEAR_SECRET})
    assert answered.verdict == "ready"
    assert answered.proposed["typeProperties"]["password"] == CLEAR_SECRET
    assert SECRET_TEXT not in json.dumps(answered.as_dict())


def test_a_password_answer_never_shows_up() -> None:
    props = v1(authenticationType="Username", username="bob", thriftTransportProtocol="HTTP")
    result = plan(props, {"authenticationType": "UsernameAndPassword", "password": CLEAR_SECRET})
    assert result.verdict == "ready"
    assert result.proposed["typeProperties"]["password"] == CLEAR_SECRET
    assert SECRET_TEXT not in json.dumps(result.as_dict())
    (password,) = [d for d in result.as_dict()["decisions"] if d["id"] == "password"]
    assert password["proposed"] is None and password["kind"] == "secret"


def test_a_password_answer_must_be_a_secret() -> None:
    props = v1(authenticationType="Username", username="bob", thriftTransportProtocol="HTTP")
    result = plan(props, {"authenticationType": "UsernameAndPassword", "password": "plain"})
    assert "password" in result.pending
    assert "plain" not in json.dumps(result.as_dict())


# --- verdicts and the summary ----------------------------------------------------------


def test_ready_means_nothing_to_decide_and_a_valid_definition() -> None:
    props = v1(thriftTransportProtocol="HTTP", enableSsl=True, port=443)
    result = plan(props)
    assert result.verdict == "ready" and not result.pending and not result.blocked
    assert not v2_problems(result.proposed)
    assert {d.id for d in result.decisions} == set()


def test_decisions_are_asked_only_when_needed() -> None:
    assert decision_ids(plan(v1(thriftTransportProtocol="HTTP", enableSsl=False))) == set()
    assert decision_ids(plan(v1(thriftTransportProtocol="HTTP"))) == {"enableSsl"}
    assert decision_ids(plan(v1(thriftTransportProtocol="SASL", enableSsl=True))) == {
        "port",
        "httpPath",
    }


def test_a_problem_no_decision_can_fix_blocks() -> None:
    props = v1(thriftTransportProtocol="HTTP", enableSsl=True, port="<port>")
    result = plan(props)
    assert result.verdict == "blocked"
    assert any(b.startswith(TP + "port") for b in result.blocked)


def test_an_unknown_property_blocks_rather_than_vanish() -> None:
    props = v1(thriftTransportProtocol="HTTP", enableSsl=True, connectionTimeout=30)
    result = plan(props)
    assert result.verdict == "blocked"
    assert any("connectionTimeout" in b for b in result.blocked)


def test_the_summary_has_one_line_per_finding() -> None:
    props = v1(serverType="SharkServer", thriftTransportProtocol="Binary", trustedCertPath="/c")
    result = plan(props, proposals(props))
    lines = result.summary().splitlines()
    assert lines[0] == "Upgrade Spark linked service 1.0 → 2.0"
    assert len(lines) == 1 + len(result.findings)
    assert any("serverType" in line and "SparkThriftServer" in line for line in lines)
    assert any(re.search(r"port: was 10000; .* 10001", line) for line in lines)


def test_tls_without_options_warns_that_the_trust_store_changes() -> None:
    """1.0 TLS with no TLS option trusted the IR's cacerts.pem; 2.0 uses the system store."""
    from connectors.registry import get_connector

    spark = get_connector("Spark")
    assert spark.upgrade is not None
    target = spark.version(spark.upgrade.to_version)
    from connectors.upgrade import plan_upgrade

    properties = {
        "type": "Spark",
        "typeProperties": {
            "host": "h.example.com",
            "port": 443,
            "thriftTransportProtocol": "HTTP",
            "authenticationType": "Anonymous",
            "httpPath": "cliservice",
            "enableSsl": True,
        },
    }
    plan = plan_upgrade(spark.upgrade.rules, properties, target=target, secret_target=SPARK_TARGET)
    found = [f for f in plan.findings if f.rule_id == "tls-trust-store"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "cacerts.pem" in found[0].needs and "system trust store" in found[0].proposal
    assert plan.ready and "enableServerCertificateValidation" not in plan.proposed["typeProperties"]
    with_option = {
        **properties,
        "typeProperties": {**properties["typeProperties"], "trustedCertPath": "/ca.pem"},
    }
    other = plan_upgrade(
        spark.upgrade.rules, with_option, target=target, secret_target=SPARK_TARGET
    )
    assert not [f for f in other.findings if f.rule_id == "tls-trust-store"]
    without_tls = {
        **properties,
        "typeProperties": {**properties["typeProperties"], "enableSsl": False},
    }
    none = plan_upgrade(spark.upgrade.rules, without_tls, target=target, secret_target=SPARK_TARGET)
    assert not [f for f in none.findings if f.rule_id == "tls-trust-store"]

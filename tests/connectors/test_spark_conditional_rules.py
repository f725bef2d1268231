"""Conditional rules (what an authenticationType requires) and when form fields show."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from spark_contract import (
    IMPLIED_DEFAULTS,
    NEEDS_PASSWORD,
    NEEDS_USERNAME,
    ROWS,
    SEED_DEFAULTS,
    TLS_OPTIONS,
    VERSIONS,
    expression,
    key_vault_secret,
    minimal,
    problems,
    secure_string,
)

from connectors import formspec
from connectors.formdata import type_properties_from_form


def _allowed(version: str, prop: str) -> tuple[str, ...]:
    return next(r.allowed for r in ROWS[version] if r.prop == prop)


def _needed(version: str, auth: str | None) -> set[str]:
    needed = set()
    if auth in NEEDS_USERNAME[version]:
        needed.add("username")
    if auth in NEEDS_PASSWORD[version]:
        needed.add("password")
    return needed


def _rule_message(version: str, needs: dict[str, frozenset[str]]) -> str:
    auths = [a for a in _allowed(version, "authenticationType") if a in needs[version]]
    return f"Required when authenticationType is {' or '.join(auths)}."


AUTH_CASES = [
    pytest.param(version, auth, id=f"{version}-{auth}")
    for version in ("2.0", "1.0")
    for auth in _allowed(version, "authenticationType")
]


# --- the rules -------------------------------------------------------------------------------


def test_rule_tables() -> None:
    # As the seed's descriptions and differences table have it.
    assert NEEDS_USERNAME["1.0"] == {
        "Username",
        "UsernameAndPassword",
        "WindowsAzureHDInsightService",
    }
    assert NEEDS_USERNAME["2.0"] == {"UsernameAndPassword", "WindowsAzureHDInsightService"}
    assert NEEDS_PASSWORD["1.0"] == NEEDS_PASSWORD["2.0"]
    assert NEEDS_PASSWORD["2.0"] == {"UsernameAndPassword", "WindowsAzureHDInsightService"}


@pytest.mark.parametrize(("version", "auth"), AUTH_CASES)
def test_missing_credentials_are_reported_for_the_auth_type(version: str, auth: str) -> None:
    found = problems(VERSIONS[version], minimal(VERSIONS[version], authenticationType=auth))
    expected = {}
    if "username" in _needed(version, auth):
        expected["$.properties.typeProperties.username"] = _rule_message(version, NEEDS_USERNAME)
    if "password" in _needed(version, auth):
        expected["$.properties.typeProperties.password"] = _rule_message(version, NEEDS_PASSWORD)
    assert {p.path: p.message for p in found} == expected
    assert len(found) == len(expected)
    for problem in found:
        assert auth in problem.message


@pytest.mark.parametrize(("version", "auth"), AUTH_CASES)
def test_conditionally_required_names_the_same_fields(version: str, auth: str) -> None:
    values = {"authenticationType": auth}
    assert formspec.conditionally_required(VERSIONS[version], values) == _needed(version, auth)


@pytest.mark.parametrize(("version", "auth"), AUTH_CASES)
@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("admin", secure_string("S3cret!"), id="text-securestring"),
        pytest.param(expression("@linkedService().user"), key_vault_secret(), id="expr-keyvault"),
    ],
)
def test_credentials_given_satisfy_the_rules(
    version: str, auth: str, username: Any, password: Any
) -> None:
    connector_version = VERSIONS[version]
    properties = minimal(
        connector_version, authenticationType=auth, username=username, password=password
    )
    assert problems(connector_version, properties) == []


@pytest.mark.parametrize(("version", "auth"), AUTH_CASES)
def test_each_credential_is_required_on_its_own(version: str, auth: str) -> None:
    connector_version = VERSIONS[version]
    for missing in _needed(version, auth):
        present = {"username": "admin", "password": secure_string("S3cret!")}
        del present[missing]
        found = problems(
            connector_version, minimal(connector_version, authenticationType=auth, **present)
        )
        assert [p.path for p in found] == [f"$.properties.typeProperties.{missing}"]
        assert found[0].message.startswith("Required when authenticationType is ")


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_no_rule_fires_without_an_auth_type(version: str) -> None:
    connector_version = VERSIONS[version]
    properties = minimal(connector_version)
    del properties["typeProperties"]["authenticationType"]
    assert [str(p) for p in problems(connector_version, properties)] == [
        "$.properties.typeProperties.authenticationType: This field is required."
    ]
    assert formspec.conditionally_required(connector_version, {}) == set()


# --- visibility -------------------------------------------------------------------------------

SSL_VALUES: list[Any] = [None, True, False, expression("@linkedService().tls")]


def _expected_visible(version: str, values: dict[str, Any]) -> set[str]:
    """The seed's rules, written out: which fields a user needs to see."""
    defaults = {**SEED_DEFAULTS[version], **IMPLIED_DEFAULTS[version]}
    visible = {r.prop for r in ROWS[version]} & set(
        VERSIONS[version].type_properties_schema["properties"]
    )
    auth = values.get("authenticationType")
    transport = values.get("thriftTransportProtocol", defaults.get("thriftTransportProtocol"))
    ssl = values.get("enableSsl", defaults["enableSsl"])
    if auth not in NEEDS_USERNAME[version]:
        visible.discard("username")
    if auth not in NEEDS_PASSWORD[version]:
        visible.discard("password")
    # HDInsight is reached over HTTP, so its httpPath shows whatever the transport says.
    if transport != "HTTP" and auth != "WindowsAzureHDInsightService":
        visible.discard("httpPath")
    if not (ssl is True or formspec.is_expression(ssl)):
        visible -= set(TLS_OPTIONS[version])
    return visible


def _combinations(version: str) -> list[dict[str, Any]]:
    auths = [None, *_allowed(version, "authenticationType")]
    transports = [None, *_allowed(version, "thriftTransportProtocol")]
    out = []
    for auth, transport, ssl in itertools.product(auths, transports, SSL_VALUES):
        values = {
            "authenticationType": auth,
            "thriftTransportProtocol": transport,
            "enableSsl": ssl,
        }
        out.append({k: v for k, v in values.items() if v is not None})
    return out


VISIBILITY_CASES = [
    pytest.param(version, values, id=f"{version}-{'-'.join(map(str, values.values())) or 'unset'}")
    for version in ("2.0", "1.0")
    for values in _combinations(version)
]


def _visible(version: str, values: dict[str, Any]) -> set[str]:
    connector_version = VERSIONS[version]
    fallback = formspec.defaults(connector_version)
    return {s.name for s in formspec.field_specs(connector_version) if s.visible(values, fallback)}


@pytest.mark.parametrize(("version", "values"), VISIBILITY_CASES)
def test_fields_show_exactly_when_the_seed_says(version: str, values: dict[str, Any]) -> None:
    assert _visible(version, values) == _expected_visible(version, values)


@pytest.mark.parametrize(("version", "values"), VISIBILITY_CASES)
def test_every_required_field_is_visible(version: str, values: dict[str, Any]) -> None:
    connector_version = VERSIONS[version]
    visible = _visible(version, values)
    always = set(connector_version.type_properties_schema["required"])
    assert always <= visible
    assert formspec.conditionally_required(connector_version, values) <= visible


@pytest.mark.parametrize(("version", "values"), VISIBILITY_CASES)
def test_credentials_show_exactly_when_required(version: str, values: dict[str, Any]) -> None:
    visible = _visible(version, values)
    required = formspec.conditionally_required(VERSIONS[version], values)
    for credential in ("username", "password"):
        assert (credential in visible) is (credential in required), credential


def test_http_path_always_shows_in_2_0() -> None:
    for values in _combinations("2.0"):
        assert "httpPath" in _visible("2.0", values)


@pytest.mark.parametrize("transport", [None, "Binary", "SASL", "HTTP"])
def test_http_path_shows_in_1_0_only_over_http(transport: str | None) -> None:
    values = {"thriftTransportProtocol": transport} if transport else {}
    assert ("httpPath" in _visible("1.0", values)) is (transport == "HTTP")


def test_http_path_of_an_hdinsight_definition_is_kept_on_edit() -> None:
    """The seed's HDInsight example sets httpPath without a transport: editing keeps it."""
    values = {"authenticationType": "WindowsAzureHDInsightService"}
    assert "httpPath" in _visible("1.0", values)
    form = {"tp-authenticationType": "WindowsAzureHDInsightService", "tp-httpPath": "gateway/x"}
    assert type_properties_from_form(VERSIONS["1.0"], form)["httpPath"] == "gateway/x"


@pytest.mark.parametrize("version", ["2.0", "1.0"])
@pytest.mark.parametrize("ssl", SSL_VALUES, ids=["unset", "true", "false", "expression"])
def test_tls_options_show_only_with_ssl(version: str, ssl: Any) -> None:
    values = {} if ssl is None else {"enableSsl": ssl}
    shown = set(TLS_OPTIONS[version]) & _visible(version, values)
    default = SEED_DEFAULTS[version]["enableSsl"]
    on = ssl is True or formspec.is_expression(ssl) or (ssl is None and default)
    assert shown == (set(TLS_OPTIONS[version]) if on else set())


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_fields_others_depend_on_refresh_the_form(version: str) -> None:
    specs = {s.name: s for s in formspec.field_specs(VERSIONS[version])}
    for spec in specs.values():
        hints = spec.show_when if isinstance(spec.show_when, list) else [spec.show_when]
        for prop, values in ((p, v) for hint in hints for p, v in hint.items()):
            source = specs[prop]
            assert source.refresh or len(source.choices) == 1, (spec.name, prop)
            if source.widget == "boolean":
                assert all(isinstance(v, bool) for v in values)
            else:
                assert set(values) <= set(source.choices), (spec.name, prop)


@pytest.mark.parametrize(
    ("version", "form", "kept", "dropped"),
    [
        pytest.param(
            "1.0",
            {
                "tp-enableSsl": "false",
                "tp-useSystemTrustStore": "true",
                "tp-trustedCertPath": "/ca.pem",
            },
            {"enableSsl"},
            {"useSystemTrustStore", "trustedCertPath"},
            id="1.0-tls-options-without-ssl",
        ),
        pytest.param(
            "1.0",
            {"tp-enableSsl": "true", "tp-useSystemTrustStore": "true"},
            {"enableSsl", "useSystemTrustStore"},
            set(),
            id="1.0-tls-options-with-ssl",
        ),
        pytest.param(
            "2.0",
            {"tp-enableSsl": "false", "tp-enableServerCertificateValidation": "false"},
            {"enableSsl"},
            {"enableServerCertificateValidation"},
            id="2.0-validation-without-ssl",
        ),
        pytest.param(
            "1.0",
            {"tp-authenticationType": "Anonymous", "tp-username": "admin", "tp-password": "pw"},
            {"authenticationType"},
            {"username", "password"},
            id="1.0-anonymous-drops-credentials",
        ),
        pytest.param(
            "1.0",
            {"tp-authenticationType": "Username", "tp-username": "admin", "tp-password": "pw"},
            {"authenticationType", "username"},
            {"password"},
            id="1.0-username-keeps-username",
        ),
        pytest.param(
            "1.0",
            {"tp-thriftTransportProtocol": "Binary", "tp-httpPath": "cliservice"},
            {"thriftTransportProtocol"},
            {"httpPath"},
            id="1.0-binary-drops-http-path",
        ),
        pytest.param(
            "2.0",
            {"tp-httpPath": "cliservice"},
            {"httpPath"},
            set(),
            id="2.0-http-path-kept",
        ),
    ],
)
def test_form_keeps_only_visible_fields(
    version: str, form: dict[str, str], kept: set[str], dropped: set[str]
) -> None:
    type_properties = type_properties_from_form(VERSIONS[version], form)
    assert set(type_properties) == kept
    assert not dropped & set(type_properties)

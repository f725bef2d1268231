"""Every row of the seed's Spark linked-service tables, against the schemas and field specs.

The rows, allowed values and defaults are data in ``spark_contract.py``; the sample values
below say what a valid and an invalid value of each sort looks like.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from spark_contract import (
    ADF_WRITTEN,
    COMMON_TOP_LEVEL,
    DIFFERENCES,
    EXPRESSION_PROPERTIES,
    IMPLIED_DEFAULTS,
    ROWS,
    SEED_DEFAULTS,
    SEED_EXCERPT,
    TOP_LEVEL,
    VERSIONS,
    SeedRow,
    assert_useful,
    complete,
    expression,
    is_under,
    key_vault_secret,
    minimal,
    path_of,
    problems,
    secure_string,
    with_value,
    without,
)

from connectors import formspec

# --- sample values per sort of property ------------------------------------------------

VALID: dict[str, list[Any]] = {
    "const": ["Spark"],
    "version": ["2.0"],
    "host": [
        "spark.example.com",
        "mycluster.azurehdinsight.net",
        "10.0.0.4",
        "[2001:db8::1]",
        "spark_01-internal",
        "a" * 253,
        expression("@linkedService().host"),
    ],
    "port": [1, 443, 10000, 65535, expression("@linkedService().port")],
    "text": [
        "cliservice",
        "/gateway/default/spark",
        "admin@contoso.com",
        "C:\\certs\\cacerts.pem",
        expression("@linkedService().value"),
        expression("@concat('a', 'b')"),
    ],
    "secret": [
        secure_string("S3cret!"),
        key_vault_secret(),
        key_vault_secret(secretVersion="0123456789abcdef"),
        key_vault_secret(expression("@linkedService().secretName")),
        key_vault_secret(secretVersion=expression("@linkedService().secretVersion")),
        {
            "type": "AzureKeyVaultSecret",
            "store": {
                "referenceName": "AzureKeyVault1",
                "type": "LinkedServiceReference",
                "parameters": {"vault": "kv-prod"},
            },
            "secretName": "spark-password",
        },
    ],
    "boolean": [True, False, expression("@bool(linkedService().tls)")],
    "runtime": [
        {"referenceName": "AutoResolveIntegrationRuntime", "type": "IntegrationRuntimeReference"},
        {"referenceName": "SelfHostedIR", "type": "IntegrationRuntimeReference", "parameters": {}},
    ],
}

PORT_MESSAGE = "Enter a whole number from 1 to 65535"
PLACEHOLDER = "This looks like a documentation placeholder"
NO_AT = "An expression starts with @"

# (value, where the problem is, relative to the property, what its message says)
INVALID: dict[str, list[tuple[Any, str, str]]] = {
    "const": [
        ("Hive", "", "Must be 'Spark'."),
        ("spark", "", "Must be 'Spark'."),
        ("", "", "Must be 'Spark'."),
        (None, "", "Must be 'Spark'."),
    ],
    "version": [
        ("1.0", "", "Must be '2.0'."),
        ("2", "", "Must be '2.0'."),
        (2.0, "", "Must be '2.0'."),
    ],
    "host": [
        ("", "", "This field may not be empty"),
        ("https://spark.example.com/", "", "Enter a host name or an IP address"),
        ("spark example.com", "", "Enter a host name or an IP address"),
        ("a" * 254, "", "At most 253 characters"),
        (5, "", "Must be text"),
        ("<cluster>.azurehdinsight.net", "", PLACEHOLDER),
        (expression("linkedService().host"), ".value", NO_AT),
        ({"type": "Expression"}, ".value", "This field is required."),
    ],
    "port": [
        (0, "", PORT_MESSAGE),
        (65536, "", PORT_MESSAGE),
        ("abc", "", PORT_MESSAGE),
        (-1, "", PORT_MESSAGE),
        (443.5, "", PORT_MESSAGE),
        (True, "", PORT_MESSAGE),
        (None, "", PORT_MESSAGE),
        ("<port>", "", PLACEHOLDER),
        (expression("443"), ".value", NO_AT),
    ],
    "text": [
        ("", "", "This field may not be empty"),
        (5, "", "Must be text"),
        (["cliservice"], "", "Must be text"),
        ("<username>", "", PLACEHOLDER),
        (expression("linkedService().value"), ".value", NO_AT),
        (expression(""), ".value", NO_AT),
        (
            {"type": "Expression", "value": "@x", "resultType": "String"},
            ".resultType",
            "Unknown property 'resultType': remove it.",
        ),
    ],
    "secret": [
        ("S3cret!", "", "Must be a JSON object."),
        ({"value": "S3cret!"}, ".type", "This field is required."),
        (
            {"type": "PlainText", "value": "S3cret!"},
            ".type",
            "'PlainText' is not allowed. Allowed values: SecureString, AzureKeyVaultSecret.",
        ),
        ({"type": "SecureString"}, ".value", "This field is required."),
        (secure_string(""), ".value", "This field may not be empty."),
        (secure_string("<password>"), ".value", PLACEHOLDER),
        ({"type": "SecureString", "value": 5}, ".value", "Must be text."),
        (
            {"type": "SecureString", "value": "x", "encrypted": True},
            ".encrypted",
            "Unknown property 'encrypted': remove it.",
        ),
        ({"type": "AzureKeyVaultSecret", "secretName": "s"}, ".store", "This field is required."),
        (
            {k: v for k, v in key_vault_secret().items() if k != "secretName"},
            ".secretName",
            "This field is required.",
        ),
        (key_vault_secret(""), ".secretName", "This field may not be empty"),
        (key_vault_secret(secretVersion=""), ".secretVersion", "This field may not be empty"),
        (key_vault_secret(expression("secret")), ".secretName.value", NO_AT),
        (
            key_vault_secret(store={"referenceName": "KV", "type": "IntegrationRuntimeReference"}),
            ".store.type",
            "Must be 'LinkedServiceReference'.",
        ),
        (
            key_vault_secret(store={"type": "LinkedServiceReference"}),
            ".store.referenceName",
            "This field is required.",
        ),
        (
            key_vault_secret(
                store={"referenceName": "Key/Vault", "type": "LinkedServiceReference"}
            ),
            ".store.referenceName",
            "A name may not contain . + ? / < > * % & : \\ or #.",
        ),
        (key_vault_secret(value="S3cret!"), ".value", "Unknown property 'value': remove it."),
    ],
    "boolean": [
        ("true", "", "Must be true or false"),
        ("false", "", "Must be true or false"),
        (1, "", "Must be true or false"),
        (None, "", "Must be true or false"),
        (expression("true"), ".value", NO_AT),
    ],
    "runtime": [
        ("AutoResolveIntegrationRuntime", "", "Must be a JSON object."),
        ({"referenceName": "IR1"}, ".type", "This field is required."),
        ({"type": "IntegrationRuntimeReference"}, ".referenceName", "This field is required."),
        (
            {"referenceName": "IR1", "type": "LinkedServiceReference"},
            ".type",
            "Must be 'IntegrationRuntimeReference'.",
        ),
        (
            {"referenceName": "IR/1", "type": "IntegrationRuntimeReference"},
            ".referenceName",
            "A name may not contain . + ? / < > * % & : \\ or #.",
        ),
        (
            {"referenceName": "IR1", "type": "IntegrationRuntimeReference", "extra": 1},
            ".extra",
            "Unknown property 'extra': remove it.",
        ),
    ],
}


def _every_enum_value(prop: str) -> set[str]:
    return {value for rows in ROWS.values() for r in rows if r.prop == prop for value in r.allowed}


def _valid_values(row: SeedRow) -> list[Any]:
    return list(row.allowed) if row.kind == "enum" else VALID[row.kind]


def _invalid_values(row: SeedRow) -> list[tuple[Any, str, str]]:
    if row.kind != "enum":
        return INVALID[row.kind]
    allowed = ", ".join(row.allowed)
    wrong: list[Any] = sorted(_every_enum_value(row.prop) - set(row.allowed))
    # Stray spaces ("HTTP ") are read as ADF reads them, with a warning: see
    # test_spark_tolerance.py. Another case is no value ADF documents.
    wrong += ["", row.allowed[0].lower(), 1]
    cases = [
        (value, "", f"{value!r} is not allowed. Allowed values: {allowed}.") for value in wrong
    ]
    # The seed's enums take no expressions.
    cases.append(
        (
            expression(f"@linkedService().{row.prop}"),
            "",
            f"An expression is not allowed here. Allowed values: {allowed}.",
        )
    )
    cases.append(
        (list(row.allowed), "", f"A JSON array is not allowed here. Allowed values: {allowed}.")
    )
    return cases


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


VALID_CASES = [
    pytest.param(version, row.prop, value, id=f"{version}-{row.prop}-{_short(value)}")
    for version, rows in ROWS.items()
    for row in rows
    for value in _valid_values(row)
]
INVALID_CASES = [
    pytest.param(version, row.prop, value, where, says, id=f"{version}-{row.prop}-{_short(value)}")
    for version, rows in ROWS.items()
    for row in rows
    for value, where, says in _invalid_values(row)
]
ROW_CASES = [
    pytest.param(version, row, id=f"{version}-{row.prop}")
    for version, rows in ROWS.items()
    for row in rows
]


# --- the seed tables themselves -----------------------------------------------------------


def _seed_table(section: str) -> list[tuple[str, str, bool]]:
    text = SEED_EXCERPT.read_text(encoding="utf-8")
    body = text.split(f"### {section}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    rows = []
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("Property", ":---"):
            rows.append((cells[0], cells[1], cells[2] == "Yes"))
    return rows


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_data_tables_are_the_seed_tables(version: str) -> None:
    seed = _seed_table(f"Version {version}")
    assert [(p, required) for p, _, required in seed] == [
        (r.prop, r.required) for r in ROWS[version]
    ]
    for (prop, description, _), row in zip(seed, ROWS[version], strict=True):
        if "llowed value" in description:
            listed = description.split("llowed value", 1)[1]
            assert tuple(re.findall(r"\*\*(\w+)\*\*", listed)) == row.allowed, prop
        else:
            assert row.allowed == (), prop
        default = re.search(r"The default value is (true|false)\b", description)
        if default:
            assert SEED_DEFAULTS[version][prop] == (default.group(1) == "true"), prop
        else:
            assert prop not in SEED_DEFAULTS[version], prop


def test_differences_table_names_what_the_data_says() -> None:
    text = SEED_EXCERPT.read_text(encoding="utf-8").split("## Differences", 1)[1]
    for prop, value, _, _ in DIFFERENCES:
        assert (value if isinstance(value, str) and not value.startswith("/") else prop) in text


# --- which properties exist, which are required -----------------------------------------


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_schema_has_exactly_the_seed_properties(version: str) -> None:
    connector_version = VERSIONS[version]
    seed = [r.prop for r in ROWS[version]]
    schema = connector_version.schema
    assert list(connector_version.type_properties_schema["properties"]) == [
        *(p for p in seed if p not in TOP_LEVEL),
        *ADF_WRITTEN,
    ]
    assert set(schema["properties"]) == {
        *(p for p in seed if p in TOP_LEVEL),
        *COMMON_TOP_LEVEL,
        "typeProperties",
    }
    assert [s.name for s in formspec.field_specs(connector_version)] == [
        *(p for p in seed if p not in TOP_LEVEL),
        *ADF_WRITTEN,
    ]


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_required_is_the_seed_required_column(version: str) -> None:
    connector_version = VERSIONS[version]
    required = {r.prop for r in ROWS[version] if r.required}
    assert set(connector_version.schema["required"]) == {
        *(p for p in required if p in TOP_LEVEL),
        "typeProperties",
    }
    assert set(connector_version.type_properties_schema["required"]) == {
        p for p in required if p not in TOP_LEVEL
    }
    specs = {s.name: s for s in formspec.field_specs(connector_version)}
    for row in ROWS[version]:
        if row.prop not in TOP_LEVEL:
            assert specs[row.prop].required is row.required, row.prop


REQUIRED_CASES = [
    pytest.param(version, row.prop, id=f"{version}-{row.prop}")
    for version, rows in ROWS.items()
    for row in rows
    if row.required
]


@pytest.mark.parametrize(("version", "prop"), REQUIRED_CASES)
def test_missing_required_property_is_reported(version: str, prop: str) -> None:
    found = problems(VERSIONS[version], without(minimal(VERSIONS[version]), prop))
    assert [(p.path, p.message) for p in found] == [(path_of(prop), "This field is required.")]


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_minimal_definition_is_valid(version: str) -> None:
    assert problems(VERSIONS[version], minimal(VERSIONS[version])) == []


# --- values --------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "prop", "value"), VALID_CASES)
def test_valid_value_is_allowed(version: str, prop: str, value: Any) -> None:
    connector_version = VERSIONS[version]
    assert problems(connector_version, with_value(complete(connector_version), prop, value)) == []


@pytest.mark.parametrize(("version", "prop", "value", "where", "says"), INVALID_CASES)
def test_invalid_value_is_rejected_at_its_path(
    version: str, prop: str, value: Any, where: str, says: str
) -> None:
    connector_version = VERSIONS[version]
    found = problems(connector_version, with_value(complete(connector_version), prop, value))
    path = path_of(prop)
    assert found, f"{prop}={value!r} was accepted"
    # One sentence, at the value concerned: no stray problems elsewhere, no duplicates.
    assert len(found) == 1, found
    assert found[0].path == path + where, found
    assert says in found[0].message, found
    assert_useful(found)


# --- defaults --------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "row"), ROW_CASES)
def test_default_is_the_seed_default(version: str, row: SeedRow) -> None:
    if row.prop in TOP_LEVEL:
        return
    connector_version = VERSIONS[version]
    expected = {**SEED_DEFAULTS[version], **IMPLIED_DEFAULTS[version]}
    prop_schema = connector_version.type_properties_schema["properties"][row.prop]
    spec = {s.name: s for s in formspec.field_specs(connector_version)}[row.prop]
    assert prop_schema.get("default") == expected.get(row.prop)
    assert spec.default == expected.get(row.prop)
    if row.prop in SEED_DEFAULTS[version]:
        value = str(SEED_DEFAULTS[version][row.prop]).lower()
        assert f"The default value is {value}." in prop_schema["description"]
        # A default must be a valid value: ADF uses it when the property is absent.
        properties = with_value(minimal(connector_version), row.prop, expected[row.prop])
        assert problems(connector_version, properties) == []


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_formspec_defaults_are_the_seed_defaults(version: str) -> None:
    assert formspec.defaults(VERSIONS[version]) == {
        **SEED_DEFAULTS[version],
        **IMPLIED_DEFAULTS[version],
    }


def test_enable_ssl_default_differs_between_versions() -> None:
    assert formspec.defaults(VERSIONS["1.0"])["enableSsl"] is False
    assert formspec.defaults(VERSIONS["2.0"])["enableSsl"] is True


# --- enums -----------------------------------------------------------------------------------


ENUM_CASES = [
    pytest.param(version, row, id=f"{version}-{row.prop}")
    for version, rows in ROWS.items()
    for row in rows
    if row.kind == "enum"
]


@pytest.mark.parametrize(("version", "row"), ENUM_CASES)
def test_enum_allows_exactly_the_seed_values(version: str, row: SeedRow) -> None:
    connector_version = VERSIONS[version]
    prop_schema = connector_version.type_properties_schema["properties"][row.prop]
    spec = {s.name: s for s in formspec.field_specs(connector_version)}[row.prop]
    assert tuple(prop_schema["enum"]) == row.allowed
    assert spec.widget == "choice"
    assert spec.choices == row.allowed
    assert spec.expression is False


DIFFERENCE_CASES = [
    pytest.param(prop, value, version, allowed, id=f"{version}-{prop}-{value}")
    for prop, value, in_v2, in_v1 in DIFFERENCES
    for version, allowed in (("2.0", in_v2), ("1.0", in_v1))
]


@pytest.mark.parametrize(("prop", "value", "version", "allowed"), DIFFERENCE_CASES)
def test_differences_between_versions(prop: str, value: Any, version: str, allowed: bool) -> None:
    connector_version = VERSIONS[version]
    found = problems(connector_version, complete(connector_version, **{prop: value}))
    if allowed:
        assert found == []
        return
    path = f"$.properties.typeProperties.{prop}"
    known = connector_version.type_properties_schema["properties"]
    if prop in known:
        expected = f"{value!r} is not allowed. Allowed values: "
    else:
        expected = f"Unknown property '{prop}': remove it."
    assert [p.path for p in found] == [path], found
    assert found[0].message.startswith(expected), found


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_version_2_0_needs_its_version_and_version_1_0_has_none(version: str) -> None:
    connector_version = VERSIONS[version]
    assert connector_version.explicit is (version == "2.0")
    assert ("version" in connector_version.schema["properties"]) is (version == "2.0")
    if version == "1.0":
        found = problems(connector_version, {**minimal(connector_version), "version": "1.0"})
        assert [str(p) for p in found] == [
            "$.properties.version: Unknown property 'version': remove it."
        ]


# --- expressions -----------------------------------------------------------------------------

EXPRESSION_CASES = [
    pytest.param(version, prop, id=f"{version}-{prop}")
    for version, props in EXPRESSION_PROPERTIES.items()
    for prop in props
]


@pytest.mark.parametrize(("version", "prop"), EXPRESSION_CASES)
def test_expression_is_accepted(version: str, prop: str) -> None:
    connector_version = VERSIONS[version]
    value = expression(f"@linkedService().{prop}")
    assert problems(connector_version, minimal(connector_version, **{prop: value})) == []


@pytest.mark.parametrize(("version", "prop"), EXPRESSION_CASES)
def test_expression_without_at_is_rejected(version: str, prop: str) -> None:
    connector_version = VERSIONS[version]
    value = expression(f"linkedService().{prop}")
    found = problems(connector_version, minimal(connector_version, **{prop: value}))
    assert [str(p) for p in found] == [
        f"$.properties.typeProperties.{prop}.value: "
        "An expression starts with @, for example @linkedService().host."
    ]


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_field_specs_accept_expressions_exactly_where_the_schema_does(version: str) -> None:
    specs = formspec.field_specs(VERSIONS[version])
    assert {s.name for s in specs if s.expression} == set(EXPRESSION_PROPERTIES[version])


WIDGETS = {
    "host": "text",
    "port": "integer",
    "text": "text",
    "secret": "secret",
    "boolean": "boolean",
    "enum": "choice",
}


@pytest.mark.parametrize(("version", "row"), ROW_CASES)
def test_widget_fits_the_property(version: str, row: SeedRow) -> None:
    if row.prop in TOP_LEVEL:
        return
    spec = {s.name: s for s in formspec.field_specs(VERSIONS[version])}[row.prop]
    assert spec.widget == WIDGETS[row.kind]


# --- what every linked service has: description, annotations, parameters ------------------

COMMON_VALID: list[tuple[str, Any]] = [
    ("description", ""),
    ("description", "Spark on HDInsight — entrepôt"),
    ("description", "x" * 4000),
    ("annotations", []),
    ("annotations", ["team-data", {"owner": "ops"}]),
    ("annotations", ["a"] * 100),
    ("parameters", {}),
    ("parameters", {"host": {"type": "String"}, "_p2": {"type": "Int"}}),
    ("parameters", {"p": {"type": "String", "defaultValue": "spark.example.com"}}),
    ("parameters", {"p": {"type": "String", "defaultValue": ""}}),
    ("parameters", {"p": {"type": "Int", "defaultValue": 443}}),
    ("parameters", {"p": {"type": "Float", "defaultValue": 1.5}}),
    ("parameters", {"p": {"type": "Float", "defaultValue": 2}}),
    ("parameters", {"p": {"type": "Bool", "defaultValue": False}}),
    ("parameters", {"p": {"type": "Array", "defaultValue": [1, "a"]}}),
    ("parameters", {"p": {"type": "Object", "defaultValue": {"a": [1]}}}),
    ("parameters", {"p": {"type": "SecureString", "defaultValue": "S3cret!"}}),
    ("parameters", {"p": {"type": "SecureString"}}),
]

COMMON_INVALID: list[tuple[str, Any, str, str]] = [
    ("description", 5, "", "Must be text."),
    ("description", "x" * 4001, "", "At most 4000 characters."),
    ("annotations", "team-data", "", "Must be a JSON array."),
    ("annotations", ["a"] * 101, "", "At most 100 items."),
    ("parameters", [], "", "Must be a JSON object."),
    ("parameters", {"p": "String"}, ".p", "Must be a JSON object."),
    ("parameters", {"p": {}}, ".p.type", "This field is required."),
    (
        "parameters",
        {"p": {"type": "Text"}},
        ".p.type",
        "'Text' is not allowed. Allowed values: String, Int, Float, Bool, Array, Object, "
        "SecureString.",
    ),
    (
        "parameters",
        {"p": {"type": "String", "value": "x"}},
        ".p.value",
        "Unknown property 'value': remove it.",
    ),
    (
        "parameters",
        {"1p": {"type": "String"}},
        "['1p']",
        "A parameter name starts with a letter or underscore",
    ),
    (
        "parameters",
        {"a-b": {"type": "String"}},
        "['a-b']",
        "A parameter name starts with a letter or underscore",
    ),
    (
        "parameters",
        {"p" * 129: {"type": "String"}},
        "." + "p" * 129,
        "A parameter name has at most 128 characters.",
    ),
    (
        "parameters",
        {"p": {"type": "String", "defaultValue": 5}},
        ".p.defaultValue",
        "The default of a String parameter is text.",
    ),
    (
        "parameters",
        {"p": {"type": "SecureString", "defaultValue": True}},
        ".p.defaultValue",
        "The default of a String parameter is text.",
    ),
    (
        "parameters",
        {"p": {"type": "Int", "defaultValue": "443"}},
        ".p.defaultValue",
        "The default of an Int parameter is a whole number.",
    ),
    (
        "parameters",
        {"p": {"type": "Int", "defaultValue": 1.5}},
        ".p.defaultValue",
        "The default of an Int parameter is a whole number.",
    ),
    (
        "parameters",
        {"p": {"type": "Float", "defaultValue": "1.5"}},
        ".p.defaultValue",
        "The default of a Float parameter is a number.",
    ),
    (
        "parameters",
        {"p": {"type": "Bool", "defaultValue": "true"}},
        ".p.defaultValue",
        "The default of a Bool parameter is true or false.",
    ),
    (
        "parameters",
        {"p": {"type": "Array", "defaultValue": "[1]"}},
        ".p.defaultValue",
        "The default of an Array parameter is a JSON array.",
    ),
    (
        "parameters",
        {"p": {"type": "Object", "defaultValue": []}},
        ".p.defaultValue",
        "The default of an Object parameter is a JSON object.",
    ),
]


@pytest.mark.parametrize("version", ["2.0", "1.0"])
@pytest.mark.parametrize(
    ("prop", "value"), [pytest.param(p, v, id=f"{p}-{_short(v)}") for p, v in COMMON_VALID]
)
def test_common_property_valid(version: str, prop: str, value: Any) -> None:
    connector_version = VERSIONS[version]
    assert problems(connector_version, with_value(minimal(connector_version), prop, value)) == []


@pytest.mark.parametrize("version", ["2.0", "1.0"])
@pytest.mark.parametrize(
    ("prop", "value", "where", "says"),
    [pytest.param(*case, id=f"{case[0]}-{_short(case[1])}") for case in COMMON_INVALID],
)
def test_common_property_invalid(
    version: str, prop: str, value: Any, where: str, says: str
) -> None:
    connector_version = VERSIONS[version]
    found = problems(connector_version, with_value(minimal(connector_version), prop, value))
    assert found, f"{prop}={value!r} was accepted"
    assert all(is_under(p, path_of(prop)) for p in found), found
    assert any(p.path == path_of(prop) + where and says in p.message for p in found), found
    assert_useful(found)


@pytest.mark.parametrize("version", ["2.0", "1.0"])
@pytest.mark.parametrize(
    ("where", "prop"),
    [("properties", "linkedServiceName"), ("typeProperties", "encryptedcredential")],
)
def test_unknown_property_is_rejected(version: str, where: str, prop: str) -> None:
    connector_version = VERSIONS[version]
    properties = minimal(connector_version)
    target = properties if where == "properties" else properties["typeProperties"]
    target[prop] = "x"
    found = problems(connector_version, properties)
    prefix = "$.properties" if where == "properties" else "$.properties.typeProperties"
    assert [str(p) for p in found] == [f"{prefix}.{prop}: Unknown property '{prop}': remove it."]


@pytest.mark.parametrize("version", ["2.0", "1.0"])
@pytest.mark.parametrize("value", [None, [], "Spark", 1])
def test_properties_that_are_not_an_object_are_rejected(version: str, value: Any) -> None:
    found = problems(VERSIONS[version], value)
    assert [str(p) for p in found] == ["$.properties: Must be a JSON object."]

"""Reading and writing ADF linked-service files: the documentation's examples and ADF's
git-integration format.

The example files in ``data/adf-examples`` are verbatim copies of the shared ADF
examples (documentation placeholders such as "<port>" included).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from spark_contract import EXAMPLES

from connectors.adf_format import DOCUMENT_TYPE, MASK, dump_linked_service, parse_linked_service
from connectors.validation import PLACEHOLDER_MESSAGE
from tests.fixture_secrets import SQL_POOL_PASSWORD

SPARK_EXAMPLES = {
    "docs_connector-spark_linkedservice_v1.json": "1.0",
    "docs_connector-spark_linkedservice_v2.json": "2.0",
    "docs_localized_connector-spark_linkedservice_httpPath_variant.json": "1.0",
}
SQLDW_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("docs_sqldw_ls_*.json"))

PLACEHOLDER_PATHS = {
    "$.properties.typeProperties.host",
    "$.properties.typeProperties.port",
    "$.properties.typeProperties.username",
    "$.properties.typeProperties.password.value",
}

# What each placeholder stands for, as a user would fill it in (port becomes a number).
REAL_VALUES = {
    '"<port>"': "443",
    "<cluster>": "mycluster",
    "<username>": "admin",
    "<password>": SQL_POOL_PASSWORD,
}


def _read(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def _filled_in(name: str) -> str:
    text = _read(name).decode("utf-8")
    for placeholder, value in REAL_VALUES.items():
        assert placeholder in text
        text = text.replace(placeholder, value)
    return text


def test_the_examples_are_there() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*spark*.json")) == sorted(SPARK_EXAMPLES)
    assert len(SQLDW_EXAMPLES) == 5


# --- documentation examples -----------------------------------------------------------------


@pytest.mark.parametrize(("name", "version"), SPARK_EXAMPLES.items())
def test_example_is_refused_naming_each_placeholder(name: str, version: str) -> None:
    parsed = parse_linked_service(_read(name), name)
    assert not parsed.ok
    assert parsed.name == "SparkLinkedService"
    assert parsed.version is not None and parsed.version.version == version
    assert {p.path for p in parsed.problems} == PLACEHOLDER_PATHS
    assert len(parsed.problems) == len(PLACEHOLDER_PATHS)
    for problem in parsed.problems:
        assert problem.message.startswith(PLACEHOLDER_MESSAGE), problem
        assert "put in the real value" in problem.message


@pytest.mark.parametrize(("name", "version"), SPARK_EXAMPLES.items())
def test_example_with_real_values_parses_and_dumps_the_same_content(
    name: str, version: str
) -> None:
    text = _filled_in(name)
    parsed = parse_linked_service(text, name)
    assert parsed.problems == []
    # The documentation's examples have no top-level type: read as a linked service.
    assert parsed.warnings == [
        f"$.type: The file has no type; it is read as a linked service ({DOCUMENT_TYPE})."
    ]
    assert parsed.masked_secrets == []
    assert parsed.version is not None and parsed.version.version == version
    source = json.loads(text)
    assert parsed.properties["typeProperties"] == source["properties"]["typeProperties"]

    dumped = dump_linked_service(parsed.name or "", parsed.properties)
    expected: dict[str, Any] = {
        "name": source["name"],
        "type": DOCUMENT_TYPE,
        "properties": {"annotations": [], **source["properties"]},
    }
    expected["properties"]["typeProperties"]["password"]["value"] = MASK
    assert json.loads(dumped) == expected
    assert "S3cret" not in dumped
    # Written as ADF Studio writes it.
    assert list(json.loads(dumped)) == ["name", "type", "properties"]
    keys = list(json.loads(dumped)["properties"])
    assert keys == [k for k in ("annotations", "type", "version", "typeProperties") if k in keys]
    assert dumped.startswith('{\n\t"name": ')
    assert not dumped.endswith("\n")

    # The export reads back (its password now the mask) and writes out the same bytes.
    again = parse_linked_service(dumped, "export")
    assert again.problems == []
    assert again.masked_secrets == ["$.properties.typeProperties.password"]
    assert dump_linked_service(again.name or "", again.properties) == dumped


@pytest.mark.parametrize("name", SQLDW_EXAMPLES)
def test_sqldw_examples_are_the_legacy_shape_of_the_azure_synapse_connector(name: str) -> None:
    parsed = parse_linked_service(_read(name), name)
    assert parsed.connector is not None and parsed.connector.type == "AzureSqlDW"
    assert parsed.version is not None and parsed.version.version == "legacy"
    # Only the documentation's placeholders are refused.
    assert parsed.problems
    for problem in parsed.problems:
        assert problem.message.startswith(PLACEHOLDER_MESSAGE), problem


# --- ADF git-integration format -----------------------------------------------------------


def _adf_file(lines: list[str]) -> str:
    """Lines indented with one tab per level, joined without a trailing newline."""
    return "\n".join(lines)


ADF_V2 = _adf_file(
    [
        "{",
        '\t"name": "Spark_HDInsight_東京",',
        '\t"type": "Microsoft.DataFactory/factories/linkedservices",',
        '\t"properties": {',
        '\t\t"description": "Entrepôt Spark — données clients (東京) ✓",',
        '\t\t"annotations": [',
        '\t\t\t"team-data",',
        "\t\t\t{",
        '\t\t\t\t"owner": "Zoë"',
        "\t\t\t}",
        "\t\t],",
        '\t\t"type": "Spark",',
        '\t\t"version": "2.0",',
        '\t\t"typeProperties": {',
        '\t\t\t"host": "mycluster.azurehdinsight.net",',
        '\t\t\t"port": 443,',
        '\t\t\t"serverType": "SparkThriftServer",',
        '\t\t\t"thriftTransportProtocol": "HTTP",',
        '\t\t\t"authenticationType": "WindowsAzureHDInsightService",',
        '\t\t\t"username": "admin",',
        '\t\t\t"password": {',
        '\t\t\t\t"type": "SecureString",',
        '\t\t\t\t"value": "**********"',
        "\t\t\t},",
        '\t\t\t"httpPath": "/sparkhive2",',
        '\t\t\t"enableSsl": true,',
        '\t\t\t"enableServerCertificateValidation": false',
        "\t\t},",
        '\t\t"connectVia": {',
        '\t\t\t"referenceName": "AutoResolveIntegrationRuntime",',
        '\t\t\t"type": "IntegrationRuntimeReference"',
        "\t\t},",
        '\t\t"parameters": {',
        '\t\t\t"env": {',
        '\t\t\t\t"type": "String",',
        '\t\t\t\t"defaultValue": "prod"',
        "\t\t\t},",
        '\t\t\t"token": {',
        '\t\t\t\t"type": "SecureString"',
        "\t\t\t}",
        "\t\t}",
        "\t}",
        "}",
    ]
)

ADF_V1 = _adf_file(
    [
        "{",
        '\t"name": "Spark_OnPrem",',
        '\t"type": "Microsoft.DataFactory/factories/linkedservices",',
        '\t"properties": {',
        '\t\t"description": "Serveur Thrift — équipe données",',
        '\t\t"annotations": [],',
        '\t\t"type": "Spark",',
        '\t\t"typeProperties": {',
        '\t\t\t"host": {',
        '\t\t\t\t"type": "Expression",',
        '\t\t\t\t"value": "@linkedService().host"',
        "\t\t\t},",
        '\t\t\t"port": 10000,',
        '\t\t\t"serverType": "SharkServer2",',
        '\t\t\t"thriftTransportProtocol": "SASL",',
        '\t\t\t"authenticationType": "UsernameAndPassword",',
        '\t\t\t"username": "spark",',
        '\t\t\t"password": {',
        '\t\t\t\t"type": "AzureKeyVaultSecret",',
        '\t\t\t\t"store": {',
        '\t\t\t\t\t"referenceName": "AzureKeyVault1",',
        '\t\t\t\t\t"type": "LinkedServiceReference"',
        "\t\t\t\t},",
        '\t\t\t\t"secretName": "spark-password",',
        '\t\t\t\t"secretVersion": "0123456789abcdef"',
        "\t\t\t},",
        '\t\t\t"enableSsl": true,',
        '\t\t\t"trustedCertPath": "C:\\\\certs\\\\cacerts.pem",',
        '\t\t\t"useSystemTrustStore": false,',
        '\t\t\t"allowHostNameCNMismatch": false,',
        '\t\t\t"allowSelfSignedServerCert": false',
        "\t\t},",
        '\t\t"connectVia": {',
        '\t\t\t"referenceName": "SelfHostedIR",',
        '\t\t\t"type": "IntegrationRuntimeReference"',
        "\t\t},",
        '\t\t"parameters": {',
        '\t\t\t"host": {',
        '\t\t\t\t"type": "String",',
        '\t\t\t\t"defaultValue": "spark.example.com"',
        "\t\t\t}",
        "\t\t}",
        "\t}",
        "}",
    ]
)


@pytest.mark.parametrize(
    ("text", "version"),
    [pytest.param(ADF_V2, "2.0", id="2.0"), pytest.param(ADF_V1, "1.0", id="1.0")],
)
def test_adf_git_file_round_trips_byte_for_byte(text: str, version: str) -> None:
    raw = text.encode("utf-8")
    parsed = parse_linked_service(raw, "linkedService/x.json")
    assert parsed.problems == []
    assert parsed.warnings == []
    assert parsed.version is not None and parsed.version.version == version
    dumped = dump_linked_service(parsed.name or "", parsed.properties)
    assert dumped.encode("utf-8") == raw


def test_adf_git_file_with_a_bom_reads() -> None:
    parsed = parse_linked_service(b"\xef\xbb\xbf" + ADF_V2.encode("utf-8"))
    assert parsed.problems == []
    assert dump_linked_service(parsed.name or "", parsed.properties) == ADF_V2


def test_other_layouts_are_written_in_adf_layout() -> None:
    document = json.loads(ADF_V2)
    shuffled = {
        "properties": dict(reversed(list(document["properties"].items()))),
        "name": document["name"],
    }
    parsed = parse_linked_service(json.dumps(shuffled, indent=4) + "\n")
    assert parsed.problems == []
    assert dump_linked_service(parsed.name or "", parsed.properties) == ADF_V2


# --- what the importer forgives, and what it does not --------------------------------------


def _document(version: str, **type_properties: Any) -> str:
    properties: dict[str, Any] = {"type": "Spark"}
    if version == "2.0":
        properties["version"] = "2.0"
    properties["typeProperties"] = {
        "host": "spark.example.com",
        "port": 443,
        "authenticationType": "Anonymous",
        **type_properties,
    }
    return json.dumps({"name": "Spark1", "type": DOCUMENT_TYPE, "properties": properties})


@pytest.mark.parametrize("version", ["2.0", "1.0"])
@pytest.mark.parametrize(
    ("prop", "given", "stored"),
    [
        ("thriftTransportProtocol", "HTTP ", "HTTP"),
        ("thriftTransportProtocol", " HTTP", "HTTP"),
        ("serverType", "SparkThriftServer ", "SparkThriftServer"),
        ("authenticationType", "Anonymous ", "Anonymous"),
    ],
)
def test_enum_values_with_stray_spaces_are_accepted_with_a_warning_and_kept_as_written(
    version: str, prop: str, given: str, stored: str
) -> None:
    parsed = parse_linked_service(_document(version, **{prop: given}))
    assert parsed.problems == []
    assert parsed.properties["typeProperties"][prop] == given
    assert parsed.warnings == [
        f"$.properties.typeProperties.{prop}: {prop} {json.dumps(given)} has stray spaces; "
        f"ADF reads it as {json.dumps(stored)}, and it is kept as written."
    ]
    dumped = dump_linked_service(parsed.name or "", parsed.properties)
    assert f'"{prop}": "{given}"' in dumped


@pytest.mark.parametrize(
    ("version", "given"), [("2.0", "Binary "), ("2.0", "http"), ("1.0", "Http "), ("1.0", "TCP")]
)
def test_other_wrong_enum_values_stay_errors(version: str, given: str) -> None:
    parsed = parse_linked_service(_document(version, thriftTransportProtocol=given))
    assert [p.path for p in parsed.problems] == [
        "$.properties.typeProperties.thriftTransportProtocol"
    ]
    assert parsed.problems[0].message.startswith(f"{given!r} is not allowed. Allowed values: ")


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_exported_leftovers_become_warnings_and_are_kept_as_written(version: str) -> None:
    parsed = parse_linked_service(
        _document(version, password=False, encryptedCredential="ew0KICAiVmVyc2lvbiI6ICIyMDE3")
    )
    assert parsed.problems == []
    assert parsed.properties["typeProperties"]["password"] is False
    assert parsed.properties["typeProperties"]["encryptedCredential"] == (
        "ew0KICAiVmVyc2lvbiI6ICIyMDE3"
    )
    [password] = parsed.warnings
    assert password.startswith("$.properties.typeProperties.password: password is false ")
    assert "ADF ignores it" in password and "kept as written" in password


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_an_ignored_password_that_is_required_is_then_reported(version: str) -> None:
    parsed = parse_linked_service(
        _document(
            version, authenticationType="UsernameAndPassword", username="admin", password=False
        )
    )
    assert len(parsed.warnings) == 1
    assert [p.path for p in parsed.problems] == ["$.properties.typeProperties.password"]
    assert parsed.problems[0].message.startswith("Required when authenticationType is ")


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_a_required_property_of_the_wrong_type_is_an_error_not_dropped(version: str) -> None:
    parsed = parse_linked_service(_document(version, port="abc"))
    assert parsed.warnings == []
    assert [p.path for p in parsed.problems] == ["$.properties.typeProperties.port"]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param(
            '{\n\t"name": "x",\n\t"properties": {\n\t\t"type": "Spark",,\n', 4, 19, id="comma"
        ),
        pytest.param('{\n\t"name": "x"\n\t"properties": {}\n}', 3, 2, id="missing-comma"),
        pytest.param("", 1, 1, id="empty"),
        pytest.param('{"name": "x", "properties": {}} trailing', 1, 33, id="trailing"),
    ],
)
def test_invalid_json_gives_line_and_column(text: str, line: int, column: int) -> None:
    parsed = parse_linked_service(text)
    assert len(parsed.problems) == 1
    problem = parsed.problems[0]
    assert problem.path == "$"
    assert problem.message.startswith(f"Not valid JSON at line {line}, column {column}: ")
    assert problem.message.endswith(".")


def test_non_utf8_bytes_are_refused() -> None:
    parsed = parse_linked_service('{"name": "Entrepôt"}'.encode("latin-1"))
    assert [p.path for p in parsed.problems] == ["$"]
    assert "not UTF-8" in parsed.problems[0].message


@pytest.mark.parametrize("text", ["[]", '"Spark"', "null"])
def test_a_file_that_is_not_an_object_is_refused(text: str) -> None:
    parsed = parse_linked_service(text)
    assert [p.path for p in parsed.problems] == ["$"]
    assert "one JSON object" in parsed.problems[0].message


@pytest.mark.parametrize(
    ("version_value", "says"),
    [
        ("1.0", "Spark 1.0 definitions have no version property"),
        ("3.0", "Spark has no version '3.0' (versions: 2.0, 1.0)."),
        (2.0, 'A version is text, for example "2.0"'),
    ],
)
def test_a_version_no_connector_version_has_is_explained(version_value: Any, says: str) -> None:
    document = {
        "name": "Spark1",
        "properties": {"type": "Spark", "version": version_value, "typeProperties": {}},
    }
    parsed = parse_linked_service(json.dumps(document))
    assert [p.path for p in parsed.problems] == ["$.properties.version"]
    assert says in parsed.problems[0].message

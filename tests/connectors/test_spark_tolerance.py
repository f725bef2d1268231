"""What real ADF Studio files hold that the seed's tables type otherwise (issue 9, points
5 and 6): read as ADF reads it, with a warning naming the property, and kept as written;
what ADF itself would refuse stays an error.

Files are written as ADF Studio writes them: tab-indented, without a trailing newline.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from spark_contract import SPARK, VERSIONS, expression

from connectors.adf_format import DOCUMENT_TYPE, parse_linked_service
from connectors.base import TestOptions
from connectors.formdata import form_from_properties, properties_from_form
from connectors.secrets import masked
from connectors.spark import test_connection as spark_test
from connectors.spark.settings import settings_from_type_properties
from connectors.validation import check_properties

HOST_EXPRESSION = "@{linkedService().hostName}"
TP = "$.properties.typeProperties"


def studio_file(version: str, *, order: tuple[str, ...] | None = None, **changes: Any) -> str:
    """A Spark linked service as ADF Studio writes it, with ``changes`` to typeProperties
    (None removes one); ``parameters=`` and ``document=`` change those parts."""
    type_properties: dict[str, Any] = {
        "host": "spark.example.com",
        "port": 443,
        "authenticationType": "UsernameAndPassword",
        "username": "etl",
        "password": {"type": "SecureString", "value": "S3cret!"},
    }
    parameters = changes.pop("parameters", None)
    document_changes = changes.pop("document", {})
    for key, value in changes.items():
        if value is None:
            type_properties.pop(key, None)
        else:
            type_properties[key] = value
    properties: dict[str, Any] = {"annotations": [], "type": "Spark"}
    if version == "2.0":
        properties["version"] = "2.0"
    properties["typeProperties"] = type_properties
    if parameters is not None:
        properties["parameters"] = parameters
    if order:
        properties = {key: properties[key] for key in order}
    document: dict[str, Any] = {
        "name": "SparkReal",
        "type": DOCUMENT_TYPE,
        "properties": properties,
    }
    document.update(document_changes)
    document = {k: v for k, v in document.items() if v is not None}
    return json.dumps(document, indent="\t", ensure_ascii=False)


def read(text: str, *, pedantic: bool = False) -> Any:
    assert "\n\t" in text and not text.endswith("\n")
    parsed = parse_linked_service(
        text.encode("utf-8"), "linkedService/SparkReal.json", pedantic=pedantic
    )
    assert parsed.version is not None
    return parsed


def kept_as_written(parsed: Any, text: str) -> None:
    assert parsed.properties == json.loads(text)["properties"]
    assert list(parsed.properties) == list(json.loads(text)["properties"])


VERSIONS_IDS = ["2.0", "1.0"]


# --- point 6: each oddity alone ------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_a_port_written_as_text_is_read_as_its_number_with_a_warning(version: str) -> None:
    text = studio_file(version, port="443")
    parsed = read(text)
    assert parsed.problems == []
    assert parsed.warnings == [
        f'{TP}.port: port is the text "443" where a number is documented; ADF reads it '
        "as 443, and it is kept as written."
    ]
    kept_as_written(parsed, text)
    assert parsed.properties["typeProperties"]["port"] == "443"


@pytest.mark.parametrize("version", VERSIONS_IDS)
@pytest.mark.parametrize(
    ("port", "says"),
    [
        ("abc", "Enter a whole number from 1 to 65535"),
        ("70000", "Enter a whole number from 1 to 65535"),
        (70000, "Enter a whole number from 1 to 65535"),
        ("0", "Enter a whole number from 1 to 65535"),
        ("44 3", "Enter a whole number from 1 to 65535"),
    ],
)
def test_a_port_adf_would_refuse_stays_an_error_without_a_warning(
    version: str, port: Any, says: str
) -> None:
    parsed = read(studio_file(version, port=port))
    assert [p.path for p in parsed.problems] == [f"{TP}.port"]
    assert says in parsed.problems[0].message
    assert parsed.warnings == []


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_password_false_is_ignored_with_a_warning_and_kept(version: str) -> None:
    text = studio_file(version, authenticationType="Anonymous", username=None, password=False)
    parsed = read(text)
    assert parsed.problems == []
    assert parsed.warnings == [
        f"{TP}.password: password is false where object is expected; ADF ignores it (as "
        "if password were not set), and it is kept as written."
    ]
    kept_as_written(parsed, text)


@pytest.mark.parametrize("version", VERSIONS_IDS)
@pytest.mark.parametrize(
    ("written", "read_as", "default"),
    [
        ("string", "String", "x"),
        ("securestring", "SecureString", None),
        ("int", "Int", 1),
        ("bool", "Bool", True),
        ("float", "Float", 1.5),
        ("ARRAY", "Array", []),
        ("object", "Object", {}),
    ],
)
def test_a_parameter_type_in_another_case_is_read_as_the_type_with_a_warning(
    version: str, written: str, read_as: str, default: Any
) -> None:
    spec: dict[str, Any] = {"type": written}
    if default is not None:
        spec["defaultValue"] = default
    text = studio_file(version, parameters={"p": spec})
    parsed = read(text)
    assert parsed.problems == []
    assert parsed.warnings == [
        f'$.properties.parameters.p.type: Parameter p has the type "{written}"; ADF reads it '
        f'as "{read_as}", and it is kept as written.'
    ]
    kept_as_written(parsed, text)


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_a_parameter_default_of_the_wrong_type_stays_an_error_whatever_the_case(
    version: str,
) -> None:
    parsed = read(studio_file(version, parameters={"p": {"type": "int", "defaultValue": "x"}}))
    assert [p.path for p in parsed.problems] == ["$.properties.parameters.p.defaultValue"]


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_a_missing_top_level_type_is_a_warning(version: str) -> None:
    text = studio_file(version, document={"type": None})
    parsed = read(text)
    assert parsed.problems == []
    assert parsed.warnings == [
        f"$.type: The file has no type; it is read as a linked service ({DOCUMENT_TYPE})."
    ]
    kept_as_written(parsed, text)


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_a_top_level_type_after_properties_is_a_warning(version: str) -> None:
    document = json.loads(studio_file(version))
    text = json.dumps(
        {"name": document["name"], "properties": document["properties"], "type": DOCUMENT_TYPE},
        indent="\t",
    )
    assert read(text).warnings == [], "key-order advice only on request"
    parsed = read(text, pedantic=True)
    assert parsed.problems == []
    assert parsed.warnings == [
        "$.type: 'type' is written after 'properties'; ADF Studio writes name, type, "
        "properties in that order."
    ]


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_properties_in_another_order_than_studios_are_a_warning_and_kept_in_order(
    version: str,
) -> None:
    order = ("typeProperties", "type", "annotations", *(("version",) if version == "2.0" else ()))
    text = studio_file(version, order=order)
    assert read(text).warnings == [], "key-order advice only on request"
    parsed = read(text, pedantic=True)
    assert parsed.problems == []
    named = [w.split(":")[0] for w in parsed.warnings]
    assert "$.properties.type" in named and "$.properties.annotations" in named
    assert all("ADF Studio writes description, annotations, type" in w for w in parsed.warnings)
    kept_as_written(parsed, text)


# --- point 6: all at once ---------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_every_oddity_at_once_is_read_with_one_warning_each_and_kept_as_written(
    version: str,
) -> None:
    text = studio_file(
        version,
        port="10001",
        host=HOST_EXPRESSION,
        authenticationType="UsernameAndPassword",
        password=False,
        encryptedCredential="ew0KICAiVmVyc2lvbiI6ICIyMDE3LTExLTMwIn0=",
        thriftTransportProtocol="HTTP ",
        parameters={"hostName": {"type": "string"}, "token": {"type": "securestring"}},
        document={"type": None},
    )
    parsed = read(text)
    assert parsed.problems == []
    paths = sorted(w.split(": ")[0] for w in parsed.warnings)
    assert paths == sorted(
        [
            "$.type",
            f"{TP}.port",
            f"{TP}.password",
            f"{TP}.thriftTransportProtocol",
            "$.properties.parameters.hostName.type",
            "$.properties.parameters.token.type",
        ]
    )
    kept_as_written(parsed, text)


# --- point 5: expressions as ADF writes them -----------------------------------------------

EXPRESSION_VALUES = {
    "host": HOST_EXPRESSION,
    "port": "@{linkedService().portNumber}",
    "username": "@linkedService().user",
    "enableSsl": "@bool(linkedService().tls)",
    "httpPath": "@{linkedService().path}",
}
DECLARED = {
    "hostName": {"type": "String"},
    "portNumber": {"type": "Int"},
    "user": {"type": "String"},
    "tls": {"type": "Bool"},
    "path": {"type": "String"},
}


@pytest.mark.parametrize("version", VERSIONS_IDS)
@pytest.mark.parametrize(("prop", "value"), EXPRESSION_VALUES.items())
@pytest.mark.parametrize("form", ["plain", "object"])
def test_an_expression_is_accepted_in_both_forms_and_kept_in_the_form_used(
    version: str, prop: str, value: str, form: str
) -> None:
    written = value if form == "plain" else expression(value)
    text = studio_file(version, parameters=DECLARED, **{prop: written})
    parsed = read(text)
    assert parsed.problems == []
    assert parsed.warnings == []
    assert parsed.properties["typeProperties"][prop] == written


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_an_interpolated_string_is_an_expression(version: str) -> None:
    parsed = read(
        studio_file(
            version,
            host="spark-@{linkedService().env}.example.com",
            parameters={"env": {"type": "String"}},
        )
    )
    assert parsed.problems == []


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_a_literal_at_sign_is_escaped_and_not_an_expression(version: str) -> None:
    parsed = read(studio_file(version, username="@@etl", host="@@spark.example.com"))
    # "@@etl" is the user name "@etl"; "@spark.example.com" is no host name.
    assert [p.path for p in parsed.problems] == [f"{TP}.host"]
    assert parsed.properties["typeProperties"]["username"] == "@@etl"


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_an_expression_where_the_schema_takes_only_allowed_values_stays_an_error(
    version: str,
) -> None:
    parsed = read(studio_file(version, authenticationType="@linkedService().auth"))
    assert [p.path for p in parsed.problems] == [f"{TP}.authenticationType"]


@pytest.mark.parametrize("version", VERSIONS_IDS)
@pytest.mark.parametrize("form", ["plain", "object"])
def test_a_reference_to_an_undeclared_parameter_is_a_warning_naming_it(
    version: str, form: str
) -> None:
    value = "@{linkedService().hostName}"
    text = studio_file(
        version,
        host=value if form == "plain" else expression(value),
        username="@linkedService().USER",
        parameters={"user": {"type": "String"}},
    )
    parsed = read(text)
    assert parsed.problems == []
    [warning] = parsed.warnings
    assert warning.startswith(f"{TP}.host: ")
    assert "'hostName'" in warning and "does not declare" in warning


def test_warnings_come_from_validation_for_every_caller() -> None:
    properties = json.loads(studio_file("2.0", port="443", host=HOST_EXPRESSION))["properties"]
    checked = check_properties(VERSIONS["2.0"], properties)
    assert checked.problems == []
    assert [w.path for w in checked.warnings] == [f"{TP}.port", f"{TP}.host"]


# --- point 5: the form keeps the form the file used ---------------------------------------


@pytest.mark.parametrize("version", VERSIONS_IDS)
@pytest.mark.parametrize(("prop", "value"), EXPRESSION_VALUES.items())
@pytest.mark.parametrize("form", ["plain", "object"])
def test_both_expression_forms_round_trip_through_the_form(
    version: str, prop: str, value: str, form: str
) -> None:
    written = value if form == "plain" else expression(value)
    # HTTP, so that httpPath shows in 1.0 too.
    changes = {"thriftTransportProtocol": "HTTP", prop: written}
    properties = json.loads(studio_file(version, parameters=DECLARED, **changes))["properties"]
    connector_version = VERSIONS[version]
    values = form_from_properties(connector_version, properties)
    shown = values.get(f"tp-{prop}__expression", values[f"tp-{prop}"])
    assert shown == value
    back = properties_from_form(SPARK, connector_version, values, stored=properties)
    assert back["typeProperties"][prop] == written
    assert back["typeProperties"] == masked(properties)["typeProperties"]


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_an_expression_typed_on_a_new_form_is_written_as_the_plain_string_studio_writes(
    version: str,
) -> None:
    connector_version = VERSIONS[version]
    values = {
        **form_from_properties(connector_version, json.loads(studio_file(version))["properties"]),
        "tp-host": HOST_EXPRESSION,
    }
    back = properties_from_form(SPARK, connector_version, values)
    assert back["typeProperties"]["host"] == HOST_EXPRESSION


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_an_expression_edited_where_the_file_used_the_object_form_keeps_the_object(
    version: str,
) -> None:
    connector_version = VERSIONS[version]
    properties = json.loads(studio_file(version))["properties"]
    properties["typeProperties"]["host"] = expression("@{linkedService().old}")
    values = {**form_from_properties(connector_version, properties), "tp-host": HOST_EXPRESSION}
    back = properties_from_form(SPARK, connector_version, values, stored=properties)
    assert back["typeProperties"]["host"] == expression(HOST_EXPRESSION)


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_a_lower_case_parameter_type_is_written_as_studio_spells_it_once_edited(
    version: str,
) -> None:
    properties = json.loads(
        studio_file(version, parameters={"token": {"type": "securestring", "defaultValue": "s"}})
    )["properties"]
    values = form_from_properties(VERSIONS[version], properties)
    assert values["param-0-type"] == "SecureString"
    assert values["param-0-default"] == "", "a secure default is never shown"


# --- the connection test reads tolerated values as ADF does -------------------------------


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_the_connection_settings_read_tolerated_values_as_adf_does(version: str) -> None:
    tp = json.loads(
        studio_file(version, port="10001", authenticationType="Anonymous", password=False)
    )["properties"]["typeProperties"]
    tp["thriftTransportProtocol"] = "HTTP "
    settings = settings_from_type_properties(version, tp, None)
    assert settings.port == 10001
    assert settings.transport.value == "HTTP"


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_a_connection_test_names_a_plain_string_expression_before_connecting(
    version: str,
) -> None:
    tp = json.loads(studio_file(version, host=HOST_EXPRESSION))["properties"]["typeProperties"]
    report = spark_test(VERSIONS[version], tp, TestOptions(lambda _address: "no network"))
    observed = report["stages"][0]["observed"]
    assert f"host is the ADF expression {HOST_EXPRESSION!r}" in observed

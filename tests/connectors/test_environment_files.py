"""Override files read and written byte for byte, and edited one row at a time."""

from __future__ import annotations

import json

import pytest

from connectors.environments import Format, recognise
from connectors.environments.arm import parse_arm_parameters
from connectors.environments.config_csv import parse_config_csv, render_cell
from connectors.environments.config_json import entries, parse_config_json
from connectors.environments.text import NotText
from tests.connectors.environments_data import DEPLOYMENT

ALL_FILES = sorted(p.name for p in DEPLOYMENT.iterdir())


def _model(name: str, raw: bytes):
    recognised = recognise(f"deployment/{name}", raw)
    assert recognised is not None
    if recognised.format is Format.ADFTOOLS_CSV:
        return parse_config_csv(name, raw)
    if recognised.format is Format.ADFTOOLS_JSON:
        return parse_config_json(name, raw)
    return parse_arm_parameters(name, raw)


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_override_file_writes_back_byte_for_byte_when_unedited(name: str) -> None:
    raw = (DEPLOYMENT / name).read_bytes()
    assert _model(name, raw).to_bytes() == raw


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbftype,name,path,value\r\ntrigger,T,runtimeState,Started\r\n",
        b'type,name,path,value\n\n# a comment, with "quotes"\n\n',
        b'type,name,path,value\npipeline,"P, with comma","a.b","multi\nline ""value"""\n',
        b"type,name,path,value\rtrigger,T,runtimeState,Started",
        b'Type,Name,Path,Value\ndataset,D,typeProperties.x,"\xc2\xa6"\n',
    ],
)
def test_csv_files_of_every_shape_write_back_byte_for_byte(raw: bytes) -> None:
    assert parse_config_csv("c.csv", raw).to_bytes() == raw


def test_a_quoted_csv_field_is_read_as_the_tool_reads_it() -> None:
    config = parse_config_csv("c.csv", b'type,name,path,value\np,"A, B",x,"say ""hi"""x\n')
    (row,) = config.rows()
    assert row.text("name") == "A, B"
    assert row.text("value") == 'say "hi"x'
    # A quote inside an unquoted field is an ordinary character.
    config = parse_config_csv("c.csv", b'type,name,path,value\np,P,x,{"type": "int32"}\n')
    assert next(config.rows()).text("value") == '{"type": "int32"}'


def test_a_value_spanning_lines_keeps_the_line_numbers_of_the_rows_after_it() -> None:
    config = parse_config_csv("c.csv", b'type,name,path,value\np,P,x,"one\ntwo"\np,Q,y,z\n')
    rows = list(config.rows())
    assert [r.record.line for r in rows] == [2, 4]
    assert rows[0].text("value") == "one\ntwo"


def test_changing_one_csv_row_rewrites_only_that_row() -> None:
    raw = (DEPLOYMENT / "config-test.csv").read_bytes()
    config = parse_config_csv("config-test.csv", raw)
    row = next(r for r in config.rows() if r.text("path") == "runtimeState")
    config.set_cells(row.index, value="Stopped")
    lines, new_lines = raw.split(b"\r\n"), config.to_bytes().split(b"\r\n")
    changed = [n for n, (a, b) in enumerate(zip(lines, new_lines, strict=True)) if a != b]
    assert changed == [row.record.line - 1]
    assert new_lines[row.record.line - 1] == b"trigger,TR_Daily,runtimeState,Stopped"


def test_a_changed_csv_cell_keeps_its_quotes_and_the_others_their_exact_text() -> None:
    raw = b'type,name,path,value\nlinkedService,"LS",typeProperties.url,"https://a/"\n'
    config = parse_config_csv("c.csv", raw)
    config.set_cells(1, value="https://b/, with comma")
    assert config.to_bytes() == (
        b'type,name,path,value\nlinkedService,"LS",typeProperties.url,"https://b/, with comma"\n'
    )


def test_adding_and_removing_csv_rows_leaves_every_other_row_as_it_was() -> None:
    raw = (DEPLOYMENT / "config-test.csv").read_bytes()
    config = parse_config_csv("config-test.csv", raw)
    index = config.add_row("linkedService", "LS_Spark", "typeProperties.httpPath", "sql/1.0")
    # The file had no final newline: the new row brings one before it, nothing else.
    assert (
        config.to_bytes() == raw + b"\r\nlinkedService,LS_Spark,typeProperties.httpPath,sql/1.0\r\n"
    )
    config.remove_row(index)
    assert config.to_bytes() == raw + b"\r\n"
    first = next(config.rows())
    config.remove_row(first.index)
    assert first.record.raw.encode() not in config.to_bytes()
    assert config.to_bytes() == raw.replace(first.record.raw.encode(), b"", 1) + b"\r\n"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Started", "Started"),
        ("https://kv.vault.azure.net/", "https://kv.vault.azure.net/"),
        ("West Europe", '"West Europe"'),
        ('{"a": 1}', '"{""a"": 1}"'),
        ("a,b", '"a,b"'),
        ("#not a comment", '"#not a comment"'),
        ("", '""'),
    ],
)
def test_new_csv_cells_are_bare_when_they_can_be_and_quoted_otherwise(
    value: str, written: str
) -> None:
    assert render_cell(value) == written


def test_a_csv_file_that_is_not_utf8_is_refused_with_the_byte_where_it_fails() -> None:
    with pytest.raises(NotText, match="at byte 23"):
        parse_config_csv("c.csv", b"type,name,path,value\np,\xff\xfe,x,y\n")


def test_json_config_entries_know_where_each_field_is() -> None:
    config = parse_config_json("config-prod.json", (DEPLOYMENT / "config-prod.json").read_bytes())
    items, problems = entries(config)
    assert problems == []
    assert [(i.object_name, i.index, i.action) for i in items] == [
        ("LS_KeyVault", 0, "update"),
        ("LS_Spark", 0, "update"),
        ("LS_Spark", 1, "update"),
        ("TR_*", 0, "update"),
    ]
    assert (items[3].where["value"].line, items[3].where["value"].column) == (22, 16)


def test_editing_a_json_config_entry_changes_only_its_value() -> None:
    raw = (DEPLOYMENT / "config-prod.json").read_bytes()
    config = parse_config_json("config-prod.json", raw)
    config.set_entry("TR_*", 0, value="Stopped")
    assert config.to_bytes() == raw.replace(b'"Started"', b'"Stopped"')


def test_adding_an_action_to_a_json_entry_adds_one_line_like_its_siblings() -> None:
    raw = (DEPLOYMENT / "config-prod.json").read_bytes()
    config = parse_config_json("config-prod.json", raw)
    config.set_entry("TR_*", 0, action="remove")
    assert config.to_bytes() == raw.replace(
        b'"value": "Started"\n', b'"value": "Started",\n      "action": "remove"\n'
    )


def test_adding_and_removing_json_entries_keeps_the_rest_of_the_file() -> None:
    raw = (DEPLOYMENT / "config-prod.json").read_bytes()
    config = parse_config_json("config-prod.json", raw)
    config.add_entry("LS_Blob", "-typeProperties.encryptedCredential", "", "remove")
    document = json.loads(config.to_bytes())
    assert document["LS_Blob"] == [
        {"name": "-typeProperties.encryptedCredential", "value": "", "action": "remove"}
    ]
    assert config.to_bytes().startswith(raw.rstrip(b"\n").rsplit(b"\n", 1)[0])
    config.remove_entry("LS_Blob", 0)
    assert config.to_bytes() == raw
    config.add_entry("TR_*", "typeProperties.recurrence.interval", "2")
    config.remove_entry("TR_*", 1)
    assert config.to_bytes() == raw
    config.remove_entry("LS_Spark", 0)
    assert json.loads(config.to_bytes())["LS_Spark"][0]["name"] == "typeProperties.password"
    assert config.to_bytes().count(b"\n") == raw.count(b"\n") - 5


def test_arm_parameter_values_are_edited_in_place() -> None:
    raw = (DEPLOYMENT / "ARMTemplateParametersForFactory.uat.json").read_bytes()
    arm_file = parse_arm_parameters("p.json", raw)
    arm_file.set_value("TR_Daily_properties_PL_Load_parameters_env", "uat2")
    assert arm_file.to_bytes() == raw.replace(b'"value": "uat"', b'"value": "uat2"')
    arm_file.set_value("LS_Blob_connectionString", "$(BLOB_CONNECTION)")
    assert json.loads(arm_file.to_bytes())["parameters"]["LS_Blob_connectionString"] == {
        "value": "$(BLOB_CONNECTION)"
    }
    arm_file = parse_arm_parameters("p.json", raw)
    arm_file.set_value("LS_Spark_properties_typeProperties_username", "etl_uat")
    assert arm_file.to_bytes().endswith(
        b'\t\t},\n\t\t"LS_Spark_properties_typeProperties_username": {\n\t\t\t"value": "etl_uat"'
        b"\n\t\t}\n\t}\n}"
    )
    assert json.loads(arm_file.to_bytes())["parameters"][
        "LS_Spark_properties_typeProperties_username"
    ] == {"value": "etl_uat"}
    arm_file.remove("LS_Spark_properties_typeProperties_username")
    assert arm_file.to_bytes() == raw


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("deployment/config-uat.csv", (Format.ADFTOOLS_CSV, "uat")),
        ("adf/deployment/config-PROD.json", (Format.ADFTOOLS_JSON, "PROD")),
        ("deployment/ARMTemplateParametersForFactory.prod.json", (Format.ARM_PARAMETERS, "prod")),
        ("deployment/test/ARMTemplateParametersForFactory.json", (Format.ARM_PARAMETERS, "test")),
        ("parameters.qa.json", (Format.ARM_PARAMETERS, "qa")),
        ("arm-template-parameters-definition.json", None),
        ("ARMTemplateParametersForFactory.json", None),
        ("linkedTemplates/ArmTemplateParameters_master.json", None),
        ("deployment/filter.txt", None),
        ("publish_config.json", None),
    ],
)
def test_override_files_are_recognised_by_their_path(path: str, expected: tuple | None) -> None:
    found = recognise(path)
    assert (None if found is None else (found.format, found.environment)) == expected


def test_a_json_file_named_like_parameters_is_an_environment_only_when_it_holds_parameters() -> (
    None
):
    assert recognise(
        "deployment/parameters.prod.json", b'{"parameters": {}, "contentVersion": "1"}'
    )
    assert recognise("deployment/parameters.prod.json", b'{"rows": []}') is None

"""Environments checked at the row: overrides applied as azure.datafactory.tools applies
them, wrong rows flagged where they are, effective definitions validated, secrets refused."""

from __future__ import annotations

import json

import pytest

from connectors.environments import EnvironmentInput, Severity, check_environments
from connectors.environments.adftools import coerce
from connectors.environments.arm import default_template, parameters_of
from connectors.environments.lenient_json import loads_lenient
from connectors.environments.paths import PathError, parse_path
from connectors.environments.tokens import expand
from tests.connectors.environments_data import (
    TEST_VARIABLES,
    base,
    checked,
    effective,
    override_file,
)


def _at(result, line: int) -> list[str]:
    return [
        f"{f.severity}:{f.code}:{f.where.field}:{f.message}"
        for f in result.findings
        if f.where.line == line
    ]


def test_the_good_csv_config_applies_every_row_as_the_tool_does() -> None:
    result = checked("config-test.csv", TEST_VARIABLES)
    assert result.findings == []
    assert effective(result, "linkedService", "LS_KeyVault")["typeProperties"]["baseUrl"] == (
        "https://kv-contoso-test.vault.azure.net/"
    )
    spark = effective(result, "linkedService", "LS_Spark")
    assert spark["parameters"]["clusterHost"]["defaultValue"] == "spark-test.example.com"
    assert spark["typeProperties"]["port"] == 10001  # a number stays a number
    blob = effective(result, "linkedService", "LS_Blob")
    assert "encryptedCredential" not in blob["typeProperties"]
    for name in ("PL_Load", "PL_Archive"):  # the wildcard row
        assert effective(result, "pipeline", name)["annotations"] == ["test"]
    load = effective(result, "pipeline", "PL_Load")
    assert load["activities"][0]["typeProperties"]["waitTimeInSeconds"] == 7  # $Env:WAIT_SECONDS
    inner = load["activities"][1]["typeProperties"]["ifTrueActivities"][0]
    assert inner["typeProperties"]["waitTimeInSeconds"] == 20  # items by name
    assert load["parameters"]["batch"] == {"type": "int", "defaultValue": 500}  # single quotes
    trigger = effective(result, "trigger", "TR_Daily")
    assert trigger["runtimeState"] == "Started"
    assert trigger["typeProperties"]["recurrence"]["startTime"] == "2024-02-01T03:00:00.000Z"
    assert trigger["typeProperties"]["recurrence"]["interval"] == 1  # a comment row
    factory = effective(result, "factory", "ContosoFactory")["globalParameters"]
    assert factory["env-name"]["value"] == "test"
    assert factory["retries"]["value"] == 3
    assert factory["region"] == {"value": "West Europe", "type": "string"}  # added


def test_an_unchanged_resource_is_the_repository_s_own_definition() -> None:
    result = checked("config-test.csv", TEST_VARIABLES)
    dataset = result.workspace.base.get("dataset", "DS_Sales")
    assert dataset is not None
    assert not result.changed(dataset)
    assert result.effective(dataset) is dataset.properties


def test_every_wrong_row_of_the_bad_config_is_flagged_at_its_row_and_field() -> None:
    result = checked("config-bad.csv")
    assert _at(result, 2) == []
    assert _at(result, 3) == [
        "error:ADFT0007:name:Could not find object: linkedService.LS_Nowhere."
    ]
    assert _at(result, 4) == [
        "error:ADFT0010:path:Cannot change properties.typeProperties.baseUrll: "
        "properties.typeProperties has no property 'baseUrll' (it has: baseUrl)."
    ]
    (wrong_separator,) = [f for f in result.findings if f.where.line == 5]
    assert wrong_separator.code == "ADFT0010"
    assert wrong_separator.where.column == len("linkedService,LS_KeyVault,typeProperties") + 1
    assert "':' cannot follow a name here" in wrong_separator.message
    assert _at(result, 6)[0].startswith("error:ADFT0022:type:Type 'widget' is not supported")
    assert _at(result, 7) == ["error:ADFT0023:name:The name is empty."]
    assert _at(result, 8)[0].startswith("error:ADFT0025:value:The row has 5 columns")
    assert _at(result, 9) == ["error::value:The property is a number: the value must be one."]
    assert _at(result, 10)[0].startswith("error::value:A secret in an override file is a Key Vault")
    assert _at(result, 11) == [
        "error::value:The connection string holds 'AccountKey' in clear: a secret in an override "
        "file is a Key Vault reference or an environment token ($($Env:NAME))."
    ]
    assert _at(result, 12) == [
        "error::value:In this environment: 'Kerberos' is not allowed. Allowed values: "
        "Anonymous, UsernameAndPassword, WindowsAzureHDInsightService."
    ]
    assert _at(result, 13) == [
        "warning::value:$($Env:SPARK_HOST) has no value in environment 'bad'."
    ]
    assert "adds along property names only" in _at(result, 14)[0]
    assert "exists already" in _at(result, 15)[0]
    assert not result.ok


def test_no_finding_ever_repeats_a_secret_written_in_an_override() -> None:
    result = checked("config-bad.csv")
    text = json.dumps([f.as_dict() for f in result.findings])
    assert "hunter2" not in text
    assert "abc123" not in text


def test_a_token_with_no_value_in_the_environment_is_named_and_not_validated() -> None:
    result = checked("config-test.csv", {"Stage": "test"})
    assert [(f.severity, f.message) for f in result.findings] == [
        (Severity.WARNING, "$Env:WAIT_SECONDS has no value in environment 'test'.")
    ]
    load = effective(result, "pipeline", "PL_Load")
    assert load["activities"][0]["typeProperties"]["waitTimeInSeconds"] == "$Env:WAIT_SECONDS"


def test_a_secret_given_as_a_token_or_a_key_vault_reference_is_accepted() -> None:
    rows = (
        b"type,name,path,value\n"
        b"linkedService,LS_Spark,typeProperties.password,"
        b'"{""type"": ""SecureString"", ""value"": ""$($Env:SPARK_PASSWORD)""}"\n'
        b'linkedService,LS_Blob,typeProperties.connectionString,"AccountName=c;AccountKey=$($Env:KEY);"\n'
        b"linkedService,LS_Blob,+typeProperties.accountKey,"
        b'"{""type"": ""SecureString"", ""value"": ""$($Env:KEY2)""}"\n'
    )
    result = checked("config-secrets.csv", raw=rows)
    assert not result.errors
    assert [f.severity for f in result.findings] == [Severity.NOTE] * 3
    assert "never kept here" in result.findings[0].message
    prod = checked("config-prod.json")
    assert prod.findings == []
    password = effective(prod, "linkedService", "LS_Spark")["typeProperties"]["password"]
    assert password["secretName"] == "spark-etl-password-prod"


def test_a_bare_token_cannot_replace_a_secret_object() -> None:
    raw = b'type,name,path,value\nlinkedService,LS_Spark,typeProperties.password,"$($Env:PWD)"\n'
    result = checked("config-token.csv", raw=raw)
    (finding,) = result.errors
    assert finding.message.startswith("The property is an object: the value must be JSON")


def test_the_json_form_matches_any_kind_by_wildcard_and_says_which_object_is_missing() -> None:
    result = checked("config-prod.json")
    assert effective(result, "trigger", "TR_Daily")["runtimeState"] == "Started"
    missing = b'{\n  "LS_Nope": [{"name": "typeProperties.baseUrl", "value": "x"}],\n  "X": 1\n}'
    result = checked("config-missing.json", raw=missing)
    assert [(f.code, f.where.line, f.where.field) for f in result.findings] == [
        ("", 3, "object"),
        ("ADFT0017", 2, "object"),
    ]


def test_a_wrong_action_in_the_json_form_is_refused_at_the_action() -> None:
    raw = b'{"LS_KeyVault": [{"name": "typeProperties.baseUrl", "value": "x", "action": "upsert"}]}'
    result = checked("config-action.json", raw=raw)
    (finding,) = result.findings
    assert finding.where.field == "action"
    assert "add, update or remove" in finding.message


def test_rows_read_the_definitions_as_the_rows_before_them_left_them() -> None:
    raw = (
        b"type,name,path,value\n"
        b'pipeline,PL_Load,activities[1].name,"Check Env"\n'
        b'pipeline,PL_Load,"activities[""Check Env""].typeProperties.ifTrueActivities[0].name",'
        b"Wait\n"
    )
    result = checked("config-rename.csv", raw=raw)
    load = effective(result, "pipeline", "PL_Load")
    assert load["activities"][1]["name"] == "Check Env"
    assert load["activities"][1]["typeProperties"]["ifTrueActivities"][0]["name"] == "Wait"
    assert result.ok


def test_a_problem_an_override_causes_elsewhere_is_reported_at_that_override() -> None:
    raw = b'type,name,path,value\npipeline,PL_Load,activities[0].name,"Wait Later"\n'
    result = checked("config-rename.csv", raw=raw)
    (finding,) = result.errors
    assert finding.where.line == 2
    assert finding.json_path == "$.properties.activities[1].dependsOn[0].activity"
    assert "'Wait First'" in finding.message


def test_removing_a_required_property_is_flagged_at_the_removal() -> None:
    raw = b"type,name,path,value\nlinkedService,LS_Spark,-typeProperties.username,\n"
    result = checked("config-remove.csv", raw=raw)
    (finding,) = result.errors
    assert (finding.where.line, finding.json_path) == (2, "$.properties.typeProperties.username")
    assert "Required when authenticationType is" in finding.message


def test_the_arm_parameter_file_overrides_the_parameters_of_adf_s_default_template() -> None:
    result = checked("ARMTemplateParametersForFactory.uat.json")
    assert result.findings == []
    assert effective(result, "linkedService", "LS_Spark")["typeProperties"]["host"] == (
        "spark-uat.example.com"
    )
    trigger = effective(result, "trigger", "TR_Daily")
    assert trigger["pipelines"][0]["parameters"]["env"] == "uat"
    blob = result.workspace.base.get("linkedService", "LS_Blob")
    assert blob is not None and not result.changed(blob)  # a Key Vault reference


def test_adf_s_default_template_makes_the_parameters_publish_makes() -> None:
    parameters = {p.name: p for p in parameters_of(base(), default_template())}
    assert set(parameters) == {
        "LS_KeyVault_properties_typeProperties_baseUrl",
        "LS_Spark_properties_typeProperties_host",
        "LS_Spark_properties_typeProperties_username",
        "LS_Blob_connectionString",
        "TR_Daily_properties_PL_Load_parameters_env",
        "ContosoFactory_properties_globalParameters_env-name_value",
        "ContosoFactory_properties_globalParameters_retries_value",
        "ContosoFactory_properties_globalParameters_strict_value",
    }
    blob = parameters["LS_Blob_connectionString"]
    assert (blob.type, blob.has_default) == ("securestring", False)
    vault = parameters["LS_KeyVault_properties_typeProperties_baseUrl"]
    assert (vault.type, vault.default) == ("string", "https://kv-contoso-dev.vault.azure.net/")


def test_a_custom_parameterisation_template_decides_names_types_and_defaults() -> None:
    template = {
        "Microsoft.DataFactory/factories/linkedServices": {
            "Spark": {"properties": {"typeProperties": {"port": "-::int", "host": "=:-sparkHost"}}}
        },
        "Microsoft.DataFactory/factories/pipelines": {
            "properties": {"parameters": {"*": {"defaultValue": "=:default:"}}}
        },
    }
    parameters = {p.name: p for p in parameters_of(base(), template)}
    assert (parameters["LS_Spark_properties_typeProperties_port"].type) == "int"
    assert not parameters["LS_Spark_properties_typeProperties_port"].has_default
    assert "LS_Spark_sparkHost" in parameters
    assert "PL_Load_properties_parameters_batch_default" in parameters
    assert "LS_KeyVault_properties_typeProperties_baseUrl" not in parameters


def test_wrong_arm_parameters_are_flagged_at_their_line() -> None:
    raw = (
        b'{\n  "$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json#",\n'
        b'  "contentVersion": "1.0.0.0",\n'
        b'  "parameters": {\n'
        b'    "LS_KeyVault_properties_typeProperties_baseURL": {"value": "https://kv/"},\n'
        b'    "LS_Spark_properties_typeProperties_hots": {"value": "h"},\n'
        b'    "LS_Blob_connectionString": {"value": "AccountName=a;AccountKey=k"},\n'
        b'    "ContosoFactory_properties_globalParameters_retries_value": {"value": 3},\n'
        b'    "LS_Spark_properties_typeProperties_username": {"value": "$(SPARK_USER)"}\n'
        b"  }\n}\n"
    )
    result = checked("ARMTemplateParametersForFactory.bad.json", raw=raw)
    lines = {f.where.line: f for f in result.findings}
    assert 5 not in lines  # names ignore case, as ARM's do
    assert "did you mean 'LS_Spark_properties_typeProperties_host'" in lines[6].message
    assert lines[7].message.startswith("A secret in an ARM parameter file is a Key Vault")
    assert "is of type string; the value is not" in lines[8].message
    assert (lines[9].severity, lines[9].message) == (
        Severity.WARNING,
        "$(SPARK_USER) has no value in environment 'bad'.",
    )


def test_every_environment_of_a_factory_is_checked_against_the_same_repository() -> None:
    results = check_environments(
        base(),
        [
            EnvironmentInput("dev", [], is_repository=True),
            EnvironmentInput("test", [override_file("config-test.csv")], TEST_VARIABLES),
            EnvironmentInput("uat", [override_file("ARMTemplateParametersForFactory.uat.json")]),
            EnvironmentInput("prod", [override_file("config-prod.json")]),
        ],
    )
    assert [(r.name, r.ok) for r in results] == [
        ("dev", True),
        ("test", True),
        ("uat", True),
        ("prod", True),
    ]
    assert all(len(r.problems) == 8 for r in results)


@pytest.mark.parametrize(
    ("text", "keys", "action"),
    [
        ("typeProperties.url", ("typeProperties", "url"), "update"),
        ("$.properties.typeProperties.url", ("typeProperties", "url"), "update"),
        ("+$.properties.a.b", ("a", "b"), "add"),
        (
            "-typeProperties.encryptedCredential",
            ("typeProperties", "encryptedCredential"),
            "remove",
        ),
        (
            'activities["Copy Data"].typeProperties',
            ("activities", "Copy Data", "typeProperties"),
            "update",
        ),
        ("activities['It''s'].name", ("activities", "It's", "name"), "update"),
        ("activities[0].outputs[1].x", ("activities", 0, "outputs", 1, "x"), "update"),
        (
            "globalParameters.'GP-String'.value",
            ("globalParameters", "GP-String", "value"),
            "update",
        ),
    ],
)
def test_paths_are_read_as_the_tool_reads_them(text: str, keys: tuple, action: str) -> None:
    path = parse_path(text)
    assert tuple(s.key for s in path.segments) == keys
    assert path.action == action


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("typeProperties:baseUrl", 14),
        ("globalParameters.GP-String.value", 19),
        ("$.activities[0]", 0),
        ("a..b", 2),
        ("a.", 2),
        ("activities[x]", 10),
    ],
)
def test_paths_the_tool_cannot_evaluate_are_refused_where_they_go_wrong(
    text: str, offset: int
) -> None:
    with pytest.raises(PathError) as caught:
        parse_path(text)
    assert caught.value.offset == offset


def test_tokens_are_found_in_every_form_the_tool_expands() -> None:
    expansion = expand("https://$($Env:A)-${env:B}.x/$Env:C_1.y `$notatoken $(Get-Date)")
    assert [t.name for t in expansion.tokens] == ["A", "B", "C_1"]
    assert expansion.expressions == ("$(Get-Date)",)
    text, missing = expansion.resolve({"a": "1", "B": "2"})
    assert text.startswith("https://1-2.x/$Env:C_1.y $notatoken")
    assert [t.name for t in missing] == ["C_1"]
    assert expand("$($Env:SECRET)").only_tokens
    assert not expand("x$($Env:SECRET)").only_tokens


@pytest.mark.parametrize(
    ("replaced", "text", "expected"),
    [
        (1, "2", 2),
        (1.5, "2.5", 2.5),
        (True, "False", False),
        ("a", "123", "123"),
        ({"a": 1}, "{'b': 'c'}", {"b": "c"}),
        ([1], "[2, 3]", [2, 3]),
        ("2020-01-01T00:00:00Z", "2021-06-01T23:22:11", "2021-06-01T23:22:11.000Z"),
        ("2020-01-01T00:00:00Z", "2021-06-01T23:22:11.000+10:00", "2021-06-01T23:22:11.000+10:00"),
        (None, "x", "x"),
    ],
)
def test_values_take_the_type_of_the_property_they_replace(replaced, text, expected) -> None:
    assert coerce(replaced, text) == expected


@pytest.mark.parametrize(("replaced", "text"), [(1, "many"), (True, "yes"), ([1], "{}"), (1, "")])
def test_a_value_of_the_wrong_type_is_refused(replaced, text) -> None:
    with pytest.raises(ValueError):
        coerce(replaced, text)


def test_single_quoted_json_is_read_as_powershell_reads_it() -> None:
    assert loads_lenient("{'type': 'int32','defaultValue': 22}") == {
        "type": "int32",
        "defaultValue": 22,
    }
    assert loads_lenient('{"a": "it\'s"}') == {"a": "it's"}


def test_a_clear_secret_is_masked_in_its_row_alone() -> None:
    from connectors.environments.masking import masked_file

    file = override_file("config-bad.csv")
    data, lines = masked_file(file, base())
    assert lines == [10, 11]
    before, after = file.raw.split(b"\n"), data.split(b"\n")
    assert [n for n, (a, b) in enumerate(zip(before, after, strict=True), 1) if a != b] == [10, 11]
    assert b"hunter2" not in data and b"abc123" not in data
    good = override_file("config-test.csv")
    assert masked_file(good, base()) == (good.raw, [])


def test_a_clear_secure_parameter_of_an_arm_file_is_masked() -> None:
    from connectors.environments.masking import masked_file

    raw = (
        b'{"$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters'
        b'.json#", "contentVersion": "1.0.0.0", "parameters": {\n'
        b'  "LS_Blob_connectionString": {"value": "AccountName=a;AccountKey=k1"},\n'
        b'  "LS_Spark_properties_typeProperties_host": {"value": "h"}\n}}'
    )
    data, lines = masked_file(override_file("ARMTemplateParametersForFactory.x.json", raw), base())
    assert lines == [2]
    assert json.loads(data)["parameters"]["LS_Blob_connectionString"] == {"value": "**********"}
    assert data.split(b"\n")[3] == raw.split(b"\n")[3]

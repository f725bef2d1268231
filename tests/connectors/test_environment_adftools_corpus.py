"""Acceptance: azure.datafactory.tools' own test configs and the factory they apply to.

The corpus is the tool's ``test/BigFactorySample2`` and ``test/BigFactorySample2_vnet``
folders (github.com/Azure-Player/azure.datafactory.tools, MIT licence, Copyright (c)
2020-2021 Kamil Nowinski @ SQLPlayer.net). It is not vendored in this repository: it is
read from ``$LINKWRIGHT_ADFTOOLS_CORPUS`` or from ``../shared/azure.datafactory.tools/test``
beside the project, and these tests are skipped, saying so, when neither holds it.

Its good configs read and write byte for byte and apply without a row error; its
deliberately bad ones (bad format, bad type, wrong path, missing object) and two that
would fail at deploy (a property that does not exist, a storage key in clear) are flagged
at their row with the tool's error code where it has one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connectors.adf_repository import read_repository
from connectors.environments import (
    EnvironmentInput,
    OverrideFile,
    base_from_repository,
    check_environment,
    recognise,
)
from connectors.environments.arm import parse_arm_parameters
from connectors.environments.config_csv import parse_config_csv
from connectors.environments.config_json import parse_config_json

PROJECT = Path(__file__).resolve().parents[2]
CORPUS = Path(
    os.environ.get(
        "LINKWRIGHT_ADFTOOLS_CORPUS", PROJECT.parent / "shared" / "azure.datafactory.tools" / "test"
    )
)
SAMPLE = CORPUS / "BigFactorySample2"
VNET = CORPUS / "BigFactorySample2_vnet"
pytestmark = pytest.mark.skipif(
    not (SAMPLE / "deployment").is_dir(),
    reason=f"azure.datafactory.tools' test corpus is not at {CORPUS} "
    "(set LINKWRIGHT_ADFTOOLS_CORPUS to its test/ folder)",
)
VARIABLES = {
    "NUMBER_OF_PROCESSORS": "6",
    "SYSTEM_STAGEDISPLAYNAME": "dev",
    "USERDOMAIN": "contoso",
    "USERNAME": "deployer",
    "DatabricksClusterId": "0820-210125-test000",
    "Region": "uks",
    "ProjectName": "adft",
    "Environment": "uat",
    "HDFCREDENTIALTYPE": "ServicePrincipalKey",
    "env": "uat",
}
GOOD = [
    "config-c001.csv",
    "config-c002.csv",
    "config-c002a.csv",
    "config-c002b.csv",
    "config-c003-variables.csv",
    "config-c100.csv",
    "config-c100.json",
    "config-commented.csv",
    "config-globalparam1.csv",
    "config-multiple.csv",
    "config-multiple.json",
    "config-trigger-Disabled.csv",
    "config-trigger-Enabled.csv",
    "config-uat.csv",
]
BAD = {
    "config-badformat.csv": [
        (3, "ADFT0023", "name"),
        (4, "ADFT0025", "value"),
        (5, "ADFT0022", "type"),
    ],
    "config-badtype.csv": [(4, "ADFT0022", "type")],
    "config-c004-wrongpath.csv": [(2, "ADFT0010", "path")],
    "config-missing.csv": [(2, "ADFT0007", "name")],
    "config-missing.json": [(2, "ADFT0017", "object")],
    # A property BlobSampleData does not have: the tool fails to set it at deploy.
    "config-issue49.csv": [(3, "ADFT0010", "path")],
    # A storage account key written in clear in the config file.
    "config-c005-extra-action.csv": [(4, "", "value")],
}


def _files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "deployment").iterdir() if p.name.startswith("config-"))


def _checked(root: Path, name: str):
    raw = (root / "deployment" / name).read_bytes()
    path = f"deployment/{name}"
    recognised = recognise(path, raw)
    assert recognised is not None
    base = base_from_repository(read_repository(root))
    file = OverrideFile(path, recognised.format, raw)
    return check_environment(base, EnvironmentInput(recognised.environment, [file], VARIABLES))


@pytest.mark.parametrize("root", [SAMPLE, VNET], ids=["BigFactorySample2", "vnet"])
def test_every_config_of_the_tool_s_tests_reads_and_writes_byte_for_byte(root: Path) -> None:
    files = _files(root)
    assert files
    for file in files:
        raw = file.read_bytes()
        recognised = recognise(f"deployment/{file.name}", raw)
        assert recognised is not None, file.name
        model = (
            parse_config_csv(file.name, raw)
            if file.suffix == ".csv"
            else parse_config_json(file.name, raw)
            if recognised.format.value == "adftools-json"
            else parse_arm_parameters(file.name, raw)
        )
        assert model.to_bytes() == raw, file.name


@pytest.mark.parametrize("name", GOOD)
def test_the_tool_s_good_configs_apply_without_a_row_error(name: str) -> None:
    result = _checked(SAMPLE, name)
    assert result.errors == [], [str(f) for f in result.errors]
    assert result.workspace.changes


@pytest.mark.parametrize("name", ["config-endpoint.csv", "config-endpoint2.json"])
def test_the_tool_s_managed_endpoint_configs_apply_without_a_row_error(name: str) -> None:
    result = _checked(VNET, name)
    assert result.errors == [], [str(f) for f in result.errors]


@pytest.mark.parametrize("name", sorted(BAD))
def test_the_tool_s_bad_configs_are_flagged_at_their_row(name: str) -> None:
    result = _checked(SAMPLE, name)
    found = [(f.where.line, f.code, f.where.field) for f in result.errors]
    assert found == BAD[name], [str(f) for f in result.errors]
    assert all(f.message for f in result.errors)


def test_the_tool_s_array_config_renames_activities_that_others_still_depend_on() -> None:
    # The tool's own test only reads the names back; ADF refuses a dependency on an activity
    # that is not there, so each rename is flagged at its row.
    result = _checked(SAMPLE, "config-array.csv")
    assert [(f.where.line, f.json_path) for f in result.errors] == [
        (2, "$.properties.activities[1].dependsOn[0].activity"),
        (5, "$.properties.activities[1].typeProperties.ifTrueActivities[1].dependsOn[0].activity"),
    ]


def test_the_tool_s_values_take_the_types_its_own_tests_expect() -> None:
    result = _checked(SAMPLE, "config-c001.csv")
    trigger = result.effective(result.workspace.base.get("trigger", "TR_AlwaysDisabled"))
    assert trigger["runtimeState"] == "Started"
    assert trigger["typeProperties"]["recurrence"]["interval"] == 2
    result = _checked(SAMPLE, "config-c002.csv")
    wait = result.effective(result.workspace.base.get("pipeline", "PL_Wait_Dynamic"))
    assert wait["parameters"]["WaitInSec"] == {"type": "int32", "defaultValue": 22}
    for name in ("config-c100.csv", "config-c100.json"):
        result = _checked(SAMPLE, name)
        databricks = result.effective(
            result.workspace.base.get("linkedService", "LS_AzureDatabricks")
        )
        assert databricks["typeProperties"]["existingClusterId"] == "0820-210125-test000"
        assert databricks["typeProperties"]["domain"] == "https://uks.azuredatabricks.net"
        assert "encryptedCredential" not in databricks["typeProperties"]
        daily = result.effective(result.workspace.base.get("trigger", "TR_RunEveryDay"))
        assert daily["typeProperties"]["recurrence"]["startTime"] == "2020-06-01T23:22:11.000Z"
    result = _checked(SAMPLE, "config-globalparam1.csv")
    factory = result.effective(result.workspace.base.get("factory", "BigFactorySample2"))
    parameters = factory["globalParameters"]
    assert parameters["GP-String"]["value"] == "This text has been replaced"
    assert parameters["GP-Int"]["value"] == 2020
    assert parameters["GP-Bool"]["value"] is False
    assert parameters["envName"] == {"value": "POC", "type": "string"}

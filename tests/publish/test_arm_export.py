"""Publish as ADF does: the ARM template of small factories, and the export of every
publish pair (public repositories' adf_publish commits beside their source) compared with
what ADF itself published."""

from __future__ import annotations

import json

import pytest

from connectors.arm import export_arm
from connectors.arm.linked import MAX_RESOURCES
from connectors.factory_checks import Severity, validate
from connectors.factory_snapshot import PARAMETERISATION_FILE, FactorySnapshot
from tests.publish.pairs import compare_pair, load_pairs, pairs_folder

SQL = {
    "name": "Sql",
    "properties": {
        "type": "AzureSqlDatabase",
        "typeProperties": {
            "connectionString": "Data Source=s;Initial Catalog=d",
            "password": {"type": "SecureString", "value": "**********"},
        },
    },
}
TABLE = {
    "name": "Table",
    "properties": {
        "type": "AzureSqlTable",
        "linkedServiceName": {"referenceName": "Sql", "type": "LinkedServiceReference"},
        "typeProperties": {"tableName": "[dbo].[t]"},
    },
}
COPY = {
    "name": "Load",
    "properties": {
        "activities": [
            {
                "name": "Look",
                "type": "Lookup",
                "typeProperties": {
                    "dataset": {"referenceName": "Table", "type": "DatasetReference"}
                },
            }
        ]
    },
}


def factory(*docs: tuple[str, dict], kept: dict[str, bytes] | None = None) -> FactorySnapshot:
    return FactorySnapshot.of("df-dev", [(k, d["name"], d) for k, d in docs], kept)


def test_a_secure_string_becomes_a_secure_string_parameter_without_a_value() -> None:
    exported = export_arm(factory(("linkedService", SQL)))
    parameters = exported.template["parameters"]
    assert parameters["Sql_password"] == {
        "type": "secureString",
        "metadata": "Secure string for 'password' of 'Sql'",
    }
    [resource] = exported.template["resources"]
    assert resource["properties"]["typeProperties"]["password"] == {
        "type": "SecureString",
        "value": "[parameters('Sql_password')]",
    }
    assert "**********" not in json.dumps(exported.template)
    assert exported.parameters_file["parameters"]["Sql_password"] == {"value": ""}


def test_resources_are_named_typed_and_depend_on_what_they_reference() -> None:
    exported = export_arm(factory(("pipeline", COPY), ("dataset", TABLE), ("linkedService", SQL)))
    by_name = {r["name"]: r for r in exported.template["resources"]}
    pipeline = by_name["[concat(parameters('factoryName'), '/Load')]"]
    assert pipeline["type"] == "Microsoft.DataFactory/factories/pipelines"
    assert pipeline["apiVersion"] == "2018-06-01"
    assert pipeline["dependsOn"] == ["[concat(variables('factoryId'), '/datasets/Table')]"]
    dataset = by_name["[concat(parameters('factoryName'), '/Table')]"]
    assert dataset["dependsOn"] == ["[concat(variables('factoryId'), '/linkedServices/Sql')]"]
    assert dataset["properties"]["typeProperties"]["tableName"] == "[[dbo].[t]"
    assert exported.template["parameters"]["factoryName"]["defaultValue"] == "df-dev"
    assert [r["type"].rsplit("/", 1)[1] for r in exported.template["resources"]] == [
        "pipelines",
        "datasets",
        "linkedServices",
    ]


def test_the_default_parameterisation_makes_a_connection_string_a_secure_parameter() -> None:
    exported = export_arm(factory(("linkedService", SQL)))
    spec = exported.template["parameters"]["Sql_connectionString"]
    assert spec["type"] == "secureString"
    assert "defaultValue" not in spec  # the service holds it as a secret beside a password


def test_a_repository_parameterisation_template_decides_what_is_parameterised() -> None:
    custom = {
        "Microsoft.DataFactory/factories/datasets": {
            "*": {"properties": {"typeProperties": {"tableName": "=:-table"}}}
        },
        "Microsoft.DataFactory/factories/linkedServices": {},
    }
    exported = export_arm(
        factory(
            ("dataset", TABLE),
            ("linkedService", SQL),
            kept={PARAMETERISATION_FILE: json.dumps(custom).encode()},
        )
    )
    assert exported.template["parameters"]["Table_table"] == {
        "type": "string",
        "defaultValue": "[[dbo].[t]",
    }
    assert "Sql_connectionString" not in exported.template["parameters"]
    assert "Sql_password" in exported.template["parameters"]  # secure strings always are


def test_global_parameters_are_published_when_the_publish_config_says_so() -> None:
    globals_ = {"env": {"type": "string", "value": "dev"}}
    exported = export_arm(
        factory(
            ("factory", {"name": "df-dev", "properties": {"globalParameters": globals_}}),
            kept={"publish_config.json": b'{"includeGlobalParamsTemplate": true}'},
        )
    )
    [resource] = exported.template["resources"]
    assert resource["type"] == "Microsoft.DataFactory/factories/globalparameters"
    assert resource["properties"]["env"]["value"] == "[parameters('default_properties_env_value')]"
    assert ("globalParameters/df-dev_GlobalParameters.json", globals_) in exported.documents()


def test_a_factory_past_800_resources_is_split_into_linked_templates_in_dependency_order() -> None:
    pipelines = [
        ("pipeline", {"name": f"P{i:04}", "properties": {"activities": []}})
        for i in range(MAX_RESOURCES + 5)
    ]
    exported = export_arm(factory(("linkedService", SQL), *pipelines))
    linked = exported.linked
    assert sorted(linked) == [
        "ArmTemplateParameters_master.json",
        "ArmTemplate_0.json",
        "ArmTemplate_1.json",
        "ArmTemplate_master.json",
    ]
    counts = [len(linked[f"ArmTemplate_{i}.json"]["resources"]) for i in (0, 1)]
    assert counts == [MAX_RESOURCES, 6]
    master = linked["ArmTemplate_master.json"]
    assert master["resources"][1]["dependsOn"] == [
        "[resourceId('Microsoft.Resources/deployments', 'df-dev_ArmTemplate_0')]"
    ]
    assert "containerUri" in master["parameters"]
    findings = validate(factory(("linkedService", SQL), *pipelines))
    assert [f.code for f in findings if f.severity is Severity.WARNING] == ["LW-ARM-001"]


def test_the_files_are_written_as_adf_writes_them() -> None:
    files = dict(export_arm(factory(("linkedService", SQL))).files())
    assert sorted(files) == [
        "ARMTemplateForFactory.json",
        "ARMTemplateParametersForFactory.json",
        "linkedTemplates/ArmTemplateParameters_master.json",
        "linkedTemplates/ArmTemplate_0.json",
        "linkedTemplates/ArmTemplate_master.json",
    ]
    assert files["ARMTemplateForFactory.json"].startswith(b'{\n\t"$schema": ')


PAIRS = pairs_folder()
needs_pairs = pytest.mark.skipif(
    PAIRS is None,
    reason="no publish pairs here (LINKWRIGHT_PUBLISH_PAIRS or ../shared/publish_pairs)",
)


LATEST = "2022"
"""ADF's output changed over the years (pipelines' empty ``policy`` since 2022, ...): the
export follows the latest, measured on the pairs published since."""


@needs_pairs
def test_exports_equal_what_adf_published_on_95_percent_of_resources_since_2022() -> None:
    assert PAIRS is not None
    pairs = load_pairs(PAIRS)
    latest = [compare_pair(p) for p in pairs if p.entry["date"] >= LATEST]
    everything = [compare_pair(p) for p in pairs]
    assert len(latest) >= 20
    for results, floor in ((latest, 0.95), (everything, 0.9)):
        total = sum(r.resources for r in results)
        equal = sum(r.equal_resources for r in results)
        assert equal / total >= floor, f"{equal}/{total}"


@needs_pairs
def test_every_publish_pair_source_validates_with_no_error() -> None:
    assert PAIRS is not None
    for pair in load_pairs(PAIRS):
        errors = [f for f in validate(pair.source()) if f.severity is Severity.ERROR]
        assert errors == [], pair.label

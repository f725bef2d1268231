"""Building Spark 1.0 definitions and answering an upgrade plan's decisions."""

from __future__ import annotations

import copy
from typing import Any

from connectors.registry import get_connector
from connectors.secrets import as_validated
from connectors.upgrade import Plan, plan_connector_upgrade
from connectors.validation import validate_properties
from tests.fixture_secrets import UPGRADE_SECRET

SPARK = get_connector("Spark")
V1 = SPARK.version("1.0")
V2 = SPARK.version("2.0")

SECRET_TEXT = UPGRADE_SECRET
STORED_SECRET = {"type": "SecureString", "secretId": 12}
CLEAR_SECRET = {"type": "SecureString", "value": SECRET_TEXT}
KEY_VAULT_SECRET = {
    "type": "AzureKeyVaultSecret",
    "store": {"referenceName": "KeyVaultLS", "type": "LinkedServiceReference"},
    "secretName": "spark-password",
}
ANSWER_SECRET = {"type": "SecureString", "secretId": 99}


def expr(text: str) -> dict[str, str]:
    return {"type": "Expression", "value": text}


def v1(**type_properties: Any) -> dict[str, Any]:
    """A Spark 1.0 ``properties`` object; ``None`` leaves a key out."""
    tp: dict[str, Any] = {
        "host": "spark.example.com",
        "port": 10000,
        "authenticationType": "Anonymous",
    }
    tp.update(type_properties)
    return {"type": "Spark", "typeProperties": {k: v for k, v in tp.items() if v is not None}}


def v1_problems(properties: dict[str, Any]) -> list[Any]:
    return validate_properties(V1, as_validated(properties))


def v2_problems(properties: dict[str, Any]) -> list[Any]:
    return validate_properties(V2, as_validated(properties))


def plan(properties: dict[str, Any], answers: dict[str, Any] | None = None) -> Plan:
    before = copy.deepcopy(properties)
    result = plan_connector_upgrade(SPARK, properties, answers)
    assert properties == before, "the upgrade changed its source"
    return result


def proposals(properties: dict[str, Any]) -> dict[str, Any]:
    """Every decision answered with its proposal, as a user accepting them all would."""
    answers: dict[str, Any] = {}
    for _ in range(5):
        result = plan(properties, answers)
        new = {
            d.id: d.proposed
            for d in result.decisions
            if d.id not in answers and d.proposed is not None
        }
        if not new:
            return answers
        answers.update(new)
    raise AssertionError("decisions keep appearing")


def decision_ids(result: Plan) -> set[str]:
    return {d.id for d in result.decisions}

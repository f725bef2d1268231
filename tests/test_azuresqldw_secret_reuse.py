"""A stored AzureSqlDW password follows no change of where it is sent: each property of the
connector's secret target, changed with the password left untouched, is refused at the
password; the same save with nothing of the target changed keeps the stored password."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from connectors.azuresqldw.secret_target import SECRET_TARGET
from portal.definitions import DefinitionInvalid, save_definition
from portal.models import Resource, SecretValue
from tests.fixture_secrets import SQL_POOL_PASSWORD

pytestmark = pytest.mark.django_db

SECRET = SQL_POOL_PASSWORD
MASK = {"type": "SecureString", "value": "**********"}

# property -> (stored typeProperties changes, the Editor's change)
AZURESQLDW_CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "server": ({}, {"server": "evil.example.com"}),
    "port": ({}, {"connectionString": "Server=tcp:dw.example.com,1444;Database=salesdw"}),
    "database": ({}, {"database": "otherdb"}),
    "encrypt": ({}, {"encrypt": "optional"}),
    "trustServerCertificate": ({}, {"trustServerCertificate": True}),
    "hostNameInCertificate": ({}, {"hostNameInCertificate": "*.evil.example.com"}),
    "tenant": (
        {"authenticationType": "ServicePrincipal", "servicePrincipalId": "a", "tenant": "t1"},
        {"tenant": "t2"},
    ),
    "azureCloudType": (
        {"authenticationType": "ServicePrincipal", "servicePrincipalId": "a", "tenant": "t1"},
        {"azureCloudType": "AzureChina"},
    ),
    "connectVia": (
        {},
        {"connectVia": {"referenceName": "TheirIR", "type": "IntegrationRuntimeReference"}},
    ),
}


def stored_properties(extra: dict[str, Any]) -> dict[str, Any]:
    tp: dict[str, Any] = {
        "server": "dw.example.com",
        "database": "salesdw",
        "authenticationType": "SQL",
        "userName": "loader",
        "password": {"type": "SecureString", "value": SECRET},
    }
    tp.update(extra)
    if tp["authenticationType"] == "ServicePrincipal":
        del tp["userName"], tp["password"]
        tp["servicePrincipalKey"] = {"type": "SecureString", "value": SECRET}
    return {"annotations": [], "type": "AzureSqlDW", "typeProperties": tp}


def test_every_target_property_has_a_case() -> None:
    assert set(AZURESQLDW_CASES) == set(SECRET_TARGET)


@pytest.mark.parametrize("name", sorted(AZURESQLDW_CASES))
def test_a_stored_secret_is_not_sent_to_a_changed_target(editor: Any, name: str) -> None:
    stored_extra, change = AZURESQLDW_CASES[name]
    properties = stored_properties(stored_extra)
    save_definition(user=editor, name="Pool", properties=properties, action="create")
    service = Resource.objects.get(name="Pool")
    secret_key = "servicePrincipalKey" if "servicePrincipalId" in stored_extra else "password"

    unchanged = copy.deepcopy(properties)
    unchanged["typeProperties"][secret_key] = MASK
    unchanged["description"] = "same target"
    save_definition(
        user=editor,
        name="Pool",
        properties=unchanged,
        action="edit",
        instance=service,
        based_on=service.revision,
    )
    service.refresh_from_db()

    changed = copy.deepcopy(unchanged)
    for key, value in change.items():
        if key == "connectVia":
            changed["connectVia"] = value
        elif key == "connectionString":
            tp = changed["typeProperties"]
            for shape_key in ("server", "database", "authenticationType", "userName"):
                tp.pop(shape_key, None)
            changed["typeProperties"] = {"connectionString": value + ";User ID=loader", **tp}
        else:
            changed["typeProperties"][key] = value
    with pytest.raises(DefinitionInvalid) as refused:
        save_definition(
            user=editor,
            name="Pool",
            properties=changed,
            action="edit",
            instance=service,
            based_on=service.revision,
        )
    problem = refused.value.problems[0]
    assert problem.path == f"$.properties.typeProperties.{secret_key}"
    assert name in problem.message and "Type the" in problem.message
    assert SecretValue.objects.count() == 1 and SECRET not in problem.message

"""Hive and Impala in the portal, with no branch on their type: their linked services and
HiveObject datasets are authored with forms from their schemas, upgraded through the same
wizard (the Data types step names Hive types) and bulk command, and a definition Microsoft
would not upgrade is shown blocked with what to change first."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from portal.definitions import save_definition
from portal.models import Resource
from tests.helpers import url_of

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "connectors"


def stored(user: Any, path: str) -> Resource:
    document = json.loads((DATA / path).read_text())
    return save_definition(
        user=user, name=document["name"], properties=document["properties"], action="create"
    ).resource


def step_of(html: str) -> str:
    found = re.search(r'name="step" value="([a-z]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def test_the_hive_1_form_shows_its_own_properties_and_the_version_note(
    editor: Any, editor_client: Client
) -> None:
    service = stored(editor, "hive/data/HiveHDInsight_v1_encrypted.json")
    html = editor_client.get(url_of(service, "edit")).content.decode()
    for field in ("tp-serviceDiscoveryMode", "tp-useNativeQuery", "tp-trustedCertPath"):
        assert f'name="{field}"' in html
    assert "tp-enableServerCertificateValidation" not in html
    assert "end of support" in html


def test_a_hive_1_definition_walks_the_wizard_to_2_0_with_hive_types(
    editor: Any, editor_client: Client
) -> None:
    service = stored(editor, "hive/data/HiveOnPrem_v1_shir.json")
    url = url_of(service, "upgrade")
    html = editor_client.get(url).content.decode()
    assert step_of(html) == "analyse"
    rules = set(re.findall(r'data-rule="([^"]+)"', html))
    assert {"version", "data-types", "discovery-and-native-query"} <= rules
    html = editor_client.post(
        url, {"step": "analyse", "nav": "next", "based_on": "1"}
    ).content.decode()
    assert step_of(html) == "types" and "TIMESTAMP" in html and "DateTimeOffset" in html
    for step in ("types", "decide", "preview", "test"):
        response = editor_client.post(url, {"step": step, "nav": "next", "based_on": "1"})
        html = response.content.decode()
        if step_of(html) == "commit":
            break
    response = editor_client.post(url, {"step": "commit", "nav": "commit", "based_on": "1"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.connector_version == "2.0"
    tp = service.properties["typeProperties"]
    assert "useNativeQuery" not in tp and tp["enableSsl"] is False
    assert service.properties["connectVia"]["referenceName"] == "SelfHostedIR"


def test_the_bulk_command_upgrades_the_ready_hive_ones_and_names_what_blocks_the_others(
    editor: Any,
) -> None:
    for path in sorted(DATA.glob("hive/data/*_v1*.json")):
        stored(editor, str(path.relative_to(DATA)))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("upgrade", "--connector", "Hive", "--dry-run", "--json", stdout=out)
    report = {r["name"]: r for r in json.loads(out.getvalue())["results"]}
    assert set(report) == {"HiveHDInsight", "HiveOnPrem", "HiveZooKeeper"}
    assert "ZooKeeper" in json.dumps(report["HiveZooKeeper"])
    with pytest.raises(SystemExit):
        call_command("upgrade", "--connector", "hive", "--apply", stdout=io.StringIO())
    versions = dict(
        Resource.objects.filter(connector="Hive").values_list("name", "connector_version")
    )
    assert versions == {"HiveHDInsight": "2.0", "HiveOnPrem": "2.0", "HiveZooKeeper": "1.0"}


def test_an_impala_sasl_username_definition_is_blocked_in_the_wizard(
    editor: Any, editor_client: Client
) -> None:
    service = stored(editor, "impala/data/ImpalaCluster_v1.json")
    html = editor_client.get(url_of(service, "upgrade")).content.decode()
    assert "SASLUsername" in html and "version 1.0 first" in html


def test_a_hive_object_dataset_is_authored_with_its_form_and_names_hive_linked_services(
    editor: Any, editor_client: Client
) -> None:
    stored(editor, "hive/data/HiveV2.json")
    html = editor_client.get("/factories/default/new/dataset/HiveObject/").content.decode()
    assert "HiveV2" in html and 'name="tp-table"' in html
    dataset = save_definition(
        user=editor,
        name="HiveSales",
        kind="dataset",
        properties={
            "type": "HiveObject",
            "linkedServiceName": {"referenceName": "HiveV2", "type": "LinkedServiceReference"},
            "typeProperties": {"schema": "sales", "table": "orders"},
        },
        action="create",
    ).resource
    page = editor_client.get(url_of(dataset, "edit")).content.decode()
    assert 'name="tp-schema"' in page and 'value="orders"' in page and "HiveV2" in page

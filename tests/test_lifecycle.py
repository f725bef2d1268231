"""The connector lifecycle inventory: a page per factory, one across factories and
``manage.py lifecycle``, listing every linked service on a retiring connector version with
its stage and date, whether ADF upgrades it automatically, what blocks it and its wizard;
the factory page shows the count."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from portal.definitions import save_definition
from portal.models import Factory, Resource
from portal.roles import Role, grant
from tests.helpers import url_of

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "connectors"
SPARK_1 = {
    "type": "Spark",
    "typeProperties": {
        "host": "spark.example.com",
        "port": 443,
        "authenticationType": "Anonymous",
        "thriftTransportProtocol": "HTTP",
    },
}


def store(user: Any, path: str, factory: Factory | None = None) -> Resource:
    document = json.loads((DATA / path).read_text())
    return save_definition(
        user=user,
        name=document["name"],
        properties=document["properties"],
        action="create",
        factory=factory,
    ).resource


@pytest.fixture
def estate(editor: Any) -> dict[str, Resource]:
    other = Factory.objects.create(name="other")
    grant(editor, other, Role.READER)
    found = {
        "HiveHDInsight": store(editor, "hive/data/HiveHDInsight_v1_encrypted.json"),
        "HiveZooKeeper": store(editor, "hive/data/HiveZooKeeper_v1_parameters.json"),
        "HiveV2": store(editor, "hive/data/HiveV2.json"),
        "ImpalaCluster": store(editor, "impala/data/ImpalaCluster_v1.json", other),
    }
    found["SparkOld"] = save_definition(
        user=editor, name="SparkOld", properties=SPARK_1, action="create"
    ).resource
    return found


def report(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("lifecycle", "--json", *args, stdout=out)
    return dict(json.loads(out.getvalue()))


def test_the_command_lists_every_retiring_linked_service_with_its_standing(
    estate: dict[str, Resource],
) -> None:
    found = report()
    rows = {r["name"]: r for r in found["linked_services"]}
    assert set(rows) == {"HiveHDInsight", "HiveZooKeeper", "ImpalaCluster", "SparkOld"}
    hdi = rows["HiveHDInsight"]
    assert (hdi["connector"], hdi["version"], hdi["stage"], hdi["date"]) == (
        "Hive",
        "1.0",
        "end of support",
        "2025-10-31",
    )
    assert hdi["automatic"] is True and hdi["blocked_by"] == []
    assert hdi["wizard"] == url_of(estate["HiveHDInsight"], "upgrade")
    zk = rows["HiveZooKeeper"]
    assert zk["automatic"] is False and any("ZooKeeper" in s for s in zk["automatic_skips"])
    assert any("serviceDiscoveryMode" in b for b in zk["blocked_by"])
    assert rows["ImpalaCluster"]["factory"] == "other"
    assert rows["ImpalaCluster"]["automatic"] is False
    assert rows["SparkOld"]["date"] == "2025-09-30" and rows["SparkOld"]["automatic"] is True
    counts = {(s["connector"], s["version"]): s["count"] for s in found["summary"]}
    assert counts == {("Hive", "1.0"): 2, ("Impala", "1.0"): 1, ("Spark", "1.0"): 1}


def test_the_command_keeps_to_one_factory_when_asked(estate: dict[str, Resource]) -> None:
    names = [r["name"] for r in report("--factory", "other")["linked_services"]]
    assert names == ["ImpalaCluster"]
    out = io.StringIO()
    call_command("lifecycle", "--factory", "other", stdout=out)
    assert "Impala 1.0: end of support since 2025-10-31: 1 linked service" in out.getvalue()
    assert "SASLUsername" in out.getvalue()


def test_the_factory_page_counts_them_and_its_inventory_links_each_to_its_wizard(
    estate: dict[str, Resource], editor_client: Client
) -> None:
    home = editor_client.get("/factories/default/").content.decode()
    assert "Connector lifecycle (3)" in home
    page = editor_client.get("/factories/default/lifecycle/").content.decode()
    for name in ("HiveHDInsight", "HiveZooKeeper", "SparkOld"):
        assert f'data-name="{name}"' in page
        assert url_of(estate[name], "upgrade") in page
    assert 'data-name="ImpalaCluster"' not in page and 'data-name="HiveV2"' not in page
    across = editor_client.get("/lifecycle/").content.decode()
    assert 'data-name="ImpalaCluster"' in across and "2025-10-31" in across

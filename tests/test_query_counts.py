"""Every list and detail page and API call makes the same number of database queries
whatever the size of what it lists (issue 21): each route is asked at two sizes of the
same factory (its resources, revisions, references, deleted resources, connection tests,
roles, tokens, factories and audit rows) and must count the same queries at both."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from portal.definitions import delete_definition, save_definition
from portal.models import ApiToken, ConnectionTest, Factory, Resource
from portal.roles import Role, grant
from tests.conftest import SPARK_V2, make_user

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 12
V1 = {
    "type": "Spark",
    "typeProperties": {
        "host": "spark.internal",
        "port": 10000,
        "serverType": "SparkThriftServer",
        "thriftTransportProtocol": "Binary",
        "authenticationType": "Anonymous",
    },
}


def _dataset(linked_service: str) -> dict[str, Any]:
    return {
        "type": "SparkObject",
        "linkedServiceName": {"referenceName": linked_service, "type": "LinkedServiceReference"},
        "typeProperties": {"schema": "sales", "table": "orders"},
    }


def _pipeline(dataset: str) -> dict[str, Any]:
    return {
        "activities": [
            {
                "name": "Find",
                "type": "Lookup",
                "typeProperties": {
                    "source": {"type": "SparkSource", "query": "SELECT 1"},
                    "dataset": {"referenceName": dataset, "type": "DatasetReference"},
                },
            }
        ]
    }


def _grow(admin: Any, size: int) -> Factory:
    """A factory whose every list holds ``size`` rows (and the site: as many factories)."""
    factory = Factory.objects.create(name=f"f{size}")
    grant(admin, factory, Role.ADMIN)
    for index in range(size):
        Factory.objects.create(name=f"other{size}x{index}")
        user = make_user(f"u{size}x{index}", Role.READER)
        grant(user, factory, Role.EDITOR)
        ApiToken.issue(admin, f"token {size} {index}")

    def save(name: str, properties: dict[str, Any], kind: str = "linkedService") -> Resource:
        return save_definition(
            user=admin,
            name=name,
            properties=properties,
            action="create",
            factory=factory,
            kind=kind,
        ).resource

    hub = save("Hub", SPARK_V2)
    for index in range(size):
        legacy = save(f"Legacy{index}", V1)
        hub = save_definition(
            user=admin,
            name="Hub",
            properties=SPARK_V2,
            action="update",
            instance=hub,
            comment=f"edit {index}",
        ).resource
        save(f"Orders{index}", _dataset("Hub"), "dataset")
        save(f"Load{index}", _pipeline(f"Orders{index}"), "pipeline")
        gone = save(f"Gone{index}", SPARK_V2)
        delete_definition(user=admin, instance=gone)
        ConnectionTest.objects.create(resource=hub, user=admin, status="passed", revision=1)
        ConnectionTest.objects.create(resource=legacy, user=admin, status="failed", revision=1)
    return factory


def _routes(factory: str) -> list[str]:
    resource = f"/factories/{factory}/linkedService/Hub/"
    api = f"/api/v1/factories/{factory}/"
    return [
        "/factories/",
        "/upgrade/",
        "/audit/",
        "/tokens/",
        "/users/",
        f"/factories/{factory}/",
        f"/factories/{factory}/?kind=dataset",
        f"/factories/{factory}/?kind=pipeline",
        f"/factories/{factory}/?q=Orders",
        f"/factories/{factory}/deleted/",
        f"/factories/{factory}/upgrade/",
        f"/factories/{factory}/roles/",
        f"/factories/{factory}/queries/",
        resource,
        resource + "history/",
        resource + "revisions/1/",
        f"/factories/{factory}/dataset/Orders0/",
        f"/factories/{factory}/pipeline/Load0/",
        "/api/v1/factories/",
        api + "linkedService/",
        api + "dataset/",
        api + "linkedService/Hub",
        api + "linkedService/Hub/revisions",
        api + "linkedService/Hub/references",
        api + "deleted/linkedService/",
    ]


def _counts(admin: Any, factory: Factory) -> dict[str, int]:
    browser = Client()
    browser.force_login(admin)
    api = APIClient()
    _, key = ApiToken.issue(admin, f"counting {factory.name}")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    counts = {}
    for route in _routes(factory.name):
        client = api if route.startswith("/api/") else browser
        client.get(route)  # warm: sessions, caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(route)
        assert response.status_code == 200, (route, response.status_code)
        counts[route.replace(factory.name, "F")] = len(queries)
    return counts


def test_every_list_and_detail_route_makes_as_many_queries_at_both_sizes(
    admin_user: Any,
) -> None:
    small = _counts(admin_user, _grow(admin_user, SMALL))
    large = _counts(admin_user, _grow(admin_user, LARGE))
    grew = {route: (small[route], large[route]) for route in small if large[route] != small[route]}
    assert not grew, f"queries at {SMALL} and at {LARGE} rows: {grew}"

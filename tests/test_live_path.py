"""The one live path (issue 18, points 4, 5 and 7): nothing contacts a user's server on a GET;
every call that does is a CSRF-checked POST that needs Editor, is refused to read-only
tokens, keeps to one per-user rate (0 included) and leaves one record and one audit row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from portal.imports import import_repository
from portal.models import ApiToken, AuditEvent, Factory, LiveCall, Resource
from tests.conftest import api_for, signed_in
from tests.connectors.repository_builders import as_zip
from tests.fake_server import FakeServer, silent
from tests.helpers import NEW_SPARK_TEST
from tests.test_pipeline_activities_portal import repository_files, spark_linked_service

pytestmark = pytest.mark.django_db(transaction=True)

COPY = "properties.activities.1"
F = "/factories/default"
A = "/api/v1/factories/default"
DATASET_FORM = {"linkedService": "SparkLS", "tp-schema": "sales", "tp-table": "orders"}

# Routes whose only work is a call to the server: (page or API path, POST body).
SPARK_LS = F + "/linkedService/SparkLS/"
NEW_DATASET = F + "/new/dataset/SparkObject/"
SAVED_DATASET = F + "/dataset/SparkSales/"
UI_LIVE = {
    "resource-test": (SPARK_LS + "test/", {}),
    "resource-test-form": (SPARK_LS + "edit/test/", {"version": "2.0"}),
    "resource-new-test": (NEW_SPARK_TEST, {"version": "2.0"}),
    "resource-new-tables": (NEW_DATASET + "tables/", DATASET_FORM),
    "resource-new-columns": (NEW_DATASET + "columns/", DATASET_FORM),
    "resource-new-preview": (NEW_DATASET + "preview/", DATASET_FORM),
    "resource-tables": (SAVED_DATASET + "tables/", {}),
    "resource-columns": (SAVED_DATASET + "columns/", {}),
    "resource-preview": (SAVED_DATASET + "preview/", DATASET_FORM),
}
API_LIVE = {
    "api-test": ("/api/v1/linkedservices/SparkLS/test", {}),
    "api-f-test": (A + "/linkedService/SparkLS/test", {}),
    "api-test-unsaved": ("/api/v1/test-connection", None),
    "api-factory-test-unsaved": (A + "/test-connection", None),
    "api-dataset-tables": (A + "/dataset/SparkSales/tables", {}),
    "api-dataset-columns": (A + "/dataset/SparkSales/columns", {}),
    "api-dataset-preview": (A + "/dataset/SparkSales/preview", {}),
    "api-activity-check": (A + f"/pipeline/Spark to SQL/activities/{COPY}/check", {}),
    "api-activity-preview": (A + f"/pipeline/Spark to SQL/activities/{COPY}/preview", {}),
}


@pytest.fixture
def peer() -> Iterator[FakeServer]:
    """A server that accepts and says nothing: every connection to it is counted."""
    with FakeServer(silent) as server:
        yield server


@pytest.fixture
def factory(peer: FakeServer, editor: Any, settings: Any) -> Factory:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 1.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 1.0
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 1000
    home = Factory.default()
    files = repository_files(spark_linked_service(peer.port))
    result = import_repository(as_zip(files), user=editor, factory=home)
    assert result.ok, [str(line) for line in result.report]
    return home


def _service() -> Resource:
    return Resource.objects.get(kind="linkedService", name="SparkLS")


def _unsaved_body() -> dict[str, Any]:
    service = _service()
    return {"name": "Unsaved", "properties": service.masked_properties}


def _api_body(name: str) -> dict[str, Any]:
    path, body = API_LIVE[name]
    return body if body is not None else _unsaved_body()


def _ui_path(name: str) -> str:
    return UI_LIVE[name][0]


# -- every GET of every route: no server is contacted ------------------------------------
SAMPLES = {
    "factory": "default",
    "name": "SparkLS",
    "connector_type": "Spark",
    "type_name": "Spark",
    "dataset_type_name": "SparkObject",
    "key": COPY,
    "number": "1",
}


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern, the API's included."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, prefix + str(entry.pattern)


def _sample_paths(route: str, pk: int) -> list[str]:
    """The route with each of its parameters filled in, for every resource kind a route of
    kinds may name."""
    kinds = ["linkedService", "dataset", "pipeline"] if "<str:kind>" in route else [""]
    paths = []
    for kind in kinds:
        path = route
        for name in re.findall(r"<(?:\w+:)?(\w+)>", route):
            value = str(pk) if name == "pk" else SAMPLES.get(name, "1")
            if name == "kind":
                value = kind
            elif name == "name" and kind == "dataset":
                value = "SparkSales"
            elif name == "name" and kind == "pipeline":
                value = "Spark to SQL"
            path = re.sub(rf"<(?:\w+:)?{name}>", value, path, count=1)
        paths.append("/" + path.lstrip("^").rstrip("$"))
    return paths


def test_no_get_of_any_route_contacts_a_server(
    factory: Factory, peer: FakeServer, admin_user: Any
) -> None:
    browser, api = signed_in(admin_user), api_for(admin_user)
    pk = _service().pk
    seen = 0
    for name, route in _routes():
        for path in _sample_paths(route, pk):
            client = api if path.startswith("/api/") else browser
            response = client.get(path)
            assert response.status_code < 500, (name, path)
            seen += 1
    assert seen > 80
    assert peer.connections == 0
    assert not LiveCall.objects.exists()


@pytest.mark.parametrize("name", sorted(UI_LIVE))
def test_a_live_page_route_answers_get_with_405(factory: Factory, editor: Any, name: str) -> None:
    response = signed_in(editor).get(_ui_path(name))
    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.parametrize("name", sorted(API_LIVE))
def test_a_live_api_route_answers_get_with_405(factory: Factory, editor: Any, name: str) -> None:
    response = api_for(editor).get(API_LIVE[name][0])
    assert response.status_code == 405


# -- who may call ------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(UI_LIVE))
def test_a_reader_cannot_make_a_live_call_from_a_page(
    factory: Factory, peer: FakeServer, reader: Any, name: str
) -> None:
    path, body = UI_LIVE[name]
    response = signed_in(reader).post(_ui_path(name), body)
    assert response.status_code == 403
    assert peer.connections == 0 and not LiveCall.objects.exists()


@pytest.mark.parametrize("name", sorted(API_LIVE))
def test_a_read_only_token_cannot_make_a_live_call(
    factory: Factory, peer: FakeServer, editor: Any, name: str
) -> None:
    client = APIClient()
    _, key = ApiToken.issue(editor, "read only", read_only=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(API_LIVE[name][0], _api_body(name), format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["errors"][0]["message"]
    assert peer.connections == 0 and not LiveCall.objects.exists()


@pytest.mark.parametrize("name", sorted(UI_LIVE))
def test_a_cross_site_post_without_the_csrf_token_is_refused(
    factory: Factory, peer: FakeServer, editor: Any, name: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(_ui_path(name), UI_LIVE[name][1])
    assert response.status_code == 403
    assert peer.connections == 0 and not LiveCall.objects.exists()


@pytest.mark.parametrize("name", sorted(API_LIVE))
def test_an_api_call_on_the_session_cookie_needs_the_csrf_token(
    factory: Factory, peer: FakeServer, editor: Any, name: str
) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(API_LIVE[name][0], _api_body(name), format="json")
    assert response.status_code == 403
    assert peer.connections == 0 and not LiveCall.objects.exists()


# -- the rate ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(UI_LIVE))
def test_at_a_rate_of_zero_every_page_call_answers_429(
    factory: Factory, peer: FakeServer, editor: Any, settings: Any, name: str
) -> None:
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 0
    response = signed_in(editor).post(_ui_path(name), UI_LIVE[name][1], HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert "LINKWRIGHT_TEST_RATE_PER_MINUTE is 0" in response.content.decode()
    assert peer.connections == 0 and not LiveCall.objects.exists()


@pytest.mark.parametrize("name", sorted(API_LIVE))
def test_at_a_rate_of_zero_every_api_call_answers_429(
    factory: Factory, peer: FakeServer, editor: Any, settings: Any, name: str
) -> None:
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 0
    response = api_for(editor).post(API_LIVE[name][0], _api_body(name), format="json")
    assert response.status_code == 429, response.content
    assert "LINKWRIGHT_TEST_RATE_PER_MINUTE is 0" in str(response.json())
    assert peer.connections == 0 and not LiveCall.objects.exists()


def test_catalog_reads_count_toward_the_one_rate_and_are_audited(
    factory: Factory, peer: FakeServer, editor: Any, settings: Any
) -> None:
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 2
    api = api_for(editor)
    assert api.post(A + "/dataset/SparkSales/tables", {}, format="json").status_code == 200
    assert api.post(A + "/dataset/SparkSales/columns", {}, format="json").status_code == 200
    refused = api.post(A + "/dataset/SparkSales/preview", {}, format="json")
    assert refused.status_code == 429
    assert "You made 2 calls to servers" in str(refused.json())
    calls = list(LiveCall.objects.order_by("id"))
    assert [c.operation for c in calls] == ["read catalog", "read catalog"]
    assert all(c.verdict == "failed" and c.finished_at for c in calls)  # the peer is silent
    assert peer.connections == 2
    events = list(AuditEvent.objects.filter(action=AuditEvent.Action.CATALOG).order_by("id"))
    assert len(events) == 2
    assert events[0].username == editor.username and events[0].factory == factory
    assert events[0].object_name == "SparkSales"
    assert "tables of schema" in events[0].detail and events[0].detail.endswith(": failed")
    assert "columns of table" in events[1].detail


def test_each_call_leaves_one_record_and_one_audit_row_with_its_verdict(
    factory: Factory, peer: FakeServer, editor: Any
) -> None:
    response = signed_in(editor).post(
        _ui_path("resource-new-preview"), DATASET_FORM, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    call = LiveCall.objects.get()
    assert (call.operation, call.origin, call.verdict) == ("preview data", "ui", "failed")
    assert call.user == editor and call.linked_service == "SparkLS"
    event = AuditEvent.objects.get(action=AuditEvent.Action.PREVIEW)
    assert "preview of table sales.orders (100 rows)" in event.detail
    assert event.factory == factory and event.object_name == "(unsaved, SparkLS)"
    assert event.detail.endswith(": failed")

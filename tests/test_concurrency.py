"""Concurrent edits based on one revision: exactly one wins, the rest get a conflict."""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from portal.definitions import StaleRevision, save_definition
from portal.models import ApiToken, Resource, Revision
from tests.conftest import SPARK_V2

WRITERS = 8


def _race(work: Any) -> list[Any]:
    barrier = threading.Barrier(WRITERS)
    results: list[Any] = [None] * WRITERS

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the test inspects what happened
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_api_updates_from_one_revision(editor: Any) -> None:
    _, key = ApiToken.issue(editor, "race")
    start = APIClient()
    start.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert (
        start.post(
            "/api/v1/linkedservices/", {"name": "Raced", "properties": SPARK_V2}, format="json"
        ).status_code
        == 201
    )

    def update(index: int) -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        properties = copy.deepcopy(SPARK_V2)
        properties["typeProperties"]["host"] = f"writer{index}.example.com"
        response = client.put(
            "/api/v1/linkedservices/Raced",
            {"name": "Raced", "properties": properties},
            format="json",
            HTTP_IF_MATCH='"1"',
        )
        return response.status_code

    statuses = _race(update)
    assert sorted(statuses) == [200] + [412] * (WRITERS - 1), statuses
    service = Resource.objects.get()
    assert service.revision == 2
    revisions = list(Revision.objects.filter(resource=service).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    winner = statuses.index(200)
    assert service.properties["typeProperties"]["host"] == f"writer{winner}.example.com"
    assert revisions[1].properties == service.properties


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_in_the_model_layer(editor: Any) -> None:
    first = save_definition(user=editor, name="Raced", properties=SPARK_V2, action="create")

    def update(index: int) -> str:
        properties = copy.deepcopy(SPARK_V2)
        properties["typeProperties"]["port"] = 1000 + index
        try:
            save_definition(
                user=editor,
                name="Raced",
                properties=properties,
                action="edit",
                instance=first.resource,
                based_on=1,
            )
        except StaleRevision:
            return "conflict"
        return "saved"

    outcomes = _race(update)
    assert sorted(outcomes) == ["conflict"] * (WRITERS - 1) + ["saved"], outcomes
    assert Revision.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_name(editor: Any) -> None:
    from portal.definitions import DefinitionInvalid

    def create(index: int) -> str:
        try:
            save_definition(
                user=editor,
                name="SameName" if index % 2 else "samename",
                properties=SPARK_V2,
                action="create",
            )
        except DefinitionInvalid:
            return "refused"
        return "created"

    outcomes = _race(create)
    assert outcomes.count("created") == 1, outcomes
    assert Resource.objects.count() == 1 and Revision.objects.count() == 1


def _each_with_its_own_client(key: str, request: Any) -> Any:
    def work(index: int) -> tuple[int, Any]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = request(client, index)
        return response.status_code, response.json()

    return work


@pytest.mark.django_db(transaction=True)
def test_concurrent_replacing_imports_of_one_document_end_in_201_or_409(editor: Any) -> None:
    _, key = ApiToken.issue(editor, "race")
    save_definition(user=editor, name="Imported", properties=SPARK_V2, action="create")
    document = {"name": "Imported", "properties": SPARK_V2}

    results = _race(
        _each_with_its_own_client(
            key,
            lambda client, _i: client.post("/api/v1/import?replace=true", document, format="json"),
        )
    )
    statuses = [r[0] if isinstance(r, tuple) else r for r in results]
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    for _, body in (r for r in results if r[0] == 409):
        assert body["imported"] is False
        assert "changed while this import ran" in body["errors"][0]["message"]
    service = Resource.objects.get()
    assert service.revision == 1 + statuses.count(201)
    assert Revision.objects.filter(resource=service).count() == service.revision


@pytest.mark.django_db(transaction=True)
def test_concurrent_undeletes_of_one_name_restore_it_once(editor: Any) -> None:
    from portal.definitions import delete_definition

    _, key = ApiToken.issue(editor, "race")
    saved = save_definition(user=editor, name="Undeleted", properties=SPARK_V2, action="create")
    delete_definition(user=editor, instance=saved.resource)

    results = _race(
        _each_with_its_own_client(
            key, lambda client, _i: client.post("/api/v1/deleted/Undeleted/restore")
        )
    )
    statuses = sorted(r[0] if isinstance(r, tuple) else r for r in results)
    assert statuses.count(200) == 1 and set(statuses) <= {200, 404, 409}, statuses
    for _, body in (r for r in results if r[0] != 200):
        assert body["errors"][0]["message"]
    service = Resource.objects.get()
    assert service.deleted_at is None and service.revision == 3

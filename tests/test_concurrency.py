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

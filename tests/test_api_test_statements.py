"""A connection test through the API reads what its answer needs once (issue 21): the
request's own statements are counted (the worker's verdict transaction is on its own
connection), so that a lookup added to every test shows here, not only in the benchmark."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.definitions import save_definition
from portal.models import AuditEvent, ConnectionTest, LiveCall
from tests.conftest import api_for

pytestmark = pytest.mark.django_db(transaction=True)


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _statements(captured: CaptureQueriesContext) -> dict[str, int]:
    counts: dict[str, int] = {}
    for query in captured.captured_queries:
        verb = query["sql"].split(None, 1)[0].upper()
        if verb in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            counts[verb] = counts.get(verb, 0) + 1
    return counts


def test_a_saved_test_reads_token_factory_and_role_resource_and_rate_once(
    editor: Any, settings: Any
) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 1000
    properties = {
        "type": "Spark",
        "typeProperties": {
            "host": "127.0.0.1",
            "port": _refused_port(),
            "thriftTransportProtocol": "Binary",
            "authenticationType": "Anonymous",
        },
    }
    save_definition(user=editor, name="Refused", properties=properties, action="create")
    client = api_for(editor)
    url = "/api/v1/linkedservices/Refused/test?wait=true"
    assert client.post(url, {}, format="json").status_code == 200  # the token's first use
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "failed"
    # SELECT: the token with its user, the factory with the user's role there, the
    # resource, the rate's count. INSERT: the test's row and its call's row (one commit).
    assert _statements(captured) == {"SELECT": 4, "INSERT": 2}, [
        q["sql"][:120] for q in captured.captured_queries
    ]
    # Nothing the rules ask for was left out: the verdict, the call's and the audit row.
    test = ConnectionTest.objects.get(pk=response.json()["id"])
    assert test.status == ConnectionTest.Status.FAILED
    call = LiveCall.objects.get(test=test)
    assert call.verdict == LiveCall.Verdict.FAILED
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TEST, detail__startswith=f"test {test.pk} "
    ).exists()

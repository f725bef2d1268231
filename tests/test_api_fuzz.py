"""Arbitrary JSON against the write endpoints: never a 5xx, and a refusal changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from portal.models import ApiToken, Resource, Revision, SecretValue
from tests.conftest import SPARK_V2

KNOWN_KEYS = [
    "name",
    "type",
    "properties",
    "typeProperties",
    "version",
    "host",
    "port",
    "serverType",
    "thriftTransportProtocol",
    "authenticationType",
    "username",
    "password",
    "httpPath",
    "enableSsl",
    "trustedCertPath",
    "useSystemTrustStore",
    "allowHostNameCNMismatch",
    "allowSelfSignedServerCert",
    "enableServerCertificateValidation",
    "connectVia",
    "parameters",
    "annotations",
    "description",
    "value",
    "store",
    "secretName",
    "referenceName",
    "defaultValue",
    "id",
    "etag",
]
KNOWN_VALUES = [
    "Spark",
    "2.0",
    "1.0",
    "HTTP",
    "HTTP ",
    "SASL",
    "Binary",
    "Anonymous",
    "Username",
    "UsernameAndPassword",
    "WindowsAzureHDInsightService",
    "SecureString",
    "AzureKeyVaultSecret",
    "Expression",
    "@x",
    "**********",
    "<port>",
    "Microsoft.DataFactory/factories/linkedservices",
    "LinkedServiceReference",
    "IntegrationRuntimeReference",
    "String",
    "Int",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(KNOWN_VALUES)
    | st.fixed_dictionaries(
        {"type": st.sampled_from(["SecureString", "Expression", "AzureKeyVaultSecret"])},
        optional={
            "value": st.none() | st.integers() | st.text(max_size=5),
            "secretId": st.integers(min_value=-1, max_value=3),
        },
    )
)
keys = st.sampled_from(KNOWN_KEYS) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=30,
)
documents = st.fixed_dictionaries(
    {
        "name": st.text(max_size=12) | st.sampled_from(["Fuzz", "fuzz ", "a.b"]),
        "properties": json_values,
    },
    optional={"type": json_values, "etag": json_values},
) | st.builds(
    lambda tp, extra: {
        "name": "Fuzzed",
        "properties": {**SPARK_V2, "typeProperties": {**SPARK_V2["typeProperties"], **tp}, **extra},
    },
    st.dictionaries(st.sampled_from(KNOWN_KEYS), json_values, max_size=4),
    st.dictionaries(st.sampled_from(KNOWN_KEYS), json_values, max_size=2),
)
bodies = documents | json_values


def snapshot() -> tuple[Any, ...]:
    return (
        list(Resource.objects.order_by("pk").values_list("name", "revision", "definition")),
        Revision.objects.count(),
        SecretValue.objects.count(),
    )


@pytest.fixture
def fuzz_client(editor: Any, spark_v2: dict[str, Any]) -> APIClient:
    client = APIClient()
    _, key = ApiToken.issue(editor, "fuzz")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    created = client.post(
        "/api/v1/linkedservices/", {"name": "Target", "properties": spark_v2}, format="json"
    )
    assert created.status_code == 201
    return client


def check(response: Any, before: tuple[Any, ...]) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        data = response.json()
        assert data, "a refusal says why"
        if response.status_code == 400 and "errors" in data:
            assert data["errors"] and all(
                e["path"].startswith("$") and e["message"] for e in data["errors"]
            )
        assert snapshot() == before, "a refused request changed the database"


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@FUZZ
@given(body=bodies)
def test_create_never_fails_with_5xx(fuzz_client: APIClient, body: Any) -> None:
    before = snapshot()
    response = fuzz_client.post(
        "/api/v1/linkedservices/", json.dumps(body), content_type="application/json"
    )
    check(response, before)


@pytest.mark.django_db
@FUZZ
@given(body=bodies)
def test_update_never_fails_with_5xx(fuzz_client: APIClient, body: Any) -> None:
    target = Resource.objects.live().order_by("pk").first()  # renamed by earlier examples
    before = snapshot()
    response = fuzz_client.put(
        f"/api/v1/linkedservices/{target.name}",
        json.dumps(body),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{target.revision}"',
    )
    check(response, before)


@pytest.mark.django_db
@FUZZ
@given(body=bodies | st.lists(documents, max_size=3))
def test_import_never_fails_with_5xx(fuzz_client: APIClient, body: Any) -> None:
    before = snapshot()
    response = fuzz_client.post("/api/v1/import", json.dumps(body), content_type="application/json")
    check(response, before)
    if response.status_code == 400:
        results = response.json().get("results")
        assert results is None or any(r["errors"] for r in results)

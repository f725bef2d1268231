"""API tokens: read-only ones write nothing, expired ones are refused, both chosen on the page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal.api.urls import urlpatterns
from portal.models import ApiToken, AuditEvent, ConnectionTest, Resource, Revision
from tests.conftest import SPARK_V2

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
ARGUMENTS = {
    "name": "SparkProd",
    "number": 1,
    "pk": 1,
    "factory": "default",
    "key": "properties.activities.0",
    "kind": "linkedService",
}


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def every_api_url() -> list[str]:
    urls = []
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        wanted = pattern.pattern.converters
        urls.append(reverse(pattern.name, kwargs={k: ARGUMENTS[k] for k in wanted}))
    return urls


def test_a_read_only_token_reads_but_gets_403_on_every_write_method(
    admin_user: Any, saved_service: Any
) -> None:
    _, key = ApiToken.issue(admin_user, "reporting", read_only=True)
    api = client_with(key)
    assert api.get("/api/v1/linkedservices/SparkProd").status_code == 200
    assert api.get("/api/v1/export").status_code == 200
    body = {"name": "SparkProd", "properties": SPARK_V2, "answers": {}, "names": ["SparkProd"]}
    refused = 0
    for url in every_api_url():
        for method in WRITE_METHODS:
            response = getattr(api, method)(url, body, format="json", HTTP_IF_MATCH='"1"')
            assert response.status_code == 403, (method, url, response.content)
            (error,) = response.json()["errors"]
            assert error["path"] == "$" and "read-only" in error["message"]
            refused += 1
    assert refused == 4 * len(urlpatterns)
    assert Resource.objects.count() == 1 and Revision.objects.count() == 1
    assert not ConnectionTest.objects.exists()
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED)
    assert denied.count() == refused
    assert all("read-only token" in event.detail for event in denied)


def test_a_read_write_token_still_writes_with_its_role(editor: Any, saved_service: Any) -> None:
    _, key = ApiToken.issue(editor, "deploy", expires_at=timezone.now() + timedelta(days=1))
    response = client_with(key).delete("/api/v1/linkedservices/SparkProd", HTTP_IF_MATCH='"1"')
    assert response.status_code == 204


def test_an_expired_token_gets_401_in_the_documented_error_shape(editor: Any) -> None:
    token, key = ApiToken.issue(editor, "old", expires_at=timezone.now() - timedelta(seconds=1))
    response = client_with(key).get("/api/v1/linkedservices/")
    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {
                "path": "Authorization",
                "message": f"This token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC; "
                "create a new one on the API tokens page.",
            }
        ]
    }
    token.refresh_from_db()
    assert token.last_used_at is None


def test_a_token_works_until_it_expires(editor: Any) -> None:
    token, key = ApiToken.issue(editor, "soon", expires_at=timezone.now() + timedelta(minutes=5))
    api = client_with(key)
    assert api.get("/api/v1/linkedservices/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert api.get("/api/v1/linkedservices/").status_code == 401


def test_unknown_tokens_and_no_token_use_the_error_shape_too() -> None:
    for client in (APIClient(), client_with("lw_unknown")):
        response = client.get("/api/v1/linkedservices/")
        assert response.status_code == 401
        assert response.json()["errors"][0]["path"] == "Authorization"


def test_the_tokens_page_chooses_scope_and_expiry(editor_client: Client, editor: Any) -> None:
    page = editor_client.post(
        "/tokens/", {"name": "reports", "scope": "read-only", "lifetime": "7"}, follow=True
    ).content.decode()
    token = ApiToken.objects.get()
    assert token.read_only
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    assert "read only" in page and f"{token.expires_at:%Y-%m-%d}" in page
    created = AuditEvent.objects.get(action=AuditEvent.Action.TOKEN_CREATED)
    assert "read only, expires" in created.detail


def test_a_new_token_expires_in_90_days_unless_told_otherwise(editor_client: Client) -> None:
    editor_client.post("/tokens/", {"name": "deploy"})
    token = ApiToken.objects.get()
    assert not token.read_only and token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("scope", "admin", "read only"), ("lifetime", "0", "lifetime"), ("lifetime", "x", "lifetime")],
)
def test_the_tokens_page_refuses_other_scopes_and_lifetimes(
    editor_client: Client, field: str, value: str, message: str
) -> None:
    page = editor_client.post("/tokens/", {"name": "x", field: value}, follow=True)
    assert not ApiToken.objects.exists()
    assert message in page.content.decode()


def test_an_expired_token_is_marked_on_the_page(editor_client: Client, editor: Any) -> None:
    ApiToken.issue(editor, "old", expires_at=timezone.now() - timedelta(days=1))
    assert "<strong>expired</strong>" in editor_client.get("/tokens/").content.decode()

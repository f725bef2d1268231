"""Reader, Editor, Admin: every write is refused to those who may not do it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portal.models import Resource
from tests.conftest import form_data
from tests.helpers import NEW_SPARK, NEW_SPARK_TEST, url_of

pytestmark = pytest.mark.django_db


def write_requests(service: Any) -> list[tuple[str, str, dict[str, str]]]:
    base = url_of(service)
    return [
        ("get", "/factories/default/new/", {}),
        ("get", NEW_SPARK, {}),
        ("post", NEW_SPARK, form_data(name="ByReader")),
        ("get", f"{base}edit/", {}),
        ("post", f"{base}edit/", form_data(name="SparkProd", based_on="1")),
        ("get", f"{base}delete/", {}),
        ("post", f"{base}delete/", {"based_on": "1"}),
        ("post", f"{base}test/", {}),
        ("post", f"{base}edit/test/", form_data(name="SparkProd")),
        ("post", NEW_SPARK_TEST, form_data()),
        ("get", "/factories/default/import/", {}),
        ("post", "/factories/default/import/", {"pasted": '{"name": "x", "properties": {}}'}),
    ]


def test_reader_gets_403_on_every_write(reader_client: Client, saved_service: Any) -> None:
    for method, url, data in write_requests(saved_service):
        response = getattr(reader_client, method)(url, data)
        assert response.status_code == 403, (method, url)
    saved_service.refresh_from_db()
    assert saved_service.revision == 1 and saved_service.deleted_at is None
    assert Resource.objects.count() == 1


def test_reader_can_view_and_export(reader_client: Client, saved_service: Any) -> None:
    for url in (
        "/factories/default/",
        url_of(saved_service),
        url_of(saved_service, "export"),
        "/factories/default/export/",
    ):
        assert reader_client.get(url).status_code == 200, url
    page = reader_client.get(url_of(saved_service)).content.decode()
    assert "/edit/" not in page and "/delete/" not in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_admins_manage_users(
    editor_client: Client, reader_client: Client, admin_client: Client, method: str
) -> None:
    data = {"username": "newbie", "password": "a-long-enough-pass", "role": "Editor"}
    for client in (editor_client, reader_client):
        assert getattr(client, method)("/users/", data).status_code == 403
    assert admin_client.get("/users/").status_code == 200


def test_admin_creates_user_and_sets_role(admin_client: Client, reader: Any) -> None:
    from django.contrib.auth import get_user_model

    from portal.roles import Role, role_of

    response = admin_client.post(
        "/users/", {"username": "newbie", "password": "a-long-enough-pass", "role": "Editor"}
    )
    assert response.status_code == 302
    assert role_of(get_user_model().objects.get(username="newbie")) == Role.EDITOR
    admin_client.post(f"/users/{reader.pk}/", {"role": "Admin"})
    reader.refresh_from_db()
    assert role_of(reader) == Role.ADMIN
    admin_client.post(f"/users/{reader.pk}/", {"deactivate": "1"})
    reader.refresh_from_db()
    assert not reader.is_active


def test_reader_denial_is_logged(reader_client: Client, db: Any, caplog: Any) -> None:
    with caplog.at_level("WARNING", logger="portal.access"):
        reader_client.get("/factories/default/new/")
    assert "permission denied: user=rita needs=Editor" in caplog.text

"""History tab, diff, restore, deleted list, purge, audit log and token pages."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.test import Client

from portal.definitions import save_definition
from portal.models import ApiToken, AuditEvent, Resource, Revision
from tests.conftest import PASSWORD, SECRET, SPARK_V2, form_data
from tests.helpers import NEW_SPARK, deleted_url_of, url_of

pytestmark = pytest.mark.django_db


def edited(service: Any, user: Any, **tp: Any) -> Any:
    properties = copy.deepcopy(SPARK_V2)
    properties["typeProperties"].update(tp)
    return save_definition(
        user=user, name=service.name, properties=properties, action="edit", instance=service
    )


def test_history_lists_revisions_and_diffs_two(
    editor_client: Client, saved_service: Any, editor: Any
) -> None:
    edited(
        saved_service,
        editor,
        host="h2.example.com",
        password={"type": "SecureString", "value": "changed-pw"},
    )
    props = copy.deepcopy(SPARK_V2)
    props["connectVia"] = {"referenceName": "IR1", "type": "IntegrationRuntimeReference"}
    props["parameters"] = {"p": {"type": "String"}}
    save_definition(
        user=editor,
        name="SparkProd",
        properties=props,
        action="edit",
        instance=Resource.objects.get(),
        comment="via IR1",
    )
    html = editor_client.get(url_of(saved_service, "history")).content.decode()
    assert "via IR1" in html and html.count('name="old"') == 3
    diff = editor_client.get(
        url_of(saved_service, "history") + "?old=1&new=2",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="diff",
    ).content.decode()
    assert diff.startswith('<section id="diff"')
    assert "$.properties.typeProperties.host" in diff and "h2.example.com" in diff
    assert "secret changed" in diff
    assert SECRET not in diff and "changed-pw" not in diff
    nested = editor_client.get(url_of(saved_service, "history") + "?old=2&new=3").content.decode()
    assert "$.properties.connectVia" in nested and "$.properties.parameters" in nested
    assert "secret changed" in nested  # revision 3 went back to the first password
    unchanged = editor_client.get(
        url_of(saved_service, "history") + "?old=1&new=3"
    ).content.decode()
    assert "secret" not in unchanged.split('id="diff"')[1]


def test_restore_writes_a_new_equal_revision(
    editor_client: Client, saved_service: Any, editor: Any
) -> None:
    edited(saved_service, editor, host="h2.example.com")
    response = editor_client.post(url_of(saved_service, "restore", 1), {"based_on": "2"})
    assert response.status_code == 302
    service = Resource.objects.get()
    assert service.revision == 3
    assert service.properties == Revision.objects.get(number=1).properties
    assert Revision.objects.get(number=3).action == "restore"
    assert AuditEvent.objects.filter(action="restore").exists()


def test_stale_restore_is_refused(editor_client: Client, saved_service: Any, editor: Any) -> None:
    edited(saved_service, editor, host="h2.example.com")
    editor_client.post(url_of(saved_service, "restore", 1), {"based_on": "1"})
    assert Resource.objects.get().revision == 2


def test_conflict_names_who_changed_what(client: Client, saved_service: Any, editor: Any) -> None:
    from portal.roles import Role
    from tests.conftest import make_user

    other = make_user("olga", Role.EDITOR)
    edited(saved_service, other, host="olga.example.com")
    client.force_login(editor)
    response = client.post(
        url_of(saved_service, "edit"),
        form_data(name="SparkProd", based_on="1", **{"tp-host": "mine.example.com"}),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "olga saved revision 2" in html
    assert (
        "$.properties.typeProperties.host: &quot;spark.example.com&quot; → "
        "&quot;olga.example.com&quot;" in html
    )
    assert 'value="mine.example.com"' in html and 'name="based_on" value="2"' in html


def test_deleted_list_undelete_and_admin_purge(
    editor_client: Client, admin_client: Client, saved_service: Any
) -> None:
    editor_client.post(url_of(saved_service, "delete"), {"based_on": "1"})
    page = editor_client.get("/factories/default/deleted/").content.decode()
    assert "SparkProd" in page and "Purge" not in page
    editor_client.post(deleted_url_of(saved_service, "undelete"))
    assert Resource.objects.live().count() == 1
    assert list(Revision.objects.values_list("action", flat=True)) == [
        "restore",
        "delete",
        "create",
    ]
    editor_client.post(url_of(saved_service, "delete"), {"based_on": "3"})
    assert editor_client.post(deleted_url_of(saved_service, "purge")).status_code == 403
    warning = admin_client.get(deleted_url_of(saved_service, "purge")).content.decode()
    assert "a new linked service may take the name" in warning
    admin_client.post(deleted_url_of(saved_service, "purge"))
    listing = admin_client.get("/factories/default/deleted/").content.decode()
    assert "SparkProd" not in listing.split("<tbody>")[1]
    created = editor_client.post(NEW_SPARK, form_data(name="SparkProd"))
    assert created.status_code == 302
    assert Revision.objects.count() == 5


def test_name_of_a_deleted_service_is_taken_until_purged(
    editor_client: Client, saved_service: Any
) -> None:
    editor_client.post(url_of(saved_service, "delete"), {"based_on": "1"})
    response = editor_client.post(NEW_SPARK, form_data(name="SparkProd"))
    assert "exists already (deleted; an Admin can purge it)" in response.content.decode()


def test_audit_log_records_and_filters(
    admin_client: Client, editor_client: Client, reader_client: Client, saved_service: Any
) -> None:
    editor_client.get(url_of(saved_service, "export"))
    reader_client.get("/factories/default/new/")
    Client().post("/accounts/login/", {"username": "eddie", "password": "wrong"})
    editor_client.post(NEW_SPARK, form_data(name="Second"))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"export", "permission denied", "sign-in failed", "create"} <= actions
    page = admin_client.get("/audit/?user=rita").content.decode()
    assert "permission denied" in page and "export" not in page.split("<tbody>")[1]
    by_object = admin_client.get("/audit/?object=Second&action=create").content.decode()
    assert "Second" in by_object
    failed = admin_client.get("/audit/?action=sign-in+failed").content.decode()
    assert "user name tried: eddie" in failed and "wrong" not in failed.split("<tbody>")[1]
    assert editor_client.get("/audit/").status_code == 403


def test_tokens_are_created_shown_once_and_revoked(editor_client: Client, editor: Any) -> None:
    page = editor_client.post("/tokens/", {"name": "deploy"}, follow=True).content.decode()
    token = ApiToken.objects.get()
    key = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert key.startswith("lw_") and ApiToken.hash_key(key) == token.key_hash
    assert key not in editor_client.get("/tokens/").content.decode()
    editor_client.post(f"/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_password_of_sign_in_is_not_in_the_audit(client: Client, editor: Any) -> None:
    client.post("/accounts/login/", {"username": "eddie", "password": PASSWORD + "x"})
    assert PASSWORD not in " ".join(AuditEvent.objects.values_list("detail", flat=True))


def test_diff_shows_values_as_json(editor_client: Client, saved_service: Any, editor: Any) -> None:
    edited(saved_service, editor, enableSsl=False, port=10001, host="h2.example.com")
    html = editor_client.get(url_of(saved_service, "history") + "?old=1&new=2").content.decode()
    assert "<code>false</code>" in html and "False" not in html.split('id="diff"')[1]
    assert "<code>443</code>" in html and "<code>10001</code>" in html
    assert "<code>&quot;h2.example.com&quot;</code>" in html  # text is quoted, as in JSON

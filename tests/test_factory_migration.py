"""The migration to factories moves existing data into the default factory, on a populated
database: linked services, revisions, secrets, connection tests, audit rows and roles."""

from __future__ import annotations

import json

import pytest

from tests.migrations import migrate_to

BEFORE = [("portal", "0005_token_scope_expiry_sign_in_lock")]
AFTER = [("portal", "0008_resource_factory_required")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_existing_linked_services_and_users_move_into_the_default_factory() -> None:
    old = migrate_to(BEFORE)
    User = old.get_model("auth", "User")
    Group = old.get_model("auth", "Group")
    LinkedService = old.get_model("portal", "LinkedService")
    Revision = old.get_model("portal", "Revision")
    SecretValue = old.get_model("portal", "SecretValue")
    AuditEvent = old.get_model("portal", "AuditEvent")
    ConnectionTest = old.get_model("portal", "ConnectionTest")

    editor = User.objects.create(username="eddie")
    editor.groups.add(Group.objects.create(name="Editor"))
    User.objects.create(username="rita")
    User.objects.create(username="root", is_superuser=True)
    secret = SecretValue.objects.create(ciphertext="opaque", target="")
    properties = {
        "type": "Spark",
        "version": "2.0",
        "typeProperties": {"password": {"type": "SecureString", "secretId": secret.pk}},
    }
    service = LinkedService.objects.create(
        name="SparkProd", name_key="sparkprod", connector="Spark", connector_version="2.0",
        definition=json.dumps(properties), revision=1, created_by=editor,
    )  # fmt: skip
    Revision.objects.create(
        linked_service=service, number=1, name="SparkProd", connector="Spark",
        connector_version="2.0", definition=json.dumps(properties), action="create",
    )  # fmt: skip
    AuditEvent.objects.create(action="create", object_name="SparkProd", linked_service=service)
    AuditEvent.objects.create(action="sign-in failed", object_name="nobody")
    ConnectionTest.objects.create(
        linked_service=service, connector="Spark", connector_version="2.0", status="passed"
    )

    new = migrate_to(AFTER)
    Factory = new.get_model("portal", "Factory")
    Resource = new.get_model("portal", "Resource")
    default = Factory.objects.get()
    assert default.name == "default"
    moved = Resource.objects.get()
    assert (moved.factory_id, moved.kind, moved.name, moved.revision) == (
        default.pk,
        "linkedService",
        "SparkProd",
        1,
    )
    assert json.loads(moved.definition) == properties
    assert new.get_model("portal", "SecretValue").objects.get().pk == secret.pk
    revision = new.get_model("portal", "Revision").objects.get()
    assert (revision.resource_id, revision.source_path, revision.source_bytes) == (
        moved.pk,
        None,
        None,
    )
    assert new.get_model("portal", "ConnectionTest").objects.get().resource_id == moved.pk
    events = {e.action: e for e in new.get_model("portal", "AuditEvent").objects.all()}
    assert events["create"].factory_id == default.pk
    assert events["create"].resource_id == moved.pk
    assert events["sign-in failed"].factory_id is None
    roles = {
        r.user.username: r.role
        for r in new.get_model("portal", "FactoryRole").objects.select_related("user")
    }
    assert roles == {"eddie": "Editor", "rita": "Reader", "root": "Admin"}

"""Everything from before factories moves into the default factory.

Each linked service (with its revisions, secrets, connection tests and audit rows, which
hang on it) becomes a ``linkedService`` resource of the factory ``default``; every active
user gets in it the role they had before (group Admin or Editor, superuser Admin, others
Reader), so nobody loses or gains access.
"""

from django.conf import settings
from django.db import migrations

DEFAULT = "default"
RESOURCE_ACTIONS = (
    "create", "edit", "delete", "restore", "undelete", "purge", "import", "export",
    "upgrade", "test connection",
)  # fmt: skip


def role_before(user):
    groups = set(user.groups.values_list("name", flat=True))
    if user.is_superuser or "Admin" in groups:
        return "Admin"
    return "Editor" if "Editor" in groups else "Reader"


def into_default_factory(apps, schema_editor):
    Factory = apps.get_model("portal", "Factory")
    FactoryRole = apps.get_model("portal", "FactoryRole")
    Resource = apps.get_model("portal", "Resource")
    AuditEvent = apps.get_model("portal", "AuditEvent")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    factory, _ = Factory.objects.get_or_create(
        name=DEFAULT, defaults={"description": "The linked services kept before factories."}
    )
    Resource.objects.filter(factory__isnull=True).update(factory=factory, kind="linkedService")
    AuditEvent.objects.filter(factory__isnull=True, action__in=RESOURCE_ACTIONS).update(
        factory=factory
    )
    for user in User.objects.filter(is_active=True):
        FactoryRole.objects.get_or_create(
            factory=factory, user=user, defaults={"role": role_before(user)}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_factories_and_resources"),
    ]

    operations = [
        migrations.RunPython(into_default_factory, migrations.RunPython.noop),
    ]

"""Bind every stored secret to the target it was typed for.

For secrets stored before this migration, that is the target of the earliest revision
that references the secret (the revision in which it was typed).
"""

import json

from django.db import migrations, models


def bind_existing_secrets(apps, schema_editor):
    from connectors.secret_targets import encode, target_of
    from connectors.secrets import secure_strings

    SecretValue = apps.get_model("portal", "SecretValue")
    Revision = apps.get_model("portal", "Revision")
    bound: dict[int, str] = {}
    for definition in Revision.objects.order_by("id").values_list("definition", flat=True):
        properties = json.loads(definition)
        target = None
        for _path, secret in secure_strings(properties):
            secret_id = secret.get("secretId")
            if isinstance(secret_id, int) and secret_id not in bound:
                target = encode(target_of(properties)) if target is None else target
                bound[secret_id] = target
    for secret_id, target in bound.items():
        SecretValue.objects.filter(pk=secret_id).update(target=target)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_connection_tests")]

    operations = [
        migrations.AddField(
            model_name="secretvalue",
            name="target",
            field=models.TextField(
                blank=True,
                default="",
                help_text="JSON: where and how the secret was to be sent when it was typed "
                "(connectors.secret_targets); it may only be reused for that target.",
            ),
        ),
        migrations.RunPython(bind_existing_secrets, migrations.RunPython.noop),
    ]

"""A connection test's ``taken_at``: when the process that runs it took it. Its deadline
counts from there, and a test still waiting on the task queue (None) is never interrupted.
Tests made before were taken when they were made."""

from typing import Any

from django.db import migrations, models
from django.db.models import F


def taken_when_made(apps: Any, schema_editor: Any) -> None:
    test = apps.get_model("portal", "ConnectionTest")
    test.objects.update(taken_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0018_connectiontest_environment"),
    ]

    operations = [
        migrations.AddField(
            model_name="connectiontest",
            name="taken_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the process that runs the test took it (its place in that "
                "process's pool, or a task queue's worker); None while it waits on the task "
                "queue. Its deadline counts from here.",
                null=True,
            ),
        ),
        migrations.RunPython(taken_when_made, migrations.RunPython.noop),
    ]

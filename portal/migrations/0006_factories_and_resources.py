"""Factories and per-factory roles; the linked-service table becomes the resource table of
every kind (factory still optional here: 0007 fills it, 0008 requires it)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_token_scope_expiry_sign_in_lock"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Factory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=63, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[("dataFactory", "Data Factory"), ("synapse", "Synapse workspace")],
                        default="dataFactory",
                        max_length=20,
                    ),
                ),
                ("description", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["name"], "verbose_name_plural": "factories"},
        ),
        migrations.CreateModel(
            name="FactoryRole",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("role", models.CharField(max_length=10)),
                (
                    "factory",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="roles",
                        to="portal.factory",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="factory_roles",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("factory", "user"), name="one_role_per_factory")
                ]
            },
        ),
        migrations.RemoveConstraint(model_name="revision", name="one_revision_number_per_service"),
        migrations.RenameModel(old_name="LinkedService", new_name="Resource"),
        migrations.RenameIndex(
            model_name="resource",
            new_name="portal_reso_connect_ef5111_idx",
            old_name="portal_link_connect_799bf4_idx",
        ),
        migrations.RenameField(
            model_name="revision", old_name="linked_service", new_name="resource"
        ),
        migrations.RenameField(
            model_name="auditevent", old_name="linked_service", new_name="resource"
        ),
        migrations.RenameField(
            model_name="connectiontest", old_name="linked_service", new_name="resource"
        ),
        migrations.AddConstraint(
            model_name="revision",
            constraint=models.UniqueConstraint(
                fields=("resource", "number"), name="one_revision_number_per_service"
            ),
        ),
        migrations.AlterField(
            model_name="resource",
            name="name_key",
            field=models.CharField(editable=False, max_length=260),
        ),
        migrations.AlterField(
            model_name="resource",
            name="connector",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AlterField(
            model_name="resource",
            name="connector_version",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="resource",
            name="kind",
            field=models.CharField(default="linkedService", max_length=40),
        ),
        migrations.AddField(
            model_name="resource",
            name="factory",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="resources",
                to="portal.factory",
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="source_path",
            field=models.CharField(
                blank=True,
                help_text="Path in the imported repository.",
                max_length=1000,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="source_bytes",
            field=models.BinaryField(
                blank=True,
                help_text="The imported file exactly (null unless imported).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="factory",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="portal.factory",
            ),
        ),
    ]

import django.db.models.deletion
from django.db import migrations, models


def fill_terms(apps, schema_editor):
    """The terms of every stored resource: each suffix of its name, each annotation."""
    from portal.listing import term_keys

    resources = apps.get_model("portal", "Resource").objects
    terms = apps.get_model("portal", "ResourceTerm").objects
    rows = []
    for pk, name, annotations in resources.values_list("pk", "name", "annotations").iterator(
        chunk_size=1000
    ):
        suffixes, annotated = term_keys(name, annotations)
        rows.extend(terms.model(resource_id=pk, field="n", key=k) for k in suffixes)
        rows.extend(terms.model(resource_id=pk, field="a", key=k) for k in annotated)
        if len(rows) >= 5000:
            terms.bulk_create(rows)
            rows = []
    terms.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0020_environment_file_revisions"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResourceTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "field",
                    models.CharField(
                        choices=[
                            ("n", "a suffix of the name key"),
                            ("a", "an annotation, case-folded"),
                        ],
                        max_length=1,
                    ),
                ),
                ("key", models.CharField(max_length=40)),
                (
                    "resource",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="portal.resource",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["field", "key"],
                        name="resource_term",
                        opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                    )
                ],
            },
        ),
        migrations.RunPython(fill_terms, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(
                fields=["factory", "kind", "connector", "connector_version", "deleted_at"],
                name="resource_by_version",
            ),
        ),
    ]

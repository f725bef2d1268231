"""The columns that hold whole files and definitions (a resource's definition, a revision's
definition and imported bytes) compressed with lz4 on PostgreSQL, where the server has it:
PostgreSQL's default (pglz) took longer to compress a large pipeline's revision than
everything else its save does. Values already stored stay as they are (read either way);
SQLite has no such setting."""

from django.db import migrations

COLUMNS = [
    ("portal_resource", "definition"),
    ("portal_revision", "definition"),
    ("portal_revision", "source_bytes"),
]


def _set(schema_editor, method: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        if not row or not row[0]:
            return  # a server built without lz4 keeps its default
        for table, column in COLUMNS:
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}")


def forwards(apps, schema_editor) -> None:
    _set(schema_editor, "lz4")


def backwards(apps, schema_editor) -> None:
    _set(schema_editor, "default")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0021_resource_terms"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

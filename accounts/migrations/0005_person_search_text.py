"""One searchable column for the Users tab, with one trigram index on PostgreSQL.

Five per-column trigram indexes (migration 0002) made PostgreSQL either combine five
bitmap scans or, often, scan the whole table for a COUNT. search_text concatenates
the five columns in a stored generated column, and its index covers exactly the
expression Django's icontains compiles to on PostgreSQL: UPPER(search_text::text).
It also lets a search match a full name across first and last name.
"""

import django.db.models.functions.text
from django.db import migrations, models

OLD_SEARCHED_COLUMNS = ["user_name", "email", "display_name", "first_name", "last_name"]


def replace_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_text_trgm_idx ON accounts_person "
        "USING gin (UPPER(search_text::text) gin_trgm_ops)"
    )
    for column in OLD_SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS person_{column}_trgm_idx")


def restore_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in OLD_SEARCHED_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS person_{column}_trgm_idx ON accounts_person "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )
    schema_editor.execute("DROP INDEX IF EXISTS person_search_text_trgm_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_group_scim_version_and_unique_directory_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Concat(
                    "user_name", models.Value(" "), "email", models.Value(" "), "display_name", models.Value(" "),
                    "first_name", models.Value(" "), "last_name",
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(replace_indexes, restore_indexes),
    ]

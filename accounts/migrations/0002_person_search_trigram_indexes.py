"""Trigram indexes for the Users tab's search on PostgreSQL.

Django's icontains lookup compiles to UPPER(column::text) LIKE UPPER(pattern) on
PostgreSQL, so each index covers that exact expression. SQLite, used only by the
demo, gets no index and scans.
"""

from django.db import migrations

SEARCHED_COLUMNS = ["user_name", "email", "display_name", "first_name", "last_name"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS person_{column}_trgm_idx ON accounts_person "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS person_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]

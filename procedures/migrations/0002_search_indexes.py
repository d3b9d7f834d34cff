"""Trigram indexes for catalogue search on PostgreSQL (pg_trgm). SQLite keeps the plain folded column."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS procedures_version_search_trgm "
    "ON procedures_procedureversion USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS procedures_word_trgm ON procedures_catalogueword USING gin (word gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS procedures_word_trgm",
    "DROP INDEX IF EXISTS procedures_version_search_trgm",
]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]

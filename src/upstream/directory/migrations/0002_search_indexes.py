"""The text search indexes, one per database: FTS5 on SQLite, tsvector and pg_trgm on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_service_fts USING fts5("
    "body, content='directory_servicetext', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER directory_servicetext_ai AFTER INSERT ON directory_servicetext BEGIN "
    "INSERT INTO directory_service_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER directory_servicetext_ad AFTER DELETE ON directory_servicetext BEGIN "
    "INSERT INTO directory_service_fts(directory_service_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER directory_servicetext_au AFTER UPDATE ON directory_servicetext BEGIN "
    "INSERT INTO directory_service_fts(directory_service_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO directory_service_fts(rowid, body) VALUES (new.id, new.body); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_servicetext_ai",
    "DROP TRIGGER IF EXISTS directory_servicetext_ad",
    "DROP TRIGGER IF EXISTS directory_servicetext_au",
    "DROP TABLE IF EXISTS directory_service_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS directory_servicetext_english ON directory_servicetext "
    "USING GIN (to_tsvector('english', body))",
    "CREATE INDEX IF NOT EXISTS directory_servicetext_simple ON directory_servicetext "
    "USING GIN (to_tsvector('simple', body))",
    "CREATE INDEX IF NOT EXISTS directory_servicetext_trgm ON directory_servicetext USING GIN (body gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS directory_servicetext_english",
    "DROP INDEX IF EXISTS directory_servicetext_simple",
    "DROP INDEX IF EXISTS directory_servicetext_trgm",
]


def forward(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001 - migration signature
    """Creates the search index for this database."""
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001 - migration signature
    """Drops the search index for this database."""
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]

"""Database triggers that make the audit table append-only, on SQLite and PostgreSQL.

The application's database role should also hold only SELECT and INSERT on the table in production
(docs/architecture.md); the triggers make UPDATE, DELETE (and TRUNCATE on PostgreSQL) fail even for a role
that could otherwise do them, so no code path of ours can rewrite history by mistake.
"""

from __future__ import annotations

from typing import Any

TABLE = "core_auditevent"
MESSAGE = "the audit log is append-only: rows cannot be changed or removed"

_SQLITE_CREATE = [
    (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    ),
    (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    ),
]
_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update;", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;"]

_POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$;""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE};",
    (
        f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse();"
    ),
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};",
    (
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse();"
    ),
]
_POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE};",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};",
]


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create(connection: Any) -> None:
    """Installs the append-only triggers on the connection's database."""
    if connection.vendor == "sqlite":
        _run(connection, _SQLITE_CREATE)
    elif connection.vendor == "postgresql":
        _run(connection, _POSTGRES_CREATE)
    else:
        raise RuntimeError(f"No append-only triggers for {connection.vendor}: Upstream supports SQLite and PostgreSQL")


def drop(connection: Any) -> None:
    """Removes the triggers (only the test-database flush does; see core/management/commands/flush.py)."""
    if connection.vendor == "sqlite":
        _run(connection, _SQLITE_DROP)
    elif connection.vendor == "postgresql":
        _run(connection, _POSTGRES_DROP)

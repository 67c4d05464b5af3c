"""The database's own refusal to change or delete audit entries: triggers on the audit table.

Installed by the accounts migration that creates the table, lifted only by `flush` (which empties every table)
and put back straight after. On SQLite a migration that rebuilds the table (most ALTERs do) drops its
triggers: such a migration must call `install` again; `soma audit verify` warns when they are missing.
"""

from __future__ import annotations

TABLE = "accounts_auditentry"

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: entries cannot be changed.'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: entries cannot be deleted.'); END",
]
SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

POSTGRESQL_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'The audit trail is append-only: % is refused.', TG_OP;
    END $$""",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse()",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
]

# The trigger names per vendor, as the database lists them.
NAMES = {
    "sqlite": {f"{TABLE}_no_update", f"{TABLE}_no_delete"},
    "postgresql": {f"{TABLE}_append_only", f"{TABLE}_no_truncate"},
}


def _run(connection, statements) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection) -> None:
    if connection.vendor == "sqlite":
        _run(connection, SQLITE_INSTALL)
    elif connection.vendor == "postgresql":
        _run(connection, POSTGRESQL_INSTALL)


def remove(connection) -> None:
    if connection.vendor == "sqlite":
        _run(connection, SQLITE_REMOVE)
    elif connection.vendor == "postgresql":
        _run(connection, POSTGRESQL_REMOVE)


def present(connection) -> set[str]:
    """The names of the audit table's protecting triggers that exist."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE])
        else:
            return set()
        return {row[0] for row in cursor.fetchall()} & NAMES[connection.vendor]


def missing(connection) -> set[str]:
    return NAMES.get(connection.vendor, set()) - present(connection)


def table_exists(connection) -> bool:
    return TABLE in connection.introspection.table_names()

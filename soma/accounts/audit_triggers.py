"""The database's own refusal to change or delete audit entries and content history: triggers on both tables.

Installed by the accounts migrations that create (or protect) the tables, lifted only by `flush` (which empties
every table) and put back straight after. On SQLite a migration that rebuilds a table (most ALTERs do) drops its
triggers: such a migration must call `install` again; `soma audit verify` warns when they are missing.

Content history allows two changes, each through one narrow path:
- deleting a user sets `user_id` to NULL (Django's on_delete=SET_NULL): an UPDATE that changes nothing else;
- deleting an assessment purges its history (`soma.accounts.history.purge`, recorded in the audit trail): on
  PostgreSQL the transaction names the assessment in the setting `soma.history_purge`; on SQLite, which has no
  session settings, the purge drops the delete trigger, deletes and recreates it inside its own transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "accounts_auditentry"
HISTORY = "accounts_historyentry"
PURGE_SETTING = "soma.history_purge"
# Every column of the history table but user_id: an UPDATE may change user_id to NULL and nothing else.
_HISTORY_KEPT = ("id", "assessment_id", "at", "action", "object_type", "object_id", "label", "before", "after",
                 "classification")

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: entries cannot be changed.'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: entries cannot be deleted.'); END",
]
SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

_SQLITE_HISTORY_NO_DELETE = (
    f"CREATE TRIGGER IF NOT EXISTS {HISTORY}_no_delete BEFORE DELETE ON {HISTORY} "
    "BEGIN SELECT RAISE(ABORT, 'Content history is append-only: entries cannot be deleted.'); END"
)
SQLITE_HISTORY_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS {HISTORY}_no_update BEFORE UPDATE ON {HISTORY} "
    f"WHEN NOT (NEW.user_id IS NULL AND {' AND '.join(f'NEW.{c} IS OLD.{c}' for c in _HISTORY_KEPT)}) "
    "BEGIN SELECT RAISE(ABORT, 'Content history is append-only: entries cannot be changed.'); END",
    _SQLITE_HISTORY_NO_DELETE,
]
SQLITE_HISTORY_REMOVE = [f"DROP TRIGGER IF EXISTS {HISTORY}_no_update", f"DROP TRIGGER IF EXISTS {HISTORY}_no_delete"]

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

POSTGRESQL_HISTORY_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {HISTORY}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF NEW.user_id IS NULL AND (to_jsonb(NEW) - 'user_id') = (to_jsonb(OLD) - 'user_id') THEN
                RETURN NEW;
            END IF;
        ELSIF TG_OP = 'DELETE' THEN
            IF current_setting('{PURGE_SETTING}', true) = OLD.assessment_id::text THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION 'Content history is append-only: % is refused.', TG_OP;
    END $$""",
    f"DROP TRIGGER IF EXISTS {HISTORY}_append_only ON {HISTORY}",
    f"CREATE TRIGGER {HISTORY}_append_only BEFORE UPDATE OR DELETE ON {HISTORY} "
    f"FOR EACH ROW EXECUTE FUNCTION {HISTORY}_refuse()",
    f"DROP TRIGGER IF EXISTS {HISTORY}_no_truncate ON {HISTORY}",
    f"CREATE TRIGGER {HISTORY}_no_truncate BEFORE TRUNCATE ON {HISTORY} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {HISTORY}_refuse()",
]
POSTGRESQL_HISTORY_REMOVE = [
    f"DROP TRIGGER IF EXISTS {HISTORY}_append_only ON {HISTORY}",
    f"DROP TRIGGER IF EXISTS {HISTORY}_no_truncate ON {HISTORY}",
]

STATEMENTS = {
    # (table, vendor): (install, remove)
    (TABLE, "sqlite"): (SQLITE_INSTALL, SQLITE_REMOVE),
    (TABLE, "postgresql"): (POSTGRESQL_INSTALL, POSTGRESQL_REMOVE),
    (HISTORY, "sqlite"): (SQLITE_HISTORY_INSTALL, SQLITE_HISTORY_REMOVE),
    (HISTORY, "postgresql"): (POSTGRESQL_HISTORY_INSTALL, POSTGRESQL_HISTORY_REMOVE),
}
TABLES = (TABLE, HISTORY)

# The trigger names per vendor and table, as the database lists them.
NAMES = {
    "sqlite": {TABLE: {f"{TABLE}_no_update", f"{TABLE}_no_delete"},
               HISTORY: {f"{HISTORY}_no_update", f"{HISTORY}_no_delete"}},
    "postgresql": {TABLE: {f"{TABLE}_append_only", f"{TABLE}_no_truncate"},
                   HISTORY: {f"{HISTORY}_append_only", f"{HISTORY}_no_truncate"}},
}


def _run(connection: BaseDatabaseWrapper, statements: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper, tables: Collection[str] = TABLES) -> None:
    for table in tables:
        _run(connection, STATEMENTS.get((table, connection.vendor), ((), ()))[0])


def remove(connection: BaseDatabaseWrapper, tables: Collection[str] = TABLES) -> None:
    for table in tables:
        _run(connection, STATEMENTS.get((table, connection.vendor), ((), ()))[1])


def present(connection: BaseDatabaseWrapper, tables: Collection[str] = TABLES) -> set[str]:
    """The names of the protecting triggers that exist on these tables."""
    names = NAMES.get(connection.vendor)
    if names is None:
        return set()
    found = set()
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            else:
                cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                               [table])
            found |= {row[0] for row in cursor.fetchall()} & names[table]
    return found


def missing(connection: BaseDatabaseWrapper, tables: Collection[str] = TABLES) -> set[str]:
    names = NAMES.get(connection.vendor, {})
    wanted = set().union(*(names.get(table, set()) for table in tables))
    return wanted - present(connection, tables)


def table_exists(connection: BaseDatabaseWrapper, table: str = TABLE) -> bool:
    return table in connection.introspection.table_names()


def existing_tables(connection: BaseDatabaseWrapper) -> tuple[str, ...]:
    names = set(connection.introspection.table_names())
    return tuple(table for table in TABLES if table in names)


@contextmanager
def history_purge(connection: BaseDatabaseWrapper, assessment_id: int) -> Iterator[None]:
    """Inside the caller's transaction: let the history entries of this one assessment be deleted."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [PURGE_SETTING, str(assessment_id)])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, '', true)", [PURGE_SETTING])
    elif connection.vendor == "sqlite":
        protected = f"{HISTORY}_no_delete" in present(connection, (HISTORY,))
        _run(connection, [f"DROP TRIGGER IF EXISTS {HISTORY}_no_delete"])
        try:
            yield
        finally:
            if protected:
                _run(connection, [_SQLITE_HISTORY_NO_DELETE])
    else:
        yield

"""Django's `flush` (empty every table; test cases between tests use it too), which also empties the audit
trail and the content history: the database refuses that while their append-only triggers are in place, so they
are lifted for the flush and put back straight after."""

from django.core.management.commands import flush
from django.db import connections

from soma.accounts import audit_triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        tables = audit_triggers.existing_tables(connection)
        protected = tuple(table for table in tables if audit_triggers.present(connection, (table,)))
        if protected:
            audit_triggers.remove(connection, protected)
        try:
            return super().handle(**options)
        finally:
            if protected:
                audit_triggers.install(connection, protected)

"""Django's `flush` (empty every table; test cases between tests use it too), which also empties the audit
trail: the database refuses that while its append-only triggers are in place, so they are lifted for the
flush and put back straight after."""

from django.core.management.commands import flush
from django.db import connections

from soma.accounts import audit_triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        protected = audit_triggers.table_exists(connection) and bool(audit_triggers.present(connection))
        if protected:
            audit_triggers.remove(connection)
        try:
            return super().handle(**options)
        finally:
            if protected:
                audit_triggers.install(connection)

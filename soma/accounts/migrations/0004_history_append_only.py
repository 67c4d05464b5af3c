from django.db import migrations

from soma.accounts import audit_triggers


def protect(apps, schema_editor):
    """The database refuses UPDATE and DELETE (and on PostgreSQL TRUNCATE) on the content history, except the two
    narrow paths audit_triggers describes (a deleted user's reference set to NULL; a recorded purge)."""
    audit_triggers.install(schema_editor.connection, (audit_triggers.HISTORY,))


def unprotect(apps, schema_editor):
    audit_triggers.remove(schema_editor.connection, (audit_triggers.HISTORY,))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_auditentry'),
    ]

    operations = [
        migrations.RunPython(protect, unprotect),
    ]

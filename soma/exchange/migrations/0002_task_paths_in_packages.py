"""Background tasks waiting in the database name their function by module path; the exchange's tasks moved into
the packages of their formats, so the stored paths follow (the job kinds are unchanged)."""

from django.db import migrations

MOVED = {
    "soma.exchange.tasks.import_bundle_job": "soma.exchange.bundle.tasks.import_bundle_job",
    "soma.exchange.tasks_spreadsheets.import_questionnaire": "soma.exchange.spreadsheets.tasks.import_questionnaire",
    "soma.exchange.tasks_xlsform.apply_submissions": "soma.exchange.xlsform.tasks.apply_submissions",
}


def forwards(apps, schema_editor):
    stored = apps.get_model("django_tasks_database", "DBTaskResult").objects
    for old, new in MOVED.items():
        stored.filter(task_path=old).update(task_path=new)


def backwards(apps, schema_editor):
    stored = apps.get_model("django_tasks_database", "DBTaskResult").objects
    for old, new in MOVED.items():
        stored.filter(task_path=new).update(task_path=old)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

"""Tasks waiting in the database name their function by module path: the exchange's tasks moved into the format
packages, and migration 0002 points the stored paths at where the functions are now."""

import importlib

import pytest
from django.apps import apps
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db

moved = importlib.import_module("soma.exchange.migrations.0002_task_paths_in_packages")


@pytest.mark.parametrize("old, new", sorted(moved.MOVED.items()))
def test_a_task_stored_under_its_old_path_runs_the_moved_function(old, new):
    stored = DBTaskResult.objects.create(task_path=old, args_kwargs={"args": [1], "kwargs": {}}, backend_name="default",
                                         run_after="9999-01-01T00:00:00Z")
    other = DBTaskResult.objects.create(task_path="soma.reports.tasks.other", args_kwargs={"args": [], "kwargs": {}},
                                        backend_name="default", run_after="9999-01-01T00:00:00Z")
    moved.forwards(apps, None)
    stored.refresh_from_db()
    assert stored.task_path == new
    assert isinstance(stored.task, Task) and stored.task.module_path == new
    assert DBTaskResult.objects.get(pk=other.pk).task_path == "soma.reports.tasks.other"
    moved.backwards(apps, None)
    assert DBTaskResult.objects.get(pk=stored.pk).task_path == old

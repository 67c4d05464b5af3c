"""Housekeeping the background worker does before it takes new work and then once an hour. Apps register their
tasks here from their AppConfig.ready(), so the worker (in core) runs them without importing the apps above it."""

from collections.abc import Callable

_tasks: list[Callable[[], object]] = []


def register(task: Callable[[], object]) -> None:
    if task not in _tasks:
        _tasks.append(task)


def run() -> None:
    for task in list(_tasks):
        task()

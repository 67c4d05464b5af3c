"""Starting background work and reporting its progress (django-tasks underneath, a Job row on top).

A view or command calls `start(...)` with a django-tasks task whose first argument is the job id; the task
calls `progress(...)` as it goes and `done(...)` at the end. Any exception in the task marks the job failed
with its message (see `run`), so the page that polls it never waits forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple

from django.db import transaction

from soma.core.models import Job

log = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message is meant for the user (what was wrong and what to do)."""


class Result(NamedTuple):
    """What a job's work may return instead of a bare URL: where the result is, and a summary to show."""

    url: str
    message: str = ""


def start(user, kind: str, label: str, task, *args, assessment=None, **kwargs) -> Job:
    """Create the job and enqueue `task(job_id, *args, **kwargs)` once the surrounding transaction commits."""
    job = Job.objects.create(user=user, kind=kind, label=label, assessment=assessment)

    def enqueue():
        result = task.enqueue(job.pk, *args, **kwargs)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


def progress(job_id: int, percent: int, step: str = "") -> None:
    Job.objects.filter(pk=job_id).update(state=Job.State.RUNNING, progress=max(0, min(100, percent)), step=step[:200])


def done(job_id: int, result_url: str = "", message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(state=Job.State.DONE, progress=100, result_url=result_url, message=message)


def fail(job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(state=Job.State.FAILED, message=message)


def run(job_id: int, work: Callable[[], str | Result | None]) -> None:
    """Run `work` for the job: it returns the result URL, or a Result (URL and summary). A JobError's message is
    shown as it is;
    any other error is logged and the user is told the job failed, with nothing half-written (the work is
    expected to do its writes in one transaction)."""
    progress(job_id, 0)
    try:
        outcome = work()
    except JobError as error:
        fail(job_id, str(error))
        return
    except Exception:
        log.exception("Background job %s failed", job_id)
        fail(job_id, "The work failed unexpectedly and nothing was saved. Try again; if it fails again, tell "
                     "your administrator (the server log has the details).")
        return
    if isinstance(outcome, Result):
        done(job_id, outcome.url, outcome.message)
    else:
        done(job_id, outcome or "")


def jobs_for(user, *, assessment=None):
    """The user's own jobs (newest first), optionally for one assessment."""
    rows = Job.objects.filter(user=user)
    return rows.filter(assessment=assessment) if assessment is not None else rows


def job_for(user, pk) -> Job:
    from django.http import Http404

    try:
        return Job.objects.get(pk=pk, user=user)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404("No such job.") from None

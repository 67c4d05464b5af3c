"""Starting background work and reporting its progress (django-tasks underneath, a Job row on top).

A view or command calls `start(...)` with a django-tasks task whose first argument is the job id; the task
calls `progress(...)` as it goes and `done(...)` at the end. Any exception in the task marks the job failed
with its message (see `run`), so the page that polls it never waits forever.

A worker killed without warning (kill -9, out of memory, power cut) cannot mark its job failed. Each
`soma worker` therefore keeps a lease (`Heartbeat`, a WorkerBeat row it updates every few seconds); a worker
that starts, a running worker now and then, and the job page itself look for running jobs whose worker is
gone (`recover_abandoned`) and mark them failed with a message that says what happened and what to do.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from soma.core.models import Job, WorkerBeat

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet
    from django_tasks.base import Task

    from soma.assessments.models import Assessment

log = logging.getLogger(__name__)

# A worker writes its lease this often; one not written for STALE seconds belongs to a dead worker (on another
# machine; on the same machine a dead process is recognised at once by its process id).
HEARTBEAT_SECONDS = getattr(settings, "SOMA_WORKER_HEARTBEAT_SECONDS", 5)
STALE_SECONDS = getattr(settings, "SOMA_WORKER_STALE_SECONDS", 60)
# A job still waiting after this long, with no worker alive, gets a hint on its page.
PICKUP_WARNING_SECONDS = getattr(settings, "SOMA_JOB_PICKUP_WARNING_SECONDS", 20)
WORKER_LOST_CLASS = "soma.core.jobs.WorkerLost"


class JobError(Exception):
    """A failure whose message is meant for the user (what was wrong and what to do)."""


class Result(NamedTuple):
    """What a job's work may return instead of a bare URL: where the result is, and a summary to show."""

    url: str
    message: str = ""


def start(user: User, kind: str, label: str, task: Task, *args: Any, assessment: Assessment | None = None,
          **kwargs: Any) -> Job:
    """Create the job and enqueue `task(job_id, *args, **kwargs)` once the surrounding transaction commits."""
    job = Job.objects.create(user=user, kind=kind, label=label, assessment=assessment)

    def enqueue() -> None:
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


def jobs_for(user: User, *, assessment: Assessment | None = None) -> QuerySet[Job]:
    """The user's own jobs (newest first), optionally for one assessment."""
    rows = Job.objects.filter(user=user)
    return rows.filter(assessment=assessment) if assessment is not None else rows


def job_for(user: User, pk: int | str) -> Job:
    from django.http import Http404

    try:
        return Job.objects.get(pk=pk, user=user)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404("No such job.") from None


# --- workers that died ------------------------------------------------------------------------------------------

def worker_lost_message() -> str:
    return _("The background worker stopped while this was running (it was killed, ran out of memory, or the "
             "machine restarted), so the work did not finish and nothing of it was saved. Start it again; if it "
             "stops again, tell your administrator.")


def this_host() -> str:
    """Where a process id means something: the host name and, in a container, its process namespace."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()} {namespace}".strip()[:255]


def _process_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # killed but not yet reaped by its parent: as dead as it gets
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def dead_worker_ids() -> set[str]:
    """Workers whose lease ran out, or whose process on this machine no longer exists."""
    stale = timezone.now() - dt.timedelta(seconds=STALE_SECONDS)
    here = this_host()
    return {row.worker_id for row in WorkerBeat.objects.all()
            if row.last_seen < stale or (row.host == here and _process_gone(row.pid))}


def live_workers() -> int:
    return WorkerBeat.objects.count() - len(dead_worker_ids())


def recover_abandoned(job: Job | None = None) -> list[int]:
    """Mark failed the jobs (all, or just `job`) whose worker died while running them; their ids.

    Failing rather than retrying: the work may be what killed the worker (memory), and the person who started
    it can start it again knowing it failed once. Everything a job writes is in one transaction, so nothing of
    it was saved."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    pending = Job.objects.exclude(state__in=[Job.State.DONE, Job.State.FAILED])
    if job is not None:
        pending = pending.filter(pk=job.pk)
    by_task = {}
    for row in pending.only("pk", "task_id"):
        try:
            by_task[uuid.UUID(row.task_id)] = row.pk
        except ValueError:  # not handed to django-tasks yet
            continue
    if not by_task and job is not None:
        return []
    dead = dead_worker_ids()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    if job is not None:
        running = running.filter(pk__in=list(by_task))
    lost = [task.pk for task in running.only("pk", "worker_ids") if task.worker_ids and task.worker_ids[-1] in dead]
    if lost:
        DBTaskResult.objects.filter(pk__in=lost, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now(), exception_class_path=WORKER_LOST_CLASS,
            traceback="The worker running this task stopped without finishing it (detected by SOMA's lease).",
        )
    # Every job whose task is over as failed, although the job never said so: its worker died, or was stopped
    # by force mid-way (django-tasks then records the task failed, but the job's own code never ran to the end).
    over = DBTaskResult.objects.filter(pk__in=list(by_task), status=TaskResultStatus.FAILED)
    failed = [by_task[pk] for pk in over.values_list("pk", flat=True)]
    if failed:
        Job.objects.filter(pk__in=failed).exclude(state__in=[Job.State.DONE, Job.State.FAILED]).update(
            state=Job.State.FAILED, message=worker_lost_message(), updated_at=timezone.now())
        log.warning("Marked %d background jobs failed: their worker stopped while running them.", len(failed))
    if job is None and dead:
        busy = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("worker_ids", flat=True)
        still_needed = {ids[-1] for ids in busy if ids}
        WorkerBeat.objects.filter(worker_id__in=dead - still_needed).delete()
    return failed


def waiting_notice(job: Job) -> str:
    """What the job page says about a job that has waited a while without a worker taking it up."""
    if job.state != Job.State.QUEUED:
        return ""
    if timezone.now() - job.created_at < dt.timedelta(seconds=PICKUP_WARNING_SECONDS):
        return ""
    if live_workers() > 0:
        return _("Still waiting: the background worker is busy with earlier work. This starts as soon as it is "
                 "free; you can leave this page and come back.")
    return _("No background worker is running, so this work has not started. It will start as soon as one runs: "
             "start SOMA with `soma serve` (which starts one) or run `soma worker`, or tell your administrator.")


def check(job: Job) -> Job:
    """The job as its page shows it: failed, with a message, if its worker died while running it."""
    try:
        if recover_abandoned(job):
            job.refresh_from_db()
    except DatabaseError:  # a page must still answer; the next worker does the same check
        log.exception("Checking job %s for a dead worker failed", job.pk)
    return job


class Heartbeat:
    """The lease of one worker process: written now, then every HEARTBEAT_SECONDS from a thread of its own
    (a long task blocks the worker's loop), removed when the worker stops cleanly. The thread also looks for
    jobs of dead workers, and runs `every_hour` (the sweep of left-over files) once an hour."""

    def __init__(self, every_hour: Callable[[], object] | None = None):
        self.worker_id = f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"
        self.every_hour = every_hour
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="soma-worker-heartbeat", daemon=True)

    def start(self) -> str:
        WorkerBeat.objects.update_or_create(worker_id=self.worker_id, defaults={
            "host": this_host(), "pid": os.getpid(), "last_seen": timezone.now()})
        self._thread.start()
        return self.worker_id

    def _loop(self) -> None:
        hour_started = time.monotonic()
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    WorkerBeat.objects.filter(worker_id=self.worker_id).update(last_seen=timezone.now())
                    recover_abandoned()
                    if self.every_hour and time.monotonic() - hour_started >= 3600:
                        hour_started = time.monotonic()
                        self.every_hour()
                except DatabaseError as error:  # an outage: the next beat tries again
                    log.warning("The worker's heartbeat could not be written: %s", error)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=HEARTBEAT_SECONDS + 30)
        try:
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            log.warning("The worker's lease could not be removed; it expires by itself.")

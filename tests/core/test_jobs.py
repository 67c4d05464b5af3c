"""Background jobs: started after commit, run by the real database worker, progress and outcome recorded."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task

from soma.core import jobs
from soma.core.models import Job

pytestmark = pytest.mark.django_db


@task()
def halves(job_id: int, fail_with: str = "") -> None:
    def work():
        jobs.progress(job_id, 50, "half way")
        if fail_with == "user":
            raise jobs.JobError("The file has no sheet named 'survey'. Export the form again and retry.")
        if fail_with == "bug":
            raise RuntimeError("internal detail that must not reach the page")
        return "/done/"

    jobs.run(job_id, work)


def _start(user, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(user, "test", "Halving", halves, **kwargs)
    return job


def test_a_job_is_queued_then_done_by_the_worker(django_capture_on_commit_callbacks, run_worker):
    user = get_user_model().objects.create_user("amara")
    job = _start(user, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.task_id
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.progress, job.result_url) == (Job.State.DONE, 100, "/done/")


@pytest.mark.parametrize(
    "fail_with, shown",
    [("user", "no sheet named 'survey'"), ("bug", "failed unexpectedly and nothing was saved")],
)
def test_a_failed_job_says_why_without_internal_details(django_capture_on_commit_callbacks, run_worker, fail_with,
                                                         shown):
    user = get_user_model().objects.create_user("amara")
    job = _start(user, django_capture_on_commit_callbacks, fail_with=fail_with)
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert shown in job.message and "internal detail" not in job.message


def test_the_job_page_is_its_owners_only(client, django_capture_on_commit_callbacks, run_worker):
    owner, other = get_user_model().objects.create_user("amara"), get_user_model().objects.create_user("bo")
    job = _start(owner, django_capture_on_commit_callbacks)
    url = reverse("job", args=[job.pk])
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(owner)
    page = client.get(url)
    assert page.status_code == 200 and b"Halving" in page.content and b'hx-trigger="every 1s"' in page.content
    run_worker()
    partial = client.get(url, headers={"HX-Request": "true"})
    assert b"hx-trigger" not in partial.content and b"/done/" in partial.content


def _last_pid() -> int:
    import subprocess

    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _claimed_by(job, worker_id: str) -> None:
    from django_tasks_db.models import DBTaskResult

    job.refresh_from_db()
    DBTaskResult.objects.get(pk=job.task_id).claim(worker_id)
    jobs.progress(job.pk, 40, "half way")


@pytest.mark.parametrize("lease", ["process-gone", "lease-expired"])
def test_a_job_whose_worker_died_is_shown_failed_with_what_to_do(client, django_capture_on_commit_callbacks,
                                                                  lease):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from soma.core.models import WorkerBeat

    user = get_user_model().objects.create_user("amara")
    job = _start(user, django_capture_on_commit_callbacks)
    if lease == "process-gone":  # this machine, a process id that no longer exists, a fresh lease
        WorkerBeat.objects.create(worker_id="w1", host=jobs.this_host(), pid=_last_pid(), last_seen=timezone.now())
    else:  # another machine, its lease not renewed for longer than STALE_SECONDS
        WorkerBeat.objects.create(worker_id="w1", host="demoland-worker-2", pid=1,
                                  last_seen=timezone.now() - timedelta(seconds=jobs.STALE_SECONDS + 5))
    _claimed_by(job, "w1")
    client.force_login(user)
    page = client.get(reverse("job", args=[job.pk]), headers={"HX-Request": "true"})
    assert b"The background worker stopped while this was running" in page.content
    assert b"Start it again" in page.content and b"hx-trigger" not in page.content
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"


def test_a_job_of_a_live_worker_is_left_running(client, django_capture_on_commit_callbacks):
    import os

    from django.utils import timezone

    from soma.core.models import WorkerBeat

    user = get_user_model().objects.create_user("amara")
    job = _start(user, django_capture_on_commit_callbacks)
    WorkerBeat.objects.create(worker_id="w1", host=jobs.this_host(), pid=os.getppid(), last_seen=timezone.now())
    _claimed_by(job, "w1")
    assert jobs.recover_abandoned() == []
    client.force_login(user)
    page = client.get(reverse("job", args=[job.pk]), headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in page.content and b"stopped" not in page.content
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING


def test_a_job_nobody_picks_up_says_that_no_worker_runs(client, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from soma.core.models import WorkerBeat

    user = get_user_model().objects.create_user("amara")
    job = _start(user, django_capture_on_commit_callbacks)
    client.force_login(user)
    url = reverse("job", args=[job.pk])
    assert b"No background worker" not in client.get(url).content  # just started: no alarm yet
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=jobs.PICKUP_WARNING_SECONDS))
    page = client.get(url)
    assert b"No background worker is running, so this work has not started" in page.content
    assert b"soma worker" in page.content
    WorkerBeat.objects.create(worker_id="w1", host="demoland-worker-2", pid=1, last_seen=timezone.now())
    page = client.get(url)
    assert b"No background worker" not in page.content and b"the background worker is busy" in page.content

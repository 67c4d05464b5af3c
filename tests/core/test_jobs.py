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

"""Pulling from ODK Central in the background: the job downloads the submissions and keeps them like an uploaded
file (a PendingUpload of the XLSForm import); its result is the same preview, and nothing is written until the
user confirms there (then the same all-or-nothing import job runs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from soma.accounts import audit
from soma.assessments.models import Assessment
from soma.core import jobs
from soma.core.models import Job
from soma.exchange.central import services
from soma.exchange.xlsform import tasks as xlsform_tasks
from soma.kernel.access import Action, PermissionDenied, require
from soma.kernel.errors import ServiceError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from soma.assessments.models import Activity

KIND = "central_pull"


def start(user: User, assessment: Assessment, activity: Activity) -> Job:
    require(user, Action.EDIT, assessment)
    services.check_ready(services.connection(assessment))
    return jobs.start(user, KIND, _("Pull of field submissions from ODK Central"), pull_submissions, assessment.pk,
                      activity.pk, assessment=assessment)


def preview_url(assessment: Assessment, upload_pk: int, activity_pk: int) -> str:
    return reverse("exchange:central_preview", args=[assessment.pk]) + "?" + urlencode(
        {"upload": upload_pk, "activity": activity_pk})


@task()
def pull_submissions(job_id: int, assessment_id: int, activity_id: int) -> None:
    job = Job.objects.select_related("user").get(pk=job_id)

    def work() -> jobs.Result:
        from soma.exchange.central import client  # pyodk and requests load with the first pull, not at start-up

        user = job.user
        assessment = Assessment.objects.get(pk=assessment_id)
        try:
            require(user, Action.EDIT, assessment)
        except PermissionDenied as refused:
            raise jobs.JobError(str(refused)) from None
        jobs.progress(job_id, 10, _("Signing in to ODK Central"))
        row = services.connection(assessment)
        where: dict[str, Any] = {"server": row.base_url, "project": row.project_id, "form": row.form_id} if row else {}
        try:
            pulled = services.download(assessment)
        except (ServiceError, client.CentralError) as error:
            audit.record("central_pull", user=user, assessment=assessment, **where, error=str(error)[:300])
            raise jobs.JobError(str(error)) from None
        audit.record("central_pull", user=user, assessment=assessment, **where, bytes=len(pulled.data))
        upload = xlsform_tasks.hold(user, assessment, pulled.data, pulled.file_name)
        return jobs.Result(preview_url(assessment, upload.pk, activity_id),
                           _("Submissions downloaded from ODK Central. Open the preview to check them; nothing is "
                             "written until you confirm there."))

    jobs.run(job_id, work)

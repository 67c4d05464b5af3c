"""Applying an import of field submissions in the background (the checked upload waits in a PendingUpload)."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from soma.assessments.models import Assessment
from soma.core import jobs
from soma.core.models import Job
from soma.exchange.models import PendingUpload
from soma.exchange.xlsform import submissions
from soma.kernel.access import PermissionDenied

KIND = "xlsform_submissions"


def hold(user, assessment, data: bytes, file_name: str) -> PendingUpload:
    """Keep an upload between its preview and its import; the user's uploads previewed a day ago or earlier and
    never imported are dropped."""
    stale = timezone.now() - datetime.timedelta(days=1)
    PendingUpload.objects.filter(user=user, kind=KIND, created_at__lt=stale).delete()
    return PendingUpload.objects.create(assessment=assessment, user=user, kind=KIND, file_name=file_name[:255],
                                        data=data)


def held(user, assessment, pk) -> PendingUpload | None:
    """The user's own held upload for this assessment, or None."""
    try:
        return PendingUpload.objects.get(pk=pk, user=user, assessment=assessment, kind=KIND)
    except (PendingUpload.DoesNotExist, ValueError, TypeError):
        return None


def start(user, assessment, activity, upload: PendingUpload, digest: str):
    return jobs.start(
        user, KIND, _("Import of field submissions: %(file)s") % {"file": upload.file_name}, apply_submissions,
        assessment.pk, activity.pk, upload.pk, digest, assessment=assessment,
    )


@task()
def apply_submissions(job_id: int, assessment_id: int, activity_id: int, upload_id: int, digest: str) -> None:
    job = Job.objects.select_related("user").get(pk=job_id)

    def work():
        user = job.user
        assessment = Assessment.objects.get(pk=assessment_id)
        upload = held(user, assessment, upload_id)
        if upload is None:
            raise jobs.JobError(_("The uploaded file is no longer kept. Upload it again."))
        try:
            activity = assessment.activities.filter(pk=activity_id).first()
            if activity is None:
                raise jobs.JobError(_("The activity was deleted. Upload the file again and choose another one."))
            applied = submissions.apply(
                user, assessment, activity, bytes(upload.data), upload.file_name, expected_digest=digest,
                progress=lambda percent, step: jobs.progress(job_id, percent, step),
            )
        except (submissions.ImportRefused, PermissionDenied) as refused:  # the role or clearance may have changed
            raise jobs.JobError(str(refused)) from None
        except Http404:
            raise jobs.JobError(_("You are no longer a member of this assessment.")) from None
        finally:
            PendingUpload.objects.filter(pk=upload.pk).delete()
        message = _(
            "%(written)s draft answers written from %(submissions)s submissions; %(skipped)s questions skipped "
            "because they were already answered."
        ) % {"written": applied.written, "submissions": applied.submissions, "skipped": applied.skipped}
        return jobs.Result(reverse("responses:index", args=[assessment.pk]), message)

    jobs.run(job_id, work)

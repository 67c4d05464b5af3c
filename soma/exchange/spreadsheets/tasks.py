"""Background import of a filled-in questionnaire: the upload page keeps the checked file as a PendingUpload,
this task reads it, imports it with progress on the job, and deletes it."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from soma.core import jobs
from soma.exchange.models import PendingUpload
from soma.exchange.spreadsheets import questionnaire
from soma.kernel.access import PermissionDenied

KIND = "questionnaire"


@task()
def import_questionnaire(job_id: int, upload_id: int) -> None:
    def work():
        upload = PendingUpload.objects.select_related("assessment", "user").filter(pk=upload_id).first()
        if upload is None:
            raise jobs.JobError(_("The uploaded file is no longer here. Upload it again."))
        try:
            summary = questionnaire.import_questionnaire(
                upload.user, upload.assessment, bytes(upload.data), file_name=upload.file_name,
                progress=lambda percent, step: jobs.progress(job_id, percent, step),
            )
        except (questionnaire.ImportRefused, PermissionDenied) as refused:
            raise jobs.JobError(str(refused)) from None
        except Http404:
            raise jobs.JobError(_("You are no longer a member of this assessment; nothing was imported.")) from None
        finally:
            PendingUpload.objects.filter(pk=upload_id).delete()
        return jobs.Result(reverse("exchange:index", args=[upload.assessment.pk]), str(summary))

    jobs.run(job_id, work)

"""Background import of a filled-in questionnaire: the upload page keeps the checked file as a PendingUpload,
this task reads it, imports it with progress on the job, and deletes it."""

from __future__ import annotations

import logging

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from soma.accounts.permissions import PermissionDenied
from soma.core import jobs
from soma.exchange import questionnaire
from soma.exchange.models import PendingUpload

KIND = "questionnaire"
log = logging.getLogger(__name__)


@task()
def import_questionnaire(job_id: int, upload_id: int) -> None:
    # Like jobs.run, but the job keeps the import's summary as its message (jobs.run keeps only a result URL).
    jobs.progress(job_id, 0)
    upload = PendingUpload.objects.select_related("assessment", "user").filter(pk=upload_id).first()
    if upload is None:
        jobs.fail(job_id, _("The uploaded file is no longer here. Upload it again."))
        return
    try:
        summary = questionnaire.import_questionnaire(
            upload.user, upload.assessment, bytes(upload.data), file_name=upload.file_name,
            progress=lambda percent, step: jobs.progress(job_id, percent, step),
        )
    except (questionnaire.ImportRefused, PermissionDenied) as refused:
        jobs.fail(job_id, str(refused))
        return
    except Http404:
        jobs.fail(job_id, _("You are no longer a member of this assessment; nothing was imported."))
        return
    except Exception:
        log.exception("Questionnaire import job %s failed", job_id)
        jobs.fail(job_id, _("The import failed unexpectedly and nothing was saved. Try again; if it fails again, "
                            "tell your administrator (the server log has the details)."))
        return
    finally:
        PendingUpload.objects.filter(pk=upload_id).delete()
    jobs.done(job_id, reverse("exchange:index", args=[upload.assessment.pk]), str(summary))

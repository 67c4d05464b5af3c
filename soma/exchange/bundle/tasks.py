"""Background work of the exchange: importing a bundle (an upload is kept in the file storage until it is read)."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from soma.core import jobs
from soma.core.models import Job
from soma.exchange.bundle import services
from soma.exchange.bundle.format import BundleError


def start_bundle_import(user, data: bytes, label: str):
    """Keep the upload where the worker can read it and start the import job; the job deletes the upload."""
    name = default_storage.save(f"imports/{secrets.token_hex(16)}.json", ContentFile(data))
    return jobs.start(user, "bundle_import", label, import_bundle_job, user.pk, name)


@task()
def import_bundle_job(job_id: int, user_id: int, stored_name: str) -> None:
    def work():
        try:
            user = get_user_model().objects.get(pk=user_id, is_active=True)
            with default_storage.open(stored_name, "rb") as handle:
                data = handle.read()
            assessment = services.import_bundle(user, data, lambda percent, step: jobs.progress(job_id, percent, step))
        except BundleError as refused:
            raise jobs.JobError(str(refused)) from None
        finally:
            default_storage.delete(stored_name)
        return reverse("assessments:detail", args=[assessment.pk])

    jobs.run(job_id, work)
    Job.objects.filter(pk=job_id, state=Job.State.DONE).update(
        message=_("Imported as a new assessment; you are its lead.")
    )

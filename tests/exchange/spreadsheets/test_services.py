"""soma.exchange.spreadsheets.services, called directly: the checks of an uploaded questionnaire come before
anything is kept, and a kept upload comes with its job."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from soma.core.models import Job
from soma.exchange import safe_files
from soma.exchange.models import PendingUpload
from soma.exchange.spreadsheets import questionnaire, services, tasks
from soma.kernel.access import PermissionDenied

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_import_is_refused_before_anything_is_kept(demoland):
    assessment, users = demoland
    data = questionnaire.export_questionnaire(users["observer"], assessment)
    with pytest.raises(PermissionDenied):
        services.start_questionnaire_import(users["observer"], assessment, SimpleUploadedFile("q.xlsx", data, XLSX))
    with pytest.raises(safe_files.UnsafeFile, match="Choose the filled-in questionnaire"):
        services.start_questionnaire_import(users["assessor"], assessment, None)
    with pytest.raises(safe_files.UnsafeFile, match="not an Excel workbook"):
        services.start_questionnaire_import(users["assessor"], assessment,
                                            SimpleUploadedFile("q.xlsx", b"name,answer\n", XLSX))
    assert not PendingUpload.objects.exists() and not Job.objects.exists()


def test_an_accepted_upload_is_kept_for_its_job(demoland):
    assessment, users = demoland
    data = questionnaire.export_questionnaire(users["assessor"], assessment)
    job = services.start_questionnaire_import(users["assessor"], assessment,
                                              SimpleUploadedFile("desk review.xlsx", data, XLSX))
    kept = PendingUpload.objects.get()
    assert (kept.user, kept.assessment, kept.kind, kept.file_name) == (users["assessor"], assessment, tasks.KIND,
                                                                      "desk review.xlsx")
    assert bytes(kept.data) == data
    assert (job.user, job.kind, job.assessment) == (users["assessor"], tasks.KIND, assessment)
    assert "desk review.xlsx" in job.label

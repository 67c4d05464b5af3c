"""The spreadsheet pages: downloads, the upload that becomes a background job, kept conflicts on the Exchange tab."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from soma.core.models import Job
from soma.exchange import safe_files
from soma.exchange.models import PendingUpload
from soma.exchange.spreadsheets import questionnaire
from soma.findings.models import Response
from soma.responses import services as response_services
from tests.exchange.spreadsheets.helpers import (
    load,
    row_of,
    save,
    state,
)

pytestmark = pytest.mark.django_db


ANSWERED = "guide:I.A:q01"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, assessment, data, name="desk review.xlsx"):
    return client.post(reverse("exchange:questionnaire_import", args=[assessment.pk]),
                       {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


def test_downloads_are_attachments_with_a_safe_name(client, demoland):
    assessment, users = demoland
    client.force_login(users["observer"])
    for name, query in (("questionnaire_export", "?scope=guide:V.C"), ("recommendations_export", "")):
        response = client.get(reverse(f"exchange:{name}", args=[assessment.pk]) + query)
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="Republic-of-Demoland-follow-up-assessment-2026-')
        assert disposition.endswith('.xlsx"') and ":" not in disposition
        load(response.content)
    bad = client.get(reverse("exchange:questionnaire_export", args=[assessment.pk]) + "?scope=guide:II.A")
    assert bad.status_code == 400 and b"guide:II.A" in bad.content


def test_the_upload_runs_as_a_background_job(client, demoland, django_capture_on_commit_callbacks, run_worker):
    assessment, users = demoland
    client.force_login(users["assessor"])
    book = load(client.get(reverse("exchange:questionnaire_export", args=[assessment.pk])).content)
    sheet = book["Questionnaire"]
    sheet.cell(row_of(sheet, ANSWERED), 9).value = "Imported in the background."
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, assessment, save(book))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
    assert PendingUpload.objects.get().file_name == "desk review.xlsx"
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    assert job.message.startswith("0 answers added, 1 answer updated")
    assert job.result_url == reverse("exchange:index", args=[assessment.pk])
    assert Response.objects.get(assessment=assessment, question=ANSWERED).narrative == "Imported in the background."
    assert not PendingUpload.objects.exists()
    page = client.get(reverse("job", args=[job.pk]))
    assert b"1 answer updated" in page.content


def test_a_refused_file_fails_the_job_with_the_cells_named(client, demoland, django_capture_on_commit_callbacks,
                                                           run_worker):
    assessment, users = demoland
    client.force_login(users["assessor"])
    book = load(questionnaire.export_questionnaire(users["assessor"], assessment))
    sheet = book["Questionnaire"]
    row = row_of(sheet, ANSWERED)
    sheet.cell(row, 6).value = "Maybe"
    before = state(assessment)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, assessment, save(book))
    run_worker()
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and f"Questionnaire!F{row}: 'Maybe' is not a de jure status" in job.message
    assert state(assessment) == before and not PendingUpload.objects.exists()


def test_hostile_and_oversized_uploads_are_refused_at_once(client, demoland, monkeypatch):
    assessment, users = demoland
    client.force_login(users["assessor"])
    refused = _upload(client, assessment, b"name,answer\n")
    assert refused.status_code == 400 and b"not an Excel workbook" in refused.content
    monkeypatch.setattr(safe_files, "MAX_UPLOAD_BYTES", 1024 * 1024)
    big = _upload(client, assessment, b"PK" + b"x" * (1024 * 1024))
    assert big.status_code == 400 and b"larger than 1 MB" in big.content
    assert not PendingUpload.objects.exists() and not Job.objects.exists()


def test_observers_cannot_import_and_outsiders_see_nothing(client, demoland):
    assessment, users = demoland
    data = questionnaire.export_questionnaire(users["observer"], assessment)
    client.force_login(users["observer"])
    assert _upload(client, assessment, data).status_code == 403
    assert client.get(reverse("exchange:questionnaire_import", args=[assessment.pk])).status_code == 403
    client.force_login(users["outsider"])
    for name in ("questionnaire_export", "recommendations_export", "questionnaire_import"):
        assert client.get(reverse(f"exchange:{name}", args=[assessment.pk])).status_code == 404
    assert _upload(client, assessment, data).status_code == 404
    assert not PendingUpload.objects.exists()


def test_kept_conflicts_are_shown_with_both_texts_and_can_be_removed(client, demoland):
    assessment, users = demoland
    book = load(questionnaire.export_questionnaire(users["assessor"], assessment))
    sheet = book["Questionnaire"]
    sheet.cell(row_of(sheet, ANSWERED), 9).value = "The assessor's <b>offline</b> text."
    response = Response.objects.get(assessment=assessment, question=ANSWERED)
    response_services.save_response(users["lead"], assessment, ANSWERED, expected_version=response.version,
                                    narrative="The lead's newer text.")
    questionnaire.import_questionnaire(users["assessor"], assessment, save(book), file_name="desk.xlsx")
    client.force_login(users["assessor"])
    page = client.get(reverse("exchange:index", args=[assessment.pk])).content.decode()
    assert "The assessor&#x27;s &lt;b&gt;offline&lt;/b&gt; text." in page and "The lead&#x27;s newer text." in page
    assert "Spreadsheet rows kept for review" in page
    client.force_login(users["lead"])
    page = client.get(reverse("exchange:index", args=[assessment.pk])).content.decode()
    assert "Spreadsheet rows kept for review" not in page
    client.force_login(users["assessor"])
    kept = questionnaire.conflicts(users["assessor"], assessment)[0]
    dismissed = client.post(reverse("exchange:questionnaire_conflict_dismiss", args=[assessment.pk]),
                            {"conflict": kept.pk})
    assert dismissed.status_code == 302 and questionnaire.conflicts(users["assessor"], assessment) == []

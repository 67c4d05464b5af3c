"""Field submissions in: a preview that writes nothing, then draft answers attributed to the activity."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from soma.accounts.models import HistoryEntry
from soma.core.models import Job
from soma.evidence.models import Citation
from soma.exchange.models import PendingUpload
from soma.exchange.safe_files import UnsafeFile
from soma.exchange.xlsform import form_writer, submissions
from soma.findings.models import Response
from tests.exchange.xlsform.world import (  # noqa: F401
    ANSWERED,
    CONFIDENTIAL,
    demoland_world,
    kobo_xlsx,
    odk_central_csv,
)

pytestmark = pytest.mark.django_db


def _form(demoland, role="assessor") -> bytes:
    return form_writer.export_xlsform(demoland.users[role], demoland.assessment, activity=demoland.activity)


def _state(assessment) -> tuple:
    """Everything an import could write."""
    return (
        sorted(Response.objects.filter(assessment=assessment).values_list("question", "narrative", "version")),
        Citation.objects.filter(assessment=assessment).count(),
        HistoryEntry.objects.filter(assessment=assessment).count(),
    )


FIELD_NOTES = [
    {"V_C_q07_answer": "Immediate action is decided by the duty officer of the Velmora desk.",
     "V_C_q07_de_jure": "partly", "V_C_q07_de_facto": "in_place",
     "V_C_q08_answer": "The regional prosecutor is notified by phone.", "V_C_q05_de_jure": "not_in_place"},
    {"V_C_q07_answer": "The night shift calls the unit chief before acting.", "V_C_q07_de_facto": "in_place"},
]


def test_an_odk_central_csv_is_previewed_then_imported_as_drafts_citing_the_activity(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    data = odk_central_csv(_form(demoland), FIELD_NOTES)
    before = _state(assessment)
    preview = submissions.preview(assessor, assessment, activity, data, "velmora.csv")
    assert _state(assessment) == before  # the preview wrote nothing
    assert preview.ok and preview.kind == "CSV" and len(preview.submissions) == 2
    drafts = {d.question: d for d in preview.drafts}
    assert set(drafts) == {"guide:V.C:q05", "guide:V.C:q07", "guide:V.C:q08"}
    q07 = drafts["guide:V.C:q07"]
    assert q07.submissions == ["uuid:0000-demo-0001", "uuid:0000-demo-0002"]
    assert (q07.de_jure, q07.de_facto) == ("partly", "in_place")  # the second submission gives no de jure
    assert "meta-instanceID" in preview.metadata_columns and not preview.unknown_columns

    applied = submissions.apply(assessor, assessment, activity, data, "velmora.csv", expected_digest=preview.digest)
    assert (applied.written, applied.submissions) == (3, 2)
    response = Response.objects.get(assessment=assessment, question="guide:V.C:q07")
    assert response.review_state == "draft" and response.classification == activity.classification
    assert response.narrative == ("[uuid:0000-demo-0001] Immediate action is decided by the duty officer of the "
                                  "Velmora desk.\n\n[uuid:0000-demo-0002] The night shift calls the unit chief "
                                  "before acting.")
    assert (response.de_jure, response.de_facto) == ("partly", "in_place")
    citation = response.citations.get()
    assert citation.activity == activity and "uuid:0000-demo-0001" in citation.pinpoint
    q05 = Response.objects.get(assessment=assessment, question="guide:V.C:q05")
    assert (q05.narrative, q05.de_jure, q05.de_facto) == ("[uuid:0000-demo-0001]", "not_in_place", "unknown")
    assert HistoryEntry.objects.filter(assessment=assessment, object_id="guide:V.C:q07").exists()


def test_a_kobo_xlsx_with_labels_and_a_semicolon_csv_are_read(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    form = _form(demoland)
    rows = [{"V_C_q06_answer": "Date, persons, event and source are in the format.",
             "V_C_q06_de_jure": "Partly in place", "V_C_q06_de_facto": "Not applicable"}]
    preview = submissions.preview(assessor, assessment, activity, kobo_xlsx(form, rows), "kobo.xlsx")
    assert preview.ok and preview.kind == "XLSX"
    draft = preview.drafts[0]
    assert (draft.question, draft.de_jure, draft.de_facto) == ("guide:V.C:q06", "partly", "not_applicable")
    assert draft.submissions == ["kobo-demo-0001"]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(["V_C/V_C_q06_answer", "V_C/V_C_q06_de_jure", "_uuid", "_submission_time"])
    writer.writerow(["Le format comprend la date; les personnes", "in_place", "kobo-9", "2026-03-12"])
    semicolons = submissions.preview(assessor, assessment, activity, text.getvalue().encode("utf-8-sig"), "k.csv")
    assert semicolons.ok
    assert semicolons.drafts[0].narrative == "[kobo-9] Le format comprend la date; les personnes"
    submissions.apply(assessor, assessment, activity, kobo_xlsx(form, rows), "kobo.xlsx")
    assert Response.objects.get(assessment=assessment, question="guide:V.C:q06").de_facto == "not_applicable"


def test_unknown_columns_and_invalid_statuses_are_named_and_nothing_is_written(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    rows = [{"V_C_q07_answer": "Fine.", "V_C_q07_de_jure": "mostly"}, {"V_C_q08_de_facto": "in_place"}]
    data = odk_central_csv(_form(demoland), rows, extra={"interviewer_mood": ""})
    before = _state(assessment)
    preview = submissions.preview(assessor, assessment, activity, data, "bad.csv")
    assert preview.unknown_columns == ["interviewer_mood"]
    assert not preview.ok and [str(p) for p in preview.errors] == [
        "Row 2, column V_C-V_C_q07_de_jure: 'mostly' is not a status. Use one of: in_place, partly, not_in_place, "
        "unknown, not_applicable."]
    with pytest.raises(submissions.ImportRefused, match="Row 2, column V_C-V_C_q07_de_jure"):
        submissions.apply(assessor, assessment, activity, data, "bad.csv")
    assert _state(assessment) == before


def test_existing_answers_are_not_overwritten(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    answered = Response.objects.get(assessment=assessment, question=ANSWERED)
    secret = Response.objects.get(assessment=assessment, question=CONFIDENTIAL)
    rows = [{"I_A_q09_answer": "Demoland left the regional convention.", "I_A_q09_de_jure": "not_in_place",
             "V_A_q01_answer": "Interceptions at sea.", "V_C_q07_answer": "By the duty officer."}]
    data = odk_central_csv(_form(demoland), rows)
    preview = submissions.preview(assessor, assessment, activity, data, "f.csv")
    skipped = {s.question: s for s in preview.skipped}
    assert set(skipped) == {ANSWERED, CONFIDENTIAL} and [d.question for d in preview.drafts] == ["guide:V.C:q07"]
    assert "above your clearance" in skipped[CONFIDENTIAL].reason
    assert "left the regional convention" in skipped[ANSWERED].incoming
    assert secret.narrative[:40] not in str(preview)  # the confidential answer is never shown to the assessor
    submissions.apply(assessor, assessment, activity, data, "f.csv")
    for response in (answered, secret):
        after = Response.objects.get(pk=response.pk)
        assert (after.narrative, after.de_jure, after.version) == (response.narrative, response.de_jure,
                                                                   response.version)
    # Importing the same file again changes nothing: every question now has an answer.
    again = submissions.preview(assessor, assessment, activity, data, "f.csv")
    assert not again.drafts and len(again.skipped) == 3


def test_differing_statuses_become_unknown_and_rejected_submissions_are_left_out(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    rows = [{"V_C_q07_de_jure": "in_place"}, {"V_C_q07_de_jure": "not_in_place"},
            {"V_C_q08_answer": "Rejected by the supervisor.", "_review": "rejected"}]
    preview = submissions.preview(assessor, assessment, activity, odk_central_csv(_form(demoland), rows), "f.csv")
    assert preview.ok and [d.question for d in preview.drafts] == ["guide:V.C:q07"]
    assert preview.drafts[0].de_jure == "unknown"
    warnings = " ".join(str(w) for w in preview.warnings)
    assert "rows 2, 3 give different de jure statuses" in warnings and "left out" in warnings


def test_submissions_of_another_assessments_form_are_refused(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    rows = [{"V_C_q07_answer": "From elsewhere.", "soma_assessment": str(assessment.pk + 1)}]
    preview = submissions.preview(assessor, assessment, activity, odk_central_csv(_form(demoland), rows), "x.csv")
    assert not preview.ok and "form of another assessment" in str(preview.errors[0])


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    return out.getvalue()


def test_hostile_files_are_refused_with_nothing_written(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    form = _form(demoland)
    before = _state(assessment)
    cases = {
        "zip bomb": (_bomb(), "bomb.xlsx", "zip bomb"),
        "latin-1": ("V_C-V_C_q07_answer\nDéjà vu à Velmora\n".encode("latin-1"), "f.csv", "not UTF-8"),
        "oversized": (b"V_C-V_C_q07_answer\n" + b"x" * (21 * 1024 * 1024), "big.csv", "larger than"),
        "NUL bytes": (b"V_C-V_C_q07_answer\n\x00\x01", "f.csv", "NUL"),
        "many rows": (b"V_C-V_C_q07_answer\n" + b"a\n" * (submissions.MAX_ROWS + 5), "f.csv", "more than"),
    }
    for name, (data, file_name, message) in cases.items():
        with pytest.raises(UnsafeFile, match=message):
            submissions.preview(assessor, assessment, activity, data, file_name)
        with pytest.raises(submissions.ImportRefused, match=message):
            submissions.apply(assessor, assessment, activity, data, file_name)
        assert _state(assessment) == before, name
    formula = kobo_xlsx(form, [{"V_C_q07_answer": "x"}], formula='=HYPERLINK("http://example.org","x")')
    preview = submissions.preview(assessor, assessment, activity, formula, "f.xlsx")
    assert not preview.ok and "holds a formula" in str(preview.errors[0]) and "Row 2, column" in str(preview.errors[0])
    with pytest.raises(submissions.ImportRefused):
        submissions.apply(assessor, assessment, activity, formula, "f.xlsx")
    assert _state(assessment) == before


def test_formula_like_text_is_kept_as_plain_text(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    text = '=HYPERLINK("http://example.org","click")'
    data = odk_central_csv(_form(demoland), [{"V_C_q07_answer": text}])
    submissions.apply(assessor, assessment, activity, data, "f.csv")
    narrative = Response.objects.get(assessment=assessment, question="guide:V.C:q07").narrative
    assert narrative == f"[uuid:0000-demo-0001] {text}"


def test_the_page_refuses_a_bad_file_and_hides_the_assessment_from_outsiders(client, demoland, django_user_model):
    assessment, activity = demoland.assessment, demoland.activity
    url = reverse("exchange:submissions_import", args=[assessment.pk])
    client.force_login(demoland.users["assessor"])
    page = client.post(url, {"file": SimpleUploadedFile("f.csv", "é".encode("latin-1")), "activity": activity.pk})
    assert page.status_code == 400 and b"not UTF-8" in page.content
    bad = odk_central_csv(_form(demoland), [{"V_C_q07_de_jure": "sometimes"}])
    page = client.post(url, {"file": SimpleUploadedFile("f.csv", bad), "activity": activity.pk})
    assert page.status_code == 400 and b"is not a status" in page.content and b"submissions_apply" not in page.content
    assert not PendingUpload.objects.filter(assessment=assessment).exists()
    client.force_login(django_user_model.objects.create_user("outsider.demo"))
    assert client.get(url).status_code == 404
    assert client.post(reverse("exchange:submissions_apply", args=[assessment.pk])).status_code == 404


def test_cli_previews_without_writing_and_applies_with_apply(demoland, tmp_path, capsys):
    assessment, activity = demoland.assessment, demoland.activity
    path = tmp_path / "velmora.csv"
    path.write_bytes(odk_central_csv(_form(demoland), FIELD_NOTES))
    args = ["xlsform", "import", str(assessment.pk), str(path), "--activity", str(activity.pk), "--user",
            "assessor.demo"]
    before = _state(assessment)
    call_command(*args)
    out = capsys.readouterr().out
    assert "write guide:V.C:q07" in out and "Nothing was written" in out
    assert _state(assessment) == before
    call_command(*args, "--apply")
    assert "Imported: 3 draft answers" in capsys.readouterr().out
    assert Response.objects.filter(assessment=assessment, question="guide:V.C:q08").exists()
    with pytest.raises(CommandError, match="Only the lead and assessors"):
        call_command("xlsform", "import", str(assessment.pk), str(path), "--activity", str(activity.pk),
                     "--user", "reviewer.demo")


def test_pages_preview_then_a_background_job_imports(client, demoland, run_worker, django_capture_on_commit_callbacks):
    assessment, activity = demoland.assessment, demoland.activity
    data = odk_central_csv(_form(demoland), FIELD_NOTES)
    url = reverse("exchange:submissions_import", args=[assessment.pk])
    client.force_login(demoland.users["observer"])
    upload = SimpleUploadedFile("velmora.csv", data, content_type="text/csv")
    assert client.post(url, {"file": upload, "activity": activity.pk}).status_code == 403
    client.force_login(demoland.users["assessor"])
    assert b"Import submissions" in client.get(reverse("exchange:index", args=[assessment.pk])).content
    before = _state(assessment)
    upload = SimpleUploadedFile("velmora.csv", data, content_type="text/csv")
    page = client.post(url, {"file": upload, "activity": activity.pk})
    assert page.status_code == 200 and b"guide:V.C:q07" in page.content and b"Nothing has been written" in page.content
    assert _state(assessment) == before
    held = PendingUpload.objects.get(assessment=assessment, kind="xlsform_submissions")
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("exchange:submissions_apply", args=[assessment.pk]), {
            "upload": held.pk, "activity": activity.pk, "digest": page.context["preview"].digest})
    job = Job.objects.get(assessment=assessment, kind="xlsform_submissions")
    assert started.status_code == 302 and started["Location"] == reverse("job", args=[job.pk])
    assert _state(assessment) == before  # written by the worker, not by the request
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    assert "3 draft answers written" in job.message and job.result_url.endswith("/questions/")
    assert Response.objects.filter(assessment=assessment, question="guide:V.C:q07", review_state="draft").exists()
    assert not PendingUpload.objects.filter(pk=held.pk).exists()

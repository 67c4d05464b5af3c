"""Submissions files as ODK Central and KoboToolbox make them by default: Central's `.csv.zip` download, and
Kobo's export with labels as headers (refused with the hint first, the column list kept short)."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from soma.exchange.safe_files import MAX_UPLOAD_BYTES, UnsafeFile
from soma.exchange.xlsform import form_writer, submissions
from soma.findings.models import Response
from tests.exchange.xlsform.test_submissions import FIELD_NOTES, _state
from tests.exchange.xlsform.world import (  # noqa: F401
    demoland_world,
    kobo_labels_xlsx,
    odk_central_csv,
    odk_central_zip,
)

pytestmark = pytest.mark.django_db


def _form(demoland, **scope) -> form_writer.Form:
    scope = scope or {"activity": demoland.activity}
    return form_writer.build(demoland.users["assessor"], demoland.assessment, **scope)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_odk_centrals_csv_zip_is_read_from_its_main_csv_and_imported(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    form = _form(demoland)
    repeat = b"V_C_visits-visit_date,PARENT_KEY,KEY\n2026-03-11,uuid:0000-demo-0001,uuid:0000-demo-0001/r[1]\n"
    data = odk_central_zip(form.form_id, odk_central_csv(form.content, FIELD_NOTES), {"V_C_visits": repeat})
    before = _state(assessment)
    preview = submissions.preview(assessor, assessment, activity, data, f"{form.form_id}.csv.zip")
    assert _state(assessment) == before
    assert preview.ok and preview.kind == "CSV.ZIP" and len(preview.submissions) == 2
    assert {d.question for d in preview.drafts} == {"guide:V.C:q05", "guide:V.C:q07", "guide:V.C:q08"}
    # The repeat table beside it is named, not read (SOMA's forms have none).
    assert [str(w) for w in preview.warnings] == [
        f"Read {form.form_id}.csv from the archive; {form.form_id}-V_C_visits.csv not read (SOMA's forms have no "
        "repeat groups)."]
    applied = submissions.apply(assessor, assessment, activity, data, f"{form.form_id}.csv.zip",
                                expected_digest=preview.digest)
    assert (applied.written, applied.submissions) == (3, 2)
    response = Response.objects.get(assessment=assessment, question="guide:V.C:q07")
    assert response.narrative.startswith("[uuid:0000-demo-0001] Immediate action is decided by the duty officer")


def test_the_main_csv_is_found_when_the_browser_renamed_the_download(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    form = _form(demoland)
    data = odk_central_zip(form.form_id, odk_central_csv(form.content, FIELD_NOTES), {"r": b"KEY\n"})
    for name in (f"{form.form_id} (1).csv.zip", "download.zip", "submissions"):
        preview = submissions.preview(assessor, assessment, activity, data, name)
        assert preview.ok and len(preview.drafts) == 3, name


def test_an_archive_that_is_not_centrals_is_refused_saying_why(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    main = odk_central_csv(_form(demoland).content, FIELD_NOTES)
    cases = {
        "no CSV": (_zip({"notes.txt": b"Velmora desk"}), "holds no CSV file"),
        "unrelated CSVs": (_zip({"harbour.csv": main, "border.csv": main}), "harbour.csv"),
        "unsafe path": (_zip({"../form.csv": main}), "unsafe path"),
    }
    before = _state(assessment)
    for name, (data, message) in cases.items():
        with pytest.raises(UnsafeFile, match=message):
            submissions.preview(assessor, assessment, activity, data, "export.csv.zip")
        with pytest.raises(submissions.ImportRefused, match=message):
            submissions.apply(assessor, assessment, activity, data, "export.csv.zip")
        assert _state(assessment) == before, name


def test_the_csv_inside_has_the_limits_of_an_uploaded_one(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    # A zip bomb: 60 MB of one byte packs into a few kB.
    with pytest.raises(UnsafeFile, match="zip bomb"):
        submissions.preview(assessor, assessment, activity,
                            _zip({"form.csv": b"V_C-V_C_q07_answer\n" + b"a" * (60 * 1024 * 1024)}), "form.csv.zip")
    # Text that packs only a few times over: a small archive, an unpacked CSV larger than an upload may be.
    letters = bytes.maketrans(bytes(range(256)), b"abcdefghijklmno\n" * 16)
    body = random.Random(12).randbytes(MAX_UPLOAD_BYTES + 1024).translate(letters)
    data = _zip({"form.csv": b"V_C-V_C_q07_answer\n" + body})
    assert len(data) < MAX_UPLOAD_BYTES
    with pytest.raises(UnsafeFile, match="larger than 20 MB unpacked"):
        submissions.preview(assessor, assessment, activity, data, "form.csv.zip")
    rows = b"V_C-V_C_q07_answer,KEY\n" + b"".join(b"x,uuid:%d\n" % n for n in range(submissions.MAX_ROWS + 5))
    with pytest.raises(UnsafeFile, match="more than 5000 submissions"):
        submissions.preview(assessor, assessment, activity, _zip({"form.csv": rows}), "form.csv.zip")


def test_a_central_csv_zip_goes_through_the_page(client, demoland):
    assessment, activity = demoland.assessment, demoland.activity
    form = _form(demoland)
    data = odk_central_zip(form.form_id, odk_central_csv(form.content, FIELD_NOTES))
    client.force_login(demoland.users["assessor"])
    assert b".csv.zip" in client.get(reverse("exchange:submissions_import", args=[assessment.pk])).content
    page = client.post(reverse("exchange:submissions_import", args=[assessment.pk]), {
        "file": SimpleUploadedFile(f"{form.form_id}.csv.zip", data, content_type="application/zip"),
        "activity": activity.pk})
    assert page.status_code == 200 and b"not an Excel workbook" not in page.content
    apply = reverse("exchange:submissions_apply", args=[assessment.pk]).encode()
    assert b"(CSV.ZIP)" in page.content and b"guide:V.C:q07" in page.content and apply in page.content


# --- KoboToolbox's default export: labels as headers ----------------------------------------------------------------


def test_a_kobo_export_with_labels_gets_the_hint_first_and_a_short_column_list(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    whole = _form(demoland, scope=None)  # the whole scope: thousands of long headers
    data = kobo_labels_xlsx(whole.content, [{"V_C_q07_answer": "The duty officer decides."}])
    preview = submissions.preview(assessor, assessment, activity, data, "kobo_labels.xlsx")
    assert not preview.ok and len(preview.unknown_columns) > 1000
    assert str(preview.errors[0]).startswith("The column headers are question texts, not field names")
    assert "XML values and headers" in str(preview.errors[0])
    assert len(preview.unknown_shown) == submissions.UNKNOWN_SHOWN and all(len(c) <= 60 for c in preview.unknown_shown)
    assert preview.unknown_more == len(preview.unknown_columns) - submissions.UNKNOWN_SHOWN


def test_the_page_and_the_command_give_the_labels_hint_before_a_short_list(client, demoland, tmp_path, capsys):
    assessment, activity = demoland.assessment, demoland.activity
    data = kobo_labels_xlsx(_form(demoland, scope=None).content, [{"V_C_q07_answer": "x"}])
    client.force_login(demoland.users["assessor"])
    page = client.post(reverse("exchange:submissions_import", args=[assessment.pk]), {
        "file": SimpleUploadedFile("kobo.xlsx", data), "activity": activity.pk})
    html = page.content.decode()
    assert page.status_code == 400
    assert html.index("exported with labels") < html.index("Unknown columns, ignored:")
    assert f"and {page.context['preview'].unknown_more} more" in html
    assert len(html) < 40_000  # the preview without its thousands of headers

    path = tmp_path / "kobo.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("xlsform", "import", str(assessment.pk), str(path), "--activity", str(activity.pk),
                     "--user", "assessor.demo")
    captured = capsys.readouterr()
    assert captured.err.startswith("Error: The column headers are question texts")
    assert len(captured.out) < 2000 and "more" in captured.out


def test_a_few_unknown_columns_are_all_named(demoland):
    assessment, assessor, activity = demoland.assessment, demoland.users["assessor"], demoland.activity
    data = odk_central_csv(_form(demoland).content, FIELD_NOTES, extra={"interviewer_mood": "", "weather": ""})
    preview = submissions.preview(assessor, assessment, activity, data, "f.csv")
    assert preview.ok and preview.unknown_shown == ["interviewer_mood", "weather"] and preview.unknown_more == 0

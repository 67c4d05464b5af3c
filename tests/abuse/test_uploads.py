"""Uploads with the wrong type, tricky names and oversized bodies; downloads only ever as attachments.

tests/evidence/test_sources.py already covers an .exe, HTML named .pdf, the 50 MB limit of a source and a
`../../etc/passwd.pdf` name; this module adds the rest: other disguises, every kind of tricky name, Django's
own body limits, the exchange uploads, and the headers of every download.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.abuse.conftest import PDF, row_counts

SVG = b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'><script>alert(document.cookie)</script></svg>"


def source_form(**extra) -> dict:
    return {"title": "Demoland Gazette", "kind": "legislation", "reliability": "B", "credibility": "2",
            "classification": "public", **extra}


def add_source(client, world, data):
    return client.post(reverse("evidence:add", args=[world.assessment.pk]), data)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "message"), [
    ("image.svg", SVG, "are not accepted"),
    ("image.png", SVG, "does not look like a .png"),
    ("scan.jpg", b"MZ\x90\x00\x03", "does not look like a .jpg"),
    ("notes.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "does not look like a .txt"),
    ("letter.docx", b"%PDF-1.4 not a zip", "does not look like a .docx"),
    ("page.html", b"<html><script>alert(1)</script></html>", "are not accepted"),
    ("archive.pdf.exe", b"MZ\x90\x00", "are not accepted"),
    ("empty.pdf", b"", "empty"),
])
def test_disguised_files_are_refused_and_nothing_is_written(lead, world, name, content, message):
    before = row_counts()
    response = add_source(lead, world, source_form(file=SimpleUploadedFile(name, content)))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", [
    "/etc/passwd.pdf", "C:\\Windows\\System32\\evil.pdf", "..\\..\\..\\evil.pdf", "CON.pdf", "nul.pdf", "AUX",
    "a" * 400 + ".pdf", "report\u202efdp.exe.pdf", " .pdf", "....pdf",
])
def test_tricky_names_never_reach_the_storage_path(lead, world, name):
    from soma.evidence.models import Source

    before = row_counts()
    response = add_source(lead, world, source_form(file=SimpleUploadedFile(name, PDF)))
    if response.status_code == 400:  # refused (no extension, say): then nothing was written
        assert row_counts() == before
        return
    assert response.status_code == 302
    source = Source.objects.filter(assessment=world.assessment).latest("pk")
    prefix = f"assessments/{world.assessment.pk}/sources/"
    assert source.file.name == prefix + source.file_token and len(source.file_token) == 32
    assert "/" not in source.file_name and "\\" not in source.file_name and len(source.file_name) <= 255
    stored = (settings.MEDIA_ROOT / source.file.name).resolve()
    assert stored.is_file() and stored.is_relative_to(settings.MEDIA_ROOT.resolve())


@pytest.mark.django_db
def test_a_nul_in_the_file_name_is_no_server_error(lead, world):
    before = row_counts()
    response = add_source(lead, world, source_form(file=SimpleUploadedFile("gazette\x00.pdf", PDF)))
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert row_counts() == before


@pytest.mark.django_db
def test_a_body_over_django_s_limit_is_refused(lead, world):
    before = row_counts()
    notes = "Ж" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2 + 1)  # two bytes each in UTF-8
    response = add_source(lead, world, source_form(notes=notes))
    assert response.status_code in (400, 413)
    assert row_counts() == before


@pytest.mark.django_db
def test_too_many_fields_or_files_are_refused(lead, world):
    before = row_counts()
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert add_source(lead, world, source_form(**fields)).status_code in (400, 413)
    files = [SimpleUploadedFile(f"copy{n}.pdf", PDF) for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]
    assert add_source(lead, world, source_form(file=files)).status_code in (400, 413)
    assert row_counts() == before


@pytest.mark.django_db
def test_api_upload_of_a_disguised_file_is_refused(lead, world):
    before = row_counts()
    url = reverse("api-assessment-sources", args=[world.assessment.pk])
    response = lead.post(url, {"title": "Gazette", "kind": "legislation", "file": SimpleUploadedFile("x.pdf", SVG)})
    assert response.status_code == 400
    assert row_counts() == before


# --- The exchange uploads ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "name"), [
    (b"MZ\x90\x00\x03\x00", "questionnaire.xlsx"), (SVG, "questionnaire.xlsx"), (PDF, "questionnaire.xlsx"),
    (b"PK\x03\x04" + b"\x00" * 40, "questionnaire.xlsx"), (b"", "questionnaire.xlsx"),
])
def test_the_questionnaire_import_refuses_what_is_not_a_workbook(lead, world, content, name):
    before = row_counts()
    url = reverse("exchange:questionnaire_import", args=[world.assessment.pk])
    response = lead.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert row_counts() == before


@pytest.mark.django_db
def test_the_questionnaire_import_refuses_an_oversized_file(lead, world, monkeypatch):
    from soma.exchange import safe_files

    monkeypatch.setattr(safe_files, "MAX_UPLOAD_BYTES", 1024)
    before = row_counts()
    url = reverse("exchange:questionnaire_import", args=[world.assessment.pk])
    response = lead.post(url, {"file": SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"\x00" * 2048)})
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "name"), [
    (b"MZ\x90\x00\x03\x00\x00", "submissions.csv"), (SVG, "submissions.xlsx"), (b"\xff\xfe\x00b\x00a", "s.csv"),
    (b"PK\x03\x04" + b"\x00" * 40, "submissions.xlsx"),
])
def test_the_submissions_import_refuses_what_is_not_a_table(lead, world, content, name):
    before = row_counts()
    url = reverse("exchange:submissions_import", args=[world.assessment.pk])
    response = lead.post(url, {"file": SimpleUploadedFile(name, content), "activity": world.objects["activity"].pk})
    assert response.status_code == 400
    assert row_counts() == before


@pytest.mark.django_db
def test_the_bundle_import_refuses_an_oversized_or_empty_file(lead, settings):
    settings.SOMA_BUNDLE_MAX_BYTES = 100
    before = row_counts()
    url = reverse("exchange_import:bundle_import")
    response = lead.post(url, {"file": SimpleUploadedFile("bundle.json", b"{" + b" " * 200 + b"}")})
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert lead.post(url, {"file": SimpleUploadedFile("bundle.json", b"")}).status_code == 400
    assert row_counts() == before


# --- Downloads ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["evidence:download", "exchange:bundle_export", "exchange:questionnaire_export",
                                  "exchange:recommendations_export", "reports:download"])
def test_downloads_are_attachments_that_browsers_do_not_sniff(lead, world, name):
    from tests.test_permission_matrix import ROUTES

    response = lead.get(reverse(name, kwargs=world.kwargs(ROUTES[name])))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"

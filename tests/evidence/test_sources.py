"""The sources pages (desk review): list with grading, add/edit with upload checks, download, delete."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from soma.evidence import services as evidence_services
from soma.evidence.models import Source
from tests.fixtures import team_assessment

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def assessment(catalog, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return team_assessment(team, scope=["V.C"])


def form_data(**extra):
    data = {
        "title": "Demoland Penal Code",
        "kind": "legislation",
        "date": "2019-05-01",
        "author": "Ministry of Justice of Demoland",
        "link": "",
        "reliability": "A",
        "credibility": "1",
        "classification": "public",
        "notes": "",
    }
    data.update(extra)
    return data


def add(client, assessment, upload=None, **extra):
    data = form_data(**extra)
    if upload is not None:
        data["file"] = upload
    return client.post(reverse("evidence:add", args=[assessment.pk]), data)


def test_list_shows_grade_legend_and_carried_over_marker(client, assessment, team):
    evidence_services.save_source(team["lead"], assessment, title="Court statistics 2023", kind="statistics",
                                  reliability="B", credibility="2")
    Source.objects.create(assessment=assessment, title="Old NGO report", kind="ngo_report", carried_over=True,
                          confirmed=False)
    client.force_login(team["lead"])
    html = client.get(reverse("evidence:list", args=[assessment.pk])).content.decode()
    assert "Court statistics 2023" in html and ">B2<" in html
    assert "completely reliable" in html and "confirmed by other sources" in html  # the legend
    assert "carried over — confirm or update" in html
    old = Source.objects.get(title="Old NGO report")
    response = client.post(reverse("evidence:confirm", args=[assessment.pk, old.pk]))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.confirmed


def test_add_with_pdf_then_download_as_attachment(client, assessment, team):
    client.force_login(team["assessor"])
    response = add(client, assessment, SimpleUploadedFile("penal-code.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 302
    source = Source.objects.get(assessment=assessment)
    assert source.file_name == "penal-code.pdf" and source.grade == "A1"
    assert source.file.name.endswith(source.file_token) and "penal-code" not in source.file.name
    download = client.get(reverse("evidence:download", args=[assessment.pk, source.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "penal-code.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == PDF


def test_edit_keeps_file_and_changes_grade(client, assessment, team):
    client.force_login(team["lead"])
    add(client, assessment, SimpleUploadedFile("penal-code.pdf", PDF))
    source = Source.objects.get()
    page = client.get(reverse("evidence:edit", args=[assessment.pk, source.pk]))
    assert "Demoland Penal Code" in page.content.decode()
    response = client.post(reverse("evidence:edit", args=[assessment.pk, source.pk]),
                           form_data(reliability="C", credibility="3"))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.grade == "C3" and source.file_name == "penal-code.pdf"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("tool.exe", b"MZ\x90\x00", "are not accepted"),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "does not look like a .pdf"),
    ],
)
def test_bad_uploads_are_refused_on_the_form_and_nothing_is_saved(client, assessment, team, name, content, message):
    client.force_login(team["lead"])
    response = add(client, assessment, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Source.objects.exists()


def test_oversized_upload_is_refused(client, assessment, team, monkeypatch):
    monkeypatch.setattr(evidence_services, "MAX_UPLOAD_BYTES", 10)
    client.force_login(team["lead"])
    response = add(client, assessment, SimpleUploadedFile("big.pdf", PDF))
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not Source.objects.exists()


def test_path_trick_name_is_stored_under_a_token(client, assessment, team, settings):
    client.force_login(team["lead"])
    response = add(client, assessment, SimpleUploadedFile("../../etc/passwd.pdf", PDF))
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.file_name == "passwd.pdf"
    assert ".." not in source.file.name and "etc" not in source.file.name
    stored = (settings.MEDIA_ROOT / source.file.name).resolve()
    assert stored.is_file() and str(stored).startswith(str(settings.MEDIA_ROOT.resolve()))


def test_observer_cannot_add_or_delete(client, assessment, team):
    source = evidence_services.save_source(team["lead"], assessment, title="Demoland Penal Code", kind="legislation",
                                           classification="public")
    client.force_login(team["observer"])
    assert client.get(reverse("evidence:add", args=[assessment.pk])).status_code == 403
    assert add(client, assessment).status_code == 403
    page = client.get(reverse("evidence:list", args=[assessment.pk])).content.decode()
    assert "Demoland Penal Code" in page and "Add a source" not in page and "Delete" not in page
    assert client.post(reverse("evidence:delete", args=[assessment.pk, source.pk])).status_code == 403
    assert Source.objects.filter(pk=source.pk).exists()


def test_non_member_gets_404(client, assessment, team):
    client.force_login(team["outsider"])
    assert client.get(reverse("evidence:list", args=[assessment.pk])).status_code == 404
    assert client.get(reverse("evidence:add", args=[assessment.pk])).status_code == 404


def test_clearance_hides_confidential_source_and_its_download(client, assessment, team):
    secret = evidence_services.save_source(
        team["lead"], assessment, upload=SimpleUploadedFile("informant.pdf", PDF), title="Informant debrief",
        kind="interview_record", classification="confidential",
    )
    client.force_login(team["assessor"])  # cleared for restricted only
    page = client.get(reverse("evidence:list", args=[assessment.pk])).content.decode()
    assert "Informant debrief" not in page and "informant.pdf" not in page
    assert client.get(reverse("evidence:download", args=[assessment.pk, secret.pk])).status_code == 404
    assert client.get(reverse("evidence:edit", args=[assessment.pk, secret.pk])).status_code == 404
    assert client.post(reverse("evidence:delete", args=[assessment.pk, secret.pk])).status_code == 404
    form = client.get(reverse("evidence:add", args=[assessment.pk])).content.decode()
    assert 'value="confidential"' not in form  # cannot classify above own clearance

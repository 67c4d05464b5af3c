"""Issuing reports: who may, frozen snapshots with a hash, the background job, downloads, chapters, profiles."""

import base64
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from soma.core.models import Job
from soma.findings.models import Response
from soma.kernel.access import PermissionDenied
from soma.kernel.errors import EditConflict
from soma.reports import composer, services
from soma.reports.models import IssuedReport, ReportProfile
from soma.responses import services as response_services

pytestmark = pytest.mark.django_db

# A 1x1 PNG, enough to prove the logo travels to the cover.
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.mark.slow
def test_an_issued_report_is_frozen_and_its_hash_is_of_its_snapshot(planted, team):
    report = services.issue_report(team["lead"], planted, "public")
    assert report.content_hash == services.content_hash(report.snapshot)
    assert report.content_hash in bytes(report.html).decode()
    pdf = bytes(report.pdf)
    answer = Response.objects.get(assessment=planted, classification="public")
    response_services.save_response(team["lead"], planted, answer.question, expected_version=answer.version,
                                    narrative="PUBLICMARK-changed later", classification="public")
    report.refresh_from_db()
    assert bytes(report.pdf) == pdf and "changed later" not in json.dumps(report.snapshot)
    later = services.issue_report(team["lead"], planted, "public")
    assert later.content_hash != report.content_hash and "changed later" in json.dumps(later.snapshot)


def test_the_same_snapshot_renders_the_same_html(planted, team):
    from soma.reports.render_html import render_html

    snapshot = composer.compose(team["lead"], planted, "public")
    assert render_html(snapshot) == render_html(json.loads(json.dumps(snapshot)))


@pytest.mark.parametrize("role", ["assessor", "reviewer", "observer"])
def test_only_the_lead_issues(planted, team, role):
    with pytest.raises(PermissionDenied):
        services.issue_report(team[role], planted, "public")
    assert not IssuedReport.objects.exists()


def test_nobody_gets_a_version_above_their_clearance(planted, team):
    with pytest.raises(composer.AudienceRefused):
        composer.compose(team["observer"], planted, "restricted")
    with pytest.raises(composer.AudienceRefused):
        composer.compose(team["assessor"], planted, "confidential")
    assert composer.compose(team["assessor"], planted, "restricted")["audience"] == "restricted"


@pytest.mark.slow
def test_issuing_from_the_page_runs_in_the_background_with_progress(client, planted, team, run_worker,
                                                                     django_capture_on_commit_callbacks):
    client.force_login(team["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("reports:issue", args=[planted.pk]),
                           {"audience": "restricted", "language": "en", "profile": "", "confirm_left_out": "on",
                            "confirmed_version": "restricted"})
    job = Job.objects.get(kind="report")
    assert page.status_code == 302 and page["Location"] == reverse("job", args=[job.pk])
    assert job.state == Job.State.QUEUED and not IssuedReport.objects.exists()
    run_worker()
    job.refresh_from_db()
    report = IssuedReport.objects.get()
    assert job.state == Job.State.DONE and job.result_url == reverse("reports:issued", args=[planted.pk, report.pk])
    assert report.audience == "restricted" and report.issued_by == team["lead"]
    download = client.get(reverse("reports:download", args=[planted.pk, report.pk, "pdf"]))
    assert download["Content-Type"] == "application/pdf" and download.content == bytes(report.pdf)
    assert download["Content-Disposition"].startswith("attachment;")
    assert planted.history.filter(action="issued", classification="restricted").exists()


@pytest.mark.slow
def test_a_restricted_report_is_hidden_from_a_member_cleared_for_public_only(client, planted, team):
    report = services.issue_report(team["lead"], planted, "restricted")
    client.force_login(team["observer"])
    assert client.get(reverse("reports:download", args=[planted.pk, report.pk, "pdf"])).status_code == 404
    assert report.title not in client.get(reverse("reports:index", args=[planted.pk])).content.decode()
    assert client.get(reverse("reports:preview", args=[planted.pk]) + "?audience=restricted").status_code == 403
    client.force_login(team["assessor"])
    assert client.get(reverse("reports:download", args=[planted.pk, report.pk, "docx"])).status_code == 200


@pytest.mark.slow
def test_the_pdf_has_contents_page_numbers_and_running_heads_with_the_classification(planted, team):
    report = services.issue_report(team["lead"], planted, "restricted")
    reader = PdfReader(io.BytesIO(bytes(report.pdf)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 5
    assert all("RESTRICTED · Demoland report check" in text for text in pages)
    assert f"2 / {len(pages)}" in pages[1] and "Contents" in pages[1]
    assert reader.metadata.title == "Demoland report check · Restricted version"
    assert any("Gap map" in text for text in pages[2:])
    assert any("The gap map: the de jure and de facto status" in text for text in pages[2:])  # its caption


def test_a_profile_sets_cover_logo_boilerplate_and_parts(planted, team):
    profile = ReportProfile.objects.create(
        name="Demoland Institute", organisation="Demoland Institute for Justice Studies",
        cover_text="Prepared for the advisory group.", boilerplate="This report is fictional.\n\nIt is a test.",
        parts=["boilerplate", "methodology", "recommendations"], is_default=True,
        logo=SimpleUploadedFile("logo.png", LOGO, content_type="image/png"),
    )
    snapshot = composer.compose(team["lead"], planted, "public")
    assert snapshot["profile"]["organisation"] == profile.organisation
    assert snapshot["profile"]["logo"]["media_type"] == "image/png"
    from soma.reports.render_html import render_html

    html = render_html(snapshot)
    assert "Prepared for the advisory group." in html and "This report is fictional." in html
    assert 'id="part-methodology"' in html and 'id="part-recommendations"' in html
    assert 'id="part-findings"' not in html and "PUBLICMARK-answer" not in html
    assert "data:image/png;base64," + base64.b64encode(LOGO).decode() in html
    report = services.issue_report(team["lead"], planted, "public")
    assert PdfReader(io.BytesIO(bytes(report.pdf))).metadata.author == profile.organisation


@pytest.mark.slow
def test_an_arabic_report_is_right_to_left(planted, team):
    from soma.reports.render_html import render_html

    services.save_chapter(team["lead"], planted, "background", text="ديمولاند جمهورية ساحلية.",
                          classification="public", expected_version=1)
    snapshot = composer.compose(team["lead"], planted, "public", language="ar")
    assert snapshot["direction"] == "rtl" and snapshot["language"] == "ar"
    html = render_html(snapshot)
    assert '<html lang="ar" dir="rtl">' in html and 'dir="rtl"' in html
    from soma.reports.render_pdf import html_to_pdf

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(html_to_pdf(html))).pages)
    assert "ديمولاند جمهورية ساحلية" in text  # extracted in logical order: shaped and laid out right to left


def test_chapters_keep_both_texts_on_a_concurrent_edit(client, planted, team):
    url = reverse("reports:chapters", args=[planted.pk])
    row = planted.report_texts.get(chapter="background")
    client.force_login(team["assessor"])
    services.save_chapter(team["lead"], planted, "background", text="The lead's newer text.",
                          classification="public", expected_version=row.version)
    page = client.post(url, {"chapter": "background", "background-text": "The assessor's text.",
                             "background-classification": "public", "background-expected_version": row.version})
    assert page.status_code == 409
    body = page.content.decode()
    assert "The lead&#x27;s newer text." in body and "The assessor&#x27;s text." in body
    row.refresh_from_db()
    assert row.text == "The lead's newer text."
    with pytest.raises(EditConflict):
        services.save_chapter(team["assessor"], planted, "background", text="x", classification="public",
                              expected_version=row.version - 1)


def test_chapters_are_written_by_the_lead_and_assessors_only(client, planted, team):
    url = reverse("reports:chapters", args=[planted.pk])
    body = {"chapter": "perception", "perception-text": "Seen as a crime of others.",
            "perception-classification": "public"}
    client.force_login(team["observer"])
    assert client.get(url).status_code == 200
    assert client.post(url, body).status_code == 403
    client.force_login(team["assessor"])
    assert client.post(url, body).status_code == 302
    assert planted.report_texts.get(chapter="perception").text == "Seen as a crime of others."
    client.force_login(team["outsider"])
    assert client.get(url).status_code == 404

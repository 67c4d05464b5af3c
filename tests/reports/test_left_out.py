"""Before a report is frozen, SOMA says what each version leaves out and why, and asks before issuing one that
leaves work out (soma.reports.left_out, computed from the composer's own filter)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from soma.core.models import Job
from soma.reports import composer
from soma.reports.left_out import left_out
from soma.reports.models import IssuedReport

from .conftest import marker

pytestmark = pytest.mark.django_db

KINDS = ["answers", "sources", "findings", "conclusions", "recommendations", "chapters"]


def counts(summary) -> dict[str, int]:
    return {kind: len(summary.kinds.get(kind, [])) for kind in KINDS}


def test_each_version_counts_what_is_classified_above_it(planted, team):
    versions = left_out(team["lead"], planted)
    assert list(versions) == ["public", "restricted", "confidential"]
    assert counts(versions["public"]) == dict.fromkeys(KINDS, 2)
    assert counts(versions["restricted"]) == dict.fromkeys(KINDS, 1)
    assert counts(versions["confidential"]) == dict.fromkeys(KINDS, 0)
    assert not versions["confidential"].leaves_out
    public = versions["public"]
    assert [item.label for item in public.kinds["findings"]] == [marker("restricted", "finding"),
                                                                 marker("confidential", "finding")]
    assert [item.label for item in versions["restricted"].kinds["sources"]] == [marker("confidential", "source")]
    # V.C holds only a confidential answer: its status reads "Unknown" in the public and restricted versions.
    assert [item.label.split()[0] for item in public.unknown] == ["V.C"]
    assert [item.label.split()[0] for item in versions["restricted"].unknown] == ["V.C"]
    assert [item.url for item in public.unwritten] == [
        reverse("reports:chapters", args=[planted.pk]) + "#chapter-key_issues",
        reverse("reports:chapters", args=[planted.pk]) + "#chapter-reform_factors",
    ]
    answer = public.kinds["answers"][0]
    assert answer.url == reverse("responses:subsection", args=[planted.pk, "guide:I.A"]) + "#q-guide-I-A-q02"
    assert answer.classification == "restricted"
    assert public.counts() == "2 answers, 2 sources, 2 findings, 2 conclusions, 2 recommendations, 2 chapters"


def test_the_counts_agree_with_what_the_composer_puts_in_each_version(planted, team):
    versions = left_out(team["lead"], planted)
    full = composer.compose(team["lead"], planted, "confidential")
    for audience, summary in versions.items():
        snapshot = composer.compose(team["lead"], planted, audience)
        for name, kind in [("conclusions", "conclusions"), ("annex_sources", "sources")]:
            assert len(snapshot[name]) + len(summary.kinds.get(kind, [])) == len(full[name]), (audience, name)
        texts = sum(1 for text in snapshot["narrative"].values() if text)
        assert texts + len(summary.kinds.get("chapters", [])) == sum(1 for t in full["narrative"].values() if t)
        unknown = {sub["code"] for section in snapshot["sections"] for sub in section["subsections"]
                   if sub["de_jure"] == "Unknown"}
        assert {item.label.split()[0] for item in summary.unknown} <= unknown


def test_only_what_the_user_may_see_is_counted(planted, team):
    assessor = left_out(team["assessor"], planted)
    assert list(assessor) == ["public", "restricted"]
    assert counts(assessor["public"]) == dict.fromkeys(KINDS, 1)
    assert assessor["public"].unknown == []  # V.C's answer is above the assessor's clearance: not theirs to know
    assert "CONFIDENTIAL" not in repr(assessor)
    observer = left_out(team["observer"], planted)
    assert list(observer) == ["public"] and not observer["public"].leaves_out


def test_the_reports_tab_shows_each_version_with_links(client, planted, team):
    client.force_login(team["lead"])
    html = client.get(reverse("reports:index", args=[planted.pk])).content.decode()
    assert "What each version leaves out" in html
    assert "leaves out 2 answers, 2 sources, 2 findings, 2 conclusions, 2 recommendations, 2 chapters" in html
    assert "leaves out 1 answer, 1 source, 1 finding, 1 conclusion, 1 recommendation, 1 chapter" in html
    assert reverse("findings:finding_edit", args=[planted.pk, planted.findings.get(
        title=marker("confidential", "finding")).pk]) in html
    assert "Not written for this version" in html and "Unknown" in html


def test_issuing_a_version_that_leaves_work_out_asks_for_confirmation(client, planted, team,
                                                                     django_capture_on_commit_callbacks):
    client.force_login(team["lead"])
    url = reverse("reports:issue", args=[planted.pk])
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"audience": "public", "language": "en", "profile": ""})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "The public version leaves out 2 answers, 2 sources, 2 findings" in html
    assert 'name="confirm_left_out"' in html and "tick the box to issue it anyway" in html
    assert not Job.objects.exists() and not IssuedReport.objects.exists()
    assert 'name="confirmed_version" value="public"' in html
    # A confirmation of what the public version leaves out does not issue the restricted one.
    other = client.post(url, {"audience": "restricted", "language": "en", "profile": "", "confirm_left_out": "on",
                              "confirmed_version": "public"})
    assert other.status_code == 400 and "The restricted version leaves out 1 answer" in other.content.decode()
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(url, {"audience": "public", "language": "en", "profile": "",
                                      "confirm_left_out": "on", "confirmed_version": "public"})
    job = Job.objects.get(kind="report")
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("job", args=[job.pk])


def test_a_version_that_leaves_nothing_out_issues_without_asking(client, planted, team,
                                                                 django_capture_on_commit_callbacks):
    client.force_login(team["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("reports:issue", args=[planted.pk]),
                           {"audience": "confidential", "language": "en", "profile": ""})
    assert page.status_code == 302 and Job.objects.filter(kind="report").count() == 1


def test_the_preview_says_what_its_version_leaves_out(client, planted, team):
    client.force_login(team["lead"])
    html = client.get(reverse("reports:preview", args=[planted.pk]), {"audience": "restricted"}).content.decode()
    assert 'class="preview-notice"' in html
    assert "The restricted version leaves out 1 answer, 1 source, 1 finding" in html
    full = client.get(reverse("reports:preview", args=[planted.pk]), {"audience": "confidential"}).content.decode()
    assert "The confidential version leaves out nothing you can see." in full


def test_an_issued_report_carries_no_notice(planted, team):
    from soma.reports import services

    report = services.issue_report(team["lead"], planted, "public")
    assert b'class="preview-notice"' not in bytes(report.html)


def test_soma_report_issue_prints_the_same_summary(planted, team, tmp_path):
    err = io.StringIO()
    call_command("report", str(planted.pk), "--user", team["lead"].username, "--audience", "public", "--issue",
                 "--format", "html", "--output", str(tmp_path / "report.html"), stderr=err)
    printed = err.getvalue()
    expected = left_out(team["lead"], planted, ["public"])["public"].lines()
    assert all(line in printed for line in expected)
    assert "The public version leaves out 2 answers" in printed and "“Unknown”" in printed
    assert IssuedReport.objects.filter(audience="public").count() == 1

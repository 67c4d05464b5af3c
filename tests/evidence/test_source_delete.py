"""Deleting a source: a confirmation that says what goes with it, a record in the content history, and a restore
that brings the source back with its citations and file."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from soma.accounts.models import HistoryEntry
from soma.assessments import services
from soma.evidence import files
from soma.evidence import selectors as evidence_selectors
from soma.evidence import services as evidence_services
from soma.evidence.models import Citation, Source
from soma.findings import selectors as finding_selectors
from soma.findings import services as finding_services
from soma.followup import services as followup_services
from soma.kernel.clearance import seen_by
from soma.responses import services as response_services
from tests.fixtures import make_team

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def team(db):
    return make_team(("lead", "assessor", "observer"))


@pytest.fixture
def world(catalog, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    lead = team["lead"]
    a = services.create_assessment(lead, title="Republic of Demoland response", jurisdictions=["XD"],
                                   scope=["V.C"]).assessment
    services.add_member(lead, a, team["assessor"], "assessor", "public")
    services.add_member(lead, a, team["observer"], "observer", "public")
    source = evidence_services.save_source(lead, a, title="Demoland Penal Code", kind="legislation",
                                           classification="public",
                                           upload=SimpleUploadedFile("penal-code.pdf", PDF))
    answers = [response_services.save_response(lead, a, f"guide:V.C:q0{n}", expected_version=0,
                                               narrative=f"Answer {n}.", classification="public") for n in (1, 2)]
    finding = finding_services.save_finding(lead, a, kind="gap", title="No aggravation", classification="public")
    for answer, pinpoint in ((answers[0], "art. 12"), (answers[0], "art. 13"), (answers[1], "art. 14")):
        evidence_services.cite(lead, a, response=answer, source=source, pinpoint=pinpoint)
    evidence_services.cite(lead, a, finding=finding, source=source, pinpoint="art. 15")
    return {"a": a, "source": source, "answers": answers, "finding": finding}


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def delete_url(world):
    return reverse("evidence:delete", args=[world["a"].pk, world["source"].pk])


def test_delete_asks_first_and_says_what_goes_with_it(client, team, world):
    client.force_login(team["assessor"])
    listing = client.get(reverse("evidence:list", args=[world["a"].pk])).content.decode()
    assert f'href="{delete_url(world)}"' in listing  # a link to the confirmation, not a one-click button
    page = client.get(delete_url(world))
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "Its 4 citations go with it (answers citing it: 2, findings citing it: 1)" in text
    assert 'name="confirmed" value="yes"' in text
    # A POST that did not come from the confirmation deletes nothing.
    assert client.post(delete_url(world)).status_code == 200
    assert Source.objects.filter(pk=world["source"].pk).exists() and Citation.objects.count() == 4


def test_confirmed_delete_hides_the_source_and_its_citations_and_is_recorded(client, team, world):
    client.force_login(team["assessor"])
    response = client.post(delete_url(world), {"confirmed": "yes"}, follow=True)
    html = response.content.decode()
    assert "deleted with its 4 citations" in html
    source = world["source"]
    assert not evidence_selectors.sources(seen_by(team["assessor"], world["a"])).filter(pk=source.pk).exists()
    assert finding_selectors.finding_citations(seen_by(team["lead"], world["a"]), world["finding"]) == []
    answer = finding_selectors.responses(seen_by(team["lead"], world["a"]))[world["answers"][0].question]
    assert list(answer.citations.all()) == []
    assert f'action="{reverse("evidence:restore", args=[world["a"].pk, source.pk])}"' in html
    recorded = HistoryEntry.objects.filter(assessment=world["a"], object_type="source", object_id=str(source.pk))
    latest = recorded.order_by("-pk").first()
    assert latest.user == team["assessor"] and latest.after["deleted_at"] and latest.before["deleted_at"] is None
    assert HistoryEntry.objects.filter(assessment=world["a"], object_type="citation", action="changed").count() == 4
    assert "Content history intact" in verify()


def test_restore_brings_back_the_source_its_citations_and_its_file(client, team, world, settings):
    source = world["source"]
    stored = Path(settings.MEDIA_ROOT) / source.file.name
    client.force_login(team["assessor"])
    client.post(delete_url(world), {"confirmed": "yes"})
    assert stored.exists()
    assert files.sweep_orphans(older_than_seconds=0) == []  # the file of a deleted source is not an orphan
    response = client.post(reverse("evidence:restore", args=[world["a"].pk, source.pk]), follow=True)
    assert "restored with 4 citations" in response.content.decode()
    assert evidence_selectors.sources(seen_by(team["assessor"], world["a"])).get(pk=source.pk).cited == 4
    assert len(finding_selectors.finding_citations(seen_by(team["lead"], world["a"]), world["finding"])) == 1
    assert client.get(reverse("evidence:download", args=[world["a"].pk, source.pk])).status_code == 200
    assert "Content history intact" in verify()


def test_a_source_cited_in_work_above_the_clearance_is_not_deleted(client, team, world):
    secret = response_services.save_response(team["lead"], world["a"], "guide:V.C:q03", expected_version=0,
                                             narrative="Restricted answer.", classification="restricted")
    evidence_services.cite(team["lead"], world["a"], response=secret, source=world["source"], pinpoint="art. 16")
    client.force_login(team["assessor"])  # cleared for public
    page = client.get(delete_url(world)).content.decode()
    assert "also cited in work classified above your clearance" in page and 'name="confirmed"' not in page
    response = client.post(delete_url(world), {"confirmed": "yes"}, follow=True)
    assert "also cited in work classified above your clearance" in response.content.decode()
    assert Source.objects.filter(pk=world["source"].pk).exists() and Citation.objects.count() == 5


def test_observers_neither_delete_nor_restore(client, team, world):
    evidence_services.delete_source(team["lead"], world["a"], world["source"])
    client.force_login(team["observer"])
    listing = client.get(reverse("evidence:list", args=[world["a"].pk])).content.decode()
    assert "Deleted sources" not in listing
    assert client.post(reverse("evidence:restore", args=[world["a"].pk, world["source"].pk])).status_code == 403
    assert not Source.objects.filter(pk=world["source"].pk).exists()


def test_restoring_a_source_that_is_not_deleted_is_a_404(client, team, world):
    client.force_login(team["lead"])
    assert client.post(reverse("evidence:restore", args=[world["a"].pk, world["source"].pk])).status_code == 404


def test_a_deleted_source_is_left_out_of_the_bundle_and_the_follow_up(team, world):
    from soma.exchange.bundle import services as bundle

    evidence_services.delete_source(team["lead"], world["a"], world["source"])
    text = bundle.dumps(bundle.export_bundle(team["lead"], world["a"], audience="confidential",
                                             include_files=False)).decode()
    assert "Demoland Penal Code" not in text and "art. 12" not in text
    follow_up = followup_services.start_follow_up(team["lead"], world["a"], title="Demoland follow-up")
    assert not Source.all_objects.filter(assessment=follow_up).exists()


def test_the_lead_removes_a_deleted_source_for_good(client, team, world, settings, django_capture_on_commit_callbacks):
    source = world["source"]
    stored = Path(settings.MEDIA_ROOT) / source.file.name
    evidence_services.delete_source(team["assessor"], world["a"], source)
    purge = reverse("evidence:purge", args=[world["a"].pk, source.pk])
    client.force_login(team["assessor"])
    assert purge not in client.get(reverse("evidence:list", args=[world["a"].pk])).content.decode()
    assert client.post(purge).status_code == 403  # assessors delete and restore; only the lead removes for good
    client.force_login(team["lead"])
    listing = client.get(reverse("evidence:list", args=[world["a"].pk])).content.decode()
    assert re.search(r'<details class="confirm-remove" data-confirm-purge>.*?action="' + re.escape(purge), listing,
                     re.S)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(purge, follow=True)
    assert "removed for good" in response.content.decode()
    assert not Source.all_objects.filter(pk=source.pk).exists() and not Citation.all_objects.exists()
    assert not stored.exists()
    assert HistoryEntry.objects.filter(object_type="source", object_id=str(source.pk), action="deleted").exists()
    assert "Content history intact" in verify()


def test_a_source_that_is_not_deleted_cannot_be_removed_for_good(client, team, world):
    client.force_login(team["lead"])
    assert client.post(reverse("evidence:purge", args=[world["a"].pk, world["source"].pk])).status_code == 404
    assert Source.objects.filter(pk=world["source"].pk).exists()

"""soma.kernel.clearance: the one place that decides who sees which classification, for which audience."""

from __future__ import annotations

import json

import pytest
from django.http import Http404

from soma.kernel import clearance
from soma.kernel.clearance import Level

PERSON = "Councillor Oriane Maselt"  # fictional


def test_levels_are_ordered_public_restricted_confidential():
    assert clearance.up_to("public") == ["public"]
    assert clearance.up_to("restricted") == ["public", "restricted"]
    assert clearance.up_to(Level.CONFIDENTIAL) == ["public", "restricted", "confidential"]
    assert clearance.up_to(None) == []
    assert clearance.highest(["restricted", "public"]) == Level.RESTRICTED
    assert clearance.highest([]) == Level.PUBLIC
    assert clearance.lowest(["confidential", "restricted"]) == Level.RESTRICTED


def test_an_audience_is_capped_at_the_clearance():
    assert clearance.within(["public", "restricted", "confidential"], "restricted") == ["public", "restricted"]
    assert clearance.within(["public"], "confidential") == ["public"]
    assert clearance.capped("confidential", "restricted") == Level.RESTRICTED
    assert clearance.capped("public", "confidential") == Level.PUBLIC
    assert clearance.capped(None, "restricted") == Level.RESTRICTED


def test_forms_offer_only_the_levels_within_the_clearance():
    assert [value for value, _label in clearance.classification_choices(["public", "restricted"])] == [
        "public", "restricted"]
    assert [str(label) for _value, label in clearance.classification_choices(["public"])] == ["Public"]


class _Record:
    def __init__(self, classification):
        self.classification = classification


class _Citation:
    def __init__(self, source=None, activity=None):
        self.source, self.activity = source, activity


def test_a_citation_is_as_visible_as_what_it_cites():
    cleared = ["public"]
    assert clearance.citation_visible(_Citation(source=_Record("public")), cleared)
    assert not clearance.citation_visible(_Citation(source=_Record("restricted")), cleared)
    assert clearance.citation_visible(_Citation(activity=_Record("public")), cleared)
    assert not clearance.citation_visible(_Citation(), cleared)


def test_names_of_people_need_restricted_whatever_the_record():
    assert not clearance.names_allowed(["public"])
    assert clearance.names_allowed(["public", "restricted"])
    assert clearance.withheld_fields("mission", ["public"]) == ("notes",)
    assert clearance.withheld_fields("assessment", ["public"]) == ("advisory_group",)
    assert clearance.withheld_fields("institution", ["public"]) == ("contact_point", "clearance_notes")
    assert clearance.withheld_fields("mission", ["public", "restricted"]) == ()
    assert clearance.withheld_fields("source", ["public"]) == ()


def test_new_work_starts_at_the_lowest_of_the_leads_choice_the_assessment_and_the_clearance():
    class Assessment:
        classification, new_work_classification = "confidential", "restricted"

    assert clearance.default_classification(Assessment, clearance.up_to("confidential")) == "restricted"
    assert clearance.default_classification(Assessment, clearance.up_to("public")) == "public"
    Assessment.classification = "public"
    assert clearance.default_classification(Assessment, clearance.up_to("confidential")) == "public"


@pytest.mark.django_db
def test_seen_holds_the_members_levels_and_refuses_outsiders(assessment, team):
    observer = clearance.seen_by(team["observer"], assessment)
    assert observer.levels == ("public",) and observer.audience == Level.PUBLIC and not observer.names_allowed
    assert observer.membership.user == team["observer"]
    reviewer = clearance.seen_by(team["reviewer"], assessment)
    assert reviewer.levels == ("public", "restricted", "confidential") and reviewer.names_allowed
    with pytest.raises(Http404):
        clearance.seen_by(team["outsider"], assessment)


@pytest.mark.django_db
def test_seen_for_an_audience_never_goes_above_the_clearance(assessment, team):
    assessor = clearance.seen_by(team["assessor"], assessment)
    assert assessor.for_audience("public").levels == ("public",)
    assert not assessor.for_audience("public").names_allowed
    with pytest.raises(clearance.AboveClearance):
        assessor.for_audience("confidential")
    with pytest.raises(clearance.AboveClearance):
        clearance.seen_by(team["observer"], assessment, "restricted")


@pytest.mark.django_db
def test_visible_filters_a_queryset_by_the_levels(assessment, team):
    from soma.evidence import services as evidence_services

    lead = team["lead"]
    for level in Level:
        evidence_services.save_source(lead, assessment, title=f"Report {level}", kind="official_report",
                                      classification=str(level))
    rows = assessment.sources.order_by("title")
    titles = [s.title for s in clearance.seen_by(team["assessor"], assessment).visible(rows)]
    assert titles == ["Report public", "Report restricted"]
    assert [s.title for s in clearance.visible(rows, ["confidential"])] == ["Report confidential"]


@pytest.mark.django_db
def test_advisory_group_and_mission_notes_stay_out_of_the_public_bundle_and_the_observers_pages(
        client, assessment, team):
    """The known leak class (issue 9): names of people restricted in reports were public in the bundle and on
    observers' pages. The lead's public bundle and the observer's plan, missions and API pages hold none."""
    from soma.assessments import services
    from soma.exchange.bundle import services as bundle

    lead = team["lead"]
    assessment.refresh_from_db()
    services.update_plan(lead, assessment, expected_version=assessment.version, advisory_group=f"{PERSON} (chair)")
    services.save_mission(lead, assessment, title="Port Azur visit", notes=f"Met {PERSON} at the port.")
    public = bundle.dumps(bundle.export_bundle(lead, assessment, audience="public", include_files=False)).decode()
    assert PERSON not in public
    restricted = json.dumps(bundle.export_bundle(lead, assessment, audience="restricted", include_files=False))
    assert restricted.count(PERSON) == 2  # the marker is there: advisory group and mission notes
    client.force_login(team["observer"])
    for url in (f"/assessments/{assessment.pk}/", f"/assessments/{assessment.pk}/missions/",
                f"/assessments/{assessment.pk}/history/", f"/api/assessments/{assessment.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert PERSON not in response.content.decode(), url
    client.force_login(team["assessor"])
    assert PERSON in client.get(f"/assessments/{assessment.pk}/missions/").content.decode()
    # their history entries hold the names too: restricted, whatever the public record they describe
    for object_type in ("assessment", "mission"):
        entry = assessment.history.filter(object_type=object_type).order_by("-at", "-pk").first()
        assert entry.classification == "restricted", object_type

"""The assessment workflow's business rules, through the services every interface calls."""

import pytest
from django.http import Http404

from soma.assessments import selectors, services
from soma.evidence import services as evidence_services
from soma.findings import selectors as finding_selectors
from soma.findings import services as finding_services
from soma.followup import services as followup_services
from soma.kernel.access import PermissionDenied
from soma.kernel.clearance import seen_by
from soma.kernel.errors import EditConflict
from soma.responses import services as response_services

# lead, team and assessment: the usual ones of tests/conftest.py.


def test_creator_is_lead_and_scope_resolves(assessment, team):
    keys = selectors.scope_keys(assessment)
    assert "guide:I.A" in keys and "guide:V.C" in keys and "guide:V.A" not in keys
    assert selectors.get_assessment(team["lead"], assessment.pk) == assessment


def test_complete_assessment_without_legal_framework_warns(catalog, team):
    created = services.create_assessment(team["lead"], title="Partial", jurisdictions=["XD"], scope=["V"])
    assert created.warnings and "legal framework" in created.warnings[0]


def test_non_members_get_404(assessment, team):
    with pytest.raises(Http404):
        selectors.get_assessment(team["outsider"], assessment.pk)


def test_observer_cannot_write(assessment, team):
    with pytest.raises(PermissionDenied):
        response_services.save_response(team["observer"], assessment, "guide:I.A:q01", expected_version=0,
                                        narrative="x")


def test_concurrent_edit_keeps_both_texts(assessment, team):
    first = response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                            narrative="Demoland ratified in 2004.")
    response_services.save_response(team["assessor"], assessment, "guide:I.A:q01", expected_version=first.version,
                                    narrative="Demoland ratified in 2004 (gazette 12/2004).")
    with pytest.raises(EditConflict) as conflict:
        response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=first.version,
                                        narrative="Ratified 2004; no reservations.")
    assert conflict.value.theirs["narrative"].endswith("(gazette 12/2004).")
    assert conflict.value.mine["narrative"] == "Ratified 2004; no reservations."


def test_status_moves_one_step_and_final_needs_a_reviewer(assessment, team):
    for status in ["desk_review", "fieldwork", "analysis", "reporting", "review"]:
        services.change_status(team["lead"], assessment, status)
    with pytest.raises(services.ServiceError):
        services.change_status(team["lead"], assessment, "final")
    with pytest.raises(PermissionDenied):
        services.change_status(team["assessor"], assessment, "final")
    services.approve_final(team["reviewer"], assessment)
    services.change_status(team["lead"], assessment, "final")
    assert assessment.status == "final"


def test_corroboration_is_derived_from_citations(assessment, team):
    response = response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                               narrative="Yes.")
    law = evidence_services.save_source(team["lead"], assessment, title="Demoland Penal Code", kind="legislation",
                                        reliability="A", credibility="1")
    news = evidence_services.save_source(team["lead"], assessment, title="Demoland Times", kind="media",
                                         reliability="C", credibility="3")
    assert response_services.corroboration(response.citations.all()) == "unsubstantiated"
    evidence_services.cite(team["lead"], assessment, response=response, source=law, pinpoint="art. 12")
    assert response_services.corroboration(response.citations.all()) == "single"
    evidence_services.cite(team["lead"], assessment, response=response, source=news, pinpoint="p. 3")
    assert response_services.corroboration(response.citations.all()) == "corroborated"
    evidence_services.cite(team["lead"], assessment, response=response, source=news, pinpoint="p. 4",
                           stance="contradicts")
    assert response_services.corroboration(response.citations.all()) == "conflicting"


def test_clearance_hides_classified_responses(assessment, team):
    response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                    narrative="Confidential intelligence.", classification="confidential")
    assert "guide:I.A:q01" in finding_selectors.responses(seen_by(team["reviewer"], assessment))
    assert "guide:I.A:q01" not in finding_selectors.responses(seen_by(team["assessor"], assessment))
    assert "guide:I.A:q01" not in finding_selectors.responses(seen_by(team["observer"], assessment))


def test_national_question_is_treated_like_the_guides(assessment, team):
    question = services.add_national_question(team["lead"], assessment, "guide:V.C", "Does Demoland use drones?")
    assert question.key == "guide:V.C:n01"
    assert question.key in selectors.question_keys(seen_by(team["observer"], assessment))
    response_services.save_response(team["assessor"], assessment, question.key, expected_version=0, narrative="No.")


def test_follow_up_carries_over_for_confirmation(assessment, team):
    response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0, narrative="Yes.")
    finding_services.save_recommendation(team["lead"], assessment, text="Train prosecutors", area="guide:V.C",
                                         priority="short")
    new = followup_services.start_follow_up(team["lead"], assessment, title="Demoland follow-up")
    response = new.responses.get()
    assert response.carried_over and not response.confirmed
    recommendation = new.recommendations.get()
    assert recommendation.carried_over and recommendation.toolkit
    assert new.previous == assessment


def test_overview_lists_mandatory_provisions_first(assessment, team):
    response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0, narrative="Yes.",
                                    de_jure="in_place", de_facto="partly", classification="public")
    view = finding_selectors.overview(seen_by(team["observer"], assessment))
    assert view.totals.answered == 1
    obligations = [p.obligation for p in view.provisions]
    assert obligations == sorted(obligations, key=lambda o: {"mandatory": 0, "optional": 1}.get(o, 2))


def test_history_records_before_and_after(assessment, team):
    first = response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                            narrative="Yes.")
    response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=first.version,
                                    narrative="Yes, since 2004.")
    entry = assessment.history.filter(object_type="response").first()
    assert entry.before == {"narrative": "Yes."} and entry.after == {"narrative": "Yes, since 2004."}


def test_restricted_member_cannot_touch_a_confidential_answer(assessment, team):
    response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                    narrative="Informant codename ORCHID.", classification="confidential")
    with pytest.raises(PermissionDenied) as refused:
        response_services.save_response(team["assessor"], assessment, "guide:I.A:q01", expected_version=1,
                                        narrative="overwrite", classification="public")
    assert "ORCHID" not in str(refused.value)
    response = assessment.responses.get()
    assert response.narrative == "Informant codename ORCHID." and response.classification == "confidential"


def test_review_does_not_make_open_editors_stale(assessment, team):
    response = response_services.save_response(team["assessor"], assessment, "guide:I.A:q01", expected_version=0,
                                               narrative="Yes.")
    finding_services.set_review_state(team["reviewer"], assessment, response, "reviewed")
    response_services.save_response(team["assessor"], assessment, "guide:I.A:q01", expected_version=response.version,
                                    narrative="Yes, since 2004.")


def test_deleting_a_carried_over_source_keeps_the_earlier_assessments_file(
    assessment, team, tmp_path, settings, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("law.pdf", b"%PDF-1.4 Demoland penal code", content_type="application/pdf")
    original = evidence_services.save_source(team["lead"], assessment, title="Penal Code", kind="legislation",
                                             upload=upload)
    new = followup_services.start_follow_up(team["lead"], assessment, title="Demoland follow-up")
    carried = new.sources.get()
    with django_capture_on_commit_callbacks(execute=True):
        evidence_services.delete_source(team["lead"], new, carried)
        evidence_services.purge_source(team["lead"], new, carried)
    assert original.file.storage.exists(original.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_services.delete_source(team["lead"], assessment, original)
    assert original.file.storage.exists(original.file.name)  # a deleted source can still be restored
    with django_capture_on_commit_callbacks(execute=True):
        evidence_services.purge_source(team["lead"], assessment, original)
    assert not original.file.storage.exists(original.file.name)


def test_history_of_a_citation_is_as_classified_as_its_source(assessment, team):
    response = response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                               narrative="Yes.")
    secret = evidence_services.save_source(team["lead"], assessment, title="Threat assessment ORCHID",
                                           kind="other", classification="confidential")
    evidence_services.cite(team["lead"], assessment, response=response, source=secret, pinpoint="p. 2")
    entry = assessment.history.get(object_type="citation")
    assert entry.classification == "confidential"


def test_declassifying_keeps_the_old_text_at_its_old_level(assessment, team):
    first = response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                            narrative="Codename ORCHID.", classification="confidential")
    response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=first.version,
                                    narrative="An informant.", classification="public")
    change = assessment.history.filter(object_type="response", action="changed").get()
    assert change.classification == "confidential"


def test_contradicting_evidence_alone_is_conflicting():
    from types import SimpleNamespace

    against = SimpleNamespace(stance="contradicts", evidence_key="source:1")
    assert response_services.corroboration([against]) == "conflicting"


def test_a_final_assessment_is_frozen(assessment, team):
    for status in ["desk_review", "fieldwork", "analysis", "reporting", "review"]:
        services.change_status(team["lead"], assessment, status)
    services.approve_final(team["reviewer"], assessment)
    services.change_status(team["lead"], assessment, "final")
    with pytest.raises(PermissionDenied) as refused:
        response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0, narrative="x")
    assert "final" in str(refused.value)
    services.change_status(team["lead"], assessment, "review")
    response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0, narrative="x")

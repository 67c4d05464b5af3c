"""The assessment workflow's business rules, through the services every interface calls."""

import pytest
from django.http import Http404

from soma.assessments import selectors, services
from soma.evidence import services as evidence_services
from soma.findings import selectors as finding_selectors
from soma.kernel.access import PermissionDenied
from soma.kernel.clearance import seen_by
from soma.kernel.errors import ServiceError
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


def test_status_moves_one_step_and_final_needs_a_reviewer(assessment, team):
    for status in ["desk_review", "fieldwork", "analysis", "reporting", "review"]:
        services.change_status(team["lead"], assessment, status)
    with pytest.raises(ServiceError):
        services.change_status(team["lead"], assessment, "final")
    with pytest.raises(PermissionDenied):
        services.change_status(team["assessor"], assessment, "final")
    services.approve_final(team["reviewer"], assessment)
    services.change_status(team["lead"], assessment, "final")
    assert assessment.status == "final"


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


def test_overview_lists_mandatory_provisions_first(assessment, team):
    response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0, narrative="Yes.",
                                    de_jure="in_place", de_facto="partly", classification="public")
    view = finding_selectors.overview(seen_by(team["observer"], assessment))
    assert view.totals.answered == 1
    obligations = [p.obligation for p in view.provisions]
    assert obligations == sorted(obligations, key=lambda o: {"mandatory": 0, "optional": 1}.get(o, 2))


def test_history_of_a_citation_is_as_classified_as_its_source(assessment, team):
    response = response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                               narrative="Yes.")
    secret = evidence_services.save_source(team["lead"], assessment, title="Threat assessment ORCHID",
                                           kind="other", classification="confidential")
    evidence_services.cite(team["lead"], assessment, response=response, source=secret, pinpoint="p. 2")
    entry = assessment.history.get(object_type="citation")
    assert entry.classification == "confidential"


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

"""Follow-up assessments: what a new assessment carries over from the previous one, and confirming it."""

import pytest

from soma.assessments import services
from soma.assessments import services as assessment_services
from soma.evidence import services as evidence_services
from soma.findings import services as finding_services
from soma.followup import services as followup_services
from soma.kernel.access import PermissionDenied
from soma.responses import services as response_services

# lead, team and assessment: the usual ones of tests/conftest.py.


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


def test_confirming_a_carried_over_answer_marks_it_and_records_it(assessment, team):
    response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0, narrative="Yes.")
    new = followup_services.start_follow_up(team["lead"], assessment, title="Demoland follow-up")
    carried = new.responses.get()
    assessment_services.confirm_carried_over(team["lead"], new, carried)
    carried.refresh_from_db()
    assert carried.confirmed
    assert new.history.filter(object_type="response", action="changed").exists()


def test_only_carried_over_items_of_this_assessment_within_clearance_are_confirmed(assessment, team):
    answer = response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                             narrative="Codename ORCHID.", classification="confidential")
    new = followup_services.start_follow_up(team["lead"], assessment, title="Demoland follow-up")
    with pytest.raises(services.ServiceError, match="Only items carried over"):
        assessment_services.confirm_carried_over(team["lead"], assessment, answer)
    with pytest.raises(services.ServiceError, match="another assessment"):
        assessment_services.confirm_carried_over(team["lead"], new, answer)
    # the team comes across: the assessor stays restricted, the observer only reads
    with pytest.raises(PermissionDenied):
        assessment_services.confirm_carried_over(team["assessor"], new, new.responses.get())
    with pytest.raises(PermissionDenied):
        assessment_services.confirm_carried_over(team["observer"], new, new.responses.get())
    assert not new.responses.get().confirmed

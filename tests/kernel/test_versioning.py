"""Versioned saving (soma.kernel.versioning): a save names the version it started from; one that started from an
older version is refused with EditConflict; the last action wins only when made on the version it saw."""

from __future__ import annotations

import pytest

from soma.assessments import services
from soma.assessments.models import Assessment
from soma.kernel.access import PermissionDenied
from soma.kernel.errors import STALE_MESSAGE, EditConflict, ServiceError
from soma.kernel.versioning import lock_existing, lock_version, save_next_version
from soma.responses import services as response_services

pytestmark = pytest.mark.django_db

QUESTION = "guide:V.C:q01"


def rows(assessment):
    return Assessment.objects.filter(pk=assessment.pk)


def test_a_save_from_the_stored_version_is_the_next_version(assessment):
    stored = assessment.version
    current = lock_version(rows(assessment), stored)
    current.title = "Renamed"
    save_next_version(current)
    assert current.version == stored + 1
    again = Assessment.objects.get(pk=assessment.pk)
    assert (again.version, again.title) == (stored + 1, "Renamed")


def test_only_the_version_moves_when_update_fields_are_named(assessment):
    stored = assessment.version
    current = lock_version(rows(assessment), stored)
    current.title, current.purpose = "Renamed", "Changed too"
    save_next_version(current, update_fields=["title"])
    again = Assessment.objects.get(pk=assessment.pk)
    assert (again.version, again.title, again.purpose) == (stored + 1, "Renamed", assessment.purpose)


def test_a_save_from_an_older_version_is_a_conflict_that_says_so(assessment):
    with pytest.raises(EditConflict) as refused:
        lock_version(rows(assessment), assessment.version - 1)
    conflict = refused.value
    assert str(conflict) == STALE_MESSAGE
    assert conflict.version == assessment.version
    assert conflict.current.pk == assessment.pk
    assert not conflict.mergeable and conflict.theirs is None
    assert isinstance(conflict, ServiceError)  # shown like any other refusal where no merge is offered


def test_a_conflict_that_offers_a_merge_carries_both_versions(assessment):
    with pytest.raises(EditConflict) as refused:
        lock_version(rows(assessment), 99, message="Merge.", theirs=lambda row: {"title": row.title},
                     mine={"title": "Mine"})
    assert refused.value.mergeable
    assert (refused.value.theirs, refused.value.mine, str(refused.value)) == (
        {"title": assessment.title}, {"title": "Mine"}, "Merge.")


def test_no_row_is_version_zero(assessment):
    assert lock_version(Assessment.objects.filter(pk=-1), 0) is None
    with pytest.raises(EditConflict) as refused:
        lock_version(Assessment.objects.filter(pk=-1), 3, theirs=lambda row: {"title": row.title})
    assert (refused.value.version, refused.value.theirs) == (0, {})


def test_the_check_comes_before_the_version_so_a_conflict_never_shows_what_is_refused(assessment):
    def refuse(row):
        raise PermissionDenied("Above your clearance.")

    with pytest.raises(PermissionDenied):
        lock_version(rows(assessment), assessment.version - 1, check=refuse, theirs=lambda row: {"title": row.title})


def test_a_row_that_must_be_there_and_is_gone(assessment):
    gone = Assessment.objects.filter(pk=-1)
    with pytest.raises(EditConflict):  # deleted since the user loaded it
        lock_existing(gone, 4)
    with pytest.raises(Assessment.DoesNotExist):
        lock_existing(gone, None)
    assert lock_existing(rows(assessment), assessment.version).pk == assessment.pk


def test_no_expected_version_saves_without_the_check(assessment):
    assert lock_version(rows(assessment), None).pk == assessment.pk


def test_the_plan_last_action_wins_only_knowingly(team, assessment):
    lead = team["lead"]
    loaded = assessment.version
    services.update_plan(lead, Assessment.objects.get(pk=assessment.pk), expected_version=loaded, title="First")
    with pytest.raises(EditConflict, match="Someone else changed the plan since you opened it") as refused:
        services.update_plan(lead, Assessment.objects.get(pk=assessment.pk), expected_version=loaded, title="Second")
    assert Assessment.objects.get(pk=assessment.pk).title == "First"
    # Saving again on the version the conflict showed replaces the other save: the last action wins.
    services.update_plan(lead, Assessment.objects.get(pk=assessment.pk), expected_version=refused.value.version,
                         title="Second")
    again = Assessment.objects.get(pk=assessment.pk)
    assert (again.title, again.version) == ("Second", loaded + 2)


def test_an_answer_conflict_keeps_both_texts_and_the_history_records_each_save(team, assessment):
    from soma.accounts.models import HistoryEntry

    lead, assessor = team["lead"], team["assessor"]
    response_services.save_response(lead, assessment, QUESTION, expected_version=0, narrative="Lead's text",
                                    classification="public")
    with pytest.raises(EditConflict) as refused:
        response_services.save_response(assessor, assessment, QUESTION, expected_version=0, narrative="Mine")
    assert refused.value.theirs["narrative"] == "Lead's text"
    assert refused.value.theirs["version"] == 1
    assert refused.value.mine == {"narrative": "Mine"}
    saved = response_services.save_response(assessor, assessment, QUESTION, expected_version=1, narrative="Mine")
    assert (saved.narrative, saved.version) == ("Mine", 2)
    assert saved.__class__.objects.get(pk=saved.pk).version == 2
    actions = list(HistoryEntry.objects.filter(assessment=assessment, object_type="response")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["created", "changed"]

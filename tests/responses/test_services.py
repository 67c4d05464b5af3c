"""Answers: saving with versions and conflicts, clearance, review, history, and corroboration from citations."""

import pytest

from soma.evidence import services as evidence_services
from soma.findings import services as finding_services
from soma.kernel.access import PermissionDenied
from soma.kernel.errors import EditConflict
from soma.responses import services as response_services

# lead, team and assessment: the usual ones of tests/conftest.py.


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

"""Bulk work and filters on the question workspace: one source cited, a review state or a classification set on
several answers at once, all or nothing; the page filtered to unanswered, unreviewed, uncited or a status."""

import pytest
from django.urls import reverse

from soma.evidence import services as evidence_services
from soma.evidence.models import Citation
from soma.findings.models import Response
from soma.kernel.access import PermissionDenied
from soma.responses import services as response_services
from soma.responses.services import BulkConflict
from tests.fixtures import add_team, make_assessment

Q1, Q2, Q3 = "guide:V.C:q01", "guide:V.C:q02", "guide:V.C:q03"


@pytest.fixture
def assessment(catalog, team):
    return add_team(make_assessment(team["lead"], scope=["V.B", "V.C", "V.D"], classification="restricted"), team,
                    {"assessor": "restricted", "reviewer": "confidential", "observer": "restricted"})


@pytest.fixture
def answers(assessment, team):
    return {q: response_services.save_response(team["lead"], assessment, q, expected_version=0,
                                               narrative=f"Demoland answer to {q}.", classification="restricted")
            for q in (Q1, Q2, Q3)}


@pytest.fixture
def gazette(assessment, team):
    return evidence_services.save_source(team["lead"], assessment, title="Demoland Official Gazette",
                                         kind="legislation", reliability="A", credibility="1")


def versions(answers, *keys):
    return {k: answers[k].version for k in keys}


def test_bulk_cite_cites_every_selected_answer_and_records_it(assessment, team, answers, gazette):
    done = response_services.bulk_cite(team["assessor"], assessment, versions(answers, Q1, Q3), source=gazette,
                                       pinpoint="no. 12/2004, p. 3")
    assert len(done) == 2
    cited = Citation.objects.filter(source=gazette)
    assert sorted(c.response.question for c in cited) == [Q1, Q3]
    assert {c.pinpoint for c in cited} == {"no. 12/2004, p. 3"}
    assert assessment.history.filter(object_type="citation", action="created").count() == 2


def test_bulk_cite_writes_nothing_when_one_answer_changed_meanwhile(assessment, team, answers, gazette):
    seen = versions(answers, Q1, Q2)
    response_services.save_response(team["lead"], assessment, Q2, expected_version=answers[Q2].version,
                                    narrative="Changed by the lead meanwhile.")
    with pytest.raises(BulkConflict) as refused:
        response_services.bulk_cite(team["assessor"], assessment, seen, source=gazette, pinpoint="p. 3")
    assert refused.value.questions == [Q2]
    assert not Citation.objects.filter(source=gazette).exists()


def test_bulk_review_needs_the_reviewer_and_is_all_or_nothing(assessment, team, answers):
    with pytest.raises(PermissionDenied):
        response_services.bulk_review(team["assessor"], assessment, versions(answers, Q1, Q2), "reviewed")
    done = response_services.bulk_review(team["reviewer"], assessment, versions(answers, Q1, Q2), "reviewed")
    assert [r.question for r in done] == [Q1, Q2]
    states = dict(Response.objects.filter(assessment=assessment).values_list("question", "review_state"))
    assert states == {Q1: "reviewed", Q2: "reviewed", Q3: "draft"}


def test_bulk_classify_saves_each_answer_as_an_edit_or_none(assessment, team, answers):
    stale = versions(answers, Q1, Q2) | {Q3: answers[Q3].version - 1}
    with pytest.raises(BulkConflict):
        response_services.bulk_classify(team["lead"], assessment, stale, "confidential")
    assert not Response.objects.filter(classification="confidential").exists()
    response_services.bulk_classify(team["lead"], assessment, versions(answers, Q1, Q2), "confidential")
    stored = dict(Response.objects.values_list("question", "classification"))
    assert stored == {Q1: "confidential", Q2: "confidential", Q3: "restricted"}
    assert Response.objects.get(question=Q1).version == answers[Q1].version + 1


def test_bulk_classify_above_the_users_clearance_is_refused(assessment, team, answers):
    from soma.kernel.errors import ServiceError

    with pytest.raises(ServiceError):
        response_services.bulk_classify(team["assessor"], assessment, versions(answers, Q1), "confidential")
    assert Response.objects.get(question=Q1).classification == "restricted"


def bulk(client, assessment, selected, **data):
    body = {"subsection": "guide:V.C", "selected": [f"{v} {k}" for k, v in selected.items()], **data}
    return client.post(reverse("responses:bulk", args=[assessment.pk]), body)


def test_page_bulk_cite_then_back_to_the_filtered_page(client, assessment, team, answers, gazette):
    client.force_login(team["assessor"])
    html = client.get(reverse("responses:subsection", args=[assessment.pk, "guide:V.C"])).content.decode()
    assert 'form="bulk-form" name="selected"' in html and f'value="{answers[Q1].version} {Q1}"' in html
    reply = bulk(client, assessment, versions(answers, Q1, Q2), action="cite",
                 **{"bulk-source": "Demoland Official Gazette", "bulk-pinpoint": "art. 7", "bulk-stance": "supports",
                    "back": "show=uncited"})
    assert reply.status_code == 302 and reply["Location"].endswith("?show=uncited")
    assert Citation.objects.filter(source=gazette, pinpoint="art. 7").count() == 2
    html = client.get(reply["Location"]).content.decode()
    assert "Citation added to 2 answers." in html
    assert 'id="q-guide-V-C-q03"' in html and 'id="q-guide-V-C-q02"' not in html  # q02 cited, q03 not
    assert 'id="q-guide-V-C-q04"' in html  # never answered, so uncited


def test_page_bulk_refusal_keeps_what_was_typed_and_changes_nothing(client, assessment, team, answers):
    client.force_login(team["assessor"])
    reply = bulk(client, assessment, versions(answers, Q1), action="cite",
                 **{"bulk-source": "Unknown Demoland Register", "bulk-pinpoint": "p. 99", "bulk-stance": "supports"})
    assert reply.status_code == 400
    html = reply.content.decode()
    assert 'value="p. 99"' in html and 'value="Unknown Demoland Register"' in html
    assert f'value="{answers[Q1].version} {Q1}" id="q-guide-V-C-q01-select" checked' in html
    assert not Citation.objects.exists()


def test_page_bulk_conflict_is_409_with_the_question_named(client, assessment, team, answers):
    client.force_login(team["reviewer"])
    reply = bulk(client, assessment, {Q1: answers[Q1].version + 5}, action="reviewed")
    assert reply.status_code == 409 and Q1 in reply.content.decode()
    assert Response.objects.get(question=Q1).review_state == "draft"


def test_filters_count_and_narrow_without_javascript(client, assessment, team, answers, gazette):
    evidence_services.cite(team["lead"], assessment, response=answers[Q1], source=gazette, pinpoint="p. 1")
    response_services.set_review_state(team["reviewer"], assessment, answers[Q2], "reviewed")
    client.force_login(team["assessor"])
    url = reverse("responses:subsection", args=[assessment.pk, "guide:V.C"])
    html = client.get(url).content.decode()
    total = html.count('class="question question-')
    assert f'data-filter="all">All <span class="count">({total})</span>' in html
    assert f'data-filter="uncited">No evidence cited <span class="count">({total - 1})</span>' in html
    assert f'data-filter="unanswered">Unanswered <span class="count">({total - 3})</span>' in html
    assert 'data-filter="unreviewed">Not reviewed <span class="count">(2)</span>' in html
    html = client.get(url, {"show": "unreviewed"}).content.decode()
    assert 'id="q-guide-V-C-q01"' in html and 'id="q-guide-V-C-q03"' in html
    assert 'id="q-guide-V-C-q02"' not in html  # reviewed (a secondary of q01, which stays for context)
    html = client.get(url, {"show": "nonsense", "de_jure": "bogus"}).content.decode()
    assert html.count('class="question question-') == total  # what does not parse narrows nothing
    html = client.get(url, {"de_jure": "in_place"}).content.decode()
    assert "No question matches this filter." in html
    response_services.save_response(team["lead"], assessment, Q3, expected_version=answers[Q3].version,
                                    narrative="In force since 2004.", de_jure="in_place")
    html = client.get(url, {"show": "uncited", "de_jure": "in_place"}).content.decode()
    assert 'id="q-guide-V-C-q03"' in html and 'id="q-guide-V-C-q04"' not in html

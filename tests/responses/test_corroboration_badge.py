"""Issue 11: an empty answer (none yet, or one with no text, both statuses unknown and no citation) shows no
corroboration badge; an answer that says something, or cites something, shows it."""

import pytest
from django.urls import reverse

from soma.evidence import services as evidence_services
from soma.findings.models import Response
from soma.responses import services as response_services
from soma.responses.selectors import anchor
from tests.fixtures import add_team, make_assessment

Q1, Q3 = "guide:V.C:q01", "guide:V.C:q03"


@pytest.fixture
def assessment(catalog, team):
    return add_team(make_assessment(team["lead"], scope=["V.C"], classification="restricted"), team,
                    {"assessor": "restricted", "reviewer": "confidential", "observer": "restricted"})


def card(html: str, question: str) -> str:
    """The answer card of one question in a page or fragment (up to the next card)."""
    start = html.index(f' id="a-{anchor(question)}"')
    end = html.find(' id="a-q-', start + 1)
    return html[start:] if end < 0 else html[start:end]


def page(client, assessment) -> str:
    response = client.get(reverse("responses:subsection", args=[assessment.pk, "guide:V.C"]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ["assessor", "observer"])  # the editable card and the read-only one
def test_no_badge_on_an_unanswered_question_a_badge_on_an_answered_one(client, assessment, team, role):
    response_services.save_response(team["lead"], assessment, Q1, expected_version=0, narrative="Police record it.")
    client.force_login(team[role])
    html = page(client, assessment)
    assert 'data-corroboration="unsubstantiated"' in card(html, Q1)
    assert "data-corroboration" not in card(html, Q3)
    assert html.count("data-corroboration=") == 1  # only the one answer of the subsection


def test_an_answer_emptied_again_loses_its_badge_and_one_with_a_status_or_a_citation_keeps_it(
        client, assessment, team):
    lead = team["lead"]
    response_services.save_response(lead, assessment, Q1, expected_version=0, narrative="Police record it.")
    client.force_login(team["assessor"])
    url = reverse("responses:save", args=[assessment.pk, Q1])
    blank = {"narrative": "  ", "de_jure": "unknown", "de_facto": "unknown", "classification": "restricted"}
    emptied = client.post(url, {**blank, "expected_version": 1}, headers={"HX-Request": "true"})
    assert emptied.status_code == 200 and "data-corroboration" not in emptied.content.decode()
    assert "data-corroboration" not in card(page(client, assessment), Q1)

    status_only = client.post(url, {**blank, "expected_version": 2, "de_jure": "in_place"},
                              headers={"HX-Request": "true"})
    assert 'data-corroboration="unsubstantiated"' in status_only.content.decode()  # a claim without evidence

    response_services.save_response(lead, assessment, Q1, expected_version=3, narrative="", de_jure="unknown")
    law = evidence_services.save_source(lead, assessment, title="Demoland Police Act", kind="legislation")
    evidence_services.cite(lead, assessment, response=Response.objects.get(question=Q1), source=law, pinpoint="s. 4")
    assert 'data-corroboration="single"' in card(page(client, assessment), Q1)  # no text yet, but evidence

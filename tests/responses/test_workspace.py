"""The questions workspace: answers saved (with conflicts), nested questions, citations, roles, clearance."""

import re

import pytest
from django.urls import reverse

from soma.assessments import services
from soma.evidence import services as evidence_services
from soma.findings.models import Response
from soma.responses import services as response_services
from tests.fixtures import add_team, make_assessment

Q1 = "guide:V.C:q01"  # primary
Q2 = "guide:V.C:q02"  # secondary of q01


@pytest.fixture
def assessment(catalog, team):
    """The usual team, the observer cleared for restricted like the assessment itself."""
    return add_team(make_assessment(team["lead"], scope=["V.B", "V.C", "V.D"], classification="restricted"), team,
                    {"assessor": "restricted", "reviewer": "confidential", "observer": "restricted"})


def page(client, assessment, key="guide:V.C"):
    return client.get(reverse("responses:subsection", args=[assessment.pk, key]))


def save(client, assessment, question=Q1, htmx=True, **fields):
    data = {"expected_version": 0, "narrative": "", "de_jure": "unknown", "de_facto": "unknown",
            "classification": "restricted"}
    data.update(fields)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("responses:save", args=[assessment.pk, question]), data, headers=headers)


def test_index_lists_subsections_by_section_with_progress(client, assessment, team):
    response_services.save_response(team["lead"], assessment, Q1, expected_version=0, narrative="Police record it.")
    client.force_login(team["observer"])
    html = client.get(reverse("responses:index", args=[assessment.pk])).content.decode()
    assert "Case management and data storage" in html
    assert reverse("responses:subsection", args=[assessment.pk, "guide:V.C"]) in html
    assert re.search(r"1 / 15", html)


def test_save_creates_then_updates_with_saved_status(client, assessment, team):
    client.force_login(team["assessor"])
    first = save(client, assessment, narrative="Reports go to the border police.", de_jure="in_place")
    assert first.status_code == 200
    assert "Saved" in first.content.decode()
    response = Response.objects.get(question=Q1)
    assert response.de_jure == "in_place" and response.version == 1
    second = save(client, assessment, expected_version=1, narrative="Reports go to the border police (form B-12).")
    assert second.status_code == 200
    response.refresh_from_db()
    assert response.version == 2 and response.narrative.endswith("(form B-12).")
    assert 'value="2"' in second.content.decode()  # the next save starts from the new version


def test_plain_post_redirects_back_to_the_question(client, assessment, team):
    client.force_login(team["lead"])
    result = save(client, assessment, htmx=False, narrative="A central register exists.")
    assert result.status_code == 302
    assert result["Location"].endswith("#q-guide-V-C-q01")
    assert "A central register exists." in page(client, assessment).content.decode()


def test_stale_version_gives_409_with_both_texts(client, assessment, team):
    response_services.save_response(team["lead"], assessment, Q1, expected_version=0, narrative="Theirs: a register.")
    client.force_login(team["assessor"])
    result = save(client, assessment, expected_version=0, narrative="Mine: paper files only.")
    assert result.status_code == 409
    html = result.content.decode()
    assert "Theirs: a register." in html and "Mine: paper files only." in html
    assert 'name="expected_version" value="1"' in html  # merge and save against their version
    assert Response.objects.get(question=Q1).narrative == "Theirs: a register."
    merged = save(client, assessment, expected_version=1, narrative="A register, but paper files in the regions.")
    assert merged.status_code == 200
    # Without JavaScript the whole page comes back with the conflict on the question.
    plain = save(client, assessment, htmx=False, expected_version=1, narrative="Another stale edit.")
    assert plain.status_code == 409 and "A register, but paper files" in plain.content.decode()
    assert "Another stale edit." in plain.content.decode()


def test_secondary_questions_are_nested_and_requirements_shown(client, assessment, team):
    client.force_login(team["lead"])
    html = page(client, assessment).content.decode()
    primary = html.index('id="q-guide-V-C-q01"')
    secondary = html.index('id="q-guide-V-C-q02"')
    next_primary = html.index('id="q-guide-V-C-q04"')
    assert primary < secondary < next_primary
    nested = html[primary:next_primary]
    assert 'class="question-secondaries"' in nested
    assert "United Nations Convention against Transnational" in html  # requirement
    assert reverse("catalog:item", args=["guide:V.C:r01"]) in html
    assert reverse("catalog:item", args=["guide:V.C:g01"]) in html  # guideline
    assert reverse("responses:subsection", args=[assessment.pk, "guide:V.B"]) in html  # previous
    assert reverse("responses:subsection", args=[assessment.pk, "guide:V.D"]) in html  # next
    assert 'hx-trigger="keyup changed delay:1500ms, change, submit"' in html
    assert "soma/responses.js" in html


def test_citation_add_remove_changes_corroboration(client, assessment, team):
    response_services.save_response(team["lead"], assessment, Q1, expected_version=0, narrative="Recorded by police.")
    law = evidence_services.save_source(team["lead"], assessment, title="Demoland Police Act", kind="legislation")
    stats = evidence_services.save_source(team["lead"], assessment, title="Police statistics 2024",
                                          kind="statistics")
    client.force_login(team["assessor"])
    url = reverse("responses:cite", args=[assessment.pk, Q1])
    hx = {"HX-Request": "true"}
    one = client.post(url, {"source": law.pk, "pinpoint": "s. 4", "stance": "supports"}, headers=hx)
    assert one.status_code == 200 and 'data-corroboration="single"' in one.content.decode()
    two = client.post(url, {"source": stats.pk, "pinpoint": "table 3", "stance": "supports"}, headers=hx)
    assert 'data-corroboration="corroborated"' in two.content.decode()
    citation = Response.objects.get(question=Q1).citations.get(source=stats)
    removed = client.post(reverse("responses:uncite", args=[assessment.pk, citation.pk]), headers=hx)
    assert removed.status_code == 200 and 'data-corroboration="single"' in removed.content.decode()
    empty = client.post(url, {"pinpoint": "p. 1"}, headers=hx)
    assert empty.status_code == 400 and "Choose a source or an activity" in empty.content.decode()


def test_review_buttons_by_role(client, assessment, team):
    response_services.save_response(team["assessor"], assessment, Q1, expected_version=0, narrative="Answered.")
    url = reverse("responses:review", args=[assessment.pk, Q1])
    client.force_login(team["assessor"])
    assert "Mark ready for review" in page(client, assessment).content.decode()
    assert client.post(url, {"state": "ready"}).status_code == 302
    assert client.post(url, {"state": "reviewed"}).status_code == 403
    client.force_login(team["reviewer"])
    html = page(client, assessment).content.decode()
    assert "Mark reviewed" in html and "Return for changes" in html and "answer-form" not in html
    client.post(url, {"state": "reviewed"})
    assert Response.objects.get(question=Q1).review_state == "reviewed"


def test_observer_reads_without_forms_and_cannot_post(client, assessment, team):
    response_services.save_response(team["lead"], assessment, Q1, expected_version=0, narrative="Seen by all.")
    client.force_login(team["observer"])
    html = page(client, assessment).content.decode()
    workspace = html.split('class="workspace"')[1]
    assert "Seen by all." in html and 'method="post"' not in workspace  # only the filter's GET form
    assert 'form method="get"' in workspace and "bulk-form" not in workspace
    assert save(client, assessment, htmx=False, narrative="x").status_code == 403
    assert save(client, assessment, narrative="x").status_code == 403
    url = reverse("responses:cite", args=[assessment.pk, Q1])
    assert client.post(url, {"pinpoint": "x"}).status_code == 403
    assert Response.objects.get(question=Q1).narrative == "Seen by all."


def test_non_member_gets_404(client, assessment, team):
    client.force_login(team["outsider"])
    assert client.get(reverse("responses:index", args=[assessment.pk])).status_code == 404
    assert page(client, assessment).status_code == 404
    assert save(client, assessment, narrative="x").status_code == 404


def test_out_of_scope_subsection_is_404(client, assessment, team):
    client.force_login(team["lead"])
    assert page(client, assessment, "guide:IX.A").status_code == 404
    assert save(client, assessment, question="guide:IX.A:q01", narrative="x").status_code == 404


def test_national_question_appears_marked(client, assessment, team):
    services.add_national_question(team["lead"], assessment, "guide:V.C", "Is the Demoland e-case system used "
                                   "by the coast guard?")
    client.force_login(team["assessor"])
    html = page(client, assessment).content.decode()
    assert "Demoland e-case system" in html and "National question" in html
    assert save(client, assessment, question="guide:V.C:n01", narrative="Not yet.").status_code == 200


def test_answer_above_clearance_is_not_revealed_nor_overwritten(client, assessment, team):
    response_services.save_response(team["lead"], assessment, Q2, expected_version=0,
                                    narrative="Informant says records are sold.", classification="confidential")
    client.force_login(team["assessor"])
    html = page(client, assessment).content.decode()
    assert "records are sold" not in html
    assert "exists at a classification above your clearance" in html
    result = save(client, assessment, question=Q2, expected_version=1, narrative="Overwrite attempt.")
    assert result.status_code == 403 and "records are sold" not in result.content.decode()
    assert Response.objects.get(question=Q2).narrative == "Informant says records are sold."


def test_carried_over_answer_can_be_confirmed(client, assessment, team):
    Response.objects.create(assessment=assessment, question=Q1, narrative="From 2019.", carried_over=True,
                            confirmed=False, classification="restricted")
    client.force_login(team["assessor"])
    html = page(client, assessment).content.decode()
    assert "carried over — confirm or update" in html
    result = client.post(reverse("responses:confirm", args=[assessment.pk, Q1]), headers={"HX-Request": "true"})
    assert result.status_code == 200 and "carried over — confirm" not in result.content.decode()
    assert Response.objects.get(question=Q1).confirmed

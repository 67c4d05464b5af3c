"""The findings pages: overview, findings, conclusions and recommendations, for each role."""

import re

import pytest
from django.urls import reverse

from soma.evidence import services as evidence_services
from soma.findings import services as finding_services
from soma.findings.models import Conclusion, Finding, Recommendation
from soma.followup import services as followup_services
from soma.responses import services as response_services

# lead, team and assessment: the usual ones of tests/conftest.py.


def client_for(client, user):
    client.force_login(user)
    return client


def url(name, assessment, *args):
    return reverse(f"findings:{name}", args=[assessment.pk, *args])


# --- Overview -------------------------------------------------------------------------------------------------------


def test_overview_counts_and_says_it_is_not_a_score(client, assessment, team):
    first = response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                            narrative="Ratified in 2004.", de_jure="in_place", de_facto="partly",
                                            classification="public")
    response_services.save_response(team["lead"], assessment, "guide:I.A:q02", expected_version=0,
                                    narrative="No reservations.", de_jure="in_place", de_facto="not_in_place",
                                    classification="public")
    finding_services.set_review_state(team["reviewer"], assessment, first, "reviewed")
    law = evidence_services.save_source(team["lead"], assessment, title="Demoland Penal Code", kind="legislation",
                                        reliability="A", credibility="1", classification="public")
    evidence_services.cite(team["lead"], assessment, response=first, source=law, pinpoint="art. 12")

    page = client_for(client, team["observer"]).get(url("overview", assessment))
    assert page.status_code == 200
    html = page.content.decode()
    assert "picture of needs, not a score" in html
    section = re.search(r'<tr data-section="I">(.*?)</tr>', html, re.S).group(1)
    assert 'data-answered="2"' in section and 'data-reviewed="1"' in section and 'data-cited="1"' in section
    assert re.search(r"2 of \d+ \(\d+%\)", section)
    total = re.search(r'<tr data-section="total">(.*?)</tr>', html, re.S).group(1)
    assert 'data-answered="2"' in total


def test_gap_map_statuses_in_words(client, assessment, team):
    response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                    narrative="Yes.", de_jure="in_place", de_facto="partly")
    response_services.save_response(team["lead"], assessment, "guide:I.A:q02", expected_version=0,
                                    narrative="Yes.", de_jure="in_place", de_facto="not_in_place")
    html = client_for(client, team["lead"]).get(url("overview", assessment)).content.decode()
    row = re.search(r'<tr data-subsection="guide:I.A">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'data-status="([a-z_]+)"><span class="gap-mark" aria-hidden="true"></span>([^<]+)</td>', row)
    assert cells == [("in_place", "In place"), ("partly", "Partly in place")]
    unanswered = re.search(r'<tr data-subsection="guide:V.C">(.*?)</tr>', html, re.S).group(1)
    assert unanswered.count("Unknown") == 2


def test_mandatory_provisions_listed_before_optional(client, assessment, team):
    html = client_for(client, team["lead"]).get(url("overview", assessment)).content.decode()
    obligations = re.findall(r'<tr data-provision="[^"]+" data-obligation="([a-z]*)">', html)
    assert "mandatory" in obligations
    rank = {"mandatory": 0, "optional": 1, "": 2}
    assert obligations == sorted(obligations, key=rank.get)


# --- Findings -------------------------------------------------------------------------------------------------------


def test_create_and_edit_a_finding_with_stale_version(client, assessment, team):
    response = response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                               narrative="Ratified in 2004.")
    c = client_for(client, team["assessor"])
    form = c.get(url("finding_create", assessment))
    assert form.status_code == 200 and "protocol:art6.1" in form.content.decode()
    posted = c.post(url("finding_create", assessment), {
        "kind": "gap", "title": "No offence of facilitating illegal stay", "text": "Art. 6(1)(b) is not covered.",
        "subsection": "guide:I.A", "responses": [str(response.pk)], "provisions": ["protocol:art6.1"],
        "classification": "restricted",
    })
    assert posted.status_code == 302
    finding = Finding.objects.get()
    assert finding.provisions == ["protocol:art6.1"] and list(finding.responses.all()) == [response]
    listing = c.get(url("findings", assessment)).content.decode()
    assert "No offence of facilitating illegal stay" in listing and "Gap" in listing

    edit = url("finding_edit", assessment, finding.pk)
    assert c.get(edit).status_code == 200
    data = {"kind": "gap", "title": "Facilitating illegal stay not criminalized", "subsection": "guide:I.A",
            "classification": "restricted", "expected_version": finding.version}
    assert c.post(edit, data).status_code == 302
    stale = c.post(edit, data | {"title": "My late edit"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else changed this" in html and "My late edit" in html
    assert Finding.objects.get().title == "Facilitating illegal stay not criminalized"


def test_finding_rejects_answer_of_another_subsection_and_classification_above_clearance(client, assessment, team):
    response = response_services.save_response(team["lead"], assessment, "guide:I.A:q01", expected_version=0,
                                               narrative="Yes.")
    c = client_for(client, team["assessor"])
    posted = c.post(url("finding_create", assessment), {
        "kind": "observation", "title": "x", "subsection": "guide:V.C", "responses": [str(response.pk)],
        "classification": "confidential",
    })
    assert posted.status_code == 400 and not Finding.objects.exists()


def test_cite_evidence_on_a_finding(client, assessment, team):
    finding = finding_services.save_finding(team["lead"], assessment, kind="observation", title="Seen",
                                            subsection="guide:I.A")
    law = evidence_services.save_source(team["lead"], assessment, title="Demoland Penal Code", kind="legislation",
                                        reliability="A", credibility="1", classification="public")
    c = client_for(client, team["lead"])
    posted = c.post(url("finding_cite", assessment, finding.pk),
                    {"evidence": f"source:{law.pk}", "pinpoint": "art. 12", "stance": "supports"})
    assert posted.status_code == 302
    assert "Demoland Penal Code, art. 12" in c.get(url("finding_edit", assessment, finding.pk)).content.decode()


# --- Conclusions ----------------------------------------------------------------------------------------------------


def test_conclusion_tentative_badge(client, assessment, team):
    finding = finding_services.save_finding(team["lead"], assessment, kind="conflicting", title="Figures disagree",
                                            subsection="guide:I.A")
    c = client_for(client, team["assessor"])
    posted = c.post(url("conclusion_create", assessment), {
        "text": "Prosecutions may be under-recorded.", "basis": "Police and court figures differ.",
        "tentative": "on", "findings": [str(finding.pk)], "classification": "public",
    })
    assert posted.status_code == 302
    conclusion = Conclusion.objects.get()
    assert conclusion.tentative and list(conclusion.findings.all()) == [finding]
    html = c.get(url("conclusions", assessment)).content.decode()
    assert 'badge-tentative">Tentative<' in html and "Figures disagree" in html


# --- Recommendations ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("area", ["guide:I.A", "guide:section:I"])
def test_new_recommendation_offers_suggestions(client, assessment, team, area):
    c = client_for(client, team["lead"])
    html = c.get(url("recommendation_create", assessment) + f"?area={area}").content.decode()
    offered = re.findall(r'<input type="checkbox" name="toolkit" value="(toolkit:[^"]+)" id="[^"]+" '
                         r'data-offer-for="id_toolkit">', html)
    assert offered and " checked" not in html.split('id="suggestions"', 1)[1].split("</fieldset>", 1)[0]
    checked = offered[:2]
    partial = c.get(url("recommendation_suggestions", assessment), {"area": area, "new": "1"},
                    HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and 'id="suggestions"' in partial.content.decode()
    assert "<html" not in partial.content.decode()
    posted = c.post(url("recommendation_create", assessment), {
        "text": "Train prosecutors on the Protocol.", "area": area, "priority": "short", "rank": 1,
        "sequence": 1, "status": "proposed", "classification": "public", "toolkit": checked,
        "estimated_cost": "25000", "currency": "usd",
    })
    assert posted.status_code == 302
    rec = Recommendation.objects.get()
    assert rec.toolkit == checked and rec.currency == "USD"


def test_recommendations_ordered_by_priority_then_rank(client, assessment, team):
    for text, priority, rank in [("Long one", "long", 1), ("Second immediate", "immediate", 2),
                                 ("First immediate", "immediate", 1), ("Medium one", "medium", 1)]:
        finding_services.save_recommendation(team["lead"], assessment, text=text, area="guide:I.A",
                                             priority=priority, rank=rank, classification="public")
    html = client_for(client, team["observer"]).get(url("recommendations", assessment)).content.decode()
    order = [html.index(t) for t in ["First immediate", "Second immediate", "Medium one", "Long one"]]
    assert order == sorted(order)
    assert html.index("Immediate") < html.index("Medium-term") < html.index("Long-term")


def test_review_by_reviewer_and_not_by_assessor(client, assessment, team):
    rec = finding_services.save_recommendation(team["lead"], assessment, text="Train prosecutors",
                                               area="guide:I.A", priority="short")
    review = url("recommendation_review", assessment, rec.pk)
    denied = client_for(client, team["assessor"]).post(review, {"state": "reviewed"})
    assert denied.status_code == 403 and "lead and reviewers" in denied.content.decode()
    reviewer = client_for(client, team["reviewer"])
    assert reviewer.post(review, {"state": "reviewed"}).status_code == 302
    rec.refresh_from_db()
    assert rec.review_state == "reviewed"
    assert "Reviewed" in reviewer.get(url("recommendations", assessment)).content.decode()


def test_carried_over_recommendation_is_confirmed(client, assessment, team):
    finding_services.save_recommendation(team["lead"], assessment, text="Train prosecutors", area="guide:V.C",
                                         priority="short")
    new = followup_services.start_follow_up(team["lead"], assessment, title="Demoland follow-up")
    rec = new.recommendations.get()
    c = client_for(client, team["lead"])
    assert "Carried over: to confirm" in c.get(url("recommendations", new)).content.decode()
    assert c.post(url("recommendation_confirm", new, rec.pk)).status_code == 302
    rec.refresh_from_db()
    assert rec.confirmed


def test_stale_recommendation_edit_keeps_input(client, assessment, team):
    rec = finding_services.save_recommendation(team["lead"], assessment, text="Train prosecutors",
                                               area="guide:I.A", priority="short")
    old = rec.version
    finding_services.save_recommendation(team["assessor"], assessment, rec, expected_version=old,
                                         text="Train judges")
    page = client_for(client, team["lead"]).post(url("recommendation_edit", assessment, rec.pk), {
        "text": "Train prosecutors and judges", "area": "guide:I.A", "priority": "short", "rank": 1,
        "sequence": 1, "status": "proposed", "classification": "public", "expected_version": old,
    })
    assert page.status_code == 409
    html = page.content.decode()
    assert "Train prosecutors and judges" in html and "Train judges" in html


# --- Roles and clearance --------------------------------------------------------------------------------------------


def test_observer_reads_but_cannot_write(client, assessment, team):
    c = client_for(client, team["observer"])
    for name in ("overview", "findings", "conclusions", "recommendations"):
        page = c.get(url(name, assessment))
        assert page.status_code == 200
        assert "Add a" not in page.content.decode()
    assert c.get(url("finding_create", assessment)).status_code == 403
    posted = c.post(url("finding_create", assessment), {"kind": "gap", "title": "x", "subsection": "guide:I.A",
                                                        "classification": "public"})
    assert posted.status_code == 403 and not Finding.objects.exists()
    assert c.post(url("recommendation_create", assessment), {"text": "x"}).status_code == 403
    assert c.post(url("conclusion_create", assessment), {"text": "x"}).status_code == 403


def test_non_member_gets_404(client, assessment, team):
    c = client_for(client, team["outsider"])
    for name in ("overview", "findings", "conclusions", "recommendations", "recommendation_create"):
        assert c.get(url(name, assessment)).status_code == 404


def test_confidential_recommendation_hidden_from_restricted_assessor(client, assessment, team):
    rec = finding_services.save_recommendation(team["lead"], assessment, text="Vet the border unit in secret",
                                               area="guide:I.A", priority="immediate",
                                               classification="confidential")
    assessor = client_for(client, team["assessor"])
    assert "Vet the border unit" not in assessor.get(url("recommendations", assessment)).content.decode()
    assert assessor.get(url("recommendation_edit", assessment, rec.pk)).status_code == 404
    reviewer = client_for(client, team["reviewer"])
    assert "Vet the border unit" in reviewer.get(url("recommendations", assessment)).content.decode()


def test_recommendation_area_outside_scope_is_refused(client, assessment, team):
    page = client_for(client, team["lead"]).post(url("recommendation_create", assessment), {
        "text": "x", "area": "guide:X.A", "priority": "short", "rank": 1, "sequence": 1, "status": "proposed",
        "classification": "public",
    })
    assert page.status_code == 400 and not Recommendation.objects.exists()

"""A save changes only the links its user can see: links to material above the user's clearance survive a save
by an assessor cleared for public, through the pages and through the API."""

import pytest
from django.urls import reverse

from soma.assessments import services
from soma.findings import services as finding_services
from soma.responses import services as response_services
from tests.fixtures import api_client as api_for
from tests.fixtures import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return make_team(("lead", "assessor"))


@pytest.fixture
def world(catalog, team):
    lead = team["lead"]
    a = services.create_assessment(lead, title="Republic of Demoland response", jurisdictions=["XD"],
                                   scope=["V.C"]).assessment
    services.add_member(lead, a, team["assessor"], "assessor", "public")

    def answer(number, level):
        return response_services.save_response(lead, a, f"guide:V.C:q0{number}", expected_version=0,
                                               narrative=f"Answer {number}.", classification=level)

    w = {"a": a, "hidden_response": answer(1, "restricted"), "shown_response": answer(2, "public"),
         "new_response": answer(3, "public")}
    w["hidden_finding"] = finding_services.save_finding(lead, a, kind="gap", title="Hidden gap",
                                                        subsection="guide:V.C", classification="restricted")
    w["shown_finding"] = finding_services.save_finding(lead, a, kind="gap", title="Shown gap",
                                                       subsection="guide:V.C", classification="public")
    w["new_finding"] = finding_services.save_finding(lead, a, kind="observation", title="New observation",
                                                     subsection="guide:V.C", classification="public")
    w["finding"] = finding_services.save_finding(
        lead, a, kind="gap", title="Harbour checks", subsection="guide:V.C", classification="public",
        responses=[w["hidden_response"], w["shown_response"]])
    w["hidden_conclusion"] = finding_services.save_conclusion(lead, a, text="Hidden", classification="restricted")
    w["shown_conclusion"] = finding_services.save_conclusion(lead, a, text="Shown", classification="public")
    w["new_conclusion"] = finding_services.save_conclusion(lead, a, text="New", classification="public")
    w["conclusion"] = finding_services.save_conclusion(
        lead, a, text="Checks are rare", classification="public", findings=[w["hidden_finding"], w["shown_finding"]])
    w["recommendation"] = finding_services.save_recommendation(
        lead, a, text="Train harbour police", area="guide:V.C", priority="short", classification="public",
        conclusions=[w["hidden_conclusion"], w["shown_conclusion"]], toolkit=[], framework=[])
    return w


def ids(manager) -> set[int]:
    return set(manager.values_list("pk", flat=True))


def page(client, user, name, *args):
    client.force_login(user)
    return reverse(f"findings:{name}", args=args)


# --- Pages ----------------------------------------------------------------------------------------------------------


def test_finding_page_keeps_the_hidden_answer_and_applies_the_visible_change(client, team, world):
    finding = world["finding"]
    url = page(client, team["assessor"], "finding_edit", world["a"].pk, finding.pk)
    form = client.get(url).content.decode()
    assert f'<option value="{world["hidden_response"].pk}"' not in form
    assert f'<option value="{world["shown_response"].pk}" selected' in form
    response = client.post(url, {
        "kind": "gap", "title": "Harbour checks", "text": "", "subsection": "guide:V.C",
        "responses": [world["new_response"].pk], "classification": "public", "expected_version": finding.version,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ids(finding.responses) == {world["hidden_response"].pk, world["new_response"].pk}


def test_conclusion_page_keeps_the_hidden_finding(client, team, world):
    conclusion = world["conclusion"]
    url = page(client, team["assessor"], "conclusion_edit", world["a"].pk, conclusion.pk)
    response = client.post(url, {
        "text": "Checks are rare", "basis": "", "findings": [world["new_finding"].pk], "classification": "public",
        "expected_version": conclusion.version,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ids(conclusion.findings) == {world["hidden_finding"].pk, world["new_finding"].pk}


def test_recommendation_page_keeps_the_hidden_conclusion(client, team, world):
    rec = world["recommendation"]
    url = page(client, team["assessor"], "recommendation_edit", world["a"].pk, rec.pk)
    response = client.post(url, {
        "text": "Train harbour police", "area": "guide:V.C", "priority": "short", "rank": 1, "sequence": 1,
        "timeline": "", "estimated_cost": "", "currency": "", "status": "proposed",
        "conclusions": [world["new_conclusion"].pk], "classification": "public", "expected_version": rec.version,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ids(rec.conclusions) == {world["hidden_conclusion"].pk, world["new_conclusion"].pk}


def test_clearing_every_visible_link_still_keeps_the_hidden_ones(client, team, world):
    rec = world["recommendation"]
    url = page(client, team["assessor"], "recommendation_edit", world["a"].pk, rec.pk)
    response = client.post(url, {
        "text": "Train harbour police", "area": "guide:V.C", "priority": "short", "rank": 1, "sequence": 1,
        "status": "proposed", "classification": "public", "expected_version": rec.version,
    })
    assert response.status_code == 302
    assert ids(rec.conclusions) == {world["hidden_conclusion"].pk}


def test_an_answer_linked_before_its_text_was_emptied_is_not_dropped(client, team, world):
    shown = world["shown_response"]
    response_services.save_response(team["lead"], world["a"], shown.question, expected_version=shown.version,
                                    narrative="")
    finding = world["finding"]
    url = page(client, team["assessor"], "finding_edit", world["a"].pk, finding.pk)
    response = client.post(url, {
        "kind": "gap", "title": "Harbour checks renamed", "subsection": "guide:V.C",
        "responses": [shown.pk], "classification": "public", "expected_version": finding.version,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ids(finding.responses) == {world["hidden_response"].pk, shown.pk}


# --- API ------------------------------------------------------------------------------------------------------------


def test_api_finding_keeps_the_hidden_answer_and_does_not_show_it(team, world):
    finding = world["finding"]
    api = api_for(team["assessor"])
    url = f"/api/assessments/{world['a'].pk}/findings/{finding.pk}/"
    shown = api.get(url).json()
    assert shown["responses"] == [world["shown_response"].question]  # the restricted answer is not named
    reply = api.patch(url, {"version": shown["version"], "responses": [world["new_response"].question]},
                      format="json")
    assert reply.status_code == 200, reply.content
    assert reply.json()["responses"] == [world["new_response"].question]
    assert ids(finding.responses) == {world["hidden_response"].pk, world["new_response"].pk}


def test_api_finding_refuses_a_hidden_answer_by_name(team, world):
    finding = world["finding"]
    reply = api_for(team["assessor"]).patch(
        f"/api/assessments/{world['a'].pk}/findings/{finding.pk}/",
        {"version": finding.version, "responses": [world["hidden_response"].question]}, format="json")
    assert reply.status_code == 400 and world["hidden_response"].question in reply.json()["detail"]
    assert ids(finding.responses) == {world["hidden_response"].pk, world["shown_response"].pk}


def test_api_recommendation_keeps_the_hidden_conclusion(team, world):
    rec = world["recommendation"]
    api = api_for(team["assessor"])
    url = f"/api/assessments/{world['a'].pk}/recommendations/{rec.pk}/"
    shown = api.get(url).json()
    assert shown["conclusions"] == [world["shown_conclusion"].pk]
    reply = api.patch(url, {"version": shown["version"], "conclusions": [world["new_conclusion"].pk],
                            "text": "Train harbour police and coast guard"}, format="json")
    assert reply.status_code == 200, reply.content
    assert ids(rec.conclusions) == {world["hidden_conclusion"].pk, world["new_conclusion"].pk}
    rec.refresh_from_db()
    assert rec.text == "Train harbour police and coast guard"


def test_api_patch_without_links_leaves_them_alone_and_a_stale_version_is_a_409(team, world):
    rec = world["recommendation"]
    api = api_for(team["assessor"])
    url = f"/api/assessments/{world['a'].pk}/recommendations/{rec.pk}/"
    assert api.patch(url, {"version": rec.version, "priority": "medium"}, format="json").status_code == 200
    assert ids(rec.conclusions) == {world["hidden_conclusion"].pk, world["shown_conclusion"].pk}
    assert api.patch(url, {"version": rec.version, "priority": "long"}, format="json").status_code == 409
    assert api.patch(url, {"priority": "long"}, format="json").status_code == 400  # no version


def test_api_conclusion_ids_above_the_clearance_are_unknown(team, world):
    reply = api_for(team["assessor"]).post(
        f"/api/assessments/{world['a'].pk}/recommendations/",
        {"text": "Audit the coast guard", "area": "guide:V.C", "priority": "short",
         "conclusions": [world["hidden_conclusion"].pk]}, format="json")
    assert reply.status_code == 400 and str(world["hidden_conclusion"].pk) in reply.json()["detail"]

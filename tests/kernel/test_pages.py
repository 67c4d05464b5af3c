"""The one assessment-page decorator, context and refusal page (soma.kernel.pages), through real pages and a
page of the test's own."""

from __future__ import annotations

import pytest
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from soma.assessments import selectors
from soma.kernel.access import Action, require
from soma.kernel.pages import Refused, assessment_page, page_context
from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_a_member_gets_the_page(client, team, assessment):
    response = signed_in(client, team["observer"]).get(reverse("assessments:detail", args=[assessment.pk]))
    assert response.status_code == 200
    assert response.context["assessment"] == assessment


def test_a_non_member_gets_404_not_the_assessment(client, team, assessment):
    response = signed_in(client, team["outsider"]).get(reverse("assessments:detail", args=[assessment.pk]))
    assert response.status_code == 404
    assert assessment.title not in response.content.decode()


def test_a_role_that_may_not_gets_the_refusal_page_with_403_and_who_may(client, team, assessment):
    response = signed_in(client, team["observer"]).get(reverse("assessments:edit", args=[assessment.pk]))
    assert response.status_code == 403
    assert response.templates[0].name == "kernel/refused.html"
    assert "Only the assessment&#x27;s lead may do this." in response.content.decode()
    assert response.context["assessment"] == assessment  # the frame and tabs of the assessment stay


def test_a_request_that_cannot_be_done_is_refused_with_its_own_status_and_message(client, team, assessment):
    response = signed_in(client, team["lead"]).post(reverse("assessments:status", args=[assessment.pk]), {})
    assert response.status_code == 400
    assert "Choose the stage to move to." in response.content.decode()


def test_the_refusal_page_links_back_where_the_view_says(client, team, assessment):
    from soma.findings.models import Recommendation

    recommendation = Recommendation.objects.create(assessment=assessment, text="Train prosecutors", area="guide:V.C",
                                                   priority="short", classification="public")
    url = reverse("findings:recommendation_review", args=[assessment.pk, recommendation.pk])
    response = signed_in(client, team["reviewer"]).post(url, {"state": "not-a-state"})
    assert response.status_code == 400
    back = reverse("findings:recommendations", args=[assessment.pk]) + f"#recommendation-{recommendation.pk}"
    assert response.context["back"] == back
    assert f'href="{back}"' in response.content.decode()


def test_signed_out_goes_to_sign_in_and_htmx_gets_401(client, assessment):
    url = reverse("assessments:detail", args=[assessment.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    htmx = client.post(reverse("responses:save", args=[assessment.pk, "guide:V.C:q01"]), headers={"HX-Request": "true"})
    assert htmx.status_code == 401


def test_page_context_says_what_the_member_may_do_and_see(rf, team, assessment):
    for role, expected in {
        "lead": (True, True, True, False, True, True),
        "assessor": (True, False, False, False, True, True),
        "reviewer": (False, False, True, True, True, True),
        "observer": (False, False, False, False, False, False),
    }.items():
        request = rf.get("/")
        request.user = team[role]
        found = selectors.get_assessment(team[role], assessment.pk)
        context = page_context(request, found, "plan", extra="kept")
        assert (context["can_edit"], context["can_manage"], context["can_review"], context["is_reviewer"],
                context["may_see_restricted"], context["may_see_names"]) == expected, role
        assert context["membership"].user == team[role]
        assert context["extra"] == "kept"


def _request(user, method="get"):
    request = getattr(RequestFactory(), method)("/")
    request.user = user
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    MessageMiddleware(lambda r: HttpResponse()).process_request(request)
    request.htmx = False
    return request


def test_the_decorator_passes_the_assessment_and_turns_refusals_into_the_page(team, assessment):
    fetched = []

    def fetch(user, pk):
        fetched.append(pk)
        return selectors.get_assessment(user, pk)

    @assessment_page(tab="findings", fetch=fetch)
    def page(request, found, outcome):
        if outcome == "conflict":
            raise Refused("Someone saved first.", 409, back="/somewhere/")
        if outcome == "manage":
            require(request.user, Action.MANAGE, found)
        return HttpResponse(f"{found.pk}")

    ok = page(_request(team["assessor"]), assessment.pk, "ok")
    assert (ok.status_code, ok.content.decode()) == (200, str(assessment.pk))
    conflict = page(_request(team["assessor"]), assessment.pk, "conflict")
    assert conflict.status_code == 409
    assert "Someone saved first." in conflict.content.decode()
    assert 'href="/somewhere/"' in conflict.content.decode()
    denied = page(_request(team["assessor"]), assessment.pk, outcome="manage")
    assert denied.status_code == 403
    assert 'aria-current="page">Findings' in denied.content.decode()  # the tab the decorator was given
    assert fetched == [assessment.pk] * 3  # once per request
    with pytest.raises(Http404):
        page(_request(team["outsider"]), assessment.pk, "ok")


def test_a_write_page_answers_another_method_405_before_looking_up_the_assessment(team, assessment):
    fetched = []

    @assessment_page(methods=["POST"], fetch=lambda user, pk: fetched.append(pk) or selectors.get_assessment(user, pk))
    def write(request, found):
        return HttpResponse("written")

    assert write(_request(team["outsider"]), assessment.pk).status_code == 405
    assert write(_request(team["lead"]), assessment.pk).status_code == 405
    assert fetched == []
    assert write(_request(team["lead"], "post"), assessment.pk).content == b"written"
    with pytest.raises(Http404):
        write(_request(team["outsider"], "post"), assessment.pk)

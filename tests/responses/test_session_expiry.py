"""An expired session during autosave: htmx requests and API calls get 401, never the sign-in page (which htmx
would swap into the question card); plain page requests still go to the sign-in page."""

import pytest
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.urls import include, path, reverse

from soma.assessments import services
from soma.findings.models import Response

Q1 = "guide:V.C:q01"

# SOMA's own URLs plus a plain (non-REST-framework) view under /api/, for the last test.
urlpatterns = [
    path("api/plain/", login_required(lambda request: HttpResponse("signed in"))),
    path("", include("soma.urls")),
]


@pytest.fixture
def assessment(catalog, member):
    return services.create_assessment(
        member, title="Demoland criminal justice response", jurisdictions=["XD"], scope=["V.C"]
    ).assessment


def save(client, assessment, htmx=True):
    data = {"expected_version": 0, "narrative": "Typed on a field laptop.", "de_jure": "in_place",
            "de_facto": "unknown", "classification": "public"}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("responses:save", args=[assessment.pk, Q1]), data, headers=headers)


def test_autosave_after_the_session_ended_gets_401_and_saves_nothing(client, assessment, member):
    client.force_login(member)
    Session.objects.all().delete()  # the session ends on the server (expired, or signed out elsewhere)
    response = save(client, assessment)
    assert response.status_code == 401
    assert "Location" not in response
    assert "session has ended" in response.content.decode()
    assert response["Content-Type"].startswith("text/plain")  # a message, not a page to swap into the card
    assert not Response.objects.filter(assessment=assessment).exists()


def test_htmx_page_request_when_signed_out_gets_401(client, assessment):
    url = reverse("responses:subsection", args=[assessment.pk, "guide:V.C"])
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 401


def test_plain_requests_when_signed_out_still_go_to_the_sign_in_page(client, assessment):
    response = save(client, assessment, htmx=False)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Response.objects.filter(assessment=assessment).exists()


@pytest.mark.urls(__name__)
def test_any_api_call_when_signed_out_gets_401_json(client, db):
    for url in ("/api/plain/", reverse("api-assessments")):  # a plain Django view, and the REST framework's
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["detail"]


def test_the_kept_changes_messages_are_on_the_page_in_the_users_language(client, assessment, member):
    client.force_login(member)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    html = client.get(reverse("responses:subsection", args=[assessment.pk, "guide:V.C"])).content.decode()
    assert "Votre session a pris fin." in html
    assert "Des modifications faites dans ce navigateur à <time data-kept-at></time>" in html
    assert f'data-draft-key="soma.draft.{member.pk}.{assessment.pk}."' in html

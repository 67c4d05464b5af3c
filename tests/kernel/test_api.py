"""The API base (soma.kernel.api): the services' refusals as HTTP answers, the same on every endpoint."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from rest_framework import serializers

from soma.kernel.access import PermissionDenied
from soma.kernel.api import check_fields, check_update
from soma.kernel.errors import EditConflict, ServiceError
from soma.kernel.problems import exception_handler
from tests.fixtures import api_client

pytestmark = pytest.mark.django_db

QUESTION = "guide:V.C:q01"


def plan(assessment):
    return f"/api/assessments/{assessment.pk}/"


def test_a_non_member_gets_404(team, assessment):
    response = api_client(team["outsider"]).get(plan(assessment))
    assert response.status_code == 404


def test_a_role_that_may_not_gets_403_saying_who_may(team, assessment):
    response = api_client(team["observer"]).patch(plan(assessment), {"version": assessment.version, "title": "X"},
                                                  format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the assessment's lead may do this. Ask the lead if you need another role."
    assert response.json()["status"] == 403 and response["Content-Type"] == "application/problem+json"


def test_a_service_error_is_400_with_its_message(team, assessment):
    response = api_client(team["lead"]).post(f"/api/assessments/{assessment.pk}/members/",
                                             {"username": "nobody.demo", "role": "assessor"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"type": "about:blank", "title": "Bad Request", "status": 400,
                               "instance": f"/api/assessments/{assessment.pk}/members/",
                               "detail": "No active user named 'nobody.demo'. Check the spelling."}


def test_a_stale_plan_is_409_with_the_reason_only(team, assessment):
    client = api_client(team["lead"])
    loaded = assessment.version
    assert client.patch(plan(assessment), {"version": loaded, "title": "First"}, format="json").status_code == 200
    response = client.patch(plan(assessment), {"version": loaded, "title": "Second"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "Someone else changed the plan since you opened it. Reload to see their changes."
    assert body["current_version"] == loaded + 1 and "theirs" not in body


def test_a_stale_answer_is_409_with_both_versions(team, assessment):
    url = f"/api/assessments/{assessment.pk}/responses/{QUESTION}/"
    first = api_client(team["lead"]).put(url, {"version": 0, "narrative": "Theirs", "classification": "public"},
                                         format="json")
    assert first.status_code == 200
    response = api_client(team["assessor"]).put(url, {"version": 0, "narrative": "Mine"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["theirs"]["narrative"] == "Theirs" and body["theirs"]["version"] == 1
    assert body["mine"] == {"narrative": "Mine"} and body["current_version"] == 1
    assert body["detail"].startswith("Someone else saved this answer while you were editing.")


def test_a_finding_patch_names_the_missing_version(team, assessment):
    client = api_client(team["lead"])
    created = client.post(f"/api/assessments/{assessment.pk}/findings/", {"kind": "gap", "title": "No protocol law"},
                          format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/assessments/{assessment.pk}/findings/{created.json()['id']}/"
    response = client.patch(url, {"title": "Renamed"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"version": ["Send the version you loaded."]}
    assert response.json()["type"] == "urn:soma:problem:validation"
    saved = client.patch(url, {"title": "Renamed", "version": 1}, format="json")
    assert (saved.status_code, saved.json()["title"], saved.json()["version"]) == (200, "Renamed", 2)
    stale = client.patch(url, {"title": "Again", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json() == {"type": "urn:soma:problem:edit-conflict", "status": 409,
                            "title": "Someone else saved this since you loaded it.",
                            "instance": url, "current_version": 2,
                            "detail": "Someone else changed this since you opened it. Reload to see their version."}


@pytest.mark.parametrize(("error", "status", "detail"), [
    (ServiceError("Give the source a title."), 400, "Give the source a title."),
    (ValidationError(["Too long.", "Not a date."]), 400, "Too long. Not a date."),
    (PermissionDenied("Only members may do this."), 403, "Only members may do this."),
    (EditConflict("Reload."), 409, "Reload."),
])
def test_each_refusal_has_one_answer(error, status, detail):
    answer = exception_handler(error, {"request": RequestFactory().get("/api/x/")})
    body = json.loads(answer.content)
    assert (answer.status_code, body["status"], body["detail"]) == (status, status, detail)
    assert answer["Content-Type"] == "application/problem+json"


def test_an_exception_that_is_not_a_refusal_is_left_to_django():
    assert exception_handler(KeyError("x"), {}) is None


class Sample(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField()


def test_check_fields_validates_all_and_check_update_only_what_was_sent():
    assert check_fields(Sample, {"version": 1, "title": "T"}) == {"version": 1, "title": "T"}
    with pytest.raises(serializers.ValidationError):
        check_fields(Sample, {"version": 1})
    assert check_update(Sample, {"version": 2}) == {"version": 2}

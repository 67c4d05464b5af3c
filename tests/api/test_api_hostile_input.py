"""Hostile input to the API: every answer under /api/ is JSON with a clear message, never a server error.

An id or version that no database column can hold (over 64 bits) is a 400 naming the field; an id in the
address is a 404; a body over Django's size limit is a 413; an unknown address under /api/ is a JSON 404.
Nothing is written by a refused request."""

import json

import pytest
from django.conf import settings

from soma.assessments.models import Assessment
from soma.findings.models import Finding, Recommendation
from tests.api.test_assessments_api import QUESTION
from tests.fixtures import api_client as client_for

pytestmark = pytest.mark.django_db

HUGE = [2**63, 2**64 + 1, 2**70]


@pytest.fixture
def api(team):
    client = client_for(team["lead"])
    client.raise_request_exception = False  # a server error must show as the 500 it would be
    return client


def _counts():
    return Recommendation.objects.count(), Finding.objects.count(), Assessment.objects.count()


def _json(reply) -> dict:
    expected = "application/json" if reply.status_code < 400 else "application/problem+json"
    assert reply["Content-Type"].startswith(expected), (reply.status_code, reply.content[:200])
    return reply.json()


# Every API write, with a valid body; the tests below break one id in it.
def _writes(a, institution_pk):
    from soma.findings import services as finding_services

    base = f"/api/assessments/{a.pk}"
    rec = {"text": "Train prosecutors of Port Azur", "area": "guide:section:I", "priority": "short"}
    lead = a.memberships.get(role="lead").user
    finding = a.findings.first() or finding_services.save_finding(lead, a, kind="gap", title="No case data")
    conclusion = a.conclusions.first() or finding_services.save_conclusion(lead, a, text="Data are missing.")
    recommendation = a.recommendations.first() or finding_services.save_recommendation(lead, a, **rec)
    return {
        "plan": ("patch", base + "/", {"version": a.version, "title": "Demoland plan"}),
        "status": ("post", base + "/status/", {"status": "desk_review"}),
        "members": ("post", base + "/members/", {"username": "outsider.demo", "role": "observer"}),
        "response": ("put", base + f"/responses/{QUESTION}/", {"version": 0, "narrative": "In force since 2019."}),
        "source": ("post", base + "/sources/", {"title": "Demoland gazette", "kind": "legislation"}),
        "finding": ("post", base + "/findings/", {"title": "No data on smuggling cases", "kind": "gap"}),
        "recommendation": ("post", base + "/recommendations/",
                           rec | {"institutions": [institution_pk], "conclusions": [conclusion.pk]}),
        "finding_change": ("patch", base + f"/findings/{finding.pk}/", {"version": finding.version, "text": "Still."}),
        "recommendation_change": ("patch", base + f"/recommendations/{recommendation.pk}/", {
            "version": recommendation.version, "institutions": [institution_pk], "conclusions": [conclusion.pk]}),
    }


WRITES = ["plan", "status", "members", "response", "source", "finding", "recommendation", "finding_change",
          "recommendation_change"]
# The ids in the address besides the assessment's: (write, the id's place in the address).
RECORD_IDS = {"finding_change": "/findings/", "recommendation_change": "/recommendations/"}


@pytest.fixture
def institution(assessment):
    return assessment.institutions.create(name="Demoland Coast Guard", category="border")


@pytest.mark.parametrize("name", ["recommendation", "recommendation_change"])
@pytest.mark.parametrize("field", ["institutions", "conclusions"])
@pytest.mark.parametrize("value", HUGE)
def test_an_id_over_64_bits_in_the_body_is_a_400_naming_it(api, assessment, institution, name, field, value):
    method, url, body = _writes(assessment, institution.pk)[name]
    before = _counts()
    reply = getattr(api, method)(url, body | {field: [*body[field], value]}, format="json")
    assert reply.status_code == 400
    errors = _json(reply)["errors"]  # the refused item named by its place in the list
    assert "at most 9223372036854775807" in errors[f"{field}.{len(body[field])}"][0]
    assert _counts() == before


@pytest.mark.parametrize("value", [0, -1, -(2**70)])
def test_an_institution_id_below_one_is_a_400(api, assessment, institution, value):
    method, url, body = _writes(assessment, institution.pk)["recommendation"]
    reply = getattr(api, method)(url, body | {"institutions": [value]}, format="json")
    assert reply.status_code == 400 and list(_json(reply)["errors"]) == ["institutions.0"]


@pytest.mark.parametrize("name", ["plan", "response", "finding_change", "recommendation_change"])
@pytest.mark.parametrize("value", HUGE)
def test_a_version_over_64_bits_is_a_400_not_a_conflict(api, assessment, institution, name, value):
    method, url, body = _writes(assessment, institution.pk)[name]
    reply = getattr(api, method)(url, body | {"version": value}, format="json")
    assert reply.status_code == 400
    assert "at most 9223372036854775807" in _json(reply)["errors"]["version"][0]


@pytest.mark.parametrize("name", WRITES)
def test_an_assessment_id_over_64_bits_in_the_address_is_a_json_404(api, assessment, institution, name):
    method, url, body = _writes(assessment, institution.pk)[name]
    url = url.replace(f"/assessments/{assessment.pk}/", f"/assessments/{2**70}/")
    before = _counts()
    reply = getattr(api, method)(url, body, format="json")
    assert reply.status_code == 404 and _json(reply)["detail"]
    assert _counts() == before


@pytest.mark.parametrize("name", list(RECORD_IDS))
def test_a_record_id_over_64_bits_in_the_address_is_a_json_404(api, assessment, institution, name):
    method, url, body = _writes(assessment, institution.pk)[name]
    base, _record = url.rsplit(RECORD_IDS[name], 1)
    reply = getattr(api, method)(f"{base}{RECORD_IDS[name]}{2**70}/", body, format="json")
    assert reply.status_code == 404 and _json(reply)["detail"]


@pytest.mark.parametrize("name", WRITES)
def test_a_body_over_the_limit_is_a_json_413_and_changes_nothing(api, assessment, institution, name):
    method, url, body = _writes(assessment, institution.pk)[name]
    padding = "Ж" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2 + 100)  # two bytes each: over the limit
    before = _counts()
    reply = getattr(api, method)(url, json.dumps(body | {"notes": padding}), content_type="application/json")
    assert reply.status_code == 413
    assert "larger than the 2.5 MB" in _json(reply)["detail"]
    assert _counts() == before
    assessment.refresh_from_db()
    assert assessment.title == "Demoland criminal justice response" and assessment.status == "planning"


def test_the_valid_writes_still_work(api, assessment, institution):
    replies = {name: getattr(api, method)(url, body, format="json")
               for name, (method, url, body) in _writes(assessment, institution.pk).items() if name != "members"}
    assert {name: r.status_code for name, r in replies.items()} == {
        "plan": 200, "status": 200, "response": 200, "source": 201, "finding": 201, "recommendation": 201,
        "finding_change": 200, "recommendation_change": 200}


def test_an_unknown_address_under_api_is_a_json_404(api, client):
    reply = api.get("/api/no-such-endpoint/")
    assert reply.status_code == 404 and "/api/schema/" in _json(reply)["detail"]
    assert api.post("/api/assessments/1/no-such/", {}, format="json").status_code == 404
    page = client.get("/no-such-page/")  # outside /api/ the page stays a page
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")

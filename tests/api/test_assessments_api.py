"""The assessment REST API: membership, roles, clearance and concurrent edits, through the services' rules."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from soma.assessments import services
from soma.responses import services as response_services
from tests.fixtures import api_client as client_for

QUESTION = "guide:I.A:q01"


# team and assessment: the usual ones of tests/conftest.py.


def test_list_shows_only_member_assessments(assessment, team, catalog):
    services.create_assessment(team["outsider"], title="Exampleland baseline", jurisdictions=["XE"], scope=["I"])
    data = client_for(team["observer"]).get("/api/assessments/").json()
    assert data["count"] == 1 and [a["title"] for a in data["results"]] == ["Demoland criminal justice response"]
    assert data["results"][0]["role"] == "observer" and data["results"][0]["jurisdictions"] == ["XD"]


def test_create_makes_the_caller_lead(team, catalog):
    api = client_for(team["lead"])
    reply = api.post(
        "/api/assessments/",
        {"title": "Demoland maritime", "jurisdictions": ["XD"], "scope": ["VI.C"],
         "missions": [{"title": "Port Azur visit", "start_date": "2026-03-02", "end_date": "2026-03-05"}]},
        format="json",
    )
    assert reply.status_code == 201, reply.json()
    data = reply.json()
    assert data["role"] == "lead" and data["scope"] == ["guide:VI.C"] and data["missions"][0]["title"]
    assert data["warnings"] and "legal framework" in data["warnings"][0]
    bad = api.post("/api/assessments/", {"title": "X", "jurisdictions": ["XD"], "scope": ["Z.9"]}, format="json")
    assert bad.status_code == 400 and "Z.9" in bad.json()["detail"]


def test_non_member_gets_404_everywhere(assessment, team):
    api = client_for(team["outsider"])
    base = f"/api/assessments/{assessment.pk}"
    for url in ["/", "/members/", "/questions/", f"/responses/{QUESTION}/", "/sources/", "/findings/",
                "/recommendations/"]:
        assert api.get(base + url).status_code == 404, url
    assert api.patch(base + "/", {"version": 1, "title": "x"}, format="json").status_code == 404
    assert api.post(base + "/status/", {"status": "desk_review"}, format="json").status_code == 404
    assert api.post(base + "/members/", {"username": "lead.demo", "role": "observer"}, format="json").status_code == 404
    assert api.put(base + f"/responses/{QUESTION}/", {"version": 0, "narrative": "x"}, format="json").status_code == 404
    assert api.post(base + "/sources/", {"title": "x", "kind": "media"}, format="json").status_code == 404
    assert api.post(base + "/findings/", {"title": "x", "kind": "gap"}, format="json").status_code == 404
    assert api.post(base + "/recommendations/", {"text": "x", "area": "guide:I.A", "priority": "short"},
                    format="json").status_code == 404


def test_observer_is_refused_writes_with_a_message(assessment, team):
    api = client_for(team["observer"])
    base = f"/api/assessments/{assessment.pk}"
    replies = [
        api.patch(base + "/", {"version": assessment.version, "title": "x"}, format="json"),
        api.post(base + "/status/", {"status": "desk_review"}, format="json"),
        api.post(base + "/members/", {"username": "outsider.demo", "role": "observer"}, format="json"),
        api.put(base + f"/responses/{QUESTION}/", {"version": 0, "narrative": "x"}, format="json"),
        api.post(base + "/sources/", {"title": "x", "kind": "media"}, format="json"),
        api.post(base + "/findings/", {"title": "x", "kind": "gap"}, format="json"),
        api.post(base + "/recommendations/", {"text": "x", "area": "guide:I.A", "priority": "short"}, format="json"),
    ]
    for reply in replies:
        assert reply.status_code == 403 and reply.json()["detail"].startswith("Only "), reply.json()


def test_lead_changes_plan_status_and_team(assessment, team):
    api = client_for(team["lead"])
    base = f"/api/assessments/{assessment.pk}"
    plan = api.patch(base + "/", {"version": assessment.version, "purpose": "Baseline for TA"}, format="json")
    assert plan.status_code == 200 and plan.json()["purpose"] == "Baseline for TA"
    stale = api.patch(base + "/", {"version": assessment.version, "purpose": "Other"}, format="json")
    assert stale.status_code == 409 and "Reload" in stale.json()["detail"]
    assert api.post(base + "/status/", {"status": "desk_review"}, format="json").json()["status"] == "desk_review"
    jump = api.post(base + "/status/", {"status": "final"}, format="json")
    assert jump.status_code == 400 and "one stage" in jump.json()["detail"]
    added = api.post(base + "/members/", {"username": "outsider.demo", "role": "assessor"}, format="json")
    assert added.status_code == 201 and added.json()["role"] == "assessor"
    unknown = api.post(base + "/members/", {"username": "nobody.demo", "role": "assessor"}, format="json")
    assert unknown.status_code == 400 and "nobody.demo" in unknown.json()["detail"]
    assert api.get(base + "/members/").json()["count"] == 5


def test_assessor_answers_and_stale_version_conflicts_with_both_texts(assessment, team):
    assessor, lead = client_for(team["assessor"]), client_for(team["lead"])
    url = f"/api/assessments/{assessment.pk}/responses/{QUESTION}/"
    empty = assessor.get(url).json()
    assert empty["version"] == 0 and empty["narrative"] == ""
    first = assessor.put(url, {"version": 0, "narrative": "Demoland ratified UNTOC in 2004.", "de_jure": "in_place"},
                         format="json")
    assert first.status_code == 200 and first.json()["version"] == 1 and first.json()["de_jure"] == "in_place"
    second = lead.put(url, {"version": 1, "narrative": "Ratified 2004 (Gazette 12/2004)."}, format="json")
    assert second.status_code == 200
    conflict = assessor.put(url, {"version": 1, "narrative": "Ratified in 2004, no reservations."}, format="json")
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["theirs"]["narrative"] == "Ratified 2004 (Gazette 12/2004)." and body["theirs"]["version"] == 2
    assert body["mine"]["narrative"] == "Ratified in 2004, no reservations." and body["detail"]
    bad = assessor.put(url, {"version": 2, "de_facto": "sometimes"}, format="json")
    assert bad.status_code == 400
    outside = assessor.put(f"/api/assessments/{assessment.pk}/responses/guide:IX.B:q01/", {"version": 0},
                           format="json")
    assert outside.status_code == 404


def test_clearance_hides_a_confidential_response(assessment, team):
    response_services.save_response(team["lead"], assessment, QUESTION, expected_version=0,
                                    narrative="Intelligence on the Port Azur network.", classification="confidential")
    base = f"/api/assessments/{assessment.pk}"
    assessor, reviewer = client_for(team["assessor"]), client_for(team["reviewer"])
    assert assessor.get(base + f"/responses/{QUESTION}/").json()["narrative"] == ""
    questions = assessor.get(base + "/questions/").json()
    first = questions["results"][0]
    assert first["key"] == QUESTION and first["response"] is None
    assert reviewer.get(base + "/questions/").json()["results"][0]["response"]["narrative"].startswith("Intelligence")
    refused = assessor.put(base + f"/responses/{QUESTION}/", {"version": 0, "narrative": "x"}, format="json")
    assert refused.status_code == 403 and "Port Azur" not in refused.content.decode()


def test_sources_findings_recommendations(assessment, team):
    api = client_for(team["assessor"])
    base = f"/api/assessments/{assessment.pk}"
    made = api.post(base + "/sources/", {"title": "Demoland Penal Code", "kind": "legislation", "reliability": "A",
                                         "credibility": "1", "classification": "public"}, format="json")
    assert made.status_code == 201 and made.json()["grade"] == "A1"
    upload = SimpleUploadedFile("notes.txt", b"Interview notes, Port Azur harbour master.", "text/plain")
    filed = api.post(base + "/sources/", {"title": "Interview notes", "kind": "interview_record", "file": upload,
                                          "classification": "restricted"}, format="multipart")
    assert filed.status_code == 201 and filed.json()["file_name"] == "notes.txt"
    too_high = api.post(base + "/sources/", {"title": "Secret", "kind": "other", "classification": "confidential"},
                        format="json")
    assert too_high.status_code == 400
    bad_file = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    refused = api.post(base + "/sources/", {"title": "x", "kind": "other", "file": bad_file}, format="multipart")
    assert refused.status_code == 400 and ".exe" in refused.json()["detail"]
    assert client_for(team["observer"]).get(base + "/sources/").json()["count"] == 1  # restricted one hidden
    finding = api.post(base + "/findings/", {"kind": "gap", "title": "No aggravating circumstance for danger to life",
                                              "subsection": "guide:I.D", "provisions": ["protocol:art6.3"]},
                       format="json")
    assert finding.status_code == 201, finding.json()
    assert api.get(base + "/findings/").json()["results"][0]["provisions"] == ["protocol:art6.3"]
    institution = services.save_institution(team["lead"], assessment, name="Demoland Coast Guard", category="military")
    rec = api.post(base + "/recommendations/", {"text": "Amend the Penal Code", "area": "guide:I.D",
                                                "priority": "immediate", "institutions": [institution.pk]},
                   format="json")
    assert rec.status_code == 201 and rec.json()["institutions"] == [institution.pk]
    listed = api.get(base + "/recommendations/").json()
    assert listed["count"] == 1 and listed["results"][0]["priority"] == "immediate"


def test_schema_contains_the_assessment_endpoints(catalog, member):
    api = APIClient()
    api.force_authenticate(member)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ["/api/assessments/", "/api/assessments/{id}/", "/api/assessments/{id}/status/",
                 "/api/assessments/{id}/members/", "/api/assessments/{id}/questions/",
                 "/api/assessments/{id}/responses/{question}/", "/api/assessments/{id}/sources/",
                 "/api/assessments/{id}/findings/", "/api/assessments/{id}/recommendations/"]:
        assert path in schema["paths"], path

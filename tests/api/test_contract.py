"""The API's contract with third-party clients: one error format (RFC 9457 problem details) declared on every
operation, bounds and parameters in the schema, unknown parameters refused, filters and ordering on lists,
Bearer tokens, and a schema only for signed-in users."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from soma.findings import services as finding_services
from tests.fixtures import api_client

PROBLEM = "application/problem+json"
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def _problem(reply, status: int) -> dict:
    assert reply.status_code == status, reply.content[:300]
    assert reply["Content-Type"] == PROBLEM
    body = reply.json()
    assert PROBLEM_KEYS <= set(body) and body["status"] == status
    return body


@pytest.fixture
def schema(team):
    client = api_client(team["lead"])
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_a_bearer_token_is_accepted_and_the_token_scheme_still_is(assessment, team):
    key = Token.objects.create(user=team["lead"]).key
    for scheme in ("Bearer", "Token", "bearer"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
        assert client.get("/api/assessments/").json()["count"] == 1, scheme


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Bearer", "Bearer a b"])
def test_no_or_a_bad_credential_is_a_401_problem_with_a_bearer_challenge(db, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    reply = client.get("/api/assessments/")
    _problem(reply, 401)
    assert reply["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_schema_needs_a_signed_in_user(db):
    _problem(APIClient().get("/api/schema/"), 401)


def test_an_unknown_query_parameter_is_a_400_naming_it(assessment, team):
    client = api_client(team["lead"])
    body = _problem(client.get(f"/api/assessments/{assessment.pk}/findings/?kindd=gap&page_size=5"), 400)
    assert set(body["errors"]) == {"kindd", "page_size"} and "kindd" in body["detail"]
    assert body["type"] == "urn:soma:problem:validation"
    write = client.patch(f"/api/assessments/{assessment.pk}/?title=x", {"version": 1}, format="json")
    assert set(_problem(write, 400)["errors"]) == {"title"}


def test_lists_filter_and_order(assessment, team):
    lead = team["lead"]
    for kind, title in [("gap", "Beta gap"), ("observation", "Alpha note"), ("gap", "Alpha gap")]:
        finding_services.save_finding(lead, assessment, kind=kind, title=title)
    client = api_client(lead)
    base = f"/api/assessments/{assessment.pk}/findings/"
    gaps = client.get(base, {"kind": "gap", "ordering": "title"}).json()["results"]
    assert [row["title"] for row in gaps] == ["Alpha gap", "Beta gap"]
    backwards = client.get(base, {"ordering": "-title"}).json()["results"]
    assert [row["title"] for row in backwards] == ["Beta gap", "Alpha note", "Alpha gap"]
    assert "ordering" in _problem(client.get(base, {"ordering": "secret"}), 400)["errors"]
    assert "kind" in _problem(client.get(base, {"kind": "rumour"}), 400)["errors"]
    national = client.get(f"/api/assessments/{assessment.pk}/questions/", {"national": "True"}).json()
    assert national["count"] == 0


def test_every_error_under_api_is_a_problem(assessment, team):
    client = api_client(team["lead"])
    base = f"/api/assessments/{assessment.pk}"
    assert _problem(client.get("/api/assessments/abc/"), 404)["instance"] == "/api/assessments/abc/"
    assert _problem(client.get(f"{base}/findings/999999/"), 404)["type"] == "urn:soma:problem:not-found"
    _problem(client.get("/api/no/such/path/"), 404)
    _problem(client.delete(f"{base}/"), 405)
    _problem(client.post(f"{base}/findings/", "kind=gap", content_type="text/plain"), 415)
    _problem(client.post(f"{base}/findings/", "{not json", content_type="application/json"), 400)
    _problem(api_client(team["observer"]).patch(f"{base}/", {"version": 1}, format="json"), 403)
    _problem(client.get("/api/search/", {"q": "x", "limit": 101}), 400)
    _problem(client.get("/api/search/", {"q": "x" * 501}), 400)
    _problem(client.get(f"{base}/findings/", {"subsection": "x" * 201}), 400)
    _problem(client.generic("TRACE", f"{base}/questions/?anything=1"), 405)


def test_a_number_sent_for_a_text_is_refused_as_the_schema_says(assessment, team):
    client = api_client(team["lead"])
    reply = client.post(f"/api/assessments/{assessment.pk}/findings/", {"kind": "gap", "title": "Gap", "text": 0,
                        "provisions": ["protocol:art6", 7]}, format="json")
    assert set(_problem(reply, 400)["errors"]) == {"text", "provisions"}
    assert not assessment.findings.exists()


def test_every_operation_declares_its_problems_and_one_body_type(schema):
    components = schema["components"]["schemas"]
    assert "Response" not in components and {"Answer", "Problem", "ConflictProblem"} <= set(components)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "403", "404", "405", "429", "500"} <= set(responses), (method, path)
            for code, answer in responses.items():
                if int(code) >= 400:
                    assert list(answer["content"]) == [PROBLEM], (method, path, code)
            if method in ("post", "put", "patch"):
                assert list(operation["requestBody"]["content"]) == ["application/json"], (method, path)
                assert responses["409"]["content"][PROBLEM]["schema"]["$ref"].endswith("/ConflictProblem")
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"]["type"] == "integer":
                    assert parameter["schema"]["minimum"] == 1, (method, path, parameter["name"])
    search = {p["name"]: p["schema"] for p in schema["paths"]["/api/search/"]["get"]["parameters"]}
    assert (search["limit"]["minimum"], search["limit"]["maximum"]) == (1, 100)
    assert (search["article"]["minimum"], search["article"]["maximum"]) == (1, 25)
    assert search["q"]["maxLength"] == 500
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["bearerAuth"][
            "description"]}

"""A real third-party client: openapi-python-client generates a Python client from SOMA's schema, the client
imports, and every operation it has is called against a live server with a Bearer token, its answers parsed
into the generated models (problems included). A new endpoint fails this test until it is called below."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rest_framework.authtoken.models import Token

from soma.core.models import Job
from tests.fixtures import make_team, team_assessment

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PACKAGE = "soma_generated_client"
QUESTION = "guide:I.A:q01"


@pytest.fixture
def generated(tmp_path, live_server, token):
    schema = httpx.get(f"{live_server.url}/api/schema/", params={"format": "json"},
                       headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert schema.status_code == 200, schema.text[:300]
    (tmp_path / "schema.json").write_text(json.dumps(schema.json()))
    bin_dir = str(Path(sys.executable).parent)  # the generator and its post-hook (ruff) from this environment
    run = subprocess.run(
        [str(Path(bin_dir) / "openapi-python-client"), "generate", "--path", "schema.json", "--meta", "none",
         "--output-path", PACKAGE],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr  # nothing of the schema left out
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture
def team(catalog):
    return make_team()


@pytest.fixture
def token(team):
    return Token.objects.create(user=team["lead"]).key


def test_a_generated_client_calls_every_operation(generated, live_server, token, team):
    assessment = team_assessment(team)
    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    operations = {info.name.rsplit(".", 1)[1]: importlib.import_module(info.name)
                  for info in pkgutil.walk_packages(api.__path__, f"{PACKAGE}.api.") if not info.ispkg}
    client = generated.AuthenticatedClient(base_url=live_server.url, token=token, timeout=60)
    called: set[str] = set()

    def call(name: str, status: int, parsed: str, **kwargs):
        reply = operations[name].sync_detailed(client=client, **kwargs)
        called.add(name)
        assert reply.status_code == status, (name, reply.content[:300])
        assert type(reply.parsed).__name__ == parsed, (name, reply.parsed)
        return reply.parsed

    def body(model: str, **fields):
        return getattr(models, model).from_dict(fields)

    a = assessment.pk
    call("catalog_retrieve", 200, "Catalog")
    call("catalog_items_retrieve", 200, "Item", key="protocol:art6")
    call("catalog_items_related_retrieve", 200, "Related", key="protocol:art6")
    assert call("search_retrieve", 200, "SearchResult", q="smuggling", limit=3).count == 3
    assert call("search_retrieve", 400, "Problem", q="smuggling", limit=101).status == 400
    assert call("assessments_list", 200, "PaginatedAssessmentList").count == 1
    made = call("assessments_create", 201, "AssessmentSaved",
                body=body("AssessmentCreateRequest", title="Port Azur follow-up", jurisdictions=["XD"], scope=["I"]))
    plan = call("assessments_retrieve", 200, "Assessment", id=made.id)
    call("assessments_partial_update", 200, "AssessmentSaved", id=made.id,
         body=body("PatchedPlanUpdateRequest", version=plan.version, purpose="Baseline"))
    call("assessments_status_create", 200, "Assessment", id=made.id,
         body=body("StatusChangeRequest", status="desk_review"))
    call("assessments_members_list", 200, "PaginatedMemberList", id=a)
    call("assessments_members_create", 201, "Member", id=a,
         body=body("MemberAddRequest", username=team["outsider"].username, role="observer"))
    call("assessments_questions_list", 200, "PaginatedQuestionList", id=a)
    assert call("assessments_responses_retrieve", 200, "Answer", id=a, question=QUESTION).version == 0
    call("assessments_responses_update", 200, "Answer", id=a, question=QUESTION,
         body=body("ResponseWriteRequest", version=0, narrative="Demoland ratified in 2004."))
    conflict = call("assessments_responses_update", 409, "ConflictProblem", id=a, question=QUESTION,
                    body=body("ResponseWriteRequest", version=0, narrative="Mine"))
    assert conflict.current_version == 1
    call("assessments_sources_list", 200, "PaginatedSourceList", id=a)
    source = call("assessments_sources_create", 201, "Source", id=a,
                  body=body("SourceCreateRequest", title="Demoland gazette", kind="legislation"))
    call("assessments_sources_retrieve", 200, "Source", id=a, source_pk=source.id)
    call("assessments_sources_partial_update", 200, "Source", id=a, source_pk=source.id,
         body=body("PatchedSourceUpdateRequest", author="Demoland Ministry of Justice"))
    answer_citation = call("assessments_citations_create", 201, "CitationItem", id=a,
                           body=body("CitationCreateRequest", question=QUESTION, source=source.id, pinpoint="p. 4"))
    call("assessments_citations_list", 200, "PaginatedCitationItemList", id=a)
    call("assessments_citations_retrieve", 200, "CitationItem", id=a, citation_pk=answer_citation.id)
    call("assessments_citations_destroy", 204, "NoneType", id=a, citation_pk=answer_citation.id)
    call("assessments_sources_destroy", 200, "SourceDeleted", id=a, source_pk=source.id)
    call("assessments_sources_restore_create", 200, "SourceDeleted", id=a, source_pk=source.id,
         body=body("SourceConfirmRequest", confirm=True))
    call("assessments_sources_destroy", 200, "SourceDeleted", id=a, source_pk=source.id)
    call("assessments_sources_purge_create", 200, "SourceDeleted", id=a, source_pk=source.id,
         body=body("SourceConfirmRequest", confirm=True))
    institution = call("assessments_institutions_create", 201, "Institution", id=a,
                       body=body("InstitutionRequest", name="Demoland Coast Guard", category="military"))
    call("assessments_institutions_list", 200, "PaginatedInstitutionList", id=a)
    call("assessments_institutions_retrieve", 200, "Institution", id=a, institution_pk=institution.id)
    call("assessments_institutions_partial_update", 200, "Institution", id=a, institution_pk=institution.id,
         body=body("PatchedInstitutionRequest", notes="Port Azur station"))
    activity = call("assessments_activities_create", 201, "Activity", id=a,
                    body=body("ActivityWriteRequest", kind="interview", title="Interview at the coast guard",
                              institutions=[institution.id]))
    call("assessments_activities_list", 200, "PaginatedActivityList", id=a)
    call("assessments_activities_retrieve", 200, "Activity", id=a, activity_pk=activity.id)
    call("assessments_activities_partial_update", 200, "Activity", id=a, activity_pk=activity.id,
         body=body("PatchedActivityWriteRequest", date="2026-03-03"))
    finding = call("assessments_findings_create", 201, "Finding", id=a,
                   body=body("FindingRequest", kind="gap", title="No data on smuggling cases"))
    call("assessments_findings_list", 200, "PaginatedFindingList", id=a)
    call("assessments_findings_retrieve", 200, "Finding", id=a, finding_pk=finding.id)
    assert call("assessments_findings_retrieve", 404, "Problem", id=a, finding_pk=finding.id + 1000).status == 404
    call("assessments_findings_partial_update", 200, "Finding", id=a, finding_pk=finding.id,
         body=body("PatchedFindingUpdateRequest", version=finding.version, text="Still."))
    conclusion = call("assessments_conclusions_create", 201, "Conclusion", id=a,
                      body=body("ConclusionRequest", text="The legal framework is incomplete.", findings=[finding.id]))
    call("assessments_conclusions_list", 200, "PaginatedConclusionList", id=a)
    call("assessments_conclusions_retrieve", 200, "Conclusion", id=a, conclusion_pk=conclusion.id)
    call("assessments_conclusions_partial_update", 200, "Conclusion", id=a, conclusion_pk=conclusion.id,
         body=body("PatchedConclusionUpdateRequest", version=conclusion.version, tentative=True))
    recommendation = call("assessments_recommendations_create", 201, "Recommendation", id=a,
                          body=body("RecommendationRequest", text="Train prosecutors of Port Azur",
                                    area="guide:section:I", priority="short"))
    call("assessments_recommendations_list", 200, "PaginatedRecommendationList", id=a)
    call("assessments_recommendations_retrieve", 200, "Recommendation", id=a,
         recommendation_pk=recommendation.id)
    call("assessments_recommendations_partial_update", 200, "Recommendation", id=a,
         recommendation_pk=recommendation.id,
         body=body("PatchedRecommendationUpdateRequest", version=recommendation.version, timeline="2027"))
    job = Job.objects.create(user=team["lead"], kind="report", label="Issue the Demoland report")
    assert call("jobs_retrieve", 200, "Job", id=job.pk).finished is False
    assert called == set(operations), f"operations not called: {sorted(set(operations) - called)}"

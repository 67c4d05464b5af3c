"""One rule decides the classification of new work: the lead's "classification of new work" on the assessment
(restricted unless the lead says otherwise), capped at the assessment's own classification and at the creator's
clearance. Every place that creates content without being told a classification follows it: services, pages,
API and the questionnaire import."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from soma.assessments import services
from soma.assessments.models import Assessment
from soma.evidence import services as evidence_services
from soma.evidence.models import Source
from soma.exchange.spreadsheets import questionnaire
from soma.findings import services as finding_services
from soma.findings.models import Finding, Recommendation, Response
from soma.kernel.clearance import seen_by
from soma.kernel.errors import ServiceError
from soma.responses import services as response_services
from tests.fixtures import make_team, team_assessment

pytestmark = pytest.mark.django_db

QUESTION = "guide:I.A:q01"


@pytest.fixture
def team(db):
    return make_team(("lead", "assessor", "observer"), suffix="newwork.demo")


def make(team, **fields) -> Assessment:
    return team_assessment(team, title="Republic of Demoland assessment", scope=["I.A"], **fields)


@pytest.fixture
def confidential(catalog, team):
    """A confidential assessment, so that every level is a possible default."""
    return make(team, classification="confidential")


def set_new_work(team, assessment, level: str) -> None:
    services.update_plan(team["lead"], assessment, expected_version=assessment.version, new_work_classification=level)


# --- the rule ------------------------------------------------------------------------------------------------------


def test_new_and_existing_assessments_default_to_restricted(catalog, team):
    a = make(team)
    assert a.new_work_classification == "restricted"
    assert seen_by(team["lead"], a).default_classification() == "restricted"


def test_the_default_is_capped_at_the_assessments_classification_and_the_creators_clearance(catalog, team):
    public = make(team, classification="public")
    assert public.new_work_classification == "public"  # restricted would sit above the assessment itself
    assert seen_by(team["lead"], public).default_classification() == "public"
    a = make(team, classification="confidential", new_work_classification="confidential")
    assert seen_by(team["lead"], a).default_classification() == "confidential"
    assert seen_by(team["assessor"], a).default_classification() == "restricted"  # cleared for restricted only
    assert seen_by(team["observer"], a).default_classification() == "public"


def test_new_work_above_the_assessments_classification_is_refused_with_a_reason(catalog, team):
    a = make(team, classification="restricted")
    with pytest.raises(ServiceError, match="cannot start above the assessment's own classification"):
        set_new_work(team, a, "confidential")
    a.refresh_from_db()
    assert a.new_work_classification == "restricted"
    with pytest.raises(ServiceError, match="cannot start above"):
        make(team, classification="public", new_work_classification="confidential")


def test_lowering_the_assessments_classification_lowers_new_work_with_it(catalog, team):
    a = make(team, classification="confidential", new_work_classification="confidential")
    services.update_plan(team["lead"], a, expected_version=a.version, classification="restricted")
    a.refresh_from_db()
    assert a.new_work_classification == "restricted"


def test_the_lead_sets_it_on_the_plan_page(client, confidential, team):
    client.force_login(team["lead"])
    page = client.get(reverse("assessments:edit", args=[confidential.pk])).content.decode()
    assert 'name="new_work_classification"' in page
    data = {"title": confidential.title, "jurisdictions": ["XD"], "classification": "restricted",
            "new_work_classification": "confidential", "government_approval": "not_requested",
            "comprehensive": "on", "expected_version": confidential.version}
    refused = client.post(reverse("assessments:edit", args=[confidential.pk]), data)
    assert refused.status_code == 400
    assert "New work cannot start above the assessment" in refused.content.decode()
    confidential.refresh_from_db()
    assert (confidential.classification, confidential.new_work_classification) == ("confidential", "restricted")
    saved = client.post(reverse("assessments:edit", args=[confidential.pk]),
                        data | {"classification": "confidential"})
    assert saved.status_code == 302
    confidential.refresh_from_db()
    assert confidential.new_work_classification == "confidential"
    assert "Classification of new work" in client.get(reverse("assessments:detail",
                                                              args=[confidential.pk])).content.decode()


def test_the_api_reads_and_changes_it(confidential, team):
    api = APIClient()
    api.force_authenticate(team["lead"])
    url = f"/api/assessments/{confidential.pk}/"
    assert api.get(url).json()["new_work_classification"] == "restricted"
    changed = api.patch(url, {"version": confidential.version, "new_work_classification": "public"}, format="json")
    assert changed.status_code == 200 and changed.json()["new_work_classification"] == "public"


# --- every creating path -------------------------------------------------------------------------------------------

LEVELS = ["public", "confidential"]  # two settings: the default follows the lead's choice, not a constant


@pytest.mark.parametrize("level", LEVELS)
def test_services_create_at_the_default(confidential, team, level):
    set_new_work(team, confidential, level)
    lead, a = team["lead"], confidential
    made = [
        response_services.save_response(lead, a, QUESTION, expected_version=0, narrative="Ratified in 2004."),
        evidence_services.save_source(lead, a, title="Demoland Penal Code", kind="legislation"),
        finding_services.save_finding(lead, a, kind="gap", title="No aggravation for danger to life"),
        finding_services.save_conclusion(lead, a, text="The law lacks aggravating circumstances."),
        finding_services.save_recommendation(lead, a, text="Amend the Penal Code.", area="guide:I.A",
                                             priority="short"),
        services.save_activity(lead, a, kind="interview", title="Interview at the Demoland Coast Guard"),
    ]
    assert [m.classification for m in made] == [level] * len(made)


def test_an_assessor_gets_the_default_capped_at_their_clearance(confidential, team):
    set_new_work(team, confidential, "confidential")
    source = evidence_services.save_source(team["assessor"], confidential, title="Port Azur logbook", kind="other")
    assert source.classification == "restricted"


def selected_levels(html: str) -> list[str]:
    """The chosen option of every classification <select> on a page."""
    found = []
    for select in re.findall(r'<select name="[\w-]*classification"[^>]*>(.*?)</select>', html, re.S):
        found += re.findall(r'<option value="(\w+)"[^>]*selected', select)
    return found


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("page", ["responses:subsection", "evidence:add", "findings:finding_create",
                                  "findings:conclusion_create", "findings:recommendation_create",
                                  "reports:chapters", "assessments:activity_add"])
def test_new_work_forms_start_at_the_default(client, confidential, team, level, page):
    set_new_work(team, confidential, level)
    client.force_login(team["lead"])
    args = [confidential.pk, "guide:I.A"] if page == "responses:subsection" else [confidential.pk]
    response = client.get(reverse(page, args=args))
    assert response.status_code == 200
    chosen = selected_levels(response.content.decode())
    assert chosen and set(chosen) == {level}, chosen


@pytest.mark.parametrize("level", LEVELS)
def test_the_api_creates_at_the_default(confidential, team, level):
    set_new_work(team, confidential, level)
    api = APIClient()
    api.force_authenticate(team["lead"])
    base = f"/api/assessments/{confidential.pk}"
    made = [
        api.put(f"{base}/responses/{QUESTION}/", {"version": 0, "narrative": "Ratified in 2004."}, format="json"),
        api.post(f"{base}/sources/", {"title": "Demoland Penal Code", "kind": "legislation"}, format="json"),
        api.post(f"{base}/findings/", {"kind": "gap", "title": "No aggravation"}, format="json"),
        api.post(f"{base}/recommendations/", {"text": "Amend the Penal Code.", "area": "guide:I.A",
                                              "priority": "short"}, format="json"),
    ]
    assert [r.status_code for r in made] == [200, 201, 201, 201]
    assert [r.json()["classification"] for r in made] == [level] * 4
    assert {Response.objects.get().classification, Source.objects.get().classification,
            Finding.objects.get().classification, Recommendation.objects.get().classification} == {level}


@pytest.mark.parametrize("level", LEVELS)
def test_a_questionnaire_row_without_a_classification_imports_at_the_default(confidential, team, level):
    set_new_work(team, confidential, level)
    book = openpyxl.load_workbook(io.BytesIO(questionnaire.export_questionnaire(team["lead"], confidential)))
    sheet = book["Questionnaire"]
    headers = {sheet.cell(row=1, column=c).value: c for c in range(1, sheet.max_column + 1)}
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == QUESTION)
    sheet.cell(row=row, column=headers["Answer"]).value = "Ratified in 2004, offline."
    sheet.cell(row=row, column=headers["Classification"]).value = None
    out = io.BytesIO()
    book.save(out)
    questionnaire.import_questionnaire(team["lead"], confidential, out.getvalue())
    assert Response.objects.get(assessment=confidential, question=QUESTION).classification == level



def test_soma_assessments_create_takes_it_from_the_terms_of_reference(catalog, team, tmp_path):
    from django.core.management import CommandError, call_command

    tor = ("title: Republic of Demoland assessment\njurisdictions: [XD]\nscope: [I.A]\nclassification: restricted\n"
           "new_work_classification: public\n")
    (tmp_path / "tor.yaml").write_text(tor, encoding="utf-8")
    call_command("assessments", "create", "--tor", str(tmp_path / "tor.yaml"), "--lead", team["lead"].username)
    assert Assessment.objects.get().new_work_classification == "public"
    (tmp_path / "high.yaml").write_text(tor.replace("new_work_classification: public",
                                                    "new_work_classification: confidential"), encoding="utf-8")
    with pytest.raises(CommandError, match="cannot start above"):
        call_command("assessments", "create", "--tor", str(tmp_path / "high.yaml"), "--lead", team["lead"].username)
    assert Assessment.objects.count() == 1

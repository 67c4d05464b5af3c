"""Names of people (advisory group, mission notes, contact points, clearance notes, individuals met) follow one
rule (soma.kernel.clearance.NAMES_OF_PEOPLE): a member not cleared for restricted material neither sees
them on the forms they may use nor changes them by saving; the API shows null and refuses a change."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from soma.assessments import services
from soma.kernel.errors import ServiceError
from tests.fixtures import make_team

pytestmark = pytest.mark.django_db
PERSON = "Deputy Minister Halvar Quennet"  # fictional
PASSWORD = "Demoland-Harbour-2026"


@pytest.fixture
def team(db):
    return make_team(("lead", "colead", "assessor"), password=PASSWORD)


@pytest.fixture
def assessment(catalog, team):
    lead = team["lead"]
    a = services.create_assessment(
        lead, title="Demoland criminal justice response", jurisdictions=["XD"], scope=["I"],
        advisory_group=f"{PERSON} (chair)",
        missions=[{"title": "Port Azur visit", "notes": f"Meeting with {PERSON}"}]).assessment
    services.add_member(lead, a, team["colead"], "lead", "public")  # a second lead, cleared for public only
    services.add_member(lead, a, team["assessor"], "assessor", "public")
    return a


def test_a_lead_cleared_for_public_edits_the_plan_without_touching_the_advisory_group(client, team, assessment):
    client.force_login(team["colead"])
    page = client.get(f"/assessments/{assessment.pk}/edit/").content.decode()
    assert PERSON not in page and 'name="advisory_group"' not in page
    reply = client.post(f"/assessments/{assessment.pk}/edit/", {
        "title": "Demoland response (revised)", "jurisdictions": ["XD"], "classification": "restricted",
        "new_work_classification": "restricted", "government_approval": "not_requested",
        "expected_version": assessment.version, "advisory_group": "overwritten"})
    assert reply.status_code == 302
    assessment.refresh_from_db()
    assert assessment.title == "Demoland response (revised)" and assessment.advisory_group == f"{PERSON} (chair)"


def test_a_mission_saved_without_clearance_keeps_its_notes(client, team, assessment):
    mission = assessment.missions.get()
    client.force_login(team["colead"])
    page = client.get(f"/assessments/{assessment.pk}/missions/{mission.pk}/").content.decode()
    assert PERSON not in page and 'name="notes"' not in page
    reply = client.post(f"/assessments/{assessment.pk}/missions/{mission.pk}/",
                        {"title": "Port Azur visit, second week", "notes": ""})
    assert reply.status_code == 302
    mission.refresh_from_db()
    assert mission.title == "Port Azur visit, second week" and mission.notes == f"Meeting with {PERSON}"


def test_a_stakeholder_saved_without_clearance_keeps_its_clearance_notes(client, team, assessment):
    institution = services.save_institution(team["lead"], assessment, name="Demoland Coast Guard",
                                            category="border", contact_point=PERSON,
                                            clearance_notes=f"Cleared by {PERSON}")
    client.force_login(team["assessor"])
    url = f"/assessments/{assessment.pk}/stakeholders/{institution.pk}/"
    page = client.get(url).content.decode()
    assert PERSON not in page and 'name="clearance_notes"' not in page
    reply = client.post(url, {"name": "Demoland Coast Guard", "category": "border", "clearance_notes": "",
                              "notes": "Patrols the Azur strait."})
    assert reply.status_code == 302
    institution.refresh_from_db()
    assert institution.clearance_notes == f"Cleared by {PERSON}" and institution.contact_point == PERSON
    assert institution.notes == "Patrols the Azur strait."


def test_the_services_refuse_names_above_the_clearance(team, assessment):
    with pytest.raises(ServiceError, match="advisory_group: names of people are restricted"):
        services.update_plan(team["colead"], assessment, expected_version=assessment.version, advisory_group="x")
    with pytest.raises(ServiceError, match="clearance_notes: names of people"):
        services.save_institution(team["assessor"], assessment, name="Demoland Police", category="police",
                                  clearance_notes="x")
    assessment.refresh_from_db()
    assert assessment.advisory_group == f"{PERSON} (chair)" and not assessment.institutions.exists()


def test_the_api_shows_null_and_refuses_a_change(team, assessment):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=team['colead']).key}")
    data = api.get(f"/api/assessments/{assessment.pk}/").json()
    assert data["advisory_group"] is None and PERSON not in str(data)
    listed = api.get("/api/assessments/").json()["results"][0]
    assert listed["advisory_group"] is None
    reply = api.patch(f"/api/assessments/{assessment.pk}/", {"version": data["version"], "advisory_group": "x"},
                      format="json")
    assert reply.status_code == 400 and "names of people" in reply.json()["detail"]
    lead = APIClient()
    lead.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=team['lead']).key}")
    assert lead.get(f"/api/assessments/{assessment.pk}/").json()["advisory_group"] == f"{PERSON} (chair)"

"""The REST API of institutions and activities (soma/assessments/api_stakeholders.py): list, add, change through
soma.assessments.services; names of people withheld below restricted, as on the pages."""

from soma.assessments import services
from soma.assessments.models import Activity, Institution
from tests.fixtures import api_client as client_for

QUESTION = "guide:I.A:q01"


def test_institutions_add_change_and_contact_points_withheld(assessment, team):
    base = f"/api/assessments/{assessment.pk}/institutions/"
    assessor = client_for(team["assessor"])
    made = assessor.post(base, {"name": "Demoland Coast Guard", "category": "military",
                                "contact_point": "Captain Rell Ostra, Port Azur"}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["sections"] and made.json()["contact_point"] == "Captain Rell Ostra, Port Azur"
    one = f"{base}{made.json()['id']}/"
    changed = assessor.patch(one, {"notes": "Meets on Tuesdays."}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "Demoland Coast Guard"
    observer = client_for(team["observer"])  # public clearance: no names of people
    listed = observer.get(base).json()["results"]
    assert [i["name"] for i in listed] == ["Demoland Coast Guard"] and "contact_point" not in listed[0]
    assert observer.patch(one, {"notes": "x"}, format="json").status_code == 403
    assert Institution.objects.get(pk=made.json()["id"]).notes == "Meets on Tuesdays."


def test_institution_bad_input_names_the_field_and_writes_nothing(assessment, team):
    base = f"/api/assessments/{assessment.pk}/institutions/"
    api = client_for(team["lead"])
    for body, field in [({"name": "Demoland Navy", "category": "army"}, "category"),
                        ({"name": "Demoland Navy", "category": "military", "sections": ["XIV"]}, "sections"),
                        ({"category": "military"}, "name")]:
        reply = api.post(base, body, format="json")
        assert reply.status_code == 400 and field in reply.json()["errors"], reply.json()
    assert not Institution.objects.filter(assessment=assessment).exists()


def test_activities_add_change_links_and_clearance(assessment, team):
    lead = team["lead"]
    institution = services.save_institution(lead, assessment, name="Demoland Police", category="police")
    mission = services.save_mission(lead, assessment, title="First mission to Port Azur")
    base = f"/api/assessments/{assessment.pk}/activities/"
    api = client_for(team["assessor"])
    made = api.post(base, {"kind": "interview", "title": "Interview at the Port Azur police",
                           "mission": mission.pk, "institutions": [institution.pk], "questions": [QUESTION],
                           "participants": "Inspector Vell Daro", "classification": "public"}, format="json")
    assert made.status_code == 201, made.json()
    data = made.json()
    assert (data["mission"], data["institutions"], data["questions"]) == (mission.pk, [institution.pk], [QUESTION])
    one = f"{base}{data['id']}/"
    assert api.patch(one, {"date": "2026-03-03"}, format="json").json()["date"] == "2026-03-03"
    observer = client_for(team["observer"])
    seen = observer.get(one).json()
    assert seen["title"] == "Interview at the Port Azur police" and "participants" not in seen
    assert observer.post(base, {"kind": "interview", "title": "x"}, format="json").status_code == 403
    secret = services.save_activity(lead, assessment, kind="site_visit", title="Visit to the detention centre",
                                    classification="confidential")
    assert api.get(f"{base}{secret.pk}/").status_code == 404  # assessor: restricted
    assert [a["id"] for a in observer.get(base).json()["results"]] == [data["id"]]


def test_activity_bad_input_names_the_field_and_writes_nothing(assessment, team):
    base = f"/api/assessments/{assessment.pk}/activities/"
    api = client_for(team["lead"])
    for body, field in [({"kind": "interview", "title": "x", "institutions": [999999]}, "institutions"),
                        ({"kind": "interview", "title": "x", "mission": 999999}, "mission"),
                        ({"kind": "party", "title": "x"}, "kind")]:
        reply = api.post(base, body, format="json")
        assert reply.status_code == 400 and field in reply.json()["errors"], reply.json()
    wrong_question = api.post(base, {"kind": "interview", "title": "x", "questions": ["guide:IX.Z:q99"]},
                              format="json")
    assert wrong_question.status_code == 400 and "guide:IX.Z:q99" in wrong_question.json()["detail"]
    assert not Activity.objects.filter(assessment=assessment).exists()

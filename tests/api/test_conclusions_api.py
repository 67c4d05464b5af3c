"""The REST API of conclusions (soma/findings/api_conclusions.py): list, add, change with the version loaded."""

from soma.findings import services
from soma.findings.models import Conclusion
from tests.fixtures import api_client as client_for


def test_add_change_and_a_stale_version(assessment, team):
    finding = services.save_finding(team["lead"], assessment, kind="gap", title="No definition of smuggling",
                                    classification="public")
    base = f"/api/assessments/{assessment.pk}/conclusions/"
    api = client_for(team["assessor"])
    made = api.post(base, {"text": "The legal framework is incomplete.", "findings": [finding.pk],
                           "classification": "public"}, format="json")
    assert made.status_code == 201, made.json()
    data = made.json()
    assert data["findings"] == [finding.pk] and data["version"] == 1
    one = f"{base}{data['id']}/"
    changed = api.patch(one, {"version": 1, "tentative": True}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2 and changed.json()["tentative"]
    stale = client_for(team["lead"]).patch(one, {"version": 1, "text": "Mine"}, format="json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert Conclusion.objects.get(pk=data["id"]).text == "The legal framework is incomplete."
    assert [c["id"] for c in client_for(team["observer"]).get(base).json()["results"]] == [data["id"]]


def test_refusals_and_bad_input(assessment, team):
    conclusion = services.save_conclusion(team["lead"], assessment, text="Courts are slow.", classification="public")
    base = f"/api/assessments/{assessment.pk}/conclusions/"
    observer = client_for(team["observer"])
    assert observer.post(base, {"text": "x"}, format="json").status_code == 403
    assert observer.patch(f"{base}{conclusion.pk}/", {"version": 1, "text": "x"}, format="json").status_code == 403
    api = client_for(team["lead"])
    for body, field in [({"findings": [999999], "text": "x"}, "findings"), ({"basis": "x"}, "text"),
                        ({"text": "x", "tentative": 0}, "tentative"), ({"text": 0}, "text")]:
        reply = api.post(base, body, format="json")
        assert reply.status_code == 400 and field in reply.json()["errors"], reply.json()
    no_version = api.patch(f"{base}{conclusion.pk}/", {"text": "x"}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()["errors"]
    secret = services.save_conclusion(team["lead"], assessment, text="Secret.", classification="confidential")
    assert client_for(team["assessor"]).get(f"{base}{secret.pk}/").status_code == 404
    assert list(Conclusion.objects.filter(assessment=assessment).values_list("text", flat=True).order_by("pk")) == [
        "Courts are slow.", "Secret."]

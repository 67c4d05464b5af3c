"""The REST API of citations (soma/responses/api_citations.py): cite a source or an activity for an answer or a
finding, list and remove them, through soma.evidence.services.cite / uncite and the clearance rules."""

from soma.assessments import services as assessment_services
from soma.evidence import services as evidence_services
from soma.evidence.models import Citation
from soma.findings import services as finding_services
from soma.responses import services as response_services
from tests.fixtures import api_client as client_for

QUESTION = "guide:I.A:q01"


def _world(assessment, team):
    lead = team["lead"]
    source = evidence_services.save_source(lead, assessment, title="Demoland Penal Code", kind="legislation",
                                           classification="public")
    response = response_services.save_response(lead, assessment, QUESTION, expected_version=0,
                                               narrative="Demoland ratified the Protocol in 2004.",
                                               classification="public")
    finding = finding_services.save_finding(lead, assessment, kind="gap", title="No definition of smuggling",
                                            classification="public")
    return source, response, finding


def test_cite_for_an_answer_and_a_finding_then_remove(assessment, team):
    source, response, finding = _world(assessment, team)
    activity = assessment_services.save_activity(team["lead"], assessment, kind="interview",
                                                 title="Interview at the Port Azur police", classification="public")
    api = client_for(team["assessor"])
    base = f"/api/assessments/{assessment.pk}/citations/"
    made = api.post(base, {"question": QUESTION, "source": source.pk, "pinpoint": "art. 12"}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json() | {"id": 0} == {"id": 0, "question": QUESTION, "finding": None, "source": source.pk,
                                       "activity": None, "pinpoint": "art. 12", "stance": "supports"}
    on_finding = api.post(base, {"finding": finding.pk, "activity": activity.pk, "stance": "contradicts"},
                          format="json")
    assert on_finding.status_code == 201 and on_finding.json()["finding"] == finding.pk
    assert response.citations.count() == 1 and finding.citations.count() == 1
    listed = api.get(base, {"question": QUESTION}).json()
    assert [c["id"] for c in listed["results"]] == [made.json()["id"]]
    assert api.get(base).json()["count"] == 2
    assert api.get(base, {"finding": finding.pk}).json()["count"] == 1
    bad_filter = api.get(base, {"finding": "TU\x0f"})
    assert bad_filter.status_code == 400 and "finding" in bad_filter.json()["errors"]
    wrong_type = api.post(base, {"question": QUESTION, "source": source.pk, "pinpoint": 12}, format="json")
    assert wrong_type.status_code == 400 and "pinpoint" in wrong_type.json()["errors"]
    one = f"{base}{made.json()['id']}/"
    assert api.get(one).json()["pinpoint"] == "art. 12"
    assert api.delete(one).status_code == 204
    assert api.get(one).status_code == 404 and response.citations.count() == 0


def test_bad_citations_name_the_field_and_write_nothing(assessment, team):
    source, _response, finding = _world(assessment, team)
    api = client_for(team["lead"])
    base = f"/api/assessments/{assessment.pk}/citations/"
    cases = [
        ({"source": source.pk}, "question"),  # for nothing
        ({"question": QUESTION, "finding": finding.pk, "source": source.pk}, "question"),  # for both
        ({"question": QUESTION}, "source"),  # citing nothing
        ({"question": "guide:V.C:q01", "source": source.pk}, "question"),  # no saved answer
        ({"finding": finding.pk + 1000, "source": source.pk}, "finding"),
        ({"question": QUESTION, "source": source.pk + 1000}, "source"),
        ({"question": QUESTION, "source": source.pk, "stance": "doubts"}, "stance"),
    ]
    for body, field in cases:
        reply = api.post(base, body, format="json")
        assert reply.status_code == 400, (body, reply.json())
        assert field in reply.json()["errors"], (body, reply.json())
    assert not Citation.objects.filter(assessment=assessment).exists()


def test_roles_and_clearance(assessment, team):
    source, response, _finding = _world(assessment, team)
    secret = evidence_services.save_source(team["lead"], assessment, title="Demoland police file",
                                           kind="other", classification="confidential")
    hidden = evidence_services.cite(team["lead"], assessment, response=response, source=secret)
    shown = evidence_services.cite(team["lead"], assessment, response=response, source=source)
    base = f"/api/assessments/{assessment.pk}/citations/"
    observer = client_for(team["observer"])
    assert [c["id"] for c in observer.get(base).json()["results"]] == [shown.pk]
    assert observer.get(f"{base}{hidden.pk}/").status_code == 404
    assert observer.post(base, {"question": QUESTION, "source": source.pk}, format="json").status_code == 403
    assert observer.delete(f"{base}{shown.pk}/").status_code == 403
    assessor = client_for(team["assessor"])  # restricted: the confidential source is not theirs to cite or remove
    assert assessor.delete(f"{base}{hidden.pk}/").status_code == 404
    refused = assessor.post(base, {"question": QUESTION, "source": secret.pk}, format="json")
    assert refused.status_code == 400 and "source" in refused.json()["errors"]
    assert client_for(team["outsider"]).get(base).status_code == 404
    assert response.citations.count() == 2

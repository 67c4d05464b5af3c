"""The REST API of one source: change, delete with its citations, restore, remove for good (soma/evidence/api.py),
through the same services and rules as the sources page."""

from soma.evidence import services
from soma.evidence.models import Citation, Source
from soma.responses import services as response_services
from tests.fixtures import api_client as client_for

QUESTION = "guide:I.A:q01"
CONFIRM = {"confirm": True}


def _source(assessment, team, **fields):
    return services.save_source(team["lead"], assessment, title="Demoland Penal Code", kind="legislation",
                                classification="public", **fields)


def test_change_sends_only_the_fields_given(assessment, team):
    source = _source(assessment, team, author="Ministry of Justice of Demoland")
    api = client_for(team["assessor"])
    reply = api.patch(f"/api/assessments/{assessment.pk}/sources/{source.pk}/",
                      {"reliability": "B", "credibility": "2"}, format="json")
    assert reply.status_code == 200, reply.json()
    assert reply.json()["grade"] == "B2" and reply.json()["author"] == "Ministry of Justice of Demoland"
    source.refresh_from_db()
    assert (source.reliability, source.credibility, source.title) == ("B", "2", "Demoland Penal Code")


def test_bad_change_names_the_field_and_writes_nothing(assessment, team):
    source = _source(assessment, team)
    api = client_for(team["lead"])
    url = f"/api/assessments/{assessment.pk}/sources/{source.pk}/"
    reply = api.patch(url, {"kind": "rumour", "title": "Changed"}, format="json")
    assert reply.status_code == 400 and reply["Content-Type"] == "application/problem+json"
    assert "kind" in reply.json()["errors"]
    blank = api.patch(url, {"title": "   "}, format="json")
    assert blank.status_code == 400
    wrong_type = api.patch(url, {"notes": 0, "title": "Changed"}, format="json")
    assert wrong_type.status_code == 400 and "notes" in wrong_type.json()["errors"]
    source.refresh_from_db()
    assert source.title == "Demoland Penal Code" and source.kind == "legislation"


def test_observer_and_reviewer_cannot_change_or_delete(assessment, team):
    source = _source(assessment, team)
    url = f"/api/assessments/{assessment.pk}/sources/{source.pk}/"
    for role in ("observer", "reviewer"):
        api = client_for(team[role])
        assert api.get(url).status_code == 200
        assert api.patch(url, {"title": "Changed"}, format="json").status_code == 403
        assert api.delete(url).status_code == 403
    assert client_for(team["outsider"]).get(url).status_code == 404
    source.refresh_from_db()
    assert source.title == "Demoland Penal Code" and source.deleted_at is None


def test_a_source_above_clearance_is_not_there(assessment, team):
    secret = _source(assessment, team)
    services.save_source(team["lead"], assessment, secret, classification="confidential")
    api = client_for(team["assessor"])  # cleared for restricted
    url = f"/api/assessments/{assessment.pk}/sources/{secret.pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"title": "Changed"}, format="json").status_code == 404
    assert api.delete(url).status_code == 404


def test_delete_restore_and_purge(assessment, team):
    source = _source(assessment, team)
    response = response_services.save_response(team["lead"], assessment, QUESTION, expected_version=0,
                                               narrative="Demoland ratified the Protocol in 2004.")
    services.cite(team["lead"], assessment, response=response, source=source, pinpoint="art. 12")
    base = f"/api/assessments/{assessment.pk}/sources/{source.pk}"
    assessor = client_for(team["assessor"])
    deleted = assessor.delete(base + "/")
    assert deleted.status_code == 200 and deleted.json() == {"id": source.pk, "citations": 1}
    assert assessor.get(base + "/").status_code == 404
    assert not Citation.objects.filter(source=source).exists()
    assert assessor.delete(base + "/").status_code == 404  # already deleted
    unconfirmed = assessor.post(base + "/restore/", {"confirm": False}, format="json")
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.json()["errors"]
    assert assessor.get(base + "/").status_code == 404
    restored = assessor.post(base + "/restore/", {"confirm": True}, format="json")
    assert restored.status_code == 200 and restored.json()["citations"] == 1
    assert Citation.objects.filter(source=source).count() == 1
    again = assessor.post(base + "/restore/", {"confirm": True}, format="json")
    assert again.status_code == 404  # no longer a deleted source
    assessor.delete(base + "/")
    assert assessor.post(base + "/purge/", CONFIRM, format="json").status_code == 403  # the lead's
    assert Source.all_objects.filter(pk=source.pk).exists()
    purged = client_for(team["lead"]).post(base + "/purge/", CONFIRM, format="json")
    assert purged.status_code == 200 and purged.json()["citations"] == 1
    assert not Source.all_objects.filter(pk=source.pk).exists()


def test_purge_refuses_a_live_source(assessment, team):
    source = _source(assessment, team)
    reply = client_for(team["lead"]).post(f"/api/assessments/{assessment.pk}/sources/{source.pk}/purge/",
                                         CONFIRM, format="json")
    assert reply.status_code == 404
    assert Source.objects.filter(pk=source.pk).exists()

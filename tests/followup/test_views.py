"""The follow-up page: starting a follow-up assessment."""

from django.urls import reverse

from soma.assessments.models import Assessment

# lead, team and assessment: the usual ones of tests/conftest.py.


def client_for(client, user):
    client.force_login(user)
    return client


def url(name, assessment, *args):
    return reverse(f"followup:{name}", args=[assessment.pk, *args])


def test_follow_up(client, assessment, team):
    c = client_for(client, team["lead"])
    response = c.post(url("start", assessment), {"title": "Demoland follow-up"}, follow=True)
    new = Assessment.objects.get(title="Demoland follow-up")
    assert new.previous == assessment
    assert "need confirmation" in response.content.decode()
    assert client_for(client, team["assessor"]).post(url("start", assessment), {"title": "x"}).status_code == 403


def test_non_members_get_404(client, assessment, team):
    c = client_for(client, team["outsider"])
    assert c.post(url("start", assessment), {"title": "x"}).status_code == 404
    assert not Assessment.objects.filter(title="x").exists()

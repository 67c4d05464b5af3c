"""Removing a citation from an answer takes a second, deliberate click and is recorded in the content history."""

import re

import pytest
from django.urls import reverse

from soma.accounts.models import HistoryEntry
from soma.assessments import services
from soma.evidence import services as evidence_services
from soma.evidence.models import Citation
from soma.responses import services as response_services

pytestmark = pytest.mark.django_db
QUESTION = "guide:V.C:q01"


@pytest.fixture
def citation(catalog, lead):
    a = services.create_assessment(lead, title="Republic of Demoland response", jurisdictions=["XD"],
                                   scope=["V.C"]).assessment
    answer = response_services.save_response(lead, a, QUESTION, expected_version=0, narrative="Police record it.",
                                             classification="public")
    law = evidence_services.save_source(lead, a, title="Demoland Police Act", kind="legislation",
                                        classification="public")
    return evidence_services.cite(lead, a, response=answer, source=law, pinpoint="s. 4")


def test_the_remove_button_sits_behind_a_confirmation(client, lead, citation):
    client.force_login(lead)
    html = client.get(reverse("responses:subsection", args=[citation.assessment_id, "guide:V.C"])).content.decode()
    url = reverse("responses:uncite", args=[citation.assessment_id, citation.pk])
    form = re.search(r'<details class="confirm-remove"[^>]*><summary>.*?</summary>\s*<form method="post" action="'
                     + re.escape(url), html, re.S)
    assert form, "the citation's Remove form is not inside a confirmation disclosure"
    assert "The removal is recorded in the history" in html


def test_removal_is_recorded(client, lead, citation):
    client.force_login(lead)
    client.post(reverse("responses:uncite", args=[citation.assessment_id, citation.pk]), headers={"HX-Request": "true"})
    assert not Citation.objects.filter(pk=citation.pk).exists()
    entry = HistoryEntry.objects.filter(object_type="citation", object_id=str(citation.pk)).order_by("-pk").first()
    assert entry.action == "deleted" and entry.before["pinpoint"] == "s. 4" and entry.user == lead

"""A recommendation's area has one id form, the catalog's: "guide:section:V" for a section, "guide:V.C" for a
subsection. The short "guide:V" is turned into it, so a recommendation made through the API can be re-saved
from the form; stored short ids are converted by a data migration."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from soma.assessments import services
from soma.findings import services as finding_services
from soma.findings.models import Recommendation
from tests.fixtures import api_client as api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(catalog, lead):
    return services.create_assessment(lead, title="Republic of Demoland response", jurisdictions=["XD"],
                                      scope=["V.C"]).assessment


@pytest.mark.parametrize("area", ["guide:V", "guide:section:V"])
def test_made_through_the_api_with_either_spelling_then_re_saved_from_the_form(client, lead, assessment, area):
    reply = api_for(lead).post(f"/api/assessments/{assessment.pk}/recommendations/",
                               {"text": "Train harbour police", "area": area, "priority": "short"}, format="json")
    assert reply.status_code == 201, reply.content
    assert reply.json()["area"] == "guide:section:V"
    rec = Recommendation.objects.get(pk=reply.json()["id"])
    client.force_login(lead)
    url = reverse("findings:recommendation_edit", args=[assessment.pk, rec.pk])
    assert '<option value="guide:section:V" selected>' in client.get(url).content.decode()
    response = client.post(url, {
        "text": "Train harbour police and coast guard", "area": rec.area, "priority": "short", "rank": 1,
        "sequence": 1, "status": "proposed", "classification": "public", "expected_version": rec.version,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    rec.refresh_from_db()
    assert (rec.text, rec.area) == ("Train harbour police and coast guard", "guide:section:V")


@pytest.mark.parametrize("area", ["guide:IX", "guide:section:IX", "guide:V.Z", "section:V"])
def test_an_area_outside_the_scope_is_a_400_saying_how_to_write_one(lead, assessment, area):
    reply = api_for(lead).post(f"/api/assessments/{assessment.pk}/recommendations/",
                               {"text": "Train harbour police", "area": area, "priority": "short"}, format="json")
    assert reply.status_code == 400
    assert "guide:section:V or a subsection as guide:V.C" in reply.json()["detail"]
    assert not Recommendation.objects.filter(assessment=assessment).exists()


def test_the_data_migration_converts_stored_short_ids(lead, assessment):
    short = finding_services.save_recommendation(lead, assessment, text="A", area="guide:section:V",
                                                 priority="short", toolkit=[], framework=[])
    sub = finding_services.save_recommendation(lead, assessment, text="B", area="guide:V.C", priority="short",
                                               toolkit=[], framework=[])
    Recommendation.objects.filter(pk=short.pk).update(area="guide:V")  # as stored before the one id form
    migration = importlib.import_module("soma.findings.migrations.0002_recommendation_area_one_id_form")
    migration.canonical_areas(apps, None)
    short.refresh_from_db()
    sub.refresh_from_db()
    assert (short.area, sub.area) == ("guide:section:V", "guide:V.C")


def test_section_xii_keeps_its_one_subsection_id(lead, catalog):
    a = services.create_assessment(lead, title="Republic of Demoland prevention", jurisdictions=["XD"],
                                   scope=["XII"]).assessment
    assert "guide:XII" in a.scope.values_list("subsection", flat=True)
    sub = finding_services.save_recommendation(lead, a, text="A", area="guide:XII", priority="short",
                                               toolkit=[], framework=[])
    section = finding_services.save_recommendation(lead, a, text="B", area="guide:section:XII", priority="short",
                                                   toolkit=[], framework=[])
    migration = importlib.import_module("soma.findings.migrations.0002_recommendation_area_one_id_form")
    migration.canonical_areas(apps, None)
    sub.refresh_from_db()
    section.refresh_from_db()
    assert (sub.area, section.area) == ("guide:XII", "guide:section:XII")

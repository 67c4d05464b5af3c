"""The catalog's REST API: items by stable id, the cross-reference graph, the OpenAPI schema."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def api(catalog, member):
    client = APIClient()
    client.force_authenticate(member)
    return client


def test_anonymous_is_refused(catalog):
    assert APIClient().get("/api/catalog/items/guide:V.C/").status_code in (401, 403)


def test_token_authentication(catalog, member):
    token = Token.objects.create(user=member)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/catalog/")
    assert response.status_code == 200
    assert response.json()["version"] == catalog.catalog.version


def test_item_by_stable_id(api):
    data = api.get("/api/catalog/items/guide:I.A:q02/").json()
    assert data["kind"] == "question"
    assert data["attrs"]["level"] == "secondary"
    assert data["attrs"]["parent_question"] == "guide:I.A:q01"
    assert data["parent"] == "guide:I.A:f01"
    assert data["source"] is None or data["source"]["file"] == "assessment-guide.txt"


def test_unknown_item_is_404(api):
    assert api.get("/api/catalog/items/guide:Z.Z/").status_code == 404


def test_article_six_is_the_hub_of_everything_related(api):
    data = api.get("/api/catalog/items/protocol:art6/related/").json()
    related = data["related"]
    guide_ids = {entry["id"] for entry in related["guide"]}
    assert "guide:I.D" in guide_ids or any(i.startswith("guide:I.") for i in guide_ids)
    assert related["toolkit"] and related["wg"] and related["ffa"]
    assert all(entry["id"].startswith("guide:") for entry in related["guide_questions"])
    assert len(related["guide_questions"]) > 10


def test_the_way_back_from_a_toolkit_section_to_its_articles(api, catalog):
    section = next(s for s in catalog.all("toolkit_section") if s.attrs.get("articles"))
    data = api.get(f"/api/catalog/items/{section.key}/related/").json()
    expected = {f"protocol:art{n}" for n in section.attrs["articles"]}
    assert expected <= set(data["articles"])


def test_openapi_schema_lists_the_endpoints(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/search/" in paths
    assert "/api/catalog/items/{key}/" in paths

"""The API answers JSON to a browser too, and the REST framework's own messages stay translated, although its
app is not installed (soma/settings.py, INSTALLED_APPS and LOCALE_PATHS)."""

import pytest
from rest_framework.test import APIClient

from tests.fixtures import api_client

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.django_db
def test_a_browser_gets_json_not_an_html_page(lead):
    reply = api_client(lead).get("/api/assessments/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/json"
    assert reply.json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("en", "Authentication credentials were not provided."),
        ("fr", "Informations d'authentification non fournies."),
        ("ar", "لم يتم تزويد بيانات الدخول."),
    ],
)
def test_the_rest_framework_messages_are_in_the_users_language(language, detail):
    reply = APIClient().get("/api/assessments/", HTTP_ACCEPT_LANGUAGE=language)
    assert reply.status_code == 401
    assert reply.json()["detail"] == detail

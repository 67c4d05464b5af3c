"""404, 403, CSRF failure and 500 answer SOMA's own pages with DEBUG off: the layout, a <main> landmark, one
heading, a plain message and a way back; the 500 page renders with the database out of reach."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from soma import api_errors

pytestmark = pytest.mark.urls("tests.core.system_pages_urls")


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _page(response) -> str:
    html = response.content.decode()
    assert '<main id="main"' in html
    assert len(re.findall(r"<h1\b", html)) == 1
    assert 'role="banner"' in html  # SOMA's layout, not Django's bare page
    return html


@pytest.mark.django_db
def test_404_says_what_happened_and_links_home_and_back(client, member):
    client.force_login(member)
    previous = "http://testserver" + reverse("catalog:index")
    response = client.get("/assessments/999999/", HTTP_REFERER=previous)
    assert response.status_code == 404
    html = _page(response)
    assert "Page not found" in html
    assert "not a member of" in html
    assert f'href="{reverse("home")}"' in html
    assert f'href="{previous}"' in html


@pytest.mark.django_db
def test_404_never_links_back_to_another_site(client):
    response = client.get("/nowhere/", HTTP_REFERER="https://phishing.example/login")
    assert response.status_code == 404
    html = _page(response)
    assert "phishing.example" not in html


@pytest.mark.django_db
def test_404_under_the_api_stays_json(client):
    response = client.get("/api/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404 and response.json()["instance"] == "/api/nowhere/"


@pytest.mark.django_db
def test_403_says_nothing_changed_and_whom_to_ask(client, member):
    client.force_login(member)
    response = client.get("/test-refuse/")
    assert response.status_code == 403
    html = _page(response)
    assert "Not allowed" in html
    assert "Nothing was changed" in html
    assert "<ul" not in html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert f'href="{reverse("home")}"' in html


@pytest.mark.django_db
def test_csrf_failure_signed_out_offers_sign_in_again():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "amina.demo", "password": "whatever"})
    assert response.status_code == 403
    html = _page(response)
    assert "Form not accepted" in html
    assert "nothing from it was saved" in html
    assert f'href="{reverse("login")}"' in html
    assert "CSRF verification failed" not in html  # not Django's own page


@pytest.mark.django_db
def test_csrf_failure_signed_in_goes_back_to_the_form(member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    form = "http://testserver" + reverse("password_change")
    response = browser.post(reverse("password_change"), {"old_password": "x"}, HTTP_REFERER=form)
    assert response.status_code == 403
    html = _page(response)
    assert f'href="{form}"' in html
    assert f'href="{reverse("home")}"' in html


@pytest.mark.django_db
def test_csrf_failure_under_api_and_htmx_is_not_a_page(member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    htmx = browser.post(reverse("password_change"), {}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 403
    assert htmx["Content-Type"].startswith("text/plain")
    assert "nothing was saved" in htmx.content.decode()


@pytest.mark.django_db
def test_500_is_somas_page_without_a_traceback(member):
    browser = Client(raise_request_exception=False)
    browser.force_login(member)
    response = browser.get("/test-fail/")
    assert response.status_code == 500
    html = _page(response)
    assert "Something went wrong" in html
    assert "Demoland harbour registry" not in html
    assert f'href="{reverse("home")}"' in html


def test_500_renders_with_the_database_out_of_reach(django_db_blocker):
    request = RequestFactory().get("/assessments/1/")
    with django_db_blocker.block():  # any query would fail the test
        response = api_errors.server_error(request)
    assert response.status_code == 500
    html = _page(response)
    assert "Something went wrong" in html


@pytest.mark.django_db
def test_admin_sign_in_tells_a_signed_in_non_administrator_on_a_soma_page(client, member, django_user_model):
    client.force_login(member)
    response = client.get("/admin/login/")
    assert response.status_code == 403
    html = _page(response)
    assert "may not use the administration pages" in html
    admin = django_user_model.objects.create_superuser("admin.demo", password="Demoland-Admin-2026")
    client.force_login(admin)
    assert client.get("/admin/login/").status_code == 302  # on to the administration

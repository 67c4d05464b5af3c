"""The assessment pages' frame: a title per tab, the icon, and a frame whose queries do not grow with the page."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

# Every tab of an assessment, by its URL name, with the start of its page's title in English.
TAB_TITLES = {
    "assessments:detail": "Plan",
    "findings:overview": "Overview",
    "assessments:team": "Team",
    "assessments:institutions": "Stakeholders",
    "assessments:activities": "Activities",
    "evidence:list": "Sources",
    "responses:index": "Questions",
    "findings:findings": "Findings",
    "findings:recommendations": "Recommendations",
    "reports:index": "Reports",
    "exchange:index": "Exchange",
    "assessments:history": "History",
}


def title_of(response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert found, "the page has no title"
    return " ".join(found.group(1).split())


def test_each_tab_has_its_own_title_naming_the_tab_then_the_assessment(client, team, assessment):
    client.login(username=team["lead"].username, password=PASSWORD)
    titles = {}
    for name, tab in TAB_TITLES.items():
        response = client.get(reverse(name, args=[assessment.pk]))
        assert response.status_code == 200, name
        titles[name] = title_of(response)
        assert titles[name] == f"{tab} · {assessment.title} · SOMA", name
    assert len(set(titles.values())) == len(TAB_TITLES)


def test_the_tab_title_is_translated(client, team, assessment):
    client.login(username=team["lead"].username, password=PASSWORD)
    with translation.override("fr"):
        team_tab = translation.gettext("Team")
    assert team_tab != "Team"  # the French catalogue names the tab
    response = client.get(reverse("assessments:team", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert title_of(response).startswith(f"{team_tab} · {assessment.title}")


def test_a_page_that_names_itself_keeps_its_title(client, team, assessment):
    client.login(username=team["lead"].username, password=PASSWORD)
    response = client.get(reverse("evidence:add", args=[assessment.pk]))
    assert title_of(response) == f"Add a source · {assessment.title} · SOMA"


def test_pages_link_the_icon_and_the_files_exist(client, team, assessment):
    signed_out = Client()
    client.login(username=team["lead"].username, password=PASSWORD)
    for browser, url in ((client, reverse("home")), (client, reverse("assessments:detail", args=[assessment.pk])),
                         (signed_out, reverse("login"))):
        response = browser.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<link rel="icon" href="/static/soma/favicon.ico"' in page, url
        assert '<link rel="icon" href="/static/soma/favicon.svg" type="image/svg+xml">' in page, url
    assert finders.find("soma/favicon.ico") and finders.find("soma/favicon.svg")
    with open(finders.find("soma/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file's header


def test_favicon_ico_answers_for_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/soma/favicon.ico"


@override_settings(STATIC_URL="/assets/")
def test_favicon_ico_follows_the_static_url(client):
    assert client.get("/favicon.ico")["Location"] == "/assets/soma/favicon.ico"

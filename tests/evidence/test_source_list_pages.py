"""The sources list of a full assessment: 50 sources a page, a GET filter kept in the page links, and every
redirect to a source's row landing on the page that holds it, all within the user's clearance."""

import re

import pytest
from django.urls import reverse

from soma.evidence import services as evidence_services
from soma.evidence.models import Source
from tests.fixtures import team_assessment

SOURCES = 300


def title(n: int) -> str:
    return f"Demoland source {n:03d}"


@pytest.fixture
def full(catalog, team, settings, tmp_path):
    """300 sources titled in list order (source n is the n-th row for the lead); every 5th is confidential,
    every 3rd is statistics graded A, every 10th is by the Ombudsman; the rest public legislation graded C."""
    settings.MEDIA_ROOT = tmp_path / "files"
    assessment = team_assessment(team, scope=["V.C"])
    Source.objects.bulk_create(
        Source(assessment=assessment, title=title(n), added_by=team["lead"],
               kind="statistics" if n % 3 == 0 else "legislation",
               reliability="A" if n % 3 == 0 else "C",
               author="Demoland Ombudsman" if n % 10 == 0 else "Ministry of Justice",
               classification="confidential" if n % 5 == 0 else "public")
        for n in range(1, SOURCES + 1)
    )
    return assessment


def listing(client, assessment, **query) -> str:
    response = client.get(reverse("evidence:list", args=[assessment.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> list[str]:
    """The titles of the table's rows, in order."""
    return re.findall(r'<tr id="source-\d+">\s*<th scope="row">\s*([^<\n]+?)\s*<', html)


def source(assessment, n: int) -> Source:
    return Source.objects.get(assessment=assessment, title=title(n))


def test_page_two_shows_sources_51_to_100_with_page_links_at_top_and_bottom(client, full, team):
    client.force_login(team["lead"])
    html = listing(client, full, page=2)
    assert "Showing 51-100 of 300" in html
    assert rows(html) == [title(n) for n in range(51, 101)]
    assert 'aria-label="Sources pages, top"' in html and 'aria-label="Sources pages, bottom"' in html
    assert html.count('href="?page=3"') == 4  # "3" and "Next" in each navigation
    assert html.count('href="?page=2" aria-current="page"') == 2
    assert 'rel="prev" href="?page=1"' in html
    assert rows(listing(client, full)) == [title(n) for n in range(1, 51)]
    assert rows(listing(client, full, page=99)) == [title(n) for n in range(251, 301)]  # past the end: the last
    assert rows(listing(client, full, page="x")) == [title(n) for n in range(1, 51)]


def test_the_filter_narrows_and_the_page_links_keep_it(client, full, team):
    client.force_login(team["lead"])
    html = listing(client, full, q="ombudsman")
    assert rows(html) == [title(n) for n in range(10, 301, 10)] and "Showing 1-30 of 30" in html
    assert 'value="ombudsman"' in html and "Clear filters" in html
    assert "Sources pages" not in html  # one page: no page links
    html = listing(client, full, q="source 01")  # in the title
    assert rows(html) == [title(n) for n in range(10, 20)]
    statistics = listing(client, full, kind="statistics", reliability="A")
    assert rows(statistics) == [title(n) for n in range(3, 151, 3)] and "Showing 1-50 of 100" in statistics
    assert 'href="?kind=statistics&amp;reliability=A&amp;page=2"' in statistics
    assert '<option value="statistics" selected>' in statistics
    second = listing(client, full, kind="statistics", reliability="A", page=2)
    assert rows(second) == [title(n) for n in range(153, 301, 3)] and "Showing 51-100 of 100" in second
    none = listing(client, full, q="no such words")
    assert rows(none) == [] and "No source matches the filter." in none
    # A value no form offers narrows nothing rather than failing.
    assert "Showing 1-50 of 300" in listing(client, full, kind="poetry")


def test_editing_source_120_lands_on_page_3_at_its_row(client, full, team):
    client.force_login(team["lead"])
    edited = source(full, 120)
    row = reverse("evidence:list", args=[full.pk]) + f"?page=3#source-{edited.pk}"
    # Cancel on its form and Keep it on its deletion page go back to the same row.
    form = client.get(reverse("evidence:edit", args=[full.pk, edited.pk])).content.decode()
    assert f'<a href="{row}">Cancel</a>' in form
    keep = client.get(reverse("evidence:delete", args=[full.pk, edited.pk])).content.decode()
    assert f'href="{row}">Keep it</a>' in keep
    response = client.post(reverse("evidence:edit", args=[full.pk, edited.pk]), {
        "title": edited.title, "kind": "legislation", "date": "", "author": "", "link": "", "reliability": "B",
        "credibility": "2", "classification": "confidential", "notes": ""})
    assert response.status_code == 302
    assert response["Location"] == row
    page = client.get(response["Location"]).content.decode()
    assert f'<tr id="source-{edited.pk}">' in page and "Showing 101-150 of 300" in page


def test_add_confirm_and_restore_land_on_the_page_holding_the_source(client, full, team):
    client.force_login(team["lead"])
    response = client.post(reverse("evidence:add", args=[full.pk]), {
        "title": "Demoland source 075a", "kind": "media", "date": "", "author": "", "link": "", "reliability": "F",
        "credibility": "6", "classification": "public", "notes": ""})
    added = Source.objects.get(title="Demoland source 075a")
    assert response["Location"].endswith(f"?page=2#source-{added.pk}")  # the 76th row
    carried = source(full, 7)
    Source.objects.filter(pk=carried.pk).update(carried_over=True, confirmed=False)
    response = client.post(reverse("evidence:confirm", args=[full.pk, carried.pk]))
    assert response["Location"] == reverse("evidence:list", args=[full.pk]) + f"#source-{carried.pk}"
    restored = source(full, 260)
    evidence_services.delete_source(team["lead"], full, restored)
    response = client.post(reverse("evidence:restore", args=[full.pk, restored.pk]))
    assert response["Location"].endswith(f"?page=6#source-{restored.pk}")  # 261st of 301 with the added one


def test_the_page_of_a_redirect_counts_only_the_sources_the_user_sees(client, full, team):
    client.force_login(team["assessor"])  # cleared for restricted: the 24 confidential ones before 121 are unlisted
    edited = source(full, 121)
    response = client.post(reverse("evidence:edit", args=[full.pk, edited.pk]), {
        "title": edited.title, "kind": "legislation", "date": "", "author": "", "link": "", "reliability": "B",
        "credibility": "2", "classification": "public", "notes": ""})
    assert response["Location"].endswith(f"?page=2#source-{edited.pk}")  # the 97th row the assessor sees
    assert f'<tr id="source-{edited.pk}">' in client.get(response["Location"]).content.decode()


def test_an_observer_sees_only_cleared_sources_and_counts_per_page_honour_clearance(client, full, team):
    client.force_login(team["observer"])  # cleared for public: 240 of the 300
    public = [title(n) for n in range(1, SOURCES + 1) if n % 5]
    first = listing(client, full)
    assert rows(first) == public[:50] and "Showing 1-50 of 240" in first
    last = listing(client, full, page=5)
    assert rows(last) == public[200:] and "Showing 201-240 of 240" in last
    assert 'href="?page=6"' not in last and "Next" not in last
    assert "Demoland source 005" not in first + last and "Edit" not in first
    filtered = listing(client, full, q="ombudsman")  # every 10th is also every 5th: all confidential
    assert rows(filtered) == [] and "No source matches the filter." in filtered
    client.force_login(team["reviewer"])  # cleared for confidential
    assert "Showing 251-300 of 300" in listing(client, full, page=6)

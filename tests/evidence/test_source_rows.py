"""The sources list's rows as soma/evidence/templatetags/source_rows.py writes them: every value escaped, each
optional part (author, date, file, link, carried over, citations) shown when it should be, actions for editors."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from soma.evidence.models import Citation, Source
from soma.findings.models import Finding
from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def row_of(html: str, source: Source) -> str:
    found = re.search(rf'<tr id="source-{source.pk}">(.*?)</tr>', html, re.S)
    assert found, f"no row for source {source.pk}"
    return found.group(1)


@pytest.fixture
def sources(assessment, team):
    lead = team["lead"]
    plain = Source.objects.create(assessment=assessment, title='Demoland <script>alert("x")</script> & Co',
                                  author="", kind="legislation", reliability="B", credibility="2", added_by=lead)
    full = Source.objects.create(
        assessment=assessment, title="Demoland Penal Code", author="Ministry of Justice of Demoland",
        kind="legislation", reliability="A", credibility="1", date=datetime.date(2024, 3, 5),
        file="sources/code.pdf", file_name="code <v2>.pdf", file_size=2048,
        link="https://example.org/demoland?code=1&v=2", added_by=lead,
    )
    carried = Source.objects.create(assessment=assessment, title="Demoland report 2020", kind="report",
                                    carried_over=True, confirmed=False, added_by=lead, link="https://example.org/r")
    finding = Finding.objects.create(assessment=assessment, kind="gap", title="Demoland gap", created_by=lead)
    Citation.objects.create(assessment=assessment, source=full, finding=finding, pinpoint="art. 3")
    Citation.objects.create(assessment=assessment, source=full, finding=finding, pinpoint="art. 4")
    return {"plain": plain, "full": full, "carried": carried}


def page(client, user, assessment) -> str:
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("evidence:list", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_values_are_escaped_and_missing_parts_are_dashes(client, team, assessment, sources):
    row = row_of(page(client, team["lead"], assessment), sources["plain"])
    assert "<script>" not in row
    assert "Demoland &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in row
    assert "source-author" not in row and "<time" not in row
    assert row.count("<td>—</td>") == 2  # no date, no file or link
    assert '<span class="grade" title="B — usually reliable; 2 — probably true">B2</span>' in row
    assert "cited" not in row


def test_a_full_row_has_its_date_file_link_and_citations(client, team, assessment, sources):
    row = row_of(page(client, team["lead"], assessment), sources["full"])
    assert '<span class="source-author">Ministry of Justice of Demoland</span>' in row
    assert '<time datetime="2024-03-05">' in row
    download = reverse("evidence:download", args=[assessment.pk, sources["full"].pk])
    assert f'<a href="{download}" download>code &lt;v2&gt;.pdf</a> <span class="help">(2.0\xa0KB)</span>' in row
    assert ('<br><a href="https://example.org/demoland?code=1&amp;v=2" rel="noopener noreferrer nofollow" '
            'target="_blank">Link</a>') in row
    assert '<span class="help">cited 2 times</span>' in row
    edit = reverse("evidence:edit", args=[assessment.pk, sources["full"].pk])
    assert f'<a class="button" href="{edit}">Edit<span class="visually-hidden"> Demoland Penal Code</span></a>' in row


def test_a_carried_over_source_offers_confirmation_with_the_form_token(client, team, assessment, sources):
    row = row_of(page(client, team["lead"], assessment), sources["carried"])
    assert "badge-carried" in row
    confirm = reverse("evidence:confirm", args=[assessment.pk, sources["carried"].pk])
    assert f'<form method="post" action="{confirm}" class="inline-form">' in row
    assert re.search(r'<input type="hidden" name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}">', row)
    assert "<br>" not in row  # a link without a file


def test_an_observer_gets_no_actions(client, team, assessment, sources):
    html = page(client, team["observer"], assessment)
    assert "row-actions" not in html
    assert "badge-carried" in row_of(html, sources["carried"])  # still told it is carried over


def test_the_rows_are_in_french_for_a_french_reader(client, team, assessment, sources):
    client.login(username=team["lead"].username, password=PASSWORD)
    html = client.get(reverse("evidence:list", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    row = row_of(html, sources["full"])
    assert "Modifier" in row and "mars 2024" in row

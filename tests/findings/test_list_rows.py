"""The findings list's cards and the overview's rows as the Python row writers give them (finding_cards.py,
overview_rows.py): values escaped, optional parts shown when they should be, subsections in guide order."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from soma.evidence.models import Citation, Source
from soma.findings.models import Finding, Response
from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def page(client, user, url, **headers) -> str:
    client.login(username=user.username, password=PASSWORD)
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def card_of(html: str, finding: Finding) -> str:
    found = re.search(rf'<li class="record card" id="finding-{finding.pk}">(.*?)</li>', html, re.S)
    assert found, f"no card for finding {finding.pk}"
    return found.group(1)


@pytest.fixture
def findings(assessment, team):
    lead = team["lead"]
    answer = Response.objects.create(assessment=assessment, question="guide:V.C:q01", narrative="Yes.",
                                     updated_by=lead)
    source = Source.objects.create(assessment=assessment, title="Demoland statistics", added_by=lead)
    cited = Finding.objects.create(
        assessment=assessment, kind="gap", title='Border <b>police</b> & "courts"', subsection="guide:V.C",
        text="First line.\n\nSecond <i>paragraph</i>.", provisions=["protocol:art6.1"], created_by=lead,
    )
    cited.responses.add(answer)
    Citation.objects.create(assessment=assessment, source=source, finding=cited, pinpoint="p. 3")
    restricted = Finding.objects.create(assessment=assessment, kind="observation", title="Demoland restricted",
                                        subsection="guide:I.A", classification="restricted", created_by=lead)
    loose = Finding.objects.create(assessment=assessment, kind="good_practice", title="Demoland elsewhere",
                                   subsection="guide:II.A", created_by=lead)  # a subsection out of scope
    untied = Finding.objects.create(assessment=assessment, kind="observation", title="Demoland untied",
                                    created_by=lead)
    return {"cited": cited, "restricted": restricted, "loose": loose, "untied": untied}


def test_a_card_escapes_its_values_and_shows_its_links(client, team, assessment, findings):
    html = page(client, team["lead"], reverse("findings:findings", args=[assessment.pk]))
    card = card_of(html, findings["cited"])
    assert "<b>" not in card and "<i>" not in card
    assert '<strong class="record-title">Border &lt;b&gt;police&lt;/b&gt; &amp; &quot;courts&quot;</strong>' in card
    assert ('<div class="record-text"><p>First line.</p>\n\n<p>Second &lt;i&gt;paragraph&lt;/i&gt;.</p></div>'
            in card)
    assert f'<a href="{reverse("catalog:item", args=["protocol:art6.1"])}">Article 6(1)</a>' in card
    assert "<dt>Answers</dt><dd>guide:V.C:q01</dd>" in card
    assert "<dt>Citations</dt><dd>1</dd>" in card
    assert "badge classification-" not in card  # public: no badge
    edit = reverse("findings:finding_edit", args=[assessment.pk, findings["cited"].pk])
    assert f'<a href="{edit}">Edit<span class="visually-hidden"> Border &lt;b&gt;police' in card


def test_a_restricted_card_is_marked_and_a_bare_card_has_no_empty_parts(client, team, assessment, findings):
    html = page(client, team["lead"], reverse("findings:findings", args=[assessment.pk]))
    card = card_of(html, findings["restricted"])
    assert '<span class="badge classification-restricted">Restricted</span>' in card
    assert "record-text" not in card and "<dt>Answers</dt>" not in card and "Protocol provisions" not in card
    assert "<dt>Citations</dt><dd>0</dd>" in card


def test_subsections_in_guide_order_then_those_out_of_scope_then_untied(client, team, assessment, findings):
    html = page(client, team["lead"], reverse("findings:findings", args=[assessment.pk]))
    order = [html.index(f'id="finding-{findings[name].pk}"') for name in ("restricted", "cited", "untied", "loose")]
    # I.A and V.C are in scope, in guide order; then the rest by key: "" (untied) before "guide:II.A".
    assert order == sorted(order)
    assert "Not tied to a subsection" in html


def test_readers_see_no_edit_links_and_nothing_above_their_clearance(client, team, assessment, findings):
    html = page(client, team["observer"], reverse("findings:findings", args=[assessment.pk]))
    assert "finding_edit" not in html and "/edit/" not in html
    assert f'id="finding-{findings["restricted"].pk}"' not in html
    assert "Edit<span" not in card_of(html, findings["cited"])


def test_the_cards_are_in_french_for_a_french_reader(client, team, assessment, findings):
    html = page(client, team["lead"], reverse("findings:findings", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    card = card_of(html, findings["restricted"])
    assert '<span class="badge classification-restricted">Diffusion restreinte</span>' in card
    assert ">Modifier<" in card


def test_overview_rows_escape_and_link(client, team, assessment, findings):
    html = page(client, team["lead"], reverse("findings:overview", args=[assessment.pk]))
    row = re.search(r'<tr data-subsection="guide:V.C">(.*?)</tr>', html, re.S).group(1)
    assert f'<a href="{reverse("catalog:item", args=["guide:V.C"])}">V.C</a>' in row
    assert row.count('class="gap gap-') == 2
    provisions = re.findall(r'<tr data-provision="([^"]+)" data-obligation="([a-z]*)">', html)
    assert provisions and all(obligation in ("mandatory", "optional", "") for _key, obligation in provisions)
    assert '<tr data-section="V">' in html and '<tr data-section="total">' in html


def test_overview_progress_is_said_in_the_readers_language(client, team, assessment, findings):
    html = page(client, team["lead"], reverse("findings:overview", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    total = re.search(r'<tr data-section="total">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'data-answered="1">1 sur \d+ \(\d+\xa0?\s?%\)</span>', total), total

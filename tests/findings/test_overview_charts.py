"""The overview's charts: the counts behind them (soma/findings/overview_charts.py) and the chart tables on the
page (soma/findings/templatetags/chart_tables.py): captions, headings, bar lengths as size-<percent> classes that
the stylesheet turns into Charts.css's --size, the same SQL queries for a small and a bigger assessment."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soma.findings import selectors
from soma.findings.overview_charts import STATUSES, progress_bars, share, status_bars
from soma.kernel.clearance import seen_by
from soma.responses import services as response_services

CHARTS_CSS = Path(__file__).resolve().parents[2] / "soma" / "static" / "soma" / "charts.css"


def answer(user, assessment, key, de_jure, de_facto, **kwargs):
    return response_services.save_response(user, assessment, key, expected_version=0, narrative="Demoland says so.",
                                           de_jure=de_jure, de_facto=de_facto, **kwargs)


@pytest.fixture
def answered(assessment, team):
    """Section I: I.A in place de jure (both answers), partly de facto (they differ); I.B not in place / unknown.
    V.C unanswered."""
    lead = team["lead"]
    answer(lead, assessment, "guide:I.A:q01", "in_place", "partly")
    answer(lead, assessment, "guide:I.A:q02", "in_place", "not_in_place")
    answer(lead, assessment, "guide:I.B:q01", "not_in_place", "unknown")
    return assessment


def test_share_is_whole_percent_rounded_down_and_never_over_the_row():
    assert [share(0, 7), share(1, 3), share(2, 3), share(3, 3), share(5, 0), share(9, 4)] == [0, 33, 66, 100, 0, 100]
    assert sum(share(1, 3) for _ in range(3)) <= 100


def test_status_counts_per_section(answered, team):
    view = selectors.overview(seen_by(team["lead"], answered))
    by_code = {row.code: row for row in view.gap_map}
    in_section_i = [row for row in view.gap_map if row.section == "I"]
    assert by_code["V.C"].section == "V"
    de_jure = {bar.code: dict(bar.counts) for bar in status_bars(view, "de_jure")}
    de_facto = {bar.code: dict(bar.counts) for bar in status_bars(view, "de_facto")}
    assert list(de_jure) == ["I", "V"]
    assert list(de_jure["I"]) == list(STATUSES)
    assert de_jure["I"]["in_place"] == 1 and de_jure["I"]["not_in_place"] == 1
    assert de_jure["I"]["unknown"] == len(in_section_i) - 2
    assert sum(de_jure["I"].values()) == len(in_section_i)
    assert de_facto["I"]["partly"] == 1 and de_facto["I"]["in_place"] == 0
    assert de_facto["I"]["unknown"] == len(in_section_i) - 1
    assert de_jure["V"] == {**dict.fromkeys(STATUSES, 0), "unknown": 1}


def test_progress_bars_per_section_then_all(answered, team):
    view = selectors.overview(seen_by(team["lead"], answered))
    bars = progress_bars(view)
    assert [bar.code for bar in bars] == ["I", "V", "total"]
    first = bars[0]
    assert (first.answered, first.reviewed, first.cited) == (3, 0, 0)
    assert first.sizes() == (300 // first.questions, 0, 0)
    assert bars[-1].questions == sum(bar.questions for bar in bars[:-1])


def overview_html(client, user, assessment):
    client.force_login(user)
    response = client.get(reverse("findings:overview", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_page_has_the_chart_tables_with_captions_and_sizes(client, answered, team):
    html = overview_html(client, team["lead"], answered)
    view = selectors.overview(seen_by(team["lead"], answered))
    questions = view.sections[0].questions

    progress = re.search(r'<table class="[^"]*progress-chart" role="table"[^>]*>(.*?)</table>', html, re.S).group(1)
    assert "<caption>Questions answered, reviewed and cited in each guide section</caption>" in progress
    row = re.search(r'<tr data-chart-section="I" role="row">(.*?)</tr>', progress, re.S).group(1)
    assert f'<td class="bar-answered size-{300 // questions}" role="cell"><span class="data">3 of {questions} (' in row
    assert '<td class="bar-reviewed size-0" role="cell"><span class="data">0 of' in row
    assert ('<tr data-chart-section="total" role="row"><th scope="row" role="rowheader">All sections in scope</th>'
            in progress)

    de_jure = re.search(r'<table class="[^"]*gap-chart" data-chart="de_jure"[^>]*>(.*?)</table>', html, re.S).group(1)
    assert "<caption>De jure status of the subsections in scope, by section</caption>" in de_jure
    headings = re.findall(r'<th scope="col" role="columnheader">([^<]+)</th>', de_jure)
    assert headings == ["Section", "In place", "Partly in place", "Not in place", "Unknown", "Not applicable"]
    in_section = len([row for row in view.gap_map if row.section == "I"])
    cells = re.findall(r'<td class="status-([a-z_]+) size-(\d+)( zero)?" role="cell">'
                       r'<span class="data">(\d+)</span></td>',
                       re.search(r'<tr data-chart-section="I" role="row">(.*?)</tr>', de_jure, re.S).group(1))
    assert [(status, int(size), int(count)) for status, size, _zero, count in cells] == [
        ("in_place", 100 // in_section, 1), ("partly", 0, 0), ("not_in_place", 100 // in_section, 1),
        ("unknown", 100 * (in_section - 2) // in_section, in_section - 2), ("not_applicable", 0, 0),
    ]
    assert [zero for *_rest, zero, _count in cells] == ["", " zero", "", "", " zero"]
    assert 'data-chart="de_facto"' in html
    # The detailed gap map stays below the charts; the charts come with their stylesheet, served from here.
    assert html.index('data-chart="de_facto"') < html.index('class="data-table gap-map"')
    assert "soma/charts.css" in html


def test_stylesheet_brings_charts_css_in_a_layer_below_its_own_rules():
    css = CHARTS_CSS.read_text()
    assert '@import url("../vendor/charts.css/charts.min.css") layer(charts);' in css
    assert (CHARTS_CSS.parent.parent / "vendor" / "charts.css" / "charts.min.css").is_file()


def test_every_size_class_has_its_size_in_the_stylesheet():
    css = CHARTS_CSS.read_text()
    for percent in (0, 1, 33, 66, 100):
        assert f".soma-chart .size-{percent} {{ --size: {percent / 100:g}; }}" in css


def test_chart_tables_in_arabic(client, answered, team):
    client.cookies["django_language"] = "ar"
    html = overview_html(client, team["lead"], answered)
    assert 'dir="rtl"' in html
    assert html.count('class="charts-css bar') == 3
    # The captions and headings in Arabic (the titles a screen reader reads first).
    assert "<caption>الوضع بحكم القانون للأقسام الفرعية الواقعة ضمن النطاق، حسب القسم</caption>" in html
    assert "<caption>الوضع بحكم الواقع للأقسام الفرعية الواقعة ضمن النطاق، حسب القسم</caption>" in html
    assert '<th scope="row" role="rowheader">جميع الأقسام الواقعة ضمن النطاق</th>' in html


def test_overview_queries_do_not_grow_with_the_assessment(client, assessment, team):
    lead = team["lead"]
    client.force_login(lead)
    url = reverse("findings:overview", args=[assessment.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    answer(lead, assessment, "guide:I.A:q01", "in_place", "partly")
    small = count()
    for key, status in (("guide:I.A:q02", "partly"), ("guide:I.B:q01", "not_in_place"),
                        ("guide:I.B:q02", "in_place"), ("guide:V.C:q01", "not_applicable")):
        answer(lead, assessment, key, status, status)
    assert count() == small

"""One unambiguous way to write a date per language (soma/core/formats): day, month by name, year; never 12/04/2026.
Machine-readable dates stay ISO 8601."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from soma.assessments import services
from soma.evidence import services as evidence
from soma.reports import services as reports

SOMA = Path(__file__).resolve().parents[2] / "soma"
NAMED = {"DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT",
         "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT"}
MACHINE = {"c"}  # ISO 8601, for <time datetime> and the like
MOMENT = datetime(2026, 12, 4, 14, 5, tzinfo=UTC)
EXPECTED = {
    "en": ("4 December 2026", "4 Dec 2026", "4 December 2026, 14:05", "4 Dec 2026, 14:05", "14:05"),
    "fr": ("4 décembre 2026", "4 décembre 2026", "4 décembre 2026, 14:05", "4 décembre 2026, 14:05", "14:05"),
    "ar": ("4 ديسمبر 2026", "4 ديسمبر 2026", "4 ديسمبر 2026، 14:05", "4 ديسمبر 2026، 14:05", "14:05"),
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_each_language_writes_a_date_one_way(language, settings):
    settings.TIME_ZONE = "UTC"
    with translation.override(language):
        written = tuple(formats.date_format(MOMENT, name) for name in
                        ("DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"))
        assert (*written, formats.time_format(MOMENT, "TIME_FORMAT")) == EXPECTED[language]


def test_every_offered_language_has_its_formats(settings):
    for code, _name in settings.LANGUAGES:
        assert (SOMA / "core" / "formats" / code / "formats.py").is_file(), code


def _templates():
    for folder in ("templates", "jinja2"):
        yield from SOMA.glob(f"**/{folder}/**/*.html")
        yield from SOMA.glob(f"**/{folder}/**/*.txt")


def test_no_template_writes_its_own_date_format():
    """`|date:"j M Y"` and the like bypass the language's format: templates name one (or "c", ISO, for
    machines)."""
    pattern = re.compile(r"\|\s*(?:date|time)\s*[:(]\s*[\"']([^\"']*)[\"']")
    found = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [f"{path.relative_to(SOMA)}:{number}: {fmt}" for fmt in pattern.findall(line)
                      if fmt not in NAMED | MACHINE]
    assert not found, "Use a named format (DATE_FORMAT, SHORT_DATETIME_FORMAT...):\n" + "\n".join(found)


def test_no_display_helper_formats_dates_by_hand():
    """Template tags and the Jinja2 environment format dates through django.utils.formats, not strftime."""
    pattern = re.compile(r"strftime\(|\{[^{}\"']*:%[a-zA-Z]|dateformat\.format\(")
    helpers = [*SOMA.glob("**/templatetags/*.py"), SOMA / "responses" / "jinja.py"]
    found = [f"{path.relative_to(SOMA)}:{number}" for path in helpers
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not found, found
    named = re.compile(r"(?:date_filter|date_format|time_format|defaultfilters\.date)\([^)]*?,\s*[\"']([^\"']+)[\"']")
    found = [f"{path.relative_to(SOMA)}:{number}: {fmt}" for path in SOMA.glob("**/*.py")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for fmt in named.findall(line) if fmt not in NAMED | MACHINE]
    assert not found, found


def _page(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("language", "day", "short_day"), [("en", "4 December 2026", "4 Dec 2026"),
                                                           ("fr", "4 décembre 2026", "4 décembre 2026")])
def test_pages_write_dates_in_the_language(client, assessment, team, language, day, short_day):
    lead = team["lead"]
    evidence.save_source(lead, assessment, title="Demoland Border Code", kind="legislation", date=date(2026, 12, 4),
                         reliability="A", credibility="1", classification="public")
    services.save_activity(lead, assessment, kind="interview", title="Harbour master of Port Azur",
                           date=date(2026, 12, 4), classification="public")
    report = reports.issue_report(lead, assessment, "public")
    client.force_login(lead)

    sources = _page(client, reverse("evidence:list", args=[assessment.pk]), language)
    assert f'<time datetime="2026-12-04">{short_day}</time>' in sources  # ISO for machines, words for people
    activities = _page(client, reverse("assessments:activities", args=[assessment.pk]), language)
    assert day in activities
    issued = _page(client, reverse("reports:index", args=[assessment.pk]), language)
    with translation.override(language):
        assert formats.date_format(timezone.localtime(report.issued_at), "SHORT_DATETIME_FORMAT") in issued
    for page in (sources, activities, issued):
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", page)  # no 12/04/2026
        assert not re.search(r"\b(a\.m\.|p\.m\.)", page)


@pytest.mark.parametrize(("language", "day"), [("en", "4 December 2026"), ("fr", "4 décembre 2026")])
def test_the_report_writes_dates_in_its_language(assessment, team, language, day):
    """The composed report keeps ISO dates (its content hash covers them); the page writes them in words."""
    from soma.reports import composer
    from soma.reports.render_html import render_html

    lead = team["lead"]
    evidence.save_source(lead, assessment, title="Demoland Border Code", kind="legislation", date=date(2026, 12, 4),
                         classification="public")
    services.save_activity(lead, assessment, kind="site_visit", title="Karst Gate crossing", date=date(2026, 12, 4),
                           classification="public")
    services.update_plan(lead, assessment, expected_version=assessment.version, start_date="2026-12-04")
    snapshot = composer.compose(lead, assessment, "public", language=language)
    assert snapshot["annex_sources"][0]["date"] == "2026-12-04"
    html = render_html(snapshot, figures={})
    assert html.count(day) >= 3  # time frame, sources and activities annexes
    assert "2026-12-04<" not in html and "2026-12-04 " not in html

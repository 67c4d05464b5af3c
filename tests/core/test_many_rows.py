"""The template helpers that pages with many rows use instead of Django's per-row tags say exactly what those tags
said: the same labels, URLs and dates, in every language."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from soma.assessments.templatetags.assessment_tabs import TABS, assessment_tabs
from soma.core.templatetags.many_rows import choice_label, fill, url_pattern
from soma.evidence.models import Source
from soma.evidence.templatetags.source_rows import cited_times
from soma.findings.models import Response
from soma.responses.templatetags.answer_cards import last_saved

LANGUAGES = ["en", "fr", "ar"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_choice_label_is_get_display_in_each_language(language):
    with translation.override(language):
        for kind in Source.Kind.values:
            source = Source(kind=kind, reliability="B", credibility="2", classification="restricted")
            assert choice_label(source, "kind") == source.get_kind_display()
            assert choice_label(source, "reliability") == source.get_reliability_display()
            assert choice_label(source, "classification") == source.get_classification_display()
        answer = Response(de_jure="partly", de_facto="not_applicable")
        assert choice_label(answer, "de_jure") == answer.get_de_jure_display()
        assert choice_label(answer, "de_facto") == answer.get_de_facto_display()


def test_choice_label_of_a_value_outside_the_choices_is_the_value():
    assert choice_label(Source(kind="no-such-kind"), "kind") == "no-such-kind"
    assert choice_label(Source(date=None), "date") is None


@pytest.mark.parametrize("key", ["guide:V.C:q01", "protocol:art6.1", "a key/with spaces & ünïcode?", "12"])
def test_filled_pattern_is_the_reversed_url(key):
    assert fill(url_pattern("catalog:item"), key) == reverse("catalog:item", args=[key])
    assert fill(url_pattern("evidence:edit", 987654321), 12) == reverse("evidence:edit", args=[987654321, 12])


@pytest.mark.parametrize("count", [1, 2, 300])
@pytest.mark.parametrize("language", LANGUAGES)
def test_cited_times_is_the_blocktranslate_it_replaced(language, count):
    template = Template("{% load i18n %}{% blocktranslate count counter=n trimmed %}cited once{% plural %}"
                        "cited {{ counter }} times{% endblocktranslate %}")
    with translation.override(language):
        assert cited_times(count) == template.render(Context({"n": count}))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/Bogota"])
def test_last_saved_is_the_date_filter_it_replaced(language, zone):
    template = Template('{% load i18n %}{% blocktranslate with time=when|date:"SHORT_DATETIME_FORMAT" %}'
                        "Last saved {{ time }}{% endblocktranslate %}")
    with translation.override(language), timezone.override(zone):
        for when in (datetime(2026, 12, 4, 21, 27, tzinfo=UTC), datetime(2026, 1, 31, 23, 59, tzinfo=UTC)):
            assert last_saved(when) == template.render(Context({"when": when}))


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_tabs_are_the_reversed_urls_and_names_of_the_language(language):
    class Assessment:
        pk = 41

    with translation.override(language):
        tabs = assessment_tabs(Assessment())
        assert [(tab, url, label) for tab, url, label in tabs] == [
            (tab, reverse(name, args=[41]), str(label)) for tab, name, label in TABS
        ]

"""The tabs of an assessment's pages: their links and names worked out once per assessment and language (twelve
{% url %} and {% translate %} tags on every page of an assessment cost about a third of the framework's floor)."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.db.models import Model
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

TABS = (
    ("plan", "assessments:detail", _("Plan")),
    ("overview", "findings:overview", _("Overview")),
    ("team", "assessments:team", _("Team")),
    ("institutions", "assessments:institutions", _("Stakeholders")),
    ("activities", "assessments:activities", _("Activities")),
    ("sources", "evidence:list", _("Sources")),
    ("questions", "responses:index", _("Questions")),
    ("findings", "findings:findings", _("Findings")),
    ("recommendations", "findings:recommendations", _("Recommendations")),
    ("reports", "reports:index", _("Reports")),
    ("exchange", "exchange:index", _("Exchange")),
    ("history", "assessments:history", _("History")),
)


@lru_cache(maxsize=1024)
def _tabs(pk: int, language: str | None, prefix: str, urlconf: str) -> tuple[tuple[str, str, str], ...]:
    return tuple((tab, reverse(name, args=[pk], urlconf=urlconf), str(label)) for tab, name, label in TABS)


def _forget(**kwargs: object) -> None:
    _tabs.cache_clear()
    _tab_names.cache_clear()  # a test that changes the URL configuration or languages


setting_changed.connect(_forget)


@lru_cache(maxsize=64)
def _tab_names(language: str | None) -> dict[str, str]:
    return {tab: str(label) for tab, _name, label in TABS}


@register.simple_tag
def tab_name(tab: str) -> str:
    """The name of a tab as the tab bar shows it ("" for none): the start of its pages' titles."""
    return _tab_names(get_language()).get(tab, "")


@register.simple_tag
def assessment_tabs(assessment: Model) -> tuple[tuple[str, str, str], ...]:
    """(tab, URL, name) of each tab of this assessment's pages, in order."""
    return _tabs(assessment.pk, get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)

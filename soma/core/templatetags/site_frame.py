"""The site's header, worked out once per language or URL configuration instead of on every page: the language
menu's options and the header's links (a dozen {% url %} tags and a language-info loop on each page cost about a
fifth of the framework's floor)."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info

register = template.Library()


@lru_cache(maxsize=64)
def _language_options(current: str | None) -> SafeString:
    return format_html_join(
        "\n",
        '<option value="{}" lang="{}"{}>{}</option>',
        (
            (code, code, " selected" if code == current else "", get_language_info(code)["name_local"])
            for code, _name in settings.LANGUAGES
        ),
    )


@register.simple_tag
def language_options() -> SafeString:
    """The <option> of each available language, in its own name, the current one selected."""
    return _language_options(get_language())


@lru_cache(maxsize=256)
def _site_url(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def site_url(name: str) -> str:
    """`{% site_url "home" %}`: what `{% url "home" %}` gives for a URL without arguments, reversed once."""
    return _site_url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def _forget(**kwargs: object) -> None:
    _language_options.cache_clear()  # a test that changes LANGUAGES or the URL configuration
    _site_url.cache_clear()


setting_changed.connect(_forget)

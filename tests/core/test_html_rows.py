"""html_row escapes as format_html does; the site header's cached parts follow the language and the URLs."""

from __future__ import annotations

import pytest
from django.urls import set_script_prefix
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from soma.core.html_rows import html_row
from soma.core.templatetags.site_frame import language_options, site_url


class OwnHTML:
    def __html__(self) -> str:
        return "<em>own</em>"


@pytest.mark.parametrize("value", ['<a href="x">&\'', mark_safe("<b>kept</b>"), 42, None, OwnHTML(),
                                   gettext_lazy("Sources")])
def test_html_row_escapes_like_format_html(value):
    template = '<td title="{}">{}</td>'
    assert html_row(template, value, value) == format_html(template, value, value)
    assert isinstance(html_row(template, value, value), SafeString)


def test_language_options_mark_the_current_language():
    with translation.override("fr"):
        options = language_options()
    assert '<option value="fr" lang="fr" selected>français</option>' in options
    assert '<option value="en" lang="en">English</option>' in options
    assert '<option value="ar" lang="ar">العربيّة</option>' in options
    with translation.override("en"):
        assert '<option value="en" lang="en" selected>' in language_options()


def test_site_url_follows_the_script_prefix():
    assert site_url("home") == "/"
    assert site_url("catalog:index") == "/catalog/"
    set_script_prefix("/soma/")  # served under a path: the kept URLs are not those of another prefix
    try:
        assert site_url("catalog:index") == "/soma/catalog/"
    finally:
        set_script_prefix("/")
    assert site_url("catalog:index") == "/catalog/"

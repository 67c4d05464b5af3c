"""`format_html` for pages that write many rows in Python (the sources list, the findings list, the overview).

Django's format_html escapes each value through conditional_escape, whose lazy-string wrapper checks every argument
on every call: over a page's thousand values that check cost as much as the rows themselves. `html_row` escapes
the same way (html.escape, as django.utils.html.escape does; values already marked safe stay as they are) without
the wrapper. Lazy translations are turned into text first."""

from __future__ import annotations

import html

from django.utils.functional import Promise
from django.utils.safestring import SafeData, SafeString


def escaped(value: object) -> str:
    """The value as HTML text: unchanged when marked safe, else escaped as django.utils.html.escape does."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):  # as conditional_escape: an object that writes its own HTML
        return str(value.__html__())
    return html.escape(str(value))


def html_row(template: str, *values: object) -> SafeString:
    """`template` (a str.format pattern of HTML) with each value escaped, marked safe."""
    return SafeString(template.format(*[escaped(value) for value in values]))

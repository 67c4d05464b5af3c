"""Filters for the report templates."""

import unicodedata

from django import template

register = template.Library()


@register.filter
def text_dir(text) -> str:
    """ "rtl" when the text's first strong character is right-to-left (Arabic, Hebrew), else "ltr"; set as the
    `dir` of each block of user text so that a right-to-left paragraph in a left-to-right report (or the other
    way round) lines up and orders correctly, in browsers and in WeasyPrint alike (neither reads dir="auto"
    the same way)."""
    for ch in str(text or ""):
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, "")

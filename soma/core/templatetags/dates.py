"""`iso_date`: an ISO 8601 date or date-time kept as text (a composed report, a bundle) written as the language
writes a date (its DATE_FORMAT, soma/core/formats): "2026-12-04" becomes "4 December 2026", "4 décembre 2026"."""

import datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def iso_date(value: object) -> str:
    """The day of an ISO date or date-time in the language's DATE_FORMAT; "" for none, the text itself when it is
    not a date."""
    text = str(value or "")
    if not text:
        return ""
    try:
        day = datetime.date.fromisoformat(text[:10])
    except ValueError:
        return text
    return formats.date_format(day, "DATE_FORMAT")

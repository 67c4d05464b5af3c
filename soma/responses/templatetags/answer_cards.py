"""What an answer card shows that Django's tags make costly thirty times a page."""

from datetime import date, datetime, time
from functools import lru_cache

from django import template
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@lru_cache(maxsize=16)
def _separator(language: str | None) -> str | None:
    """What SHORT_DATETIME_FORMAT puts between SHORT_DATE_FORMAT and TIME_FORMAT (", " for "j M Y, H:i"), or
    None when the language's format is not built so."""
    whole, day, hour = (str(formats.get_format(name)) for name in
                        ("SHORT_DATETIME_FORMAT", "SHORT_DATE_FORMAT", "TIME_FORMAT"))
    if not (whole.startswith(day) and whole.endswith(hour) and len(whole) >= len(day) + len(hour)):
        return None
    between = whole[len(day):len(whole) - len(hour)]
    return None if any(ch.isalnum() or ch == "\\" for ch in between) else between


@lru_cache(maxsize=512)
def _day(day: date, language: str | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@lru_cache(maxsize=2048)
def _clock(hour: int, minute: int, language: str | None) -> str:
    return formats.time_format(time(hour, minute), "TIME_FORMAT")


@register.filter
def last_saved(when: datetime) -> SafeString:
    """"Last saved 4 Dec 2026, 21:27" (the language's SHORT_DATETIME_FORMAT, soma/core/formats), as
    `{% blocktranslate with time=when|date:"SHORT_DATETIME_FORMAT" %}` says it: the date filter with a translated
    month costs more than the rest of a card's line, and most answers of a page were saved on a few days, so each
    day is formatted once (per language), and each time of day."""
    local = timezone.localtime(when) if timezone.is_aware(when) else when
    language = get_language()
    between = _separator(language)
    if between is None:
        written = formats.date_format(local.replace(tzinfo=None), "SHORT_DATETIME_FORMAT")
    else:
        written = f"{_day(local.date(), language)}{between}{_clock(local.hour, local.minute, language)}"
    time_ = conditional_escape(written)
    return mark_safe(_("Last saved %(time)s") % {"time": time_})  # the translation is trusted, as blocktranslate does

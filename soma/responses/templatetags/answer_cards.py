"""What an answer card shows that Django's tags make costly thirty times a page."""

from datetime import datetime
from functools import lru_cache

from django import template
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@lru_cache(maxsize=2048)
def _minute(minute: datetime, language: str | None) -> str:
    return formats.date_format(minute, "SHORT_DATETIME_FORMAT")  # the local time, naive: the key holds no zone


@register.filter
def last_saved(when: datetime) -> SafeString:
    """"Last saved 4 Dec 2026, 21:27" (the language's SHORT_DATETIME_FORMAT, soma/core/formats), as
    `{% blocktranslate with time=when|date:"SHORT_DATETIME_FORMAT" %}` says it: the date filter with a translated
    month costs more than the rest of a card's line, and answers are saved in bursts, so each minute is formatted
    once (per language)."""
    local = timezone.localtime(when) if timezone.is_aware(when) else when
    time = conditional_escape(_minute(local.replace(second=0, microsecond=0, tzinfo=None), get_language()))
    return mark_safe(_("Last saved %(time)s") % {"time": time})  # the translation is trusted, as blocktranslate does

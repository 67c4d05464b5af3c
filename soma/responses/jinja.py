"""The Jinja2 environment of SOMA's Jinja2 templates (the second engine of settings.TEMPLATES, which finds them in
an app's `jinja2/` folder). The answer cards of the question page are Jinja2 templates: thirty-odd cards, each with
its forms and citations, cost most of that page's time in Django's template language.

What Django's tags and filters did there is here: `_` (gettext: `{{ _("Save") }}`, which makemessages also finds),
`choice_label`, `with_title` and `last_saved` (the same functions as the Django filters), `linebreaks` and `hour_minute`
(Django's `time:"TIME_FORMAT"` in the current time zone)."""

from datetime import datetime
from typing import Any

from django.template.defaultfilters import linebreaks_filter
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from jinja2 import Environment

from soma.core.templatetags.labels import with_title
from soma.core.templatetags.many_rows import choice_label
from soma.responses.templatetags.answer_cards import last_saved


def hour_minute(when: datetime | None) -> str:
    """`{{ when|hour_minute }}`: "21:27" in the current time zone and the language's TIME_FORMAT (soma/formats), as
    Django's `{{ when|time:"TIME_FORMAT" }}`."""
    if when is None:
        return ""
    return formats.time_format(timezone.localtime(when) if timezone.is_aware(when) else when, "TIME_FORMAT")


def linebreaks(text: str) -> SafeString:
    """Django's `linebreaks` filter: paragraphs and <br>, the text escaped."""
    return linebreaks_filter(text, autoescape=True)


def if_none(value: object, default: object = "") -> object:
    """Django's `default_if_none`."""
    return default if value is None else value


def environment(**options: Any) -> Environment:
    env = Environment(**options)  # noqa: S701 (autoescape is on: Django's Jinja2 backend sets it)
    env.globals.update(_=gettext, gettext=gettext)
    env.filters.update(
        choice_label=choice_label, last_saved=last_saved, linebreaks=linebreaks, hour_minute=hour_minute,
        if_none=if_none, with_title=with_title,
    )
    return env

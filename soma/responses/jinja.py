"""The Jinja2 environment of SOMA's Jinja2 templates (the second engine of settings.TEMPLATES, which finds them in
an app's `jinja2/` folder). The question page's content is Jinja2 (inside the assessment's frame, a Django
template): its thirty-odd answer cards, each with its forms and citations, cost most of that page's time in
Django's template language.

Words are written `{{ _("Save") }}`, which makemessages finds as in Django's templates. A constant `_("...")` is
translated when the template is compiled (`CompiledTranslations`): each language has its own compiled copy of a
template, so a card's twenty-odd words cost nothing when it is rendered. `_` with anything else than one string is
Django's gettext, called when rendered.

What Django's tags and filters did on the page is here: `url` (`{{ url("responses:index", assessment.pk) }}`),
`static`, `url_pattern` and `fill`, `choice_label`, `with_title` and `last_saved` (the same functions as the Django
tags and filters), `linebreaks`, `if_none` (`default_if_none`) and `hour_minute` (`time:"TIME_FORMAT"` in the
current time zone)."""

from collections.abc import Iterator, MutableMapping
from datetime import datetime
from typing import Any

import jinja2
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from soma.core.templatetags.labels import with_title
from soma.core.templatetags.many_rows import choice_label, fill, url_pattern
from soma.responses.templatetags.answer_cards import last_saved

SEPARATOR = "|"  # "fr|responses/_cards.html": a template compiled for French


def language_of(name: str | None) -> str | None:
    return name.partition(SEPARATOR)[0] if name and SEPARATOR in name else None


class Languages(jinja2.BaseLoader):
    """The loader Django's backend made, for names that start with the language they are compiled for."""

    def __init__(self, loader: jinja2.BaseLoader) -> None:
        self.loader = loader

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        return self.loader.get_source(environment, template.partition(SEPARATOR)[2] or template)

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()


class Environment(jinja2.Environment):
    """Each template is loaded and compiled once per language (the active one when it is asked for), so that
    CompiledTranslations can translate its words once."""

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:  # noqa: A002 (Jinja's name)
        if isinstance(name, str) and SEPARATOR not in name:
            language = translation.get_language() or settings.LANGUAGE_CODE
            name = f"{language}{SEPARATOR}{name}"
        return super().get_template(name, parent, globals)


class CompiledTranslations(Extension):
    """`_("Save")` (a name `_`, a parenthesis, one string, a parenthesis) becomes the string translated into the
    language the template is compiled for."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        language = language_of(stream.name)
        tokens = list(stream)
        if language is None:
            yield from tokens
            return
        with translation.override(language):
            n = 0
            while n < len(tokens):
                token = tokens[n]
                call = tokens[n:n + 4]
                if ([t.type for t in call] == ["name", "lparen", "string", "rparen"] and token.value == "_"
                        and (n == 0 or tokens[n - 1].type != "dot")):
                    yield Token(token.lineno, "string", gettext(call[2].value))
                    n += 4
                else:
                    yield token
                    n += 1


def hour_minute(when: datetime | None) -> str:
    """`{{ when|hour_minute }}`: "21:27" in the current time zone and the language's TIME_FORMAT (soma/core/formats),
    as Django's `{{ when|time:"TIME_FORMAT" }}`."""
    if when is None:
        return ""
    return formats.time_format(timezone.localtime(when) if timezone.is_aware(when) else when, "TIME_FORMAT")


def linebreaks(text: str) -> SafeString:
    """Django's `linebreaks` filter: paragraphs and <br>, the text escaped."""
    return linebreaks_filter(text, autoescape=True)


def url(name: str, *args: object) -> str:
    """`{{ url("responses:subsection", assessment.pk, key) }}`: Django's `{% url %}`."""
    return reverse(name, args=args)


def if_none(value: object, default: object = "") -> object:
    """Django's `default_if_none`."""
    return default if value is None else value


def environment(**options: Any) -> jinja2.Environment:
    options["loader"] = Languages(options["loader"])
    options["extensions"] = [*options.get("extensions", []), CompiledTranslations]
    env = Environment(**options)  # noqa: S701 (autoescape is on: Django's Jinja2 backend sets it)
    env.globals.update(_=gettext, gettext=gettext, url=url, static=static, url_pattern=url_pattern)
    env.filters.update(
        choice_label=choice_label, last_saved=last_saved, linebreaks=linebreaks, hour_minute=hour_minute,
        if_none=if_none, with_title=with_title, fill=fill,
    )
    return env

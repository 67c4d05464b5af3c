"""Filters and tags for pages that show many rows (sources, findings, answer cards): what a row would otherwise
work out again, worked out once per page or once per language.

- `choice_label`: a model field's choice label. A model's get_FOO_display() hashes every label of the field's
  choices on each call, which translates them all: on a list of 300 sources with four such columns this was the
  biggest part of the page's time.
- `url_pattern` and `fill`: one reverse() per page, with a stand-in for the row's id that each row replaces by its
  own (reverse() costs about as much as rendering the rest of a row).
"""

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.db.models import Field, Model
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language

register = template.Library()

STAND_IN = "987654321"  # matches both the int and the str path converters


@lru_cache(maxsize=256)
def _labels(model: type[Model], name: str, language: str | None) -> dict[str, str]:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is a relation, not a field with choices")
    return {str(value): str(label) for value, label in field.flatchoices}


@register.filter
def choice_label(obj: Model, name: str) -> object:
    """`{{ source|choice_label:"kind" }}`: what `{{ source.get_kind_display }}` shows (the value itself when it
    is not one of the choices)."""
    value = getattr(obj, name)
    if value is None:
        return value
    return _labels(type(obj), name, get_language()).get(str(value), value)


@register.simple_tag
def url_pattern(name: str, *args: object) -> str:
    """`{% url_pattern "evidence:edit" assessment.pk as edit_url %}`: the URL with a stand-in for one more,
    last argument, which `{{ edit_url|fill:source.pk }}` replaces for each row."""
    return reverse(name, args=[*args, STAND_IN])


@register.filter
def fill(pattern: str, value: object) -> str:
    """The URL of `url_pattern` for one row: its stand-in (the last one in the path) replaced by `value`, quoted as
    reverse() quotes an argument."""
    head, _stand_in, tail = pattern.rpartition(STAND_IN)
    text = str(value) if isinstance(value, int) else quote(str(value), safe=RFC3986_SUBDELIMS + "/~:@")
    return f"{head}{text}{tail}"

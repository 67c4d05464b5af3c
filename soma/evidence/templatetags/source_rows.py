"""Labels of a sources list row, worked out without a block tag per row (a list has hundreds of rows)."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def cited_times(count: int) -> str:
    """"cited once" / "cited 3 times", as the list's {% blocktranslate count %} said it (same message ids)."""
    return ngettext("cited once", "cited %(counter)s times", count) % {"counter": count}

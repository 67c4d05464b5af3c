"""Select widgets that write their options in Python.

Django renders each <option> through its own template include; for lists of hundreds of options (Framework for
Action items, guide subsections, Protocol provisions in a list's filter) that was most of a page's time. These
widgets give the same HTML as Django's select templates (tests/core/test_widgets.py compares them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def render_select(widget: forms.Select, name: str, value: Any, attrs: dict[str, Any] | None) -> SafeString:
    """`widget` as Django's select.html would write it."""
    context = widget.get_context(name, value, attrs)["widget"]
    groups = []
    for group, options, _index in context["optgroups"]:
        rendered = format_html_join("", '<option value="{}"{}>{}</option>', (
            (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
            for option in options
        ))
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', group, rendered) if group else rendered)
    return format_html('<select name="{}"{}>{}</select>', context["name"], flatatt(context["attrs"]),
                       mark_safe("".join(groups)))


class QuickSelect(forms.Select):
    """A single choice, written in Python (see the module's note)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return render_select(self, name, value, attrs)

"""The sources list's rows, written in Python: a page holds 50 rows of a dozen values each, and the template
engine's per-value work (look-up, localisation, escaping) was most of the page's time. Every value is escaped;
labels are translated with the message ids the template used."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from soma.core.html_rows import escaped, html_row
from soma.core.templatetags.many_rows import choice_label, fill
from soma.evidence.models import Source

register = template.Library()


@register.filter
def cited_times(count: int) -> str:
    """"cited once" / "cited 3 times", as the list's {% blocktranslate count %} said it (same message ids)."""
    return ngettext("cited once", "cited %(counter)s times", count) % {"counter": count}


def _file_cell(source: Source, download_url: str, link_label: str) -> SafeString:
    parts: list[str] = []
    if source.file:
        size = html_row(' <span class="help">({})</span>', filesizeformat(source.file_size)) \
            if source.file_size else ""
        parts.append(html_row('<a href="{}" download>{}</a>{}', fill(download_url, source.pk), source.file_name,
                                 size))
    if source.link:
        parts.append(html_row('{}<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>',
                                 mark_safe("<br>") if source.file else "", source.link, link_label))
    if not source.file and not source.link:
        parts.append("—")
    return mark_safe("".join(parts))


class _Escaped(dict[object, SafeString]):
    """Values written on many rows (labels, grades, classifications) escaped once per page."""

    def __missing__(self, value: object) -> SafeString:
        found = self[value] = SafeString(escaped(value))
        return found


@register.simple_tag(takes_context=True)
def source_rows(context: Any, sources: Iterable[Source], can_edit: bool, urls: dict[str, str]) -> SafeString:
    """The <tr> of each source of the page (with `cited`); `urls` holds the row URLs' patterns (url_pattern) by
    name: download, confirm, edit, delete."""
    once = _Escaped()
    carried = html_row('<span class="badge badge-carried">{}</span>', gettext("carried over — confirm or update"))
    link_label, confirm_label = gettext("Link"), once[gettext("Confirm")]
    edit_label, delete_label = once[gettext("Edit")], once[gettext("Delete…")]
    token = context.get("csrf_token")
    csrf = html_row('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token) \
        if token and token != "NOTPROVIDED" else ""
    rows = []
    for source in sources:
        pending = source.carried_over and not source.confirmed
        title = SafeString(escaped(source.title))  # written up to four times in a row
        author = html_row('<span class="source-author">{}</span>', source.author) if source.author else ""
        when = html_row('<time datetime="{}">{}</time>', date_filter(source.date, "c"),
                        date_filter(source.date, "SHORT_DATE_FORMAT")) if source.date else "—"
        actions = ""
        if can_edit:
            confirm = html_row(
                '<form method="post" action="{}" class="inline-form">{}<button type="submit">{}'
                '<span class="visually-hidden"> {}</span></button></form>',
                fill(urls["confirm"], source.pk), csrf, confirm_label, title,
            ) if pending else ""
            count = getattr(source, "cited", 0)  # annotated by the selector
            cited = html_row('<span class="help">{}</span>', cited_times(count)) if count else ""
            actions = html_row(
                '<td class="row-actions">{}<a class="button" href="{}">{}<span class="visually-hidden"> {}</span></a>'
                '{}<a class="button" href="{}">{}<span class="visually-hidden"> {}</span></a></td>',
                confirm, fill(urls["edit"], source.pk), edit_label, title,
                cited, fill(urls["delete"], source.pk), delete_label, title,
            )
        rows.append(html_row(
            '<tr id="source-{}"><th scope="row">{} {} {}</th><td>{}</td><td>{}</td>'
            '<td><span class="grade" title="{}; {}">{}{}</span></td>'
            '<td><span class="badge classification-{}">{}</span></td><td>{}</td>{}</tr>',
            source.pk, title, author, carried if pending else "", once[choice_label(source, "kind")], when,
            once[choice_label(source, "reliability")], once[choice_label(source, "credibility")],
            once[source.reliability], once[source.credibility], once[source.classification],
            once[choice_label(source, "classification")],
            _file_cell(source, urls["download"], link_label), actions,
        ))
    return mark_safe("\n".join(rows))


@register.simple_tag
def row_urls(**patterns: str) -> dict[str, str]:
    """`{% row_urls edit=edit_url ... as urls %}`: the row URL patterns handed to source_rows in one value."""
    return patterns

"""The overview's table rows (sections, gap map, Protocol provisions), written in Python.

A full assessment's overview has about a hundred rows of ten values each; the template engine's per-value work
(look-up, localisation, escaping) was most of the page's time. Each row here is one format string; every value
is escaped, the labels are translated with the same message ids the template used.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from soma.core.html_rows import html_row
from soma.core.templatetags.many_rows import fill
from soma.findings.models import Implementation
from soma.findings.selectors import GapRow, ProvisionRow, SectionProgress

register = template.Library()


def rows_html(template: str, rows: Iterable[tuple[object, ...]]) -> SafeString:
    """One html_row per row, a line each."""
    return mark_safe("\n".join(html_row(template, *row) for row in rows))


def progress_cells(progress: SectionProgress) -> SafeString:
    """The answered, reviewed and cited cells of a section's (or the totals') row."""
    # As the template's {% blocktranslate %} said it: the translation itself is not escaped (the values are numbers).
    text = gettext("%(part)s of %(total)s (%(percent)s%%)")
    cells = []
    for part, percent, what in (
        (progress.answered, progress.answered_percent, "answered"),
        (progress.reviewed, progress.reviewed_percent, "reviewed"),
        (progress.cited, progress.cited_percent, "cited"),
    ):
        said = mark_safe(text % {"part": part, "total": progress.questions, "percent": percent})  # numbers only
        cells.append(html_row(
            '<td class="progress-cell"><progress max="{}" value="{}" aria-hidden="true"></progress>'
            '<span class="progress-text" data-{}="{}">{}</span></td>',
            progress.questions or 1, part, what, part, said,
        ))
    return mark_safe("".join(cells))


@register.simple_tag
def section_rows(sections: Iterable[SectionProgress]) -> SafeString:
    return rows_html(
        '<tr data-section="{}"><th scope="row">{}. {}</th><td class="num">{}</td>{}</tr>',
        ((s.code, s.code, s.title, s.questions, progress_cells(s)) for s in sections),
    )


@register.simple_tag
def totals_cells(totals: SectionProgress) -> SafeString:
    return progress_cells(totals)


class _GapCells(dict[tuple[str, bool], SafeString]):
    """The status cells of one page, each status's written once (a few statuses over a hundred rows)."""

    def __missing__(self, key: tuple[str, bool]) -> SafeString:
        status, data = key
        label = Implementation(status).label if status else ""
        if data:
            cell = html_row('<td class="gap gap-{}" data-status="{}"><span class="gap-mark" aria-hidden="true">'
                               "</span>{}</td>", status, status, label)
        else:
            cell = html_row('<td class="gap gap-{}"><span class="gap-mark" aria-hidden="true"></span>{}</td>',
                               status, label)
        self[key] = cell
        return cell


@register.simple_tag
def gap_rows(rows: Iterable[GapRow], item_url: str) -> SafeString:
    cells = _GapCells()
    return rows_html(
        '<tr data-subsection="{}"><th scope="row"><a href="{}">{}</a> {}</th>{}{}</tr>',
        (
            (row.key, fill(item_url, row.key), row.code, row.title,
             cells[row.de_jure_status, True], cells[row.de_facto_status, True])
            for row in rows
        ),
    )


@register.simple_tag
def provision_rows(provisions: Iterable[ProvisionRow], item_url: str) -> SafeString:
    obligations = {
        "mandatory": html_row('<span class="badge badge-mandatory">{}</span>', gettext("Mandatory")),
        "optional": html_row('<span class="badge badge-optional">{}</span>', gettext("Optional")),
    }
    not_stated = html_row('<span class="help">{}</span>', gettext("Not stated"))
    cells = _GapCells()
    return rows_html(
        '<tr data-provision="{}" data-obligation="{}"><th scope="row"><a href="{}">{}</a></th><td>{}</td>'
        "<td>{}</td>{}{}</tr>",
        (
            (p.key, p.obligation or "", fill(item_url, p.key), p.label,
             obligations.get(p.obligation or "", not_stated), ", ".join(p.subsections),
             cells[p.de_jure, False], cells[p.de_facto, False])
            for p in provisions
        ),
    )

"""The overview's charts, written as tables (Charts.css styles them as bars; soma/findings/overview_charts.py
counts). A screen reader reads each chart as the table it is; each bar's length is a class, `size-<percent>`,
because the content security policy allows no style attribute (soma/static/soma/charts.css gives the sizes).
Charts.css lays the table's parts out as blocks and flex boxes, which makes some browsers drop a table's
semantics: each part carries its ARIA role, as soma/static/soma/tables.js gives a reflowed table's."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from soma.core.html_rows import html_row
from soma.findings.models import Implementation
from soma.findings.overview_charts import STATUSES, Which, progress_bars, share, status_bars
from soma.findings.selectors import Overview

register = template.Library()

CHART = "charts-css bar show-heading show-labels soma-chart"


def _head(*labels: str) -> str:
    heads = "".join(html_row('<th scope="col" role="columnheader">{}</th>', label) for label in labels)
    return f'<thead role="rowgroup"><tr role="row">{heads}</tr></thead>'


@register.simple_tag
def progress_chart(overview: Overview) -> SafeString:
    """Per section (and for all of them), a bar each for the questions answered, reviewed and cited."""
    bars = progress_bars(overview)
    if not bars:
        return mark_safe("")
    text = gettext("%(part)s of %(total)s (%(percent)s%%)")
    cells = []
    for bar in bars:
        label = gettext("All sections in scope") if bar.code == "total" else f"{bar.code}. {bar.title}"
        tds = "".join(
            html_row('<td class="bar-{} size-{}" role="cell"><span class="data">{}</span></td>', what, size,
                     text % {"part": part, "total": bar.questions, "percent": bar_percent(part, bar.questions)})
            for what, part, size in zip(("answered", "reviewed", "cited"),
                                        (bar.answered, bar.reviewed, bar.cited), bar.sizes(), strict=True)
        )
        cells.append(html_row('<tr data-chart-section="{}" role="row"><th scope="row" role="rowheader">{}</th>',
                              bar.code, label) + tds + "</tr>")
    return mark_safe(
        f'<table class="{CHART} multiple progress-chart" role="table" data-no-reflow>'
        + html_row("<caption>{}</caption>", gettext("Questions answered, reviewed and cited in each guide section"))
        + _head(gettext("Section"), gettext("Answered"), gettext("Reviewed"), gettext("Cited"))
        + '<tbody role="rowgroup">' + "\n".join(cells) + "</tbody></table>"
    )


def bar_percent(part: int, whole: int) -> int:
    """The percent shown in words, as the progress table shows it (rounded)."""
    return round(100 * part / whole) if whole else 0


@register.simple_tag
def gap_chart(overview: Overview, which: Which) -> SafeString:
    """Per section, one stacked bar of its subsections by de jure (or de facto) status, each part with its count."""
    bars = status_bars(overview, which)
    if not bars:
        return mark_safe("")
    caption = (gettext("De jure status of the subsections in scope, by section") if which == "de_jure"
               else gettext("De facto status of the subsections in scope, by section"))
    labels = [str(Implementation(status).label) for status in STATUSES]
    rows = []
    for bar in bars:
        tds = "".join(
            html_row('<td class="status-{} size-{}{}" role="cell"><span class="data">{}</span></td>', status,
                     share(count, bar.total), "" if count else " zero", count)
            for status, count in bar.counts
        )
        rows.append(html_row('<tr data-chart-section="{}" role="row"><th scope="row" role="rowheader">{}. {}</th>',
                             bar.code, bar.code, bar.title)
                    + tds + "</tr>")
    return mark_safe(
        f'<table class="{CHART} stacked gap-chart" data-chart="{which}" role="table" data-no-reflow>'
        + html_row("<caption>{}</caption>", caption)
        + _head(gettext("Section"), *labels)
        + '<tbody role="rowgroup">' + "\n".join(rows) + "</tbody></table>"
    )


@register.simple_tag
def gap_legend() -> SafeString:
    """The statuses' colours and patterns, named (the tables' headings name them for a screen reader)."""
    items = "".join(html_row('<li class="status-{}"><span class="legend-mark"></span>{}</li>', status,
                             Implementation(status).label) for status in STATUSES)
    return mark_safe(f'<ul class="chart-legend" aria-hidden="true">{items}</ul>')

"""The report as HTML, from its snapshot alone: the HTML version, the web preview and the PDF's input."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from soma.reports import charts
from soma.reports.models import REPORT_PARTS, Chapter

BACKGROUND_CHAPTERS = (Chapter.BACKGROUND, Chapter.PREVALENCE, Chapter.PERCEPTION)

#: The figures of one report by name ("gap_map"), drawn once and embedded by every format (draw_figures).
Figures = dict[str, charts.Figure]


def status_labels() -> dict[str, str]:
    from soma.findings.models import Implementation

    return {value: str(label) for value, label in Implementation.choices}


def draw_figures(snapshot: dict) -> Figures:
    """The report's figures, labelled in the report's language. Issuing a report draws them once and hands them
    to the HTML (and so the PDF) and the Word renderers; a renderer given none draws its own."""
    if "gap_map" not in snapshot.get("parts", []):
        return {}
    with translation.override(snapshot.get("language") or "en"):
        figure = charts.gap_map(snapshot, status_labels(), (_("De jure"), _("De facto")))
    return {"gap_map": figure} if figure else {}


def gap_map_png(snapshot: dict) -> bytes:
    """The gap-map figure as PNG, with its labels in the report's language (b"" when nothing is in scope)."""
    figure = draw_figures(snapshot).get("gap_map")
    return figure.png if figure else b""


def gap_map_alt(snapshot: dict) -> str:
    """The gap map's text alternative, in the active language: what it shows and where the same statuses are
    written out, for readers who cannot see it (the PDF's figure tag, <img alt>, Word's description)."""
    count = len(snapshot.get("gap_map") or [])
    return ngettext(
        "Gap map of %(count)s subsection in scope: the status of its law and policy (de jure) and of its "
        "practice (de facto). The same statuses are written under the subsection in the findings.",
        "Gap map of %(count)s subsections in scope: for each, the status of its law and policy (de jure) and "
        "of its practice (de facto). The same statuses are written under each subsection in the findings.",
        count,
    ) % {"count": count}


def render_html(snapshot: dict, content_hash: str = "", notice=None, figures: Figures | None = None) -> str:
    """`notice`: on a preview only, what this version leaves out (soma.reports.left_out); never in a report.
    `figures`: the report's figures already drawn (draw_figures); drawn here when not given."""
    if figures is None:
        figures = draw_figures(snapshot)
    with translation.override(snapshot["language"]):
        headings = {key: str(label) for key, label in REPORT_PARTS}
        toc = [(key, headings[key]) for key in shown_parts(snapshot)]
        gap_map = figures.get("gap_map") if "gap_map" in snapshot["parts"] else None
        context = {
            "s": snapshot,
            "content_hash": content_hash,
            "headings": headings,
            "toc": toc,
            "background_chapters": [(c.value, c.label) for c in BACKGROUND_CHAPTERS],
            "gap_map_svg": base64.b64encode(gap_map.svg).decode() if gap_map else "",
            "gap_map_alt": gap_map_alt(snapshot) if gap_map else "",
            "notice": notice,
        }
        return render_to_string("reports/report.html", context)


def shown_parts(snapshot: dict) -> list[str]:
    """The parts a report shows, in order, in every format: no empty foreword, and no individuals annex in a
    version without one."""
    shown = []
    for key in snapshot.get("parts", []):
        if key == "boilerplate" and not (snapshot.get("profile") or {}).get("boilerplate", "").strip():
            continue
        if key == "annex_individuals" and snapshot.get("annex_individuals") is None:
            continue
        shown.append(key)
    return shown

"""The report as HTML, from its snapshot alone: the HTML version, the web preview and the PDF's input."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from soma.reports import charts
from soma.reports.models import REPORT_PARTS, Chapter

BACKGROUND_CHAPTERS = (Chapter.BACKGROUND, Chapter.PREVALENCE, Chapter.PERCEPTION)


def status_labels() -> dict[str, str]:
    from soma.findings.models import Implementation

    return {value: str(label) for value, label in Implementation.choices}


def gap_map_png(snapshot: dict) -> bytes:
    """The gap-map figure with its labels in the active language."""
    return charts.gap_map_png(snapshot, status_labels(), (_("De jure"), _("De facto")))


def render_html(snapshot: dict, content_hash: str = "", notice=None) -> str:
    """`notice`: on a preview only, what this version leaves out (soma.reports.left_out); never in a report."""
    with translation.override(snapshot["language"]):
        headings = {key: str(label) for key, label in REPORT_PARTS}
        toc = [(key, headings[key]) for key in shown_parts(snapshot)]
        png = gap_map_png(snapshot) if "gap_map" in snapshot["parts"] else b""
        context = {
            "s": snapshot,
            "content_hash": content_hash,
            "headings": headings,
            "toc": toc,
            "background_chapters": [(c.value, c.label) for c in BACKGROUND_CHAPTERS],
            "gap_map_png": base64.b64encode(png).decode() if png else "",
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

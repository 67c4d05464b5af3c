"""The report's figures, drawn with matplotlib from the snapshot alone (no database, no network).

matplotlib, arabic-reshaper and python-bidi are imported inside the functions that draw: the URL
configuration imports this module through the report views, and loading matplotlib would otherwise cost
every `soma` command and every worker's first request (see docs/development.md, start-up)."""

from __future__ import annotations

import io
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass

# Colours that stay distinct in greyscale print and for the common colour-vision deficiencies.
STATUS_COLOURS = {
    "in_place": "#1b7837",
    "partly": "#e6ab02",
    "not_in_place": "#b2182b",
    "unknown": "#d9d9d9",
    "not_applicable": "#ffffff",
}
STATUS_ORDER = list(STATUS_COLOURS)

#: How many times each figure was drawn in this process (a drawing is the costly part; saving it in a second
#: format is not). Issuing a report draws the gap map once and hands it to every format: see
#: tests/reports/test_pdf.py.
RENDERS: Counter[str] = Counter()
_counting = threading.Lock()


@dataclass(frozen=True)
class Figure:
    """One drawing saved in the formats the renderers embed: SVG (vector, for HTML and PDF) and PNG (Word)."""

    svg: bytes
    png: bytes


def gap_map(snapshot: dict, labels: dict[str, str], columns: tuple[str, str], dpi: int = 200) -> Figure | None:
    """The gap map: one row per subsection in scope, a de jure and a de facto column, coloured by status.
    `labels` names each status in the report's language; `columns` names the two columns. A picture of needs,
    not a score: there is no total and no ranking. None when there is nothing in scope.

    The cells are vector shapes (pcolormesh), not a bitmap, and the text is drawn as outlines, so the SVG needs
    no font and prints sharp at any size. Drawn once; saved as SVG and PNG from the same figure."""
    rows = snapshot["gap_map"]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")  # no display on a server; must be chosen before pyplot is imported
    from matplotlib import pyplot
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    with _counting:
        RENDERS["gap_map"] += 1
    matrix = [[STATUS_ORDER.index(row["de_jure"]), STATUS_ORDER.index(row["de_facto"])] for row in rows]
    height = max(2.0, 0.24 * len(rows) + 1.4)
    # A fixed salt for the SVG's element ids and text as outlines: the same snapshot gives the same bytes.
    with matplotlib.rc_context({"svg.hashsalt": "soma-gap-map", "svg.fonttype": "path"}):
        figure, axes = pyplot.subplots(figsize=(6.3, height), dpi=dpi)
        try:
            colours = ListedColormap([STATUS_COLOURS[s] for s in STATUS_ORDER])
            axes.pcolormesh(matrix, cmap=colours, vmin=-0.5, vmax=len(STATUS_ORDER) - 0.5,
                            edgecolors="#888888", linewidth=0.5)
            axes.set_xlim(0, 2)
            axes.set_ylim(len(rows), 0)  # the first subsection on top
            axes.set_xticks([0.5, 1.5], labels=[_visual(c) for c in columns])
            axes.xaxis.tick_top()
            axes.set_yticks([i + 0.5 for i in range(len(rows))], labels=[_short(row) for row in rows], fontsize=7)
            axes.tick_params(length=0)
            legend = [Patch(facecolor=STATUS_COLOURS[s], edgecolor="#888888", label=_visual(labels.get(s, s)))
                      for s in STATUS_ORDER]
            axes.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=7, frameon=False)
            figure.tight_layout()
            svg, png = io.BytesIO(), io.BytesIO()
            # No timestamp or software name in the files: the same snapshot gives the same bytes.
            figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
            figure.savefig(png, format="png", metadata={"Software": None})
            return Figure(svg=svg.getvalue(), png=png.getvalue())
        finally:
            pyplot.close(figure)


def gap_map_png(snapshot: dict, labels: dict[str, str], columns: tuple[str, str], dpi: int = 150) -> bytes:
    """The gap map as PNG bytes alone (b"" when there is nothing in scope)."""
    figure = gap_map(snapshot, labels, columns, dpi=dpi)
    return figure.png if figure else b""


def _short(row: dict) -> str:
    title = row["title"]
    return _visual(f"{row['code']} {title[:48]}{'…' if len(title) > 48 else ''}")


def _visual(text: str) -> str:
    """Text as matplotlib must draw it. matplotlib neither joins Arabic letters nor orders right-to-left text,
    so such text is shaped (arabic-reshaper) and put in visual order (python-bidi) first."""
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        import arabic_reshaper
        from bidi import get_display

        return get_display(arabic_reshaper.reshape(text))
    return text

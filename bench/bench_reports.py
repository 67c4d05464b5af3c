"""The report of a full assessment (whole guide in scope, every question answered, 300 sources), each format
against the library it is made with doing the same work alone, sampled as alternating pairs in the same run:

- report_pdf_full_assessment: SOMA's whole pipeline (compose the snapshot, render the HTML, lay it out as PDF)
  against WeasyPrint alone laying out that same HTML (`weasyprint.HTML(string=html).write_pdf()`), the floor
  the PDF cannot go below;
- report_docx_full_assessment: SOMA's render_docx of the composed snapshot against a plain python-docx script
  writing the same headings, paragraphs, table rows (same text, read back from SOMA's file) and picture.

Peak memory is measured apart from the timings, once per side, each in a forked child so that its peak
resident memory (ru_maxrss) is its own; the child starts from the parent's memory, so those figures compare
with each other, not with an empty process."""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import secrets
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.bench_assessment import build
from bench.harness import emit, paired_figure, sample, sample_pairs

REPEAT = max(2, int(os.environ.get("SOMA_BENCH_REPEAT", "6")))


def _peak_rss_mb(fn: Callable[[], object]) -> float:
    """Peak resident MB of a forked child that calls fn once."""
    from django.db import connections

    connections.close_all()  # the child opens its own connection
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()

    def target():
        fn()
        child.send(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        child.close()

    process = context.Process(target=target)
    process.start()
    peak = parent.recv()
    process.join()
    assert process.exitcode == 0, f"the measured call failed (exit {process.exitcode})"
    return round(peak, 1)


@dataclass
class Blocks:
    """A Word document's body in order, as a plain python-docx script would write it: ("heading", text, level),
    ("paragraph", text), ("table", rows of cell texts), ("picture", png bytes)."""

    items: list[tuple] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        kinds = [item[0] for item in self.items]
        return {
            "headings": kinds.count("heading"),
            "paragraphs": kinds.count("paragraph"),
            "tables": kinds.count("table"),
            "table_rows": sum(len(item[1]) for item in self.items if item[0] == "table"),
            "pictures": kinds.count("picture"),
        }


def read_blocks(data: bytes) -> Blocks:
    """The headings, paragraphs, tables and pictures of a .docx body, with their text."""
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    blocks = Blocks()
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            table = Table(element, document)
            blocks.items.append(("table", [[cell.text for cell in row.cells] for row in table.rows]))
        elif element.tag == qn("w:p"):
            paragraph = Paragraph(element, document)
            images = element.xpath(".//a:blip/@r:embed")
            if images:
                blocks.items.append(("picture", document.part.related_parts[images[0]].blob))
                continue
            style = paragraph.style.name if paragraph.style is not None else ""
            if style == "Title":
                blocks.items.append(("heading", paragraph.text, 0))
            elif style.startswith("Heading") and style.split()[-1].isdigit():
                blocks.items.append(("heading", paragraph.text, int(style.split()[-1])))
            else:
                blocks.items.append(("paragraph", paragraph.text))
    return blocks


def plain_docx(blocks: Blocks) -> bytes:
    """What a plain python-docx script makes of the same content: default styles, no fields, no bidi."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    for item in blocks.items:
        kind = item[0]
        if kind == "heading":
            document.add_heading(item[1], item[2])
        elif kind == "paragraph":
            document.add_paragraph(item[1])
        elif kind == "picture":
            document.add_picture(io.BytesIO(item[1]), width=Cm(16))
        else:
            rows = item[1]
            table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            for row, texts in zip(table.rows, rows, strict=True):
                for cell, text in zip(row.cells, texts, strict=False):
                    cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def run(repeat: int = REPEAT) -> None:
    import weasyprint
    from pypdf import PdfReader

    from soma.reports import composer, services
    from soma.reports.render_docx import render_docx
    from soma.reports.render_html import gap_map_png, render_html
    from soma.reports.render_pdf import html_to_pdf

    username = f"bench.reports.{secrets.token_hex(4)}"
    user, assessment, _biggest, counts = build(username)
    try:
        snapshot = composer.compose(user, assessment, "confidential")
        content_hash = services.content_hash(snapshot)
        html = render_html(snapshot, content_hash)
        extra = {"questions": counts["questions"], "sources": 300, "html_kb": round(len(html) / 1024, 1)}

        def pdf():
            composed = composer.compose(user, assessment, "confidential")
            return html_to_pdf(render_html(composed, services.content_hash(composed)))

        def weasyprint_alone():
            return weasyprint.HTML(string=html).write_pdf()

        pages = len(PdfReader(io.BytesIO(pdf())).pages)
        floor_pages = len(PdfReader(io.BytesIO(weasyprint_alone())).pages)
        emit(paired_figure(
            "report_pdf_full_assessment",
            sample_pairs(pdf, weasyprint_alone, repeat, warmup=1),
            "WeasyPrint alone on the same HTML (weasyprint.HTML(string=html).write_pdf())",
            subject="compose + render_html + html_to_pdf",
            pdf_pages=pages, baseline_pdf_pages=floor_pages,
            peak_rss_mb=_peak_rss_mb(pdf), baseline_peak_rss_mb=_peak_rss_mb(weasyprint_alone), **extra,
        ))

        def word():
            return render_docx(snapshot, content_hash=content_hash)

        blocks = read_blocks(word())
        plain = read_blocks(plain_docx(blocks)).counts()
        assert plain == blocks.counts(), f"the plain document differs: {plain} != {blocks.counts()}"
        emit(paired_figure(
            "report_docx_full_assessment",
            sample_pairs(word, lambda: plain_docx(blocks), 3 * repeat, warmup=1),
            "plain python-docx script writing the same headings, paragraphs, table rows and picture",
            subject="render_docx of the composed snapshot",
            **blocks.counts(),
            # The gap-map figure is drawn by SOMA (matplotlib) and handed ready-made to the plain script.
            gap_map_chart_ms=round(statistics.median(sample(lambda: gap_map_png(snapshot), 5, warmup=1)), 1),
            peak_rss_mb=_peak_rss_mb(word), baseline_peak_rss_mb=_peak_rss_mb(lambda: plain_docx(blocks)), **extra,
        ))
    finally:
        from django.contrib.auth import get_user_model

        assessment.delete()
        get_user_model().objects.filter(username=username).delete()

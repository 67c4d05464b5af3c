"""The PDF report as PDF checkers and readers see it: tagged (PDF/UA-1) always, archival (PDF/A-3u) when issued,
the gap map as vector graphics with its text alternative and on its heading's page, page numbers in the
contents; and the gap map drawn once per issued report (a real count of drawings, kept by charts.py).

Checked with pypdf (structure, metadata) and poppler's pdfinfo and pdftotext (Debian package poppler-utils),
as a reader's tools see the file."""

import base64
import io
import re
import subprocess
import zipfile

import pytest
from pypdf import PdfReader

from soma.reports import charts, services
from soma.reports.render_html import draw_figures, gap_map_alt, render_html
from soma.reports.render_pdf import html_to_pdf, render_pdf
from tests.reports.test_docx import HEADINGS, small_snapshot

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
CAPTION = "The gap map: the de jure and de facto status of each subsection in scope."


def many_rows(count: int) -> list[dict]:
    return [{"key": f"guide:X.{i}", "code": f"X.{i}", "title": f"Demoland subsection {i}",
             "de_jure": charts.STATUS_ORDER[i % 5], "de_facto": charts.STATUS_ORDER[(3 * i) % 5]}
            for i in range(count)]


def pdfinfo(data: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def page_texts(data: bytes, tmp_path) -> list[str]:
    """pdftotext's text of each page (layout kept, so a contents line reads "name ..... page")."""
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")[:-1]


def identification(reader: PdfReader, namespace: str, name: str) -> str | None:
    for described in reader.xmp_metadata.rdf_root.getElementsByTagNameNS(
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"):
        if described.hasAttributeNS(namespace, name):
            return described.getAttributeNS(namespace, name)
    return None


def struct_elements(node, kind: str):
    """Every structure element of the kind (/Figure, /H1...) under the node of the structure tree."""
    kids = node.get("/K")
    kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
    for kid in kids:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if not isinstance(kid, dict):
            continue
        if kid.get("/S") == kind:
            yield kid
        yield from struct_elements(kid, kind)


@pytest.mark.slow
def test_every_pdf_is_tagged_and_claims_pdf_ua(tmp_path):
    data = render_pdf(small_snapshot())
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"].get_object()
    assert root["/MarkInfo"]["/Marked"].value is True
    tree = root["/StructTreeRoot"].get_object()
    assert tree["/Type"] == "/StructTreeRoot"
    assert root["/Lang"] == "en" and root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert identification(reader, PDFUAID, "part") == "1"
    assert identification(reader, PDFAID, "part") is None  # a preview is not archival
    headings = list(struct_elements(tree, "/H2"))
    assert len(headings) >= len(HEADINGS) - 1  # the parts' headings are headings in the structure
    info = pdfinfo(data, tmp_path)
    assert info["Tagged"].strip() == "yes" and info["Title"].strip() == "Demoland test assessment · Restricted version"


@pytest.mark.slow
def test_the_gap_map_is_vector_graphics_with_its_text_alternative(tmp_path):
    snapshot = small_snapshot()
    snapshot["profile"]["logo"] = None
    html = render_html(snapshot)
    match = re.search(r'<img class="gap-map" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)">', html)
    assert match, "the figure is an SVG image with alt text"
    svg = base64.b64decode(match.group(1))
    assert svg.startswith(b"<?xml") and b"<svg" in svg and b"<image" not in svg  # no bitmap inside
    assert match.group(2) == gap_map_alt(snapshot) and "Gap map of 1 subsection in scope" in match.group(2)
    reader = PdfReader(io.BytesIO(html_to_pdf(html)))
    assert not any(page.images for page in reader.pages)  # drawn as paths, not embedded as a picture
    figures = list(struct_elements(reader.trailer["/Root"]["/StructTreeRoot"].get_object(), "/Figure"))
    assert [figure["/Alt"] for figure in figures] == [gap_map_alt(snapshot)]


@pytest.mark.slow
def test_a_tall_gap_map_stays_on_its_headings_page_and_the_contents_show_page_numbers(tmp_path):
    snapshot = small_snapshot(gap_map=many_rows(45))
    pages = page_texts(render_pdf(snapshot), tmp_path)
    heading = HEADINGS["gap_map"]
    on = [i for i, text in enumerate(pages) if re.search(rf"^\s*{heading}\s*$", text, re.MULTILINE)]
    assert len(on) == 1 and CAPTION in pages[on[0]]  # the caption under the figure: the figure is there too
    contents = next(text for text in pages if re.search(r"^\s*Contents\s*$", text, re.MULTILINE))
    assert "update this table" not in "".join(pages)
    for name in HEADINGS.values():
        line = re.search(rf"^\s*{re.escape(name)}\s*\.+\s*(\d+)\s*$", contents, re.MULTILINE)
        assert line, f"no page number for {name!r} in the contents:\n{contents}"
        page = int(line.group(1))
        assert re.search(rf"^\s*{re.escape(name[:30])}", pages[page - 1], re.MULTILINE), (name, page)  # it wraps
    assert int(re.search(rf"^\s*{heading}\s*\.+\s*(\d+)", contents, re.MULTILINE).group(1)) == on[0] + 1


def test_the_gap_map_figure_comes_out_the_same_for_the_same_snapshot():
    snapshot = small_snapshot(gap_map=many_rows(6))
    first, second = draw_figures(snapshot)["gap_map"], draw_figures(snapshot)["gap_map"]
    assert first == second and first.png.startswith(b"\x89PNG") and b"<svg" in first.svg
    assert draw_figures(small_snapshot(parts=["conclusions"])) == {}  # not drawn when not shown
    assert draw_figures(small_snapshot(gap_map=[])) == {}


@pytest.mark.slow
@pytest.mark.django_db
def test_an_issued_report_is_archival_and_tagged_and_draws_its_gap_map_once(planted, team, tmp_path):
    before = charts.RENDERS["gap_map"]
    report = services.issue_report(team["lead"], planted, "restricted")
    assert charts.RENDERS["gap_map"] - before == 1  # for the HTML, the PDF and the Word file together
    assert report.snapshot["gap_map"]
    data = bytes(report.pdf)
    reader = PdfReader(io.BytesIO(data))
    assert identification(reader, PDFAID, "part") == "3" and identification(reader, PDFAID, "conformance") == "U"
    assert identification(reader, PDFUAID, "part") == "1"
    root = reader.trailer["/Root"].get_object()
    assert root["/MarkInfo"]["/Marked"].value is True and "/StructTreeRoot" in root
    intents = root["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"  # colours tied to the sRGB profile
    assert pdfinfo(data, tmp_path)["Tagged"].strip() == "yes"
    # The one drawing is in every format: the SVG in the HTML (and so the PDF), the PNG in the Word file. Drawn
    # again here from the frozen snapshot, it comes out the same.
    drawn = draw_figures(report.snapshot)["gap_map"]
    assert charts.RENDERS["gap_map"] - before == 2
    assert f"data:image/svg+xml;base64,{base64.b64encode(drawn.svg).decode()}" in bytes(report.html).decode()
    with zipfile.ZipFile(io.BytesIO(bytes(report.docx))) as archive:
        assert [archive.read(name) for name in archive.namelist() if name.startswith("word/media/")] == [drawn.png]

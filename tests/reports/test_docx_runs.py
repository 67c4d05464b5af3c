"""The Word report's runs keep each its own format: the renderer copies one formatted run per format instead of
setting the format on every run, so a format must neither leak into the next run nor get lost, and text is
written as python-docx writes it (tabs, line breaks, spaces kept at the ends)."""

import io

import docx
from docx.shared import Pt

from soma.reports.render_docx import render_docx
from tests.reports.test_docx import small_snapshot

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _document(**changes):
    return docx.Document(io.BytesIO(render_docx(small_snapshot(**changes))))


def _paragraph(document, starts: str):
    return next(p for p in document.paragraphs if p.text.startswith(starts))


def _size_cs(run) -> str | None:
    size = run._r.find(f"{W}rPr/{W}szCs")
    return None if size is None else size.get(f"{W}val")


def test_a_label_line_has_bold_labels_plain_values_and_one_small_size():
    paragraph = _paragraph(_document(), "De jure: In place")
    runs = [run for run in paragraph.runs if run.text]
    assert [(run.text, run.bold) for run in runs] == [
        ("De jure: ", True), ("In place", None), ("  ·  ", None), ("De facto: ", True), ("Partly in place", None)]
    assert {run.font.size for run in runs} == {Pt(9)}
    assert {_size_cs(run) for run in runs} == {"18"}


def test_a_run_of_the_body_text_carries_no_format_of_the_runs_before_it():
    document = _document()
    question = _paragraph(document, "Is Demoland a State party?")
    narrative = _paragraph(document, "Demoland ratified in 2004.")
    assert [run.bold for run in question.runs] == [True]
    assert [(run.bold, run.font.size, len(run._r.rPr)) for run in narrative.runs] == [(None, None, 0)]


def test_table_cells_are_nine_points_and_header_cells_bold():
    table = next(t for t in _document().tables if t.rows[0].cells[0].text == "Institution")
    header, row = (r.cells for r in table.rows[:2])
    assert [(run.text, run.bold, run.font.size) for cell in header for run in cell.paragraphs[0].runs] == [
        ("Institution", True, Pt(9)), ("Category", True, Pt(9))]
    assert [(run.text, run.bold, _size_cs(run)) for cell in row for run in cell.paragraphs[0].runs] == [
        ("Demoland Coast Guard", None, "18"), ("Maritime authority", None, "18")]


def test_tabs_line_breaks_and_end_spaces_are_written_as_python_docx_writes_them():
    snapshot = small_snapshot()
    answer = snapshot["sections"][0]["subsections"][0]["answers"][0]
    answer["narrative"] = "Ratified\tin 2004.\nSecond line ends with spaces  "
    document = docx.Document(io.BytesIO(render_docx(snapshot)))
    paragraph = _paragraph(document, "Ratified")
    assert paragraph.text == "Ratified\tin 2004.\nSecond line ends with spaces  "
    assert paragraph._p.findall(f".//{W}tab") and paragraph._p.findall(f".//{W}br")
    last = paragraph._p.findall(f".//{W}t")[-1]
    assert last.text == "Second line ends with spaces  "
    assert last.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"

"""Hostile spreadsheets are refused before they are opened; exported cells never run as formulas."""

import io
import zipfile

import openpyxl
import pytest

from soma.exchange import safe_files
from soma.exchange.safe_files import UnsafeFile


def _workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "question"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_real_workbook_passes():
    book = openpyxl.load_workbook(safe_files.check_xlsx(_workbook_bytes()))
    assert book.active["A1"].value == "question"


def test_a_zip_bomb_is_refused_without_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    with pytest.raises(UnsafeFile, match="zip bomb"):
        safe_files.check_xlsx(out.getvalue())


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/passwd", "xl\\..\\evil.xml"])
def test_path_tricks_inside_the_archive_are_refused(name):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, "x")
    with pytest.raises(UnsafeFile, match="unsafe path"):
        safe_files.check_xlsx(out.getvalue())


def test_not_a_workbook_is_refused():
    with pytest.raises(UnsafeFile, match="not an Excel workbook"):
        safe_files.check_xlsx(b"name,answer\nx,y\n")


def test_oversized_and_empty_uploads_are_refused():
    with pytest.raises(UnsafeFile, match="larger than 1 MB"):
        safe_files.read_limited(io.BytesIO(b"x" * (1024 * 1024 + 1)), limit=1024 * 1024)
    with pytest.raises(UnsafeFile, match="empty"):
        safe_files.read_limited(io.BytesIO(b""))


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\t=1"])
def test_formula_like_text_is_stored_as_text_and_reads_back_unchanged(text):
    book = openpyxl.Workbook()
    safe_files.put(book.active["A1"], text)
    safe_files.put(book.active["A2"], "Plain answer")
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula element: Excel has nothing to evaluate
    again = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert again["A1"].value == text and again["A1"].data_type == "s" and again["A1"].quotePrefix
    assert again["A2"].value == "Plain answer"

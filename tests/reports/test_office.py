"""The Word report opened the way users open it: LibreOffice (Debian's libreoffice-writer-nogui) converts it to
PDF, and poppler's pdftotext and pdfimages read what came out. The contents list each part with the page
LibreOffice laid it out on, the gap map sits on its heading's page, and in an Arabic report an English
paragraph keeps its full stop at its end."""

import re
import subprocess
import unicodedata

import pytest

from soma.reports.render_docx import render_docx
from tests.reports.test_docx import ARABIC, HEADINGS, small_snapshot
from tests.reports.test_pdf import many_rows

pytestmark = pytest.mark.slow


def libreoffice_pdf(data: bytes, tmp_path, name: str) -> bytes:
    """The document converted as `libreoffice --headless --convert-to pdf` does, with a profile of its own."""
    source = tmp_path / f"{name}.docx"
    source.write_bytes(data)
    done = subprocess.run(
        ["libreoffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=240,
    )
    result = tmp_path / f"{name}.pdf"
    assert done.returncode == 0 and result.exists(), done.stdout + done.stderr
    return result.read_bytes()


def pages_of(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "converted.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")[:-1]


def image_pages(pdf: bytes, tmp_path) -> list[int]:
    path = tmp_path / "images.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [int(line.split()[0]) for line in listing.splitlines()[2:] if line.split()[2] == "image"]


def without_bidi_controls(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def test_libreoffice_converts_the_report_with_page_numbers_in_the_contents(tmp_path):
    snapshot = small_snapshot(gap_map=many_rows(45))
    snapshot["profile"]["logo"] = None
    pdf = libreoffice_pdf(render_docx(snapshot), tmp_path, "report")
    pages = pages_of(pdf, tmp_path)
    assert len(pages) > 10
    contents = next(text for text in pages if re.search(r"^\s*Contents\s*$", text, re.MULTILINE))
    assert "update this table" not in "".join(pages).lower()
    for name in HEADINGS.values():
        line = re.search(rf"^\s*{re.escape(name)}\.*\s*(\d+)\s*$", contents, re.MULTILINE)
        assert line, f"no page number for {name!r} in the contents:\n{contents}"
        page = int(line.group(1))
        assert re.search(rf"^\s*{re.escape(name[:30])}", pages[page - 1], re.MULTILINE), (name, page)
    gap_map = int(re.search(rf"^\s*{HEADINGS['gap_map']}\.*\s*(\d+)", contents, re.MULTILINE).group(1))
    assert image_pages(pdf, tmp_path) == [gap_map]  # the figure on its heading's page


def test_libreoffice_sets_an_english_paragraph_of_an_arabic_report_left_to_right(tmp_path):
    snapshot = small_snapshot(language="ar", direction="rtl")
    snapshot["narrative"]["background"] = f"{ARABIC}\n\nDemoland has a coast guard."
    text = without_bidi_controls("\n".join(pages_of(libreoffice_pdf(render_docx(snapshot), tmp_path, "ar"),
                                                    tmp_path)))
    assert "Demoland has a coast guard." in text  # set right to left, it would read ".Demoland has a coast guard"
    assert "Key issue of Demoland." in text
    assert "تهريب المهاجرين" in text

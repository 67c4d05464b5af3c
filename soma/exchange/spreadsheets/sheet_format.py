"""The look shared by SOMA's spreadsheets: header cells, borders, widths, print setup and the classification marking."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from soma.kernel import clearance

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
BAND_FONT = Font(bold=True, size=12)
BAND_FILL = PatternFill("solid", fgColor="D9E1F2")
NATIONAL_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
TEXT = "@"  # the number format "Text": what a member types stays as typed (no 2004 -> number, 12/05 -> date)
MAX_ROW_HEIGHT = 409.0  # points: Excel's largest row
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


def marking(assessment, levels) -> str:
    """The file's classification: the assessment's own, raised to the highest of the records in the file."""
    return str(clearance.highest([assessment.classification, *levels]).label)


def header_row(sheet, row: int, titles: list[str], widths: list[int]) -> None:
    for column, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=column, value=title)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGN, BORDER
        sheet.column_dimensions[get_column_letter(column)].width = width


def band(sheet, row: int, text: str, first: int, last: int) -> None:
    """A full-width heading row inside a table (a subsection, a priority horizon)."""
    from soma.exchange.safe_files import put

    cell = sheet.cell(row=row, column=first)
    put(cell, text)
    for column in range(first, last + 1):
        other = sheet.cell(row=row, column=column)
        other.font, other.fill, other.border = BAND_FONT, BAND_FILL, BORDER
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def wrapped_lines(value, width: float, indent: int = 0) -> int:
    """How many lines a wrapped cell of this column width needs, on the safe side: the width counts digits of
    the default font, and the text is wrapped word by word at one character less than that (wider letters,
    the cell's margins)."""
    text = "" if value is None else str(value)
    per_line = max(int(width) - 1 - 3 * indent, 4)
    lines = 0
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        if len(paragraph) <= per_line:  # most cells: a status, a classification, a short text
            lines += 1
            continue
        used, count = 0, 1
        for word in paragraph.split(" "):
            if used and used + 1 + len(word) > per_line:  # the word goes on the next line
                count, used = count + 1, 0
            while len(word) > per_line:  # a word longer than a line fills lines of its own
                word, count = word[per_line:], count + 1
            used += len(word) + (1 if used else 0)
        lines += count
    return lines


def fit_row(sheet, row: int, cells: Iterable[tuple[object, float, int]], font_size: float = 11) -> None:
    """Give the row the height its wrapped cells need, so that nothing is cut off on screen or on paper (Excel
    does not grow rows itself when it opens a file, and printed rows keep the height they have). `cells` are
    the row's shown (value, column width, indent) as written, so no cell is read back from openpyxl."""
    line = max(15.0, font_size * 1.35)  # points per line
    lines = max((wrapped_lines(value, width, indent) for value, width, indent in cells), default=1)
    sheet.row_dimensions[row].height = min(lines * line + 3, MAX_ROW_HEIGHT)


def _header_text(text: str) -> str:
    """Header and footer text is a small language of its own: '&' starts a code. Excel allows 255 characters."""
    return text.replace("&", "&&")[:120]


def print_setup(sheet, *, title: str, classification: str, title_rows: str) -> None:
    """Landscape A4, fitted to the page width, header row repeated, the title and classification on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.oddHeader.left.text = _header_text(title)
    sheet.oddHeader.right.text = _header_text(classification.upper())
    sheet.oddHeader.right.font = "-,Bold"
    sheet.oddFooter.left.text = _header_text(classification.upper())
    sheet.oddFooter.right.text = _("Page %(page)s of %(pages)s") % {"page": "&P", "pages": "&N"}
    sheet.evenHeader.left.text, sheet.evenHeader.right.text = sheet.oddHeader.left.text, sheet.oddHeader.right.text
    sheet.evenFooter.left.text, sheet.evenFooter.right.text = sheet.oddFooter.left.text, sheet.oddFooter.right.text


def to_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""The recommendations as an Excel workbook a ministry can file: a title block, one table by priority horizon,
then area, rank and sequence, costs as numbers, printed landscape with the classification on every page."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from soma.accounts import audit
from soma.exchange.safe_files import put
from soma.findings import selectors as finding_selectors
from soma.kernel.clearance import seen_by

WIDTHS = [6, 60, 28, 14, 7, 9, 32, 18, 16, 9, 14, 28, 28, 14]
HEADER_ROW = 6


def _headers() -> list[str]:
    return [_("No."), _("Recommendation"), _("Area"), _("Priority"), _("Rank"), _("Sequence"),
            _("Responsible institutions"), _("Timeline"), _("Estimated cost"), _("Currency"), _("Status"),
            _("Toolkit sections"), _("Framework for Action"), _("Classification")]


def _cost_format(currency: str) -> str:
    code = "".join(ch for ch in currency.upper() if ch.isalpha())[:3]
    return f'#,##0.00 "{code}"' if code else "#,##0.00"


def export_recommendations(user, assessment) -> bytes:
    """An .xlsx of the recommendations the user may see."""
    # openpyxl (and sheet_format, built on it) load here: the URL configuration imports this module.
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

    from soma.exchange.spreadsheets import sheet_format

    grouped = finding_selectors.recommendations_grouped(seen_by(user, assessment))
    rows = [r for _value, _label, areas in grouped for _key, _area, items in areas for r in items]
    mark = sheet_format.marking(assessment, [r.classification for r in rows])
    columns = len(WIDTHS)

    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = _("Recommendations")[:31]
    jurisdictions = ", ".join(str(country.name) for country in assessment.jurisdictions)
    title_block = [
        (assessment.title, Font(bold=True, size=14)),
        (_("Recommendations · %(jurisdictions)s") % {"jurisdictions": jurisdictions}, Font(bold=True, size=12)),
        (_("Date: %(date)s") % {"date": timezone.localdate().isoformat()}, Font(size=11)),
        (_("Classification: %(level)s") % {"level": mark}, Font(bold=True, size=11, color="C00000")),
    ]
    for row, (text, font) in enumerate(title_block, start=1):
        cell = sheet.cell(row=row, column=1)
        put(cell, text)
        cell.font = font
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    sheet_format.header_row(sheet, HEADER_ROW, _headers(), WIDTHS)
    sheet.row_dimensions[HEADER_ROW].height = 32

    row, number = HEADER_ROW, 0
    for _value, priority_label, areas in grouped:
        row += 1
        sheet_format.band(sheet, row, str(priority_label), 1, columns)
        for _key, area_label, items in areas:
            for each in items:
                rec: Any = each  # with toolkit_labels and framework_labels (finding_selectors.recommendations_grouped)
                row, number = row + 1, number + 1
                values = [
                    number, rec.text, area_label, str(priority_label), rec.rank, rec.sequence,
                    "; ".join(i.name for i in rec.institutions.all()), rec.timeline,
                    float(rec.estimated_cost) if rec.estimated_cost is not None else None, rec.currency,
                    rec.get_status_display(), "\n".join(label for _k, label in rec.toolkit_labels),
                    "\n".join(label for _k, label in rec.framework_labels), rec.get_classification_display(),
                ]
                for column, value in enumerate(values, start=1):
                    cell = sheet.cell(row=row, column=column)
                    put(cell, value)
                    cell.alignment = sheet_format.WRAP
                    cell.border = sheet_format.BORDER
                cost = sheet.cell(row=row, column=9)
                cost.number_format = _cost_format(rec.currency)
                cost.alignment = Alignment(horizontal="right", vertical="top")
                for column in (1, 5, 6):
                    sheet.cell(row=row, column=column).alignment = Alignment(horizontal="center", vertical="top")
                sheet_format.fit_row(sheet, row, [(v, w, 0) for v, w in zip(values, WIDTHS, strict=True)])
    if not rows:
        row += 1
        put(sheet.cell(row=row, column=1), _("No recommendations yet."))
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)

    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet_format.print_setup(sheet, title=assessment.title, classification=mark,
                             title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.print_area = f"A1:N{max(row, HEADER_ROW)}"
    audit.export(user, assessment, "recommendations", recommendations=len(rows))
    return sheet_format.to_bytes(book)

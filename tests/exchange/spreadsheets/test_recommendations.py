"""The recommendations workbook a ministry receives: ordered by horizon, costs as numbers, marked, printable."""

from decimal import Decimal

import pytest

from soma.exchange.spreadsheets.recommendations import HEADER_ROW, export_recommendations
from soma.findings import services
from soma.findings.models import PRIORITY_ORDER
from tests.exchange.spreadsheets.helpers import load, xml_text

pytestmark = pytest.mark.django_db


SECRET = "ORCHID-5519-RESTRICTED-RECOMMENDATION"


@pytest.fixture
def with_restricted(demoland):
    assessment, users = demoland
    services.save_recommendation(
        users["lead"], assessment, text=f"Protect the informant network. {SECRET}", area="guide:V.C",
        priority="immediate", classification="restricted", estimated_cost=Decimal("12500.50"), currency="EUR",
        toolkit=["toolkit:7.11"],
    )
    return assessment, users


def _table(sheet):
    """[(priority band or None, row values)] below the header."""
    rows, band = [], None
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if row[0] is not None and row[1] is None:
            band = row[0]
        elif row[0] is not None:
            rows.append((band, row))
    return rows


def test_the_workbook_has_a_title_block_and_a_table_by_horizon(with_restricted):
    assessment, users = with_restricted
    book = load(export_recommendations(users["lead"], assessment))
    sheet = book.active
    assert sheet["A1"].value == assessment.title and "Republic of Demoland" in sheet["A2"].value
    assert sheet["A3"].value.startswith("Date: ") and sheet["A4"].value == "Classification: Restricted"
    headers = [c.value for c in sheet[HEADER_ROW]]
    assert headers[:4] == ["No.", "Recommendation", "Area", "Priority"] and "Estimated cost" in headers
    rows = _table(sheet)
    visible = assessment.recommendations.count()
    assert len(rows) == visible and [r[0] for _b, r in rows] == list(range(1, visible + 1))
    labels = ["Immediate", "Short-term", "Medium-term", "Long-term"]
    bands = [band for band, _r in rows]
    assert bands == sorted(bands, key=labels.index) and set(bands) == set(labels)
    assert len(PRIORITY_ORDER) == 4
    for band in labels:  # within a horizon: area, then rank and sequence
        keys = [(r[2], r[4], r[5]) for b, r in rows if b == band]
        by_area = {}
        for area, rank, sequence in keys:
            by_area.setdefault(area, []).append((rank, sequence))
        assert all(v == sorted(v) for v in by_area.values())
    secret = next(r for _b, r in rows if SECRET in r[1])
    assert secret[8] == 12500.5 and secret[9] == "EUR" and secret[11].startswith("7.11 ")
    cost = next(c for c in sheet["I"] if c.value == 12500.5)
    assert cost.data_type == "n" and cost.number_format == '#,##0.00 "EUR"'
    assert cost.border.left.style == "thin"
    assert any(r[6] for _b, r in rows)  # responsible institutions


def test_the_workbook_prints_like_a_ministry_document(with_restricted):
    assessment, users = with_restricted
    sheet = load(export_recommendations(users["lead"], assessment)).active
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text
    assert sheet.oddFooter.left.text == "RESTRICTED" and sheet.freeze_panes == f"C{HEADER_ROW + 1}"
    header = sheet.cell(HEADER_ROW, 2)
    assert header.font.bold and header.fill.fgColor.rgb.endswith("1F3864")
    assert sheet.column_dimensions["B"].width == 60


def test_a_public_reader_gets_only_public_recommendations(with_restricted):
    assessment, users = with_restricted
    data = export_recommendations(users["observer"], assessment)
    assert SECRET not in xml_text(data)
    assert SECRET in xml_text(export_recommendations(users["assessor"], assessment))  # cleared for restricted
    rows = _table(load(data).active)
    assert len(rows) == assessment.recommendations.filter(classification="public").count()


def test_formula_like_text_stays_text(with_restricted):
    assessment, users = with_restricted
    services.save_recommendation(users["lead"], assessment, text='=HYPERLINK("http://evil.example","Fund")',
                                 area="guide:V.C", priority="long", timeline="+2 years")
    data = export_recommendations(users["lead"], assessment)
    assert "<f>" not in xml_text(data)
    sheet = load(data).active
    cell = next(c for c in sheet["B"] if c.value == '=HYPERLINK("http://evil.example","Fund")')
    assert cell.data_type == "s" and cell.quotePrefix

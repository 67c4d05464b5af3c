"""The questionnaire workbook: what goes out, what comes back, and that a bad file changes nothing."""

import io
import zipfile

import openpyxl
import pytest

from soma.exchange.models import ImportConflict
from soma.exchange.spreadsheets import questionnaire
from soma.exchange.spreadsheets.questionnaire import ImportRefused
from soma.findings.models import Response
from soma.kernel.access import PermissionDenied
from soma.kernel.errors import ServiceError
from soma.responses import services as response_services
from tests.exchange.spreadsheets.helpers import (
    MARKER,
    RESTRICTED_MARKER,
    load,
    row_of,
    save,
    state,
    xml_text,
)

pytestmark = pytest.mark.django_db


ANSWERED = "guide:I.A:q01"  # answered in the demo, public
NATIONAL = "guide:VI.C:n01"


def _export(users, assessment, role="assessor", scope=None):
    return questionnaire.export_questionnaire(users[role], assessment, scope)


def test_the_export_is_a_printable_protected_questionnaire(demoland):
    assessment, users = demoland
    book = load(_export(users, assessment))
    assert book.sheetnames[:2] == ["Instructions", "Questionnaire"]
    assert book["SOMA"].sheet_state == "veryHidden"
    sheet = book["Questionnaire"]
    assert sheet.freeze_panes == "E2" and sheet.print_title_rows == "$1:$1"
    assert [sheet.column_dimensions[c].hidden for c in "ABCD"] == [True, True, True, False]
    assert sheet.protection.sheet and sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert assessment.title[:40] in sheet.oddHeader.left.text and "RESTRICTED" in sheet.oddHeader.right.text
    assert "RESTRICTED" in sheet.oddFooter.left.text and "&P" in sheet.oddFooter.right.text
    row = row_of(sheet, ANSWERED)
    response = Response.objects.get(assessment=assessment, question=ANSWERED)
    assert sheet.cell(row, 9).value == response.narrative and sheet.cell(row, 2).value == response.version
    assert sheet.cell(row, 9).alignment.wrap_text and not sheet.cell(row, 9).protection.locked
    assert sheet.cell(row, 1).protection.locked
    ranges = [str(r) for rule in sheet.data_validations.dataValidation for r in rule.sqref.ranges]
    assert sorted(r[0] for r in ranges) == ["F", "G", "H"]
    lists = book["SOMA"]
    assert [lists[f"D{i}"].value for i in range(1, 6)][:2] == ["In place", "Partly in place"]
    assert [lists[f"E{i}"].value for i in range(1, 4)] == ["Public", "Restricted", None]  # the assessor's levels
    national = row_of(sheet, NATIONAL)
    assert "national" in sheet.cell(national, 4).value
    secondary = row_of(sheet, "guide:V.C:q02")  # under guide:V.C:q01
    assert sheet.cell(secondary, 5).alignment.indent == 2 and sheet.row_dimensions[secondary].outlineLevel == 1
    assert row_of(sheet, "guide:V.C:q01") < secondary


def test_a_chosen_scope_exports_only_those_subsections(demoland):
    assessment, users = demoland
    sheet = load(_export(users, assessment, scope=["guide:V.C"]))["Questionnaire"]
    ids = [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value]
    assert ids and all(key.startswith("guide:V.C:") for key in ids)
    with pytest.raises(ServiceError, match="guide:II.A"):
        _export(users, assessment, scope=["guide:II.A"])


def test_answers_above_the_clearance_never_reach_the_file(demoland):
    assessment, users = demoland
    data = _export(users, assessment, role="observer")  # cleared for public only
    text = xml_text(data)
    assert MARKER not in text and RESTRICTED_MARKER not in text
    assert "three facilitation networks" not in text  # the demo's confidential intelligence answer
    sheet = load(data)["Questionnaire"]
    assert "above your clearance" in sheet.cell(row_of(sheet, "guide:V.C:q01"), 9).value
    assert sheet.cell(row_of(sheet, ANSWERED), 9).value  # public answers are there
    assert MARKER in xml_text(_export(users, assessment, role="lead"))


def test_edited_cells_come_back_as_answers_with_history(demoland):
    assessment, users = demoland
    book = load(_export(users, assessment))
    sheet = book["Questionnaire"]
    before_versions = dict(Response.objects.filter(assessment=assessment).values_list("question", "version"))
    history_before = state(assessment)[1]
    sheet.cell(row_of(sheet, ANSWERED), 9).value = "Demoland ratified the Protocol in 2004; updated offline."
    sheet.cell(row_of(sheet, ANSWERED), 6).value = "In place"
    new = row_of(sheet, "guide:V.C:q03")
    sheet.cell(new, 9).value = "Procedures exist in Velmora only."
    sheet.cell(new, 7).value = "partly in place"  # case does not matter
    sheet.cell(row_of(sheet, NATIONAL), 9).value = "=The register is shared weekly."  # text, not a formula
    sheet.cell(row_of(sheet, NATIONAL), 9).data_type = "s"
    summary = questionnaire.import_questionnaire(users["assessor"], assessment, save(book))
    assert (summary.added, summary.updated, summary.conflicts) == (1, 2, [])
    assert summary.unchanged > 10
    assert str(summary).startswith("1 answer added, 2 answers updated, ")
    answered = Response.objects.get(assessment=assessment, question=ANSWERED)
    assert answered.narrative.endswith("updated offline.") and answered.de_jure == "in_place"
    assert answered.version == before_versions[ANSWERED] + 1
    created = Response.objects.get(assessment=assessment, question="guide:V.C:q03")
    assert (created.de_facto, created.de_jure, created.classification) == ("partly", "unknown", "restricted")
    assert Response.objects.get(assessment=assessment, question=NATIONAL).narrative.startswith("=The register")
    assert state(assessment)[1] == history_before + 3


def test_an_untouched_row_is_left_alone_even_when_soma_changed_since(demoland):
    assessment, users = demoland
    data = _export(users, assessment)
    response = Response.objects.get(assessment=assessment, question=ANSWERED)
    response_services.save_response(users["lead"], assessment, ANSWERED, expected_version=response.version,
                                    narrative="Changed in SOMA by the lead.")
    summary = questionnaire.import_questionnaire(users["assessor"], assessment, data)
    assert (summary.added, summary.updated, summary.conflicts) == (0, 0, [])
    assert Response.objects.get(assessment=assessment, question=ANSWERED).narrative == "Changed in SOMA by the lead."


def test_a_row_changed_in_both_places_is_kept_for_review_and_the_rest_imported(demoland):
    assessment, users = demoland
    book = load(_export(users, assessment))
    sheet = book["Questionnaire"]
    response = Response.objects.get(assessment=assessment, question=ANSWERED)
    response_services.save_response(users["lead"], assessment, ANSWERED, expected_version=response.version,
                                    narrative="The lead's text, saved after the export.")
    row = row_of(sheet, ANSWERED)
    sheet.cell(row, 9).value = "The assessor's offline text."
    sheet.cell(row_of(sheet, "guide:V.C:q03"), 9).value = "A new answer beside the conflict."
    summary = questionnaire.import_questionnaire(users["assessor"], assessment, save(book), file_name="desk.xlsx")
    assert summary.added == 1 and [c.question for c in summary.conflicts] == [ANSWERED]
    assert f"Questionnaire!{row}" in str(summary) and "1 conflict kept for review" in str(summary)
    assert Response.objects.get(assessment=assessment, question=ANSWERED).narrative.startswith("The lead's text")
    kept = questionnaire.conflicts(users["assessor"], assessment)
    assert [(k.question, k.narrative, k.file_name) for k in kept] == [(ANSWERED, "The assessor's offline text.",
                                                                        "desk.xlsx")]
    assert kept[0].current.narrative.startswith("The lead's text")
    assert questionnaire.conflicts(users["lead"], assessment) == []  # the importer's own draft
    questionnaire.dismiss_conflict(users["assessor"], assessment, kept[0].pk)
    assert not ImportConflict.objects.exists()


def _edited(users, assessment, change):
    book = load(_export(users, assessment))
    sheet = book["Questionnaire"]
    where = change(book, sheet)
    return save(book), where


def _cell(sheet, question, column, value):
    row = row_of(sheet, question)
    sheet.cell(row, column).value = value
    return f"Questionnaire!{'ABCDEFGHI'[column - 1]}{row}"


CASES = {
    "bad status": (lambda b, s: _cell(s, ANSWERED, 6, "Maybe"), "'Maybe' is not a de jure status; use one of: In "
                   "place, Partly in place"),
    "unknown question": (lambda b, s: _cell(s, ANSWERED, 1, "guide:V.C:q99"), "'guide:V.C:q99' is not a question"),
    "out of scope": (lambda b, s: _cell(s, ANSWERED, 1, "guide:II.A:q01"), "not in this assessment's scope"),
    "above clearance": (lambda b, s: _cell(s, ANSWERED, 8, "Confidential"), "not cleared for 'Confidential'"),
    "formula": (lambda b, s: _cell(s, ANSWERED, 9, '=HYPERLINK("http://evil.example","x")'),
                "formulas are not imported"),
    "row without id": (lambda b, s: _cell(s, ANSWERED, 1, None).replace("!A", "!I"),
                       "not one of the exported questions"),
    "hidden version edited": (lambda b, s: _cell(s, "guide:V.C:q03", 2, "many"), "hidden version was changed"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_cell_refuses_the_whole_file_naming_the_cell(demoland, case):
    assessment, users = demoland
    change, message = CASES[case]

    def both(book, sheet):
        _cell(sheet, "guide:V.C:q03", 9, "A good row that must not be saved either.")
        return change(book, sheet)

    data, where = _edited(users, assessment, both)
    before = state(assessment)
    with pytest.raises(ImportRefused) as refused:
        questionnaire.import_questionnaire(users["assessor"], assessment, data)
    assert message in str(refused.value)
    assert any(p.startswith(where) for p in refused.value.problems), refused.value.problems
    assert "nothing was changed" in str(refused.value)
    assert state(assessment) == before


def test_a_duplicated_question_row_is_refused(demoland):
    assessment, users = demoland

    def duplicate(book, sheet):
        row = row_of(sheet, "guide:V.C:q03")
        target = sheet.max_row + 1
        for column in range(1, 10):
            sheet.cell(target, column).value = sheet.cell(row, column).value
        sheet.cell(target, 9).value = "Second copy"
        return f"Questionnaire!A{target}"

    data, where = _edited(users, assessment, duplicate)
    with pytest.raises(ImportRefused, match="appears twice") as refused:
        questionnaire.import_questionnaire(users["assessor"], assessment, data)
    assert refused.value.problems[0].startswith(where)


@pytest.mark.parametrize("what", ["no questionnaire sheet", "plain workbook", "other assessment"])
def test_the_wrong_workbook_is_refused(demoland, what):
    assessment, users = demoland
    if what == "plain workbook":
        book = openpyxl.Workbook()
        book.active["A1"] = "guide:I.A:q01"
    else:
        book = load(_export(users, assessment))
        if what == "no questionnaire sheet":
            book["Questionnaire"].title = "Answers"
        else:
            book["SOMA"]["B2"] = assessment.pk + 1
    before = state(assessment)
    with pytest.raises(ImportRefused, match="Questionnaire|another assessment"):
        questionnaire.import_questionnaire(users["assessor"], assessment, save(book))
    assert state(assessment) == before


def test_hostile_files_are_refused_before_openpyxl(demoland):
    assessment, users = demoland
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    for data, message in ((bomb.getvalue(), "zip bomb"), (b"question,answer\n", "not an Excel workbook"),
                          (b"PK\x03\x04broken", "not an Excel workbook")):
        with pytest.raises(ImportRefused, match=message):
            questionnaire.import_questionnaire(users["assessor"], assessment, data)


def test_formula_like_answers_are_exported_as_text(demoland):
    assessment, users = demoland
    response_services.save_response(users["assessor"], assessment, "guide:V.C:q03", expected_version=0,
                                    narrative='=HYPERLINK("http://evil.example","click")')
    sheet = load(_export(users, assessment))["Questionnaire"]
    cell = sheet.cell(row_of(sheet, "guide:V.C:q03"), 9)
    assert cell.data_type == "s" and cell.quotePrefix
    assert "<f>" not in xml_text(_export(users, assessment))


def test_only_the_lead_and_assessors_may_import(demoland):
    assessment, users = demoland
    data = _export(users, assessment, role="observer")
    for role in ("observer", "reviewer"):
        with pytest.raises(PermissionDenied):
            questionnaire.import_questionnaire(users[role], assessment, data)

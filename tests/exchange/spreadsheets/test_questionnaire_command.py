"""`soma export --format questionnaire|recommendations` and `soma import FILE.xlsx --into ID` use the spreadsheet
modules with the member's role and clearance."""

import pytest
from django.core.management import CommandError, call_command

from soma.findings.models import Response
from tests.exchange.spreadsheets.helpers import MARKER, load, row_of, save, state, xml_text

pytestmark = pytest.mark.django_db

ANSWERED = "guide:I.A:q01"


def test_export_writes_both_workbooks_as_the_member_sees_them(demoland, tmp_path):
    assessment, _users = demoland
    questions, recommendations = tmp_path / "q.xlsx", tmp_path / "r.xlsx"
    call_command("export", str(assessment.pk), "--user", "observer.demo", "--format", "questionnaire",
                 "--output", str(questions))
    call_command("export", str(assessment.pk), "--user", "observer.demo", "--format", "recommendations",
                 "--output", str(recommendations))
    assert "Questionnaire" in load(questions.read_bytes()).sheetnames
    assert MARKER not in xml_text(questions.read_bytes())
    assert load(recommendations.read_bytes()).active["A1"].value == assessment.title


def test_import_into_an_assessment_updates_answers(demoland, tmp_path, capsys):
    assessment, users = demoland
    path = tmp_path / "q.xlsx"
    call_command("export", str(assessment.pk), "--user", "assessor.demo", "--format", "questionnaire",
                 "--output", str(path))
    book = load(path.read_bytes())
    sheet = book["Questionnaire"]
    sheet.cell(row_of(sheet, ANSWERED), 9).value = "Updated from the command line."
    path.write_bytes(save(book))
    call_command("import", str(path), "--into", str(assessment.pk), "--user", "assessor.demo")
    assert "1 answer updated" in capsys.readouterr().out
    assert Response.objects.get(assessment=assessment, question=ANSWERED).narrative == "Updated from the command line."


def test_observers_cannot_import_from_the_command_line(demoland, tmp_path):
    assessment, _users = demoland
    path = tmp_path / "q.xlsx"
    call_command("export", str(assessment.pk), "--user", "observer.demo", "--format", "questionnaire",
                 "--output", str(path))
    before = state(assessment)
    with pytest.raises(CommandError, match="Only the lead and assessors"):
        call_command("import", str(path), "--into", str(assessment.pk), "--user", "observer.demo")
    assert state(assessment) == before



def test_a_refused_spreadsheet_is_a_command_error_naming_the_cell(demoland, tmp_path):
    assessment, _users = demoland
    path = tmp_path / "q.xlsx"
    call_command("export", str(assessment.pk), "--user", "assessor.demo", "--format", "questionnaire",
                 "--output", str(path))
    book = load(path.read_bytes())
    sheet = book["Questionnaire"]
    row = row_of(sheet, ANSWERED)
    sheet.cell(row, 6).value = "Maybe"
    path.write_bytes(save(book))
    before = state(assessment)
    with pytest.raises(CommandError, match=f"Questionnaire!F{row}: 'Maybe' is not a de jure status"):
        call_command("import", str(path), "--into", str(assessment.pk), "--user", "assessor.demo")
    assert state(assessment) == before


def test_an_oversized_spreadsheet_is_refused_before_it_is_read(demoland, tmp_path):
    assessment, _users = demoland
    path = tmp_path / "huge.xlsx"
    path.write_bytes(b"PK" + b"\0" * (21 * 1024 * 1024))
    with pytest.raises(CommandError, match="larger than 20 MB"):
        call_command("import", str(path), "--into", str(assessment.pk), "--user", "assessor.demo")

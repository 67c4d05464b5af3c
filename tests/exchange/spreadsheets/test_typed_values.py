"""What a member types into the questionnaire comes back as typed, and printed rows show their whole text.

The answer cells are formatted as Text ("@"): Excel and LibreOffice otherwise turn a typed 2004, 007 or
12/05/2004 into a number or a date serial, which SOMA would then store. The round trip is driven through
LibreOffice Calc itself (Debian's libreoffice-calc-nogui and python3-uno): Calc types into the exported file
and saves it, and SOMA imports what Calc saved.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from soma.exchange.spreadsheets import questionnaire, recommendations
from soma.exchange.spreadsheets.questionnaire import ANSWER, EDITABLE, QUESTION
from soma.exchange.spreadsheets.sheet_format import wrapped_lines
from soma.findings.models import Response
from tests.exchange.spreadsheets.helpers import load, row_of, save

pytestmark = pytest.mark.django_db

TYPED = ["2004", "007", "12/05/2004", "1.50"]  # a year, a file number, a date, an amount, as a member types them
QUESTIONS = ["guide:I.A:q02", "guide:I.A:q03", "guide:I.A:q04", "guide:I.A:q05"]
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with LibreOffice's bridge (python3-uno)


def _export(demoland) -> bytes:
    assessment, users = demoland
    return questionnaire.export_questionnaire(users["assessor"], assessment)


def test_the_cells_a_member_fills_in_are_text_and_the_others_keep_their_format(demoland):
    sheet = load(_export(demoland))["Questionnaire"]
    for key in QUESTIONS:
        row = row_of(sheet, key)
        assert [sheet.cell(row, column).number_format for column in EDITABLE] == ["@"] * len(EDITABLE), key
        assert sheet.cell(row, QUESTION).number_format == "General"


def test_rows_are_as_high_as_their_wrapped_text_needs(demoland):
    sheet = load(_export(demoland))["Questionnaire"]
    longest = max(range(2, sheet.max_row + 1), key=lambda r: len(str(sheet.cell(r, QUESTION).value or "")))
    text = str(sheet.cell(longest, QUESTION).value)
    indent = int(sheet.cell(longest, QUESTION).alignment.indent)
    lines = wrapped_lines(text, questionnaire.WIDTHS[QUESTION - 1], indent)
    assert lines >= len(text) // 60 >= 3  # a question that needs several lines at width 60
    assert sheet.row_dimensions[longest].height >= 15 * lines
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value:  # a question row: wrapped, and tall enough for each of its cells
            assert sheet.cell(row, QUESTION).alignment.wrap_text and sheet.cell(row, ANSWER).alignment.wrap_text
            needed = max(wrapped_lines(sheet.cell(row, c).value, questionnaire.WIDTHS[c - 1])
                         for c in (QUESTION, ANSWER))
            assert sheet.row_dimensions[row].height >= 15 * needed, row
    instructions = load(_export(demoland))["Instructions"]
    assert all(instructions.row_dimensions[r].height >= 15 * wrapped_lines(instructions.cell(r, 1).value, 110)
               for r in range(1, instructions.max_row + 1))


def test_recommendation_rows_fit_their_text(demoland):
    assessment, users = demoland
    sheet = load(recommendations.export_recommendations(users["lead"], assessment)).active
    rows = [r for r in range(7, sheet.max_row + 1) if isinstance(sheet.cell(r, 1).value, int)]
    assert rows
    for row in rows:
        needed = max(wrapped_lines(sheet.cell(row, c).value, width)
                     for c, width in enumerate(recommendations.WIDTHS, start=1))
        assert sheet.row_dimensions[row].height >= 15 * needed


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("", 10, 1), ("a b", 10, 1), ("aaaa bbbb cccc", 10, 2), ("x" * 25, 10, 3), ("one\ntwo", 10, 2),
    ("aaaa " + "x" * 20, 10, 4),
])
def test_wrapped_lines_counts_words_and_breaks(text, width, lines):
    assert wrapped_lines(text, width) == lines


def _type_in_calc(jobs: list[dict], tmp_path: Path) -> None:
    if not shutil.which("soffice") or not Path(SYSTEM_PYTHON).exists():
        pytest.fail("LibreOffice Calc is needed: apt-get install libreoffice-calc-nogui python3-uno")
    spec = tmp_path / "jobs.json"
    spec.write_text(json.dumps(jobs), encoding="utf-8")
    script = Path(__file__).with_name("type_in_calc.py")
    done = subprocess.run([SYSTEM_PYTHON, str(script), str(spec)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.slow
def test_values_typed_in_libreoffice_come_back_as_typed(demoland, tmp_path):
    assessment, users = demoland
    exported = _export(demoland)
    sheet = load(exported)["Questionnaire"]
    cells = {f"I{row_of(sheet, key)}": typed for key, typed in zip(QUESTIONS, TYPED, strict=True)}
    cells |= {f"F{row_of(sheet, QUESTIONS[0])}": "Partly in place"}
    # The control: the same file with the answer cells of those rows set back to the General format.
    general = load(exported)
    for key in QUESTIONS:
        general["Questionnaire"].cell(row_of(sheet, key), ANSWER).number_format = "General"
    (tmp_path / "soma.xlsx").write_bytes(exported)
    (tmp_path / "general.xlsx").write_bytes(save(general))
    _type_in_calc([
        {"in": str(tmp_path / name), "out": str(tmp_path / f"typed-{name}"), "sheet": "Questionnaire", "cells": cells}
        for name in ("soma.xlsx", "general.xlsx")
    ], tmp_path)

    typed = load((tmp_path / "typed-soma.xlsx").read_bytes())["Questionnaire"]
    assert [typed.cell(row_of(sheet, key), ANSWER).value for key in QUESTIONS] == TYPED
    control = load((tmp_path / "typed-general.xlsx").read_bytes())["Questionnaire"]
    as_general = [control.cell(row_of(sheet, key), ANSWER).value for key in QUESTIONS]
    assert not any(isinstance(value, str) for value in as_general), as_general  # Calc made numbers and a date

    summary = questionnaire.import_questionnaire(users["assessor"], assessment, (tmp_path / "typed-soma.xlsx")
                                                 .read_bytes())
    assert summary.added + summary.updated == len(QUESTIONS)
    stored = dict(Response.objects.filter(assessment=assessment, question__in=QUESTIONS)
                  .values_list("question", "narrative"))
    assert stored == dict(zip(QUESTIONS, TYPED, strict=True))
    first = Response.objects.get(assessment=assessment, question=QUESTIONS[0])
    assert first.de_jure == "partly"  # typed into column F, the de jure list

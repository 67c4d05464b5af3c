"""The headline counts of the catalog export (docs/catalog.md, "Counts"), and cheap checks against the sources.

The numbers pinned here were checked against the UNODC source texts independently of the parsers (the method
is described in docs/catalog.md). A change in any of them means the content changed: re-check it against the
sources and update docs/catalog.md together with this file.
"""

import re
from collections import Counter

import pytest

from soma.catalog.extract import SOURCES_DIR


@pytest.fixture
def export(db):
    from soma.catalog import exporter, packs

    packs.load_builtin()
    return exporter.export()


def _subsections(export):
    return {sub["code"]: sub for section in export["guide"]["sections"] for sub in section["subsections"]}


def _question_counts(sub):
    questions = [q for field in sub["fields"] for q in field["questions"]]
    primary = sum(q["level"] == "primary" for q in questions)
    secondary = sum(q["level"] == "secondary" for q in questions)
    options = sum(len(q["options"]) for q in questions)
    return primary, secondary, options


def test_guide_counts(export):
    guide = export["guide"]
    subs = _subsections(export)
    assert len(guide["sections"]) == 13
    assert [len(s["subsections"]) for s in guide["sections"]] == [8, 2, 4, 5, 12, 4, 3, 3, 7, 2, 4, 1, 3]
    assert len(subs) == 58  # 57 lettered subsections plus section XII, which has none
    assert len(guide["methodology"]) == 10
    totals = [sum(c) for c in zip(*(_question_counts(sub) for sub in subs.values()), strict=True)]
    assert totals == [401, 313, 30]
    assert sum(len(sub["fields"]) for sub in subs.values()) == 87
    assert sum(len({r["id"] for r in sub["requirements"]}) for sub in subs.values()) == 90
    assert sum(len(sub["guidelines"]) for sub in subs.values()) == 259
    assert sum(len(sub["cross_references"]) for sub in subs.values()) == 38
    without_requirements = sorted(code for code, sub in subs.items() if not sub["requirements"])
    assert without_requirements == sorted(
        ["II.A", "II.B", "III.A", "IV.D", "IV.E", "V.B", "V.E", "V.G", "V.H", "V.L", "VII.A", "VIII.A"]
    )


# (primary, secondary, answer options), counted by hand in assessment-guide.txt.
HAND_CHECKED = {
    "I.A": (5, 5, 0),  # lines 824-841, continued after the I.A guidelines box (lines 881-891)
    "I.B": (4, 6, 0),  # lines 926-937 and 965-985, around the I.B guidelines box
    "III.C": (4, 0, 14),  # line 2358 "such as:" is followed by 14 topics, kept as options
    "IV.B": (5, 8, 10),  # lines 2853-2865: "Which of the following methods are used:" has 10 options
    "V.J": (7, 9, 0),  # line 4280 ends in ":", but the 3 items under it (lines 4282-4284) are questions
    "VII.C": (7, 5, 0),
    "IX.D": (19, 12, 0),
    "XII": (7, 7, 0),
    "XIII.A": (8, 16, 0),
}


@pytest.mark.parametrize("code", sorted(HAND_CHECKED))
def test_subsection_question_counts(export, code):
    assert _question_counts(_subsections(export)[code]) == HAND_CHECKED[code]


def test_protocol_counts(export):
    articles = export["protocol"]["articles"]
    assert [a["number"] for a in articles] == list(range(1, 26))
    assert sum(len(a["paragraphs"]) for a in articles) == 74
    paragraphs = {a["number"]: len(a["paragraphs"]) for a in articles}
    assert (paragraphs[6], paragraphs[8], paragraphs[16], paragraphs[18], paragraphs[20]) == (4, 7, 5, 8, 4)
    levels = Counter(p["obligation"] for a in articles for p in a["paragraphs"])
    assert levels == {"mandatory": 34, "optional": 10, None: 30}


def test_framework_counts(export):
    framework = export["framework"]
    sections = {p["key"]: len(p["table_sections"]) for p in framework["pillars"]}
    assert sections == {"prosecution": 16, "protection": 16, "prevention": 10, "cooperation": 20}
    cells = [c for p in framework["pillars"] for s in p["table_sections"] for c in s["cells"]]
    assert len(cells) == 246
    assert not any(c["text"] for c in cells)  # the table texts are not in the source copy
    assert framework["table_texts_available"] is False
    assert [p["number"] for p in framework["paragraphs"]] == list(range(1, 206))
    assert sum(len(p["footnotes"]) for p in framework["paragraphs"]) == 113
    assert len(framework["index"]) == 147
    assert len(framework["resources"]) == 27
    # Annex II section E: 10 groups, counted by reading (two headings and four entries start a page).
    groups = Counter(i["group"].split(".")[0] for i in framework["legal_instruments"])
    assert len(framework["legal_instruments"]) == 89
    assert [groups[str(n)] for n in range(1, 11)] == [16, 22, 8, 3, 20, 7, 6, 3, 3, 1]


def test_toolkit_and_working_group_counts(export):
    tools = export["toolkit"]["tools"]
    assert [len(t["sections"]) for t in tools] == [14, 9, 5, 15, 12, 17, 23, 11, 10, 5]
    basis = Counter(s["article_basis"] for t in tools for s in t["sections"])
    assert basis == {"curated": 116, "explicit": 3, "none": 2}
    kinds = {p["year"]: Counter(i["kind"] for i in p["items"]) for p in export["working_group"]["papers"]}
    assert {str(year): dict(counts) for year, counts in kinds.items()} == {
        "2012": {"issue": 7, "good_practice": 4, "challenge": 2},
        "2015": {"issue": 10, "good_practice": 9, "challenge": 13},
    }
    assert [(i["id"], len(i["articles"])) for i in export["instruments"]] == [("untoc", 27)]


# ---- independent checks against the source texts (soma/catalog/sources/) ----------


def _seed(name: str) -> list[str]:
    return (SOURCES_DIR / name).read_text(encoding="utf-8").split("\n")


def test_guide_boxes_in_source_match_export(export):
    lines = _seed("assessment-guide.txt")
    label = re.compile(r"^\s*([ivx]+(?:\.[a-l])?)\s+assessment questions", re.IGNORECASE)
    codes = [m.group(1).upper() for line in lines[700:] if (m := label.match(line))]
    # One box at line 1797 is printed as a second "I.G"; it holds the questions of I.H.
    assert len(codes) == 58 and Counter(codes)["I.G"] == 2 and "I.H" not in codes
    assert set(codes) | {"I.H"} == set(_subsections(export))
    # Every "t " item after the introduction is a secondary question or an answer option.
    t_items = sum(bool(re.match(r"^\s*t ", line)) for line in lines[700:])
    totals = [sum(c) for c in zip(*(_question_counts(s) for s in _subsections(export).values()), strict=True)]
    assert t_items == totals[1] + totals[2] == 343


def test_framework_and_toolkit_numbering_in_source():
    lines = _seed("framework-for-action.txt")
    annex_one = next(i for i, line in enumerate(lines) if line.strip() == "Annex I")
    annex_two = next(i for i, line in enumerate(lines) if line.strip() == "Annex II")
    headings = [
        int(m.group(1)) for line in lines[annex_one:annex_two] if (m := re.match(r"^\s*Article (\d+)\s*$", line))
    ]
    assert headings == list(range(1, 26))
    numbers = {int(m.group(1)) for line in lines[:annex_one] if (m := re.match(r"^\s*(\d{1,3})\.\s+\S", line))}
    assert set(range(1, 206)) <= numbers
    toolkit = _seed("toolkit-overview.txt")
    sections = [m.group(1) for line in toolkit if (m := re.match(r"^\s*(\d{1,2}\.\d{1,2})\s", line))]
    assert len(sections) == len(set(sections)) == 121

"""Tests for the Assessment Guide parser against the real seed file."""

import pytest

from soma.catalog.extract import SOURCES_DIR, guide

SEED = SOURCES_DIR / "assessment-guide.txt"


@pytest.fixture(scope="module")
def data():
    return guide.parse(SEED)


@pytest.fixture(scope="module")
def subs(data):
    return {s["code"]: s for sec in data["sections"] for s in sec["subsections"]}


def questions(sub):
    return [q for f in sub["fields"] for q in f["questions"]]


def test_counts(data, subs):
    assert len(data["sections"]) == 13
    assert len(subs) == 58
    assert sum(1 for s in subs.values() if s["letter"]) == 57
    assert subs["XII"]["letter"] is None and subs["XII"]["id"] == "guide:XII"
    assert [s["code"] for s in data["sections"]][-3:] == ["XI", "XII", "XIII"]
    assert [s["code"] for s in data["sections"][4]["subsections"]][-4:] == ["V.I", "V.J", "V.K", "V.L"]


def test_section_titles_and_audiences(data):
    sec = {s["code"]: s for s in data["sections"]}
    assert sec["III"]["title"] == "Human resources and staff management"
    assert sec["I"]["audiences"] == ["Policy and lawmakers", "Departments of justice and attorney general",
                                     "Ministries of interior or home affairs"]
    assert "Non-governmental organizations" in sec["XII"]["audiences"]


def test_first_questions_and_parents(subs):
    qs = questions(subs["I.A"])
    assert qs[0] == {"id": "guide:I.A:q01", "level": "primary", "parent": None, "options": [],
                     "text": "Is the country a State party to the United Nations Convention against "
                             "Transnational Organized Crime?"}
    assert qs[1]["text"] == "If so, since when?" and qs[1]["parent"] == "guide:I.A:q01"
    assert subs["I.A"]["fields"][0]["title"] == "Ratification of the Convention and Protocol"


def test_wrong_case_first_letter_fixed(subs):
    texts = [q["text"] for q in questions(subs["I.A"])]
    assert any(t.startswith("Has the country filed any reservation") for t in texts)
    assert "Is the country a State party to the Smuggling of Migrants Protocol?" in texts


def test_question_continued_after_other_box_goes_to_its_subsection(subs):
    # printed after the I.A guidelines box and inside I.B's narrative
    fields = subs["I.A"]["fields"]
    assert fields[-1]["title"] == "Other international or regional instruments"
    last = fields[-1]["questions"][-1]["text"]
    assert last.endswith("address the smuggling of migrants?")  # no narrative glued on
    assert subs["I.B"]["narrative"][2].startswith("Accordingly, any assessment")
    assert any("what such legislation encompasses. National legislation" in p for p in subs["I.B"]["narrative"])


def test_secondary_printed_before_primary_is_linked(subs):
    qs = questions(subs["V.G"])
    assert qs[0]["level"] == "primary"
    assert qs[0]["text"].startswith("To what extent is equipment available for the collection of fingerprints")
    assert qs[1]["text"].startswith("Are there forensic teams or laboratories")
    assert qs[1]["parent"] == qs[0]["id"] == "guide:V.G:q01"
    portable = next(q for q in qs if q["text"] == "Is this equipment portable?")
    assert portable["parent"] == "guide:V.G:q01"


def test_question_split_across_blank_line_and_hyphen(subs):
    texts = [q["text"] for q in questions(subs["I.B"])]
    assert ("Does the national law (or laws) relating to smuggling of migrants pre-date the ratification "
            "of the Protocol or has it been enacted or amended since the country became a State party?") in texts


def test_hyphenation_repaired_in_narrative(subs):
    text = " ".join(subs["I.A"]["narrative"])
    assert "United Nations Convention against Transnational Organized Crime" in text
    assert "Conven- tion" not in text and "Conven-tion" not in text
    assert "(participation in an organized criminal group, money-laundering, corruption" in text


def test_footnote_markers_removed(subs):
    text = " ".join(subs["I.A"]["narrative"])
    assert "transnational organized crime.23" not in text
    assert "Members of Their Families are" in text  # glued letter marker "Familiesd" removed
    assert {f["marker"] for f in subs["I.A"]["footnotes"]} >= {"23", "a", "e"}


def test_options_not_questions(subs):
    qs = questions(subs["IV.B"])
    assert qs[0]["text"].endswith("Which of the following methods are used:")
    assert "Internet surveillance" in qs[0]["options"]
    assert "Listening devices, tracking and positioning devices" in qs[0]["options"]
    assert not any(q["text"] == "Internet surveillance" for q in qs)
    assert "To make arrests" in questions(subs["V.E"])[0]["options"]


def test_mislabelled_boxes_attached_by_correction(subs):
    assert len(questions(subs["I.H"])) == 8
    assert any("jurisdiction" in q["text"] for q in questions(subs["I.H"]))
    assert subs["III.A"]["guidelines"] and subs["VIII.B"]["guidelines"] and subs["VIII.C"]["guidelines"]
    assert subs["XIII.C"]["requirements"][0]["article"] == "10"


def test_requirements(subs):
    r = subs["I.A"]["requirements"][0]
    assert r == {"id": "guide:I.A:r01",
                 "text": "Article 1, paragraphs 1 and 2, of the Smuggling of Migrants Protocol.",
                 "instrument": "protocol", "article": "1", "paragraphs": ["1", "2"], "subparagraphs": [],
                 "obligation": None, "provisions": ["protocol:art1.1", "protocol:art1.2"]}
    vc = subs["V.C"]["requirements"]
    assert [(x["article"], x["paragraphs"], x["subparagraphs"]) for x in vc] == [("18", ["3"], ["f"]), ("29", [], [])]
    assert vc[0]["instrument"] == "untoc" and vc[0]["provisions"] == ["untoc:art18.3"]
    xb = subs["X.B"]["requirements"]
    assert [(x["article"], x["paragraphs"]) for x in xb] == [("3", ["c"]), ("12", []), ("13", [])]
    assert [x["article"] for x in subs["XI.A"]["requirements"]] == ["16", "24", "25", "26"]
    assert subs["IV.B"]["requirements"][0]["obligation"] == "optional"  # article 20 "encourages"
    assert subs["I.H"]["requirements"][0]["obligation"] == "mandatory"


def test_instruments(data):
    inst = {i["id"]: i for i in data["instruments"]}
    assert set(inst) == {"protocol", "untoc"}
    assert inst["untoc"]["articles_cited"][:3] == ["5", "6", "7"]
    assert "37" in inst["untoc"]["articles_cited"]


def test_guidelines_and_refs(subs):
    g = subs["I.A"]["guidelines"]
    assert any(x["text"].startswith("Toolkit to Combat Smuggling of Migrants: Section 3.1, entitled “Introduction")
               and x["refs"] == ["toolkit:3.1"] for x in g)
    assert any(x["refs"] == ["ffa:page:119"] for x in g)


def test_cross_references(subs):
    refs = {x["text"]: x for x in subs["VI.A"]["cross_references"]}
    assert refs["section IX.D"]["target"] == "guide:IX.D" and refs["section IX.D"]["status"] == "resolved"
    ic = {x["text"]: x for x in subs["I.C"]["cross_references"]}
    assert ic["section D"]["target"] == "guide:I.D"
    idd = {x["text"]: x for x in subs["I.D"]["cross_references"]}
    assert idd["section J.1"]["status"] == "corrected" and idd["section J.1"]["target"] == "guide:I.C"


def test_methodology(data):
    stages = {m["id"]: m["stage"] for m in data["methodology"]}
    assert stages["guide:method:desk-review"] == "desk_review"
    assert stages["guide:method:conducting"] == "fieldwork"
    rec = next(m for m in data["methodology"] if m["id"] == "guide:method:conclusions-recommendations")
    assert rec["bullets"] == ["Immediate", "Short-term", "Medium-term", "Long-term"]
    dist = next(m for m in data["methodology"] if m["id"] == "guide:method:distributing-report")
    assert "classified version" in " ".join(dist["paragraphs"])


def test_sources_and_determinism(data, subs):
    assert subs["I.A"]["source"] == {"file": "assessment-guide.txt", "lines": [758, 891]}
    assert guide.parse(SEED) == data

import pytest

from soma.catalog.extract import SOURCES_DIR, protocol

SEED = SOURCES_DIR / "framework-for-action.txt"

@pytest.fixture(scope="module")
def doc():
    return protocol.parse(SEED)


def _art(doc, number):
    return next(a for a in doc["articles"] if a["number"] == number)


def _para(doc, number, para):
    return next(p for p in _art(doc, number)["paragraphs"] if p["number"] == para)


def test_twenty_five_articles_in_order(doc):
    assert [a["number"] for a in doc["articles"]] == list(range(1, 26))
    assert doc["document"]["id"] == "protocol"


def test_chapters_and_assignment(doc):
    assert [(c["number"], c["title"]) for c in doc["chapters"]] == [
        ("I", "General provisions"),
        ("II", "Smuggling of migrants by sea"),
        ("III", "Prevention, cooperation and other measures"),
        ("IV", "Final provisions"),
    ]
    chapters = {a["number"]: a["chapter"] for a in doc["articles"]}
    assert [chapters[n] for n in (1, 6, 7, 9, 10, 18, 19, 25)] == ["I", "I", "II", "II", "III", "III", "IV", "IV"]


def test_titles_including_wrapped_and_unseparated(doc):
    assert _art(doc, 1)["title"] == "Relation with the United Nations Convention against Transnational Organized Crime"
    assert _art(doc, 6)["title"] == "Criminalization"
    # no blank line between title and body in the source
    assert _art(doc, 12)["title"] == "Security and control of documents"
    assert _art(doc, 12)["paragraphs"][0]["text"].startswith("Each State Party shall take such measures")


def test_article_6_paragraphs_and_subparagraphs(doc):
    art = _art(doc, 6)
    assert [p["number"] for p in art["paragraphs"]] == ["1", "2", "3", "4"]
    p3 = _para(doc, 6, "3")
    assert p3["id"] == "protocol:art6.3"
    assert [s["label"] for s in p3["subparagraphs"]] == ["a", "b"]
    assert p3["subparagraphs"][0]["id"] == "protocol:art6.3.a"
    assert p3["subparagraphs"][1]["text"].startswith("That entail inhuman or degrading treatment")
    p1 = _para(doc, 6, "1")
    b = p1["subparagraphs"][1]
    assert [s["id"] for s in b["subparagraphs"]] == ["protocol:art6.1.b.i", "protocol:art6.1.b.ii"]
    # hyphenation across lines undone: "perma-\nnent"
    assert "permanent resident" in p1["subparagraphs"][2]["text"]


def test_subparagraph_after_page_break_and_reference_column(doc):
    # 6.2 (c) comes after the cross-reference column and a repeated column header
    c = _para(doc, 6, "2")["subparagraphs"][2]
    assert c["text"] == ("Organizing or directing other persons to commit an offence established in "
                         "accordance with paragraph 1 of this article.")
    assert "Introduction to" not in _para(doc, 6, "2")["text"]


def test_unnumbered_article_body(doc):
    art3 = _art(doc, 3)
    assert len(art3["paragraphs"]) == 1
    body = art3["paragraphs"][0]
    assert body["number"] is None and body["id"] == "protocol:art3"
    assert [s["label"] for s in body["subparagraphs"]] == ["a", "b", "c", "d"]
    assert [s["label"] for s in body["subparagraphs"][2]["subparagraphs"]] == ["i", "ii", "iii"]


def test_obligations(doc):
    assert _para(doc, 6, "1")["obligation"] == "mandatory"
    assert _para(doc, 6, "4")["obligation"] is None  # Nothing in this Protocol shall prevent
    assert _para(doc, 11, "5")["obligation"] == "optional"  # shall consider
    assert _para(doc, 11, "6")["obligation"] == "optional"
    assert _para(doc, 14, "3")["obligation"] == "optional"
    assert _para(doc, 18, "6")["obligation"] == "optional"  # may
    assert _para(doc, 20, "1")["obligation"] == "optional"  # endeavour ("l." misprint read as 1)
    assert _para(doc, 18, "1")["obligation"] == "mandatory"  # agrees to
    assert _para(doc, 19, "1")["obligation"] is None
    assert _art(doc, 3)["paragraphs"][0]["obligation"] is None  # definitions
    assert _art(doc, 5)["paragraphs"][0]["obligation"] is None  # correction
    assert all(p["obligation"] is None for p in _art(doc, 22)["paragraphs"])  # final clauses


def test_cross_references(doc):
    art6 = _art(doc, 6)
    assert "ffa:prosecution:1.A" in art6["ffa_cells"]
    # "2.A, D and E" expands to three cells
    assert {"ffa:prosecution:2.A", "ffa:prosecution:2.D", "ffa:prosecution:2.E"} <= set(art6["ffa_cells"])
    assert _para(doc, 6, "3")["ffa_paragraphs"] == [10, 11, 13, 47, 103, 152]
    # sub-letter sections, and a range split over two lines ("13(a).A-\nC")
    art7 = _art(doc, 7)
    assert art7["ffa_cells"] == ["ffa:cooperation:13(a).A", "ffa:cooperation:13(a).B",
                                 "ffa:cooperation:13(a).D", "ffa:prevention:2(a).D"]
    assert {"ffa:protection:13(a).A", "ffa:protection:13(a).B", "ffa:protection:13(a).C"} <= set(
        _art(doc, 19)["ffa_cells"])
    assert _art(doc, 13)["ffa_cells"] == ["ffa:prevention:6.A", "ffa:prevention:6.B", "ffa:prevention:6.C"]
    assert _art(doc, 15)["ffa_paragraphs"] == [178, 179, 180]
    assert doc["preamble"]["ffa_paragraphs"] == [47, 180]
    assert _art(doc, 1)["ffa_cells"] == []


def test_sources_are_line_ranges(doc):
    for art in doc["articles"]:
        lo, hi = art["source"]["lines"]
        assert art["source"]["file"] == "framework-for-action.txt" and 1 <= lo <= hi
        for para in art["paragraphs"]:
            plo, phi = para["source"]["lines"]
            assert lo <= plo <= phi <= hi


def test_deterministic(doc):
    assert protocol.parse(SEED) == doc

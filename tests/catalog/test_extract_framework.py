import pytest

from soma.catalog.extract import SOURCES_DIR, framework

SEED = SOURCES_DIR / "framework-for-action.txt"

@pytest.fixture(scope="module")
def doc():
    return framework.parse(SEED)


def _para(doc, number):
    return doc["paragraphs"][number - 1]


def _term(doc, term):
    return next(t for t in doc["index_terms"] if t["term"] == term)


def test_205_paragraphs_in_order(doc):
    assert [p["number"] for p in doc["paragraphs"]] == list(range(1, 206))
    assert all(p["id"] == f"ffa:para:{p['number']}" and p["part"] == "one" for p in doc["paragraphs"])


def test_paragraph_starting_without_blank_line(doc):
    assert _para(doc, 173)["text"].startswith("Article 14 of the Protocol is explicit")


def test_paragraph_spanning_page_break_is_clean(doc):
    text = _para(doc, 15)["text"]
    # footnotes 4-7 and the figure sit between "Such networks" and "can be small or large"
    assert "Such networks can be small or large, connecting to each other" in text
    assert "procurement of the illegal entry +" not in text
    p142 = _para(doc, 142)["text"]
    assert "jointly prepared by the International Maritime Organization and UNHCR" in p142
    assert "Part one. Introduction" not in p142
    assert "Framework for Action36" not in p142


def test_dehyphenation(doc):
    assert "represents a darker side" in _para(doc, 1)["text"]
    assert "organized criminal groups are dismantled" in _para(doc, 2)["text"]


def test_footnotes_attached_and_markers_removed(doc):
    notes = [f for p in doc["paragraphs"] for f in p["footnotes"]]
    assert [int(f["marker"]) for f in notes] == list(range(1, 114))
    assert doc["footnotes_unattached"] == []
    p9 = _para(doc, 9)
    assert [f["marker"] for f in p9["footnotes"]] == ["3"]
    assert p9["footnotes"][0]["text"].startswith("Article 3 of the Smuggling of Migrants Protocol adopts")
    assert p9["text"].endswith("not a national or a permanent resident.”")
    # footnote 95 is in paragraph 178 whose text continues after the footnotes
    assert [f["marker"] for f in _para(doc, 178)["footnotes"]] == ["95", "96"]
    assert "dangers involved. Such measures" in _para(doc, 178)["text"]


def test_headings(doc):
    assert _para(doc, 1)["heading"] == ["I. An introduction to migrant smuggling"]
    assert _para(doc, 27)["heading"] == [
        "V. Main cross-cutting challenges in the fight against migrant smuggling",
        "A. Insufficient prevention and awareness",
    ]
    assert _para(doc, 84)["heading"][-1] == "1. Criminalization of migrant smuggling and related conduct"
    # numbered list items inside paragraph 128 are not headings
    assert "10. The confinement of refugees in closed camps" in _para(doc, 128)["text"]


def test_protocol_articles_mentioned(doc):
    assert _para(doc, 10)["protocol_articles"] == [6]
    assert _para(doc, 162)["protocol_articles"] == [7, 8, 9]  # "Articles 7 to 9"
    assert 37 not in _para(doc, 126)["protocol_articles"]


def test_pillars_and_element_types(doc):
    assert [p["key"] for p in doc["pillars"]] == ["prosecution", "protection", "prevention", "cooperation"]
    overview = {p["key"]: p["overview_paragraphs"] for p in doc["pillars"]}
    assert overview["prosecution"] == list(range(83, 104))
    assert overview["cooperation"][-1] == 205
    assert [e["code"] for e in doc["element_types"]] == list("ABCDE")
    assert doc["element_types"][3]["name"] == "Implementation measure"


def test_table_sections_skeleton(doc):
    sections = {s["id"]: s for s in doc["table_sections"]}
    sec13 = sections["ffa:protection:13"]
    assert sec13["text_available"] is False and sec13["number"] == "13"
    assert "ffa:protection:13(b).C" in sec13["cells"] and "ffa:protection:13.A" in sec13["cells"]
    assert "ffa:prosecution:1.A" in sections["ffa:prosecution:1"]["cells"]
    assert max(int(s["number"]) for s in doc["table_sections"] if s["pillar"] == "cooperation") == 20


def test_index_terms(doc):
    border = _term(doc, "Border control")
    assert border["refs"][0] == "ffa:prevention:3.A"
    assert "ffa:para:40" in border["refs"] and "ffa:para:43" in border["refs"]  # "40-43" expanded
    wrapped = _term(doc, "Agreements or arrangements, conclusion of")
    assert wrapped["refs"] == ["ffa:cooperation:16.A", "ffa:cooperation:17.D"]
    visa = _term(doc, "Visa regimes")
    assert visa["refs"] == ["ffa:para:43"]
    human = _term(doc, "Human rights")
    assert "ffa:para:111" in human["refs"]  # "109-11" means 109-111
    # term lost at a page break, restored by corrections/framework.yaml
    restored = _term(doc, "Criminalization of migrant smuggling")
    assert restored["refs"][:2] == ["ffa:prosecution:1.A", "ffa:prosecution:2.A"]
    assert all(t["term"] for t in doc["index_terms"])
    assert len({t["id"] for t in doc["index_terms"]}) == len(doc["index_terms"])


def test_annex_two(doc):
    first = doc["resources"][0]
    assert first["id"] == "ffa:resource:1"
    assert first["title"].startswith("Codes of conduct for public officials")
    dashed = next(r for r in doc["resources"] if "Legislative Guides for the Implementation" in r["text"])
    assert dashed["text"].startswith("United Nations. Legislative Guides")
    titles = [i["title"] for i in doc["legal_instruments"]]
    assert "Convention relating to the Status of Refugees" in titles
    assert "Vienna Convention on Consular Relations" in titles
    # entries and group headings at the top of a page (one-space indent, no blank line before them)
    assert len(titles) == 89
    assert len({i["group"] for i in doc["legal_instruments"]}) == 10
    by_title = {i["title"]: i for i in doc["legal_instruments"]}
    for title, group in [
        ("United Nations Convention against Transnational Organized Crime", "1. "),
        ("Declaration on the human rights of individuals who are not nationals of the country in which they live",
         "4. "),
        ("Convention concerning the Repatriation of Seafarers (Revised), 1987 (Convention No. 166)", "5. "),
        ("Geneva Convention relative to the Treatment of Prisoners of War, of 12 August 1949", "6. "),
        ("Convention on the Rights of the Child", "3. Child-specific instruments"),
        ("United Nations Millennium Declaration", "8. International development instruments"),
    ]:
        assert by_title[title]["group"].startswith(group), title
    corruption = by_title["United Nations Convention against Corruption"]
    assert corruption["url"] == "www.unodc.org/unodc/en/treaties/CAC/index.html"
    # a page top inside an entry stays a continuation line (line 3992)
    torture = next(t for t in titles if t.startswith("European Convention for the Prevention of Torture"))
    assert "Council of Europe" in by_title[torture]["text"]
    assert "General Assembly resolution 59/194 on protection of migrants, adopted on 20 December 2004" in titles


def test_deterministic(doc):
    assert framework.parse(SEED) == doc

"""The Toolkit overview parser on the real seed file."""

from collections import Counter

import pytest

from soma.catalog.extract import SOURCES_DIR, toolkit
from soma.catalog.extract import _tk_text as tk
from soma.catalog.extract.text import load_yaml

SEED = SOURCES_DIR / "toolkit-overview.txt"

SECTIONS_PER_TOOL = {1: 14, 2: 9, 3: 5, 4: 15, 5: 12, 6: 17, 7: 23, 8: 11, 9: 10, 10: 5}


@pytest.fixture(scope="module")
def parsed():
    return toolkit.parse(SEED)


@pytest.fixture(scope="module")
def sections(parsed):
    return {s["id"]: s for tool in parsed["tools"] for s in tool["sections"]}


def test_document(parsed):
    assert parsed["document"] == {
        "id": "toolkit",
        "title": "Toolkit to Combat Smuggling of Migrants",
        "file": "toolkit-overview.txt",
    }


def test_ten_tools_121_sections(parsed, sections):
    assert [t["number"] for t in parsed["tools"]] == list(range(1, 11))
    assert {t["number"]: len(t["sections"]) for t in parsed["tools"]} == SECTIONS_PER_TOOL
    assert len(sections) == 121


def test_numbering_continuous_per_tool(parsed):
    for tool in parsed["tools"]:
        expected = [f"{tool['number']}.{n}" for n in range(1, len(tool["sections"]) + 1)]
        assert [s["number"] for s in tool["sections"]] == expected
        assert all(s["id"] == f"toolkit:{s['number']}" for s in tool["sections"])


def test_tool_titles_and_sources(parsed):
    tool7 = parsed["tools"][6]
    assert tool7["id"] == "toolkit:tool7"
    assert tool7["title"] == "Law enforcement and prosecution"
    assert tool7["summary"] is None
    assert tool7["source"] == {"file": "toolkit-overview.txt", "lines": [250, 296]}


def test_section_source_and_clean_title(sections):
    section = sections["toolkit:7.11"]
    assert section["title"] == "Indicators of migrant smuggling and human trafficking"
    assert section["source"] == {"file": "toolkit-overview.txt", "lines": [272, 272]}
    for s in sections.values():
        assert "\u00a0" not in s["title"] and "  " not in s["title"] and s["title"] == s["title"].strip()


def test_wrong_case_repaired(sections):
    assert sections["toolkit:1.3"]["title"] == "Migration and gender"
    # lower case in the source, canonical capitals kept:
    assert sections["toolkit:9.1"]["title"] == "Principles of prevention in the Migrant Smuggling Protocol"
    assert sections["toolkit:1.9"]["title"] == "What is not migrant smuggling?"


def test_text_corrections(sections):
    assert sections["toolkit:5.10"]["title"] == "Criminalizing the laundering of proceeds of migrant smuggling"
    assert sections["toolkit:7.2"]["title"].startswith("Principal considerations")


def test_explicit_article_links(sections):
    assert sections["toolkit:5.2"]["articles"] == [6]
    assert sections["toolkit:5.2"]["article_basis"] == "explicit"
    assert sections["toolkit:5.3"]["articles"] == [5]
    assert sections["toolkit:5.8"]["title"].endswith("Article 6(3)")
    explicit = sorted(s["number"] for s in sections.values() if s["article_basis"] == "explicit")
    assert explicit == ["5.2", "5.3", "5.8"]


def test_curated_links(sections):
    assert sections["toolkit:7.11"]["articles"] == [6, 16]
    assert sections["toolkit:7.11"]["article_basis"] == "curated"
    assert sections["toolkit:6.15"]["articles"] == [18]
    basis = Counter(s["article_basis"] for s in sections.values())
    assert basis == {"explicit": 3, "curated": 116, "none": 2}


def test_every_section_considered_in_article_map(sections):
    mapping = load_yaml(toolkit.CORRECTIONS_DIR / "article_map.yaml")["toolkit"]
    for section in sections.values():
        if section["article_basis"] != "explicit":
            assert section["number"] in mapping, section["id"]
    for number, entry in mapping.items():
        assert entry.get("reason"), number
        assert all(1 <= a <= 25 for a in entry["articles"]), number
    none = [s for s in sections.values() if s["article_basis"] == "none"]
    assert all(s["articles"] == [] for s in none)


def test_deterministic(parsed):
    assert toolkit.parse(SEED) == parsed


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("the infor-", "mation exchanged", "the information exchanged"),
        ("non-", "refoulement", "non-refoulement"),
        ("technical", "assistance", "technical assistance"),
    ],
)
def test_join_hyphenated(left, right, joined):
    assert tk.join_hyphenated(left, right) == joined


def test_cited_articles_ignores_other_instruments():
    text = (
        "article 6, paragraph 3, of the Smuggling of Migrants Protocol; article 27 of the United Nations "
        "Convention against Transnational Organized Crime; Article 6, paragraph 1, of the International "
        "Covenant on Civil and Political Rights; article 18, paragraph 8, and article 19, paragraph 1"
    )
    assert tk.cited_articles(text) == [6, 18, 19]

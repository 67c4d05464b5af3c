"""The Working Group background paper parser on the real seed files."""

from collections import Counter

import pytest

from soma.catalog.extract import SOURCES_DIR, working_group
from soma.catalog.extract import _tk_text as tk
from soma.catalog.extract.text import load_yaml

PATHS = {"2012": SOURCES_DIR / "wg-2012-protection-assistance.txt", "2015": SOURCES_DIR / "wg-2015-prevention.txt"}


@pytest.fixture(scope="module")
def papers():
    return {p["year"]: p for p in working_group.parse(PATHS)["papers"]}


@pytest.fixture(scope="module")
def items(papers):
    return {i["id"]: i for p in papers.values() for i in p["items"]}


def test_papers(papers):
    assert sorted(papers) == [2012, 2015]
    p12, p15 = papers[2012], papers[2015]
    assert p12["id"] == "wg:2012" and p12["topic"] == "protection and assistance"
    assert p12["title"] == "Challenges and good practices in the protection of and assistance to smuggled migrants"
    assert p15["id"] == "wg:2015" and p15["topic"] == "prevention"
    assert p12["source"] == {"file": "wg-2012-protection-assistance.txt", "lines": [1, 139]}
    assert p12["symbol"] is None and p15["symbol"] is None  # only the agenda's symbol is in the extracts


def test_counts_by_kind(papers):
    counts = {year: Counter(i["kind"] for i in p["items"]) for year, p in papers.items()}
    assert counts[2012] == {"issue": 7, "good_practice": 4, "challenge": 2}
    assert counts[2015] == {"issue": 10, "good_practice": 9, "challenge": 13}


def test_ids_numbered_per_kind(papers):
    for year, paper in papers.items():
        for kind, prefix in working_group.KIND_PREFIX.items():
            ids = [i["id"] for i in paper["items"] if i["kind"] == kind]
            assert ids == [f"wg:{year}:{prefix}{n:02d}" for n in range(1, len(ids) + 1)]


def test_issues(items):
    first = items["wg:2012:issue01"]
    assert first["paragraph"] == 5 and first["label"] is None
    assert first["heading"] == "II. Issues for discussion"
    assert first["text"].startswith("What are the current challenges to fulfilling the protection obligations")
    labels = [items[f"wg:2015:issue{n:02d}"]["label"] for n in range(1, 11)]
    assert labels == list("abcdefghij")
    assert {items[f"wg:2015:issue{n:02d}"]["paragraph"] for n in range(1, 11)} == {7}


def test_issue_after_page_break_is_clean(items):
    # (f) ends a page, footnote 4 runs over the break, (g) starts the next page.
    assert items["wg:2015:issue06"]["text"] == (
        "What are the lessons learned in implementing commercial carrier obligations at the national level?"
    )
    g = items["wg:2015:issue07"]
    assert g["label"] == "g"
    assert (
        g["text"] == "How can document integrity and control be improved in order to prevent the smuggling of migrants?"
    )
    assert g["source"] == {"file": "wg-2015-prevention.txt", "lines": [85, 86]}


def test_good_practice_spanning_page_break_cleaned(items):
    gp = items["wg:2015:gp05"]
    assert gp["kind"] == "good_practice" and gp["paragraph"] == 34
    assert gp["text"] == (
        "Other good practices include the establishment of border liaison offices to encourage cooperation "
        "between law enforcement units, and strengthen their capacity to share information, so that border "
        "responses can be cooperative and the value of jointly held information is maximized."
    )
    assert gp["source"]["lines"] == [406, 425]
    assert gp["heading"] == "B. Information-sharing and border measures"


def test_footnote_numbers_removed_across_page_break(items):
    ch = items["wg:2015:ch04"]
    assert ch["text"].endswith(
        "the Convention relating to the Status of Refugees and the Protocol relating to the Status of "
        "Refugees and the principle of non-refoulement."
    )
    assert "Refugees17" not in ch["text"] and "__" not in ch["text"]


def test_hyphenated_words_at_line_breaks(items):
    # "health-care" starts a line after "medical and": kept whole, not split or glued.
    assert "medical and health-care workers" in items["wg:2015:gp08"]["text"]
    assert tk.join_hyphenated("fraudu-", "lent documents") == "fraudulent documents"
    assert tk.join_hyphenated("migrant-", "smuggling/x", {"migrant-smuggling"}) == "migrant-smuggling/x"


def test_text_correction_keeps_publication_title_in_sentence(items):
    gp = items["wg:2015:gp01"]
    assert "“Migrant Smuggling in Asia: Current Trends and Related Challenges”, published in 2015" in gp["text"]
    # the title's word "Challenges" is not taken for a challenge
    assert not any(i["kind"] == "challenge" and i["text"].startswith("Current Trends") for i in items.values())


def test_sentence_both_good_practice_and_challenge(items):
    assert items["wg:2015:gp03"]["text"] == items["wg:2015:ch03"]["text"]
    assert items["wg:2015:ch03"]["text"].startswith("To overcome the reluctance to share information")


def test_explicit_article_link(items):
    gp = items["wg:2012:gp02"]
    assert "article 6, paragraph 3, of the Smuggling of Migrants Protocol" in gp["text"]
    assert gp["articles"] == [6] and gp["article_basis"] == "explicit"


def test_curated_article_links(items):
    gp = items["wg:2015:gp02"]
    assert gp["articles"] == [10] and gp["article_basis"] == "curated"
    assert items["wg:2012:issue03"]["articles"] == [16]
    assert items["wg:2015:issue07"]["articles"] == [12, 13]


def test_every_item_has_a_considered_mapping(items):
    mapping = load_yaml(working_group.CORRECTIONS_DIR / "article_map.yaml")["working_group"]
    for item in items.values():
        assert item["article_basis"] in {"explicit", "curated"}, item["id"]
        assert item["articles"] and all(1 <= a <= 25 for a in item["articles"])
    for item_id, entry in mapping.items():
        assert item_id in items, item_id
        assert entry.get("reason"), item_id
    basis = Counter(i["article_basis"] for i in items.values())
    assert basis == {"explicit": 1, "curated": 44}


def test_headings_and_sources(items):
    ch = items["wg:2015:ch02"]
    assert ch["heading"] == "Addressing the special needs of women and children"  # heading right after footnotes
    assert items["wg:2012:gp04"]["heading"] == "D. Referral"
    for item in items.values():
        first, last = item["source"]["lines"]
        assert 1 <= first <= last
        assert item["text"] == item["text"].strip() and "  " not in item["text"]
        assert "<sup>" not in item["text"] and "**" not in item["text"]


def test_deterministic(papers):
    again = {p["year"]: p for p in working_group.parse(PATHS)["papers"]}
    assert again == papers

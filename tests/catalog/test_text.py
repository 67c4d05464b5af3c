"""The shared text helpers of the catalog extractors (soma/catalog/extract/text.py)."""

from collections import Counter

import pytest

from soma.catalog.extract import _ffa_text, _tk_text
from soma.catalog.extract.text import (
    build_vocabulary,
    fold_ws,
    join_hyphenated,
    join_lines,
    join_numbered_lines,
    join_pair,
    load_yaml,
    read_lines,
    span_lines,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  a \t b\n", "a b"),
        ("no\u00a0break\u00a0\u00a0space", "no break space"),
        ("\u2003em\u2009space ", "em space"),
        ("", ""),
        (" \t\n", ""),
    ],
)
def test_fold_ws(raw, folded):
    assert fold_ws(raw) == folded


def test_ffa_squash_also_drops_link_brackets():
    assert _ffa_text.squash(" see [[Annex\u00a0I]]  ") == "see Annex I"


def test_read_lines_keeps_tabs_and_a_trailing_empty_line(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"one\r\n \ttwo\nthree\n")
    assert read_lines(path) == ["one", " \ttwo", "three", ""]


def test_load_yaml(tmp_path):
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- a: 1\n", encoding="utf-8")
    assert load_yaml(tmp_path / "empty.yaml") == {}
    assert load_yaml(tmp_path / "list.yaml") == [{"a": 1}]
    assert load_yaml(tmp_path / "missing.yaml", missing_ok=True) == {}
    with pytest.raises(FileNotFoundError):
        load_yaml(tmp_path / "missing.yaml")


def test_build_vocabulary_counts_lower_case_words_and_compounds():
    vocab = build_vocabulary(["Cross-border crime", "cross-border CRIME and ade-"])
    assert vocab["cross-border"] == 2 and vocab["crime"] == 2
    assert vocab["ade"] == 1  # the broken fragment counts unless skip_broken


def test_build_vocabulary_can_skip_the_fragment_broken_at_a_line_end():
    vocab = build_vocabulary(["  the word ade-  ", "quately", "whole-"], skip_broken=True)
    assert vocab == Counter({"the": 1, "word": 1, "quately": 1})


# ---------------------------------------------------------------- hyphen repair


def test_join_hyphenated_without_vocabulary_drops_the_hyphen():
    assert join_hyphenated("ade-", "quately") == "adequately"
    assert join_hyphenated("cross-", "border") == "crossborder"


def test_join_hyphenated_without_vocabulary_keeps_url_hyphens():
    assert join_hyphenated("see www.unodc.org/human-", "trafficking") == "see www.unodc.org/human-trafficking"
    left = "see www.unodc.org/human-"
    assert join_hyphenated(left, "trafficking", urls=False) == "see www.unodc.org/humantrafficking"


def test_join_hyphenated_follows_the_vocabulary():
    vocab = Counter({"cross-border": 3, "adequately": 1})
    assert join_hyphenated("cross-", "border", vocab) == "cross-border"
    assert join_hyphenated("ade-", "quately", vocab) == "adequately"
    # both spellings seen: the more frequent wins
    assert join_hyphenated("co-", "operation", Counter({"cooperation": 2, "co-operation": 1})) == "cooperation"
    assert join_hyphenated("co-", "operation", Counter({"cooperation": 1, "co-operation": 2})) == "co-operation"
    # only the last part of a compound before the break is looked up
    assert join_hyphenated("well-cross-", "border", vocab) == "well-cross-border"


def test_join_hyphenated_accepts_a_set_of_hyphenated_spellings():
    assert join_hyphenated("health-", "care", {"health-care"}) == "health-care"
    assert join_hyphenated("fraudu-", "lent", {"health-care"}) == "fraudulent"


def test_join_hyphenated_keeps_compound_prefixes_unless_the_closed_word_is_seen():
    assert join_hyphenated("non-", "refoulement", Counter(), keep_prefixes={"non"}) == "non-refoulement"
    assert join_hyphenated("non-", "refoulement", Counter()) == "nonrefoulement"
    seen = Counter({"nonrefoulement": 1})
    assert join_hyphenated("non-", "refoulement", seen, keep_prefixes={"non"}) == "nonrefoulement"


def test_join_hyphenated_keeps_compounds_with_capitals():
    assert join_hyphenated("Pro-", "Bono work", Counter()) == "Pro-Bono work"
    assert join_hyphenated("Pro-", "Bono work") == "ProBono work"  # no vocabulary: hyphen dropped


def test_join_pair_joins_with_a_space_unless_a_word_is_broken():
    assert join_pair("", "b") == "b"
    assert join_pair("a", "") == "a"
    assert join_pair("a", "b") == "a b"
    assert join_pair("page 12-", "13") == "page 12- 13"  # digits are not a broken word
    assert join_pair("Pro-", "Bono", Counter()) == "Pro-Bono"
    assert join_pair("Pro-", "Bono", Counter(), lower_only=True) == "Pro- Bono"


def test_join_lines_folds_whitespace_skips_blanks_and_repairs_hyphens():
    parts = ["  the infor-", "", "mation  is\tshared ", "across cross-", "border lines"]
    vocab = Counter({"cross-border": 1})
    assert join_lines(parts, vocab) == "the information is shared across cross-border lines"


def test_join_numbered_lines_tracks_where_each_line_starts():
    text, starts = join_numbered_lines([(10, "first infor-"), (11, "  "), (12, "mation and"), (13, "more")])
    assert text == "first information and more"
    assert starts == [(0, 10), (11, 12), (22, 13)]
    begin = text.index("information")
    assert span_lines(starts, begin, begin + len("information and")) == [10, 12]
    assert span_lines(starts, text.index("more"), len(text)) == [13, 13]


# ---------------------------------------------------------------- the parsers' own rules


def test_framework_rules():
    vocab = _ffa_text.build_vocabulary(["non-", "refoulement", "www.x.org/wp-con-", "tent"])
    assert _ffa_text.join_lines(["non-", "refoulement"], vocab) == "non-refoulement"
    assert _ffa_text.join_lines(["Witness-manual-", "Feb08.pdf"], vocab) == "Witness-manual- Feb08.pdf"
    assert _ffa_text.join_lines(["www.x.org/wp-con-", "tent"], vocab) == "www.x.org/wp-content"


def test_working_group_rules():
    assert _tk_text.join_hyphenated("the infor-", "mation") == "the information"
    assert _tk_text.join_hyphenated("self-", "employed") == "self-employed"
    assert _tk_text.join_hyphenated("http://a.org/human-", "rights") == "http://a.org/humanrights"
    text, starts = _tk_text.join_lines([(1, "cross-"), (2, "border")])
    assert (text, starts) == ("cross-border", [(0, 1), (6, 2)])

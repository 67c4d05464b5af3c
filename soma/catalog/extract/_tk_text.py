"""Small text helpers for the Toolkit and Working Group parsers.

The generic helpers (whitespace folding, YAML loading, end-of-line hyphen repair) live in ``text.py``;
this module keeps what only these two parsers need: markdown and footnote clean-up, the papers' joining
rules, sentence splitting, article citations and sentence-case titles. All functions are pure and
deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from soma.catalog.extract import text as shared

PROTOCOL_ARTICLES = range(1, 26)

# Prefixes that form real compounds: a line ending in "non-" followed by "refoulement" keeps its hyphen.
COMPOUND_PREFIXES = {
    "anti", "co", "cross", "inter", "intra", "long", "medium", "multi", "non", "post", "pre", "re",
    "self", "semi", "short", "trans", "well",
}  # fmt: skip

_MARKDOWN = [
    (re.compile(r"<sup>[^<]*</sup>"), ""),  # footnote references
    (re.compile(r"\\\*|\*\*|(?<!\w)\*(?=\w)|(?<=\w)\*(?!\w)"), ""),  # bold, italics, escaped asterisk
    (re.compile(r"\\(?=[_*\[\]()#])"), ""),  # markdown escapes
    (re.compile(r"^\s*#+\s*"), ""),  # heading markers
]
# A footnote number glued to the end of a word or to punctuation: "Refugees17", "Group.3", ".39,".
_FOOTNOTE_REF = re.compile(r"(?:(?<=[a-z])|(?<=[.,;:”’)]))\d{1,2}(?:,(?=\s|$))?(?=[\s.,;:]|$)")
_ABBREVIATIONS = {"no", "vol", "pp", "p", "e.g", "i.e", "art", "para", "paras", "mr", "dr", "st", "v", "cf"}
_SENTENCE_END = re.compile(r"[.?!][”’\"]?\s+(?=[“\"‘(]?[A-Z])")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_ARTICLE = re.compile(
    r"\barticles?\s+(\d{1,2})((?:\s*(?:,|and)\s*(?:paragraph\s+\d+|\d{1,2}))*)"
    r"(?:\s*\(\s*\d+\s*\)(?:\s*\([a-z]\))?)?,?(\s+of\s+the\s+[^.;]{0,80})?",
    re.IGNORECASE,
)


def strip_markdown(line: str) -> str:
    """Drop the markdown decoration the PDF converter added (bold, headings, <sup> references)."""
    for pattern, repl in _MARKDOWN:
        line = pattern.sub(repl, line)
    return line


def strip_footnote_refs(line: str) -> str:
    """Remove footnote numbers glued to words or punctuation ("Refugees17" -> "Refugees")."""
    return _FOOTNOTE_REF.sub("", line)


# How the background papers' lines are joined (``text.join_pair``): only a lower-case continuation joins
# through a hyphen, and a compound prefix or a hyphenated spelling seen elsewhere keeps the hyphen.
_JOIN_RULES: dict[str, Any] = {"lower_only": True, "keep_prefixes": COMPOUND_PREFIXES, "urls": False}


def join_hyphenated(left: str, right: str, vocabulary: Collection[str] = frozenset()) -> str:
    """Join two line fragments, repairing a word hyphenated across the line break.

    "infor-" + "mation" -> "information"; "cross-" + "border" -> "cross-border" (known compound prefix
    or a hyphenated spelling seen elsewhere in the document); otherwise the parts join with a space.
    """
    return shared.join_pair(left.rstrip(), right.lstrip(), vocabulary, **_JOIN_RULES)


def hyphenated_vocabulary(text: str) -> set[str]:
    """Hyphenated words written on one line somewhere in the text (lower case).

    Unlike ``text.build_vocabulary`` (a Counter of all words) this holds hyphenated spellings only, so a
    hyphen after a compound prefix is kept even where the closed word also occurs in the paper.
    """
    return {w.lower() for w in re.findall(r"\b\w+-\w+\b", text)}


def join_lines(lines: list[tuple[int, str]], vocabulary: Collection[str] = frozenset()) -> tuple[str, list]:
    """Join (line number, text) pairs into one string (``text.join_numbered_lines`` with the rules above).

    Returns the text and a list of (offset, line number) marking where each line starts in it, so that
    a span of the text can be traced back to its source lines (``text.span_lines``).
    """
    return shared.join_numbered_lines(lines, vocabulary, **_JOIN_RULES)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (begin, end) of a paragraph; abbreviations and initials do not end a sentence."""
    spans, begin = [], 0
    for match in _SENTENCE_END.finditer(text):
        word = re.search(r"([\w.]+)$", text[begin : match.start()])
        token = word.group(1).lower() if word else ""
        if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token):
            continue
        end = match.start() + len(match.group(0).rstrip())
        spans.append((begin, end))
        begin = match.end()
    if text[begin:].strip():
        spans.append((begin, len(text.rstrip())))
    return spans


def unquoted(text: str) -> str:
    """The text with quoted passages (titles, quotations of other texts) blanked out."""
    return _QUOTED.sub("“…”", text)


def cited_articles(text: str) -> list[int]:
    """Protocol articles cited in the text ("article 16, paragraph 2", "Article 6(3)", "articles 5 and 6").

    A citation followed by "of the ..." naming a Convention or Covenant before any Protocol is an
    article of that other instrument and is ignored; "of the Protocol relating to the Status of
    Refugees" likewise.
    """
    found: set[int] = set()
    for match in _ARTICLE.finditer(text):
        if _other_instrument(match.group(3) or ""):
            continue
        numbers = [match.group(1), *re.findall(r"(?:,|and)\s*(\d{1,2})\b", match.group(2) or "")]
        found.update(int(n) for n in numbers if int(n) in PROTOCOL_ARTICLES)
    return sorted(found)


def _other_instrument(tail: str) -> bool:
    tail = tail.lower()
    if "protocol relating to the status" in tail:
        return True
    hits = [tail.find(word) for word in ("convention", "covenant", "charter")]
    hits = [h for h in hits if h >= 0]
    protocol = tail.find("protocol")
    return bool(hits) and (protocol < 0 or min(hits) < protocol)


def sentence_case(title: str, keep: list[str]) -> str:
    """Lower-case title-cased words after the first, keeping acronyms and the phrases in ``keep``.

    Phrases in ``keep`` are matched case-insensitively and written in their canonical form, which also
    repairs names extracted in the wrong case ("migrant smuggling protocol").
    """
    placeholders = {}
    for index, phrase in enumerate(sorted(keep, key=len, reverse=True)):
        token = f"\x00{index}\x00"
        pattern = re.compile(rf"\b{re.escape(phrase)}\b", re.IGNORECASE)
        if pattern.search(title):
            title = pattern.sub(token, title)
            placeholders[token] = phrase
    first, _, rest = title.partition(" ")
    head, dash, tail = first.partition("-")
    title = head + dash + _lower_words(tail) + (" " + _lower_words(rest) if rest else "")
    for token, phrase in placeholders.items():
        title = title.replace(token, phrase)
    return title


def _lower_words(text: str) -> str:
    return re.sub(r"\b[A-Z][a-z]+\b", lambda m: m.group(0).lower(), text)


def apply_line_corrections(lines: list[str], corrections: list[dict], file_name: str) -> list[str]:
    """Apply curated text corrections ({line, find, replace, reason}) to raw lines (1-based numbers)."""
    lines = list(lines)
    for fix in corrections:
        index = fix["line"] - 1
        if not fix.get("reason"):
            raise ValueError(f"{file_name}: correction on line {fix['line']} has no reason")
        if fix["find"] not in lines[index]:
            raise ValueError(f"{file_name}:{fix['line']}: {fix['find']!r} not found")
        lines[index] = lines[index].replace(fix["find"], fix["replace"])
    return lines

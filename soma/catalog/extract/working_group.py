"""Parse the Working Group on the Smuggling of Migrants background papers (2012, 2015).

Entry points: ``parse({"2012": path, "2015": path})`` returns ``{"papers": [...]}`` in year order; it
calls ``parse_paper(path, year)`` for each paper, which may be used alone.

Layout handled
    * 2012 (markdown from the PDF converter): ``#`` headings, ``**bold**``, ``<sup>n</sup>`` footnote
      references, footnotes after a ``---`` rule; the body resumes at the first line that is not a
      footnote (``<sup>n</sup> ...``, ``\\* ...``) or blank.
    * 2015 (plain PDF text): headings are lines standing alone between blank lines; footnotes follow a
      ``_____`` rule as `` n  text`` entries with unindented continuation lines; the body resumes at
      the first indented line that is not a footnote entry. Footnote numbers glued to words
      ("Refugees17", "consideration.39,") and stray number lines ("40") are removed.
    In both, numbered paragraphs ("12. ...") run across page breaks and footnote blocks; lettered
    sub-items "(a) ..." and bullets "- ..." belong to the paragraph above them; line-end hyphens are
    repaired (``_tk_text.join_hyphenated``). Curated line corrections (``text_corrections`` in
    ``corrections/article_map.yaml``, each with a reason) are applied to the raw lines first.

What counts as what
    * issue: each lettered sub-item or bullet of the paragraph(s) under the "Issues for discussion"
      heading (section II); ``label`` is the letter, or None for bullets.
    * good_practice: a sentence of the "Overview of issues and guidance for response" section (III)
      that presents a practice as good in the paper's own words: "good practice(s)" followed, within the
      same clause, by "is/are/include(s)" ("Good practices include ...", "a good practice is to ...",
      "Another example of a good practice is ..."). A sentence merely mentioning good practice
      ("materials reflect international good practice, are compatible ...") is not one.
    * challenge: a section III sentence stating a difficulty in the paper's own words: "challenge",
      "obstacle", "reluctance", "hinder", "evade", "misunderst...", "regrettably", "not (always)
      adequately understand/aware", "not clearly defined", "lack of incentive", "more difficult for";
      plus the sentences listed under ``extra_challenges`` in article_map.yaml (a difficulty stated
      without such a word), each with a reason.
    Quoted passages (titles of other papers, quotations of the Protocol) are ignored when looking for
    these words. A sentence may be both a good practice and a challenge ("To overcome the reluctance
    ..., a good practice is ..."). ``text`` is the whole sentence; ``heading`` the nearest heading above.

Articles
    ``explicit`` when the item text cites an article of the Protocol (articles of the Convention, the
    Covenants or the Refugee Protocol are ignored); otherwise the entry for the item id under
    ``working_group`` in article_map.yaml (``curated``; ``none`` if it lists no article or is missing).
    Each curated entry names its ``paragraph``; a mismatch with the parsed item raises ValueError so
    that the map cannot silently drift onto other items.

Metadata: the papers' own document symbols are not in the extracts (the "*" footnote is the symbol of
the provisional agenda), so ``symbol`` is None; the 2015 extract has no title page, so its title is
taken from the paper's statement of focus (paragraph 8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from soma.catalog.extract import _tk_text as tk
from soma.catalog.extract.text import fold_ws, load_yaml, span_lines

CORRECTIONS_DIR = Path(__file__).parent / "corrections"
PAPERS: dict[int, dict[str, str | None]] = {
    2012: {"topic": "protection and assistance", "title": None},
    2015: {"topic": "prevention", "title": "Practical measures to prevent the smuggling of migrants"},
}
KIND_PREFIX = {"issue": "issue", "good_practice": "gp", "challenge": "ch"}

_PARAGRAPH = re.compile(r"^\s*(\d{1,3})\.\s+(\S.*)$")
_SUB_ITEM = re.compile(r"^\s*\(([a-z])\)\s+(\S.*)$")
_BULLET = re.compile(r"^\s*[-•]\s+(\S.*)$")
_RULE = re.compile(r"^\s*(-{3,}|_{5,})\s*$")
_FOOTNOTE_ENTRY = re.compile(r"^\s?(<sup>\d+</sup>|\\?\*\s|\d{1,3}\s{2,}|\d{1,3}\s*$)")
_NOISE = re.compile(r"^\s*\d{1,3}\s*$")
_GOOD_PRACTICE = re.compile(r"\bgood practices?\b[^,.;:]{0,160}?\b(?:is|are|include|includes)\b", re.IGNORECASE)
_CHALLENGE = re.compile(
    r"\b(?:challenges?|obstacles?|reluctance|hinder(?:s|ed)?|evade[sd]?|misunderst\w*|regrettably"
    r"|not (?:always )?adequately (?:understand|aware)|not clearly defined|lack of incentive"
    r"|more difficult for)\b",
    re.IGNORECASE,
)


@dataclass
class Block:
    """A numbered paragraph, or one of its sub-items/bullets, with its source lines."""

    paragraph: int
    label: str | None
    bullet: bool
    section: str
    heading: str | None
    lines: list = field(default_factory=list)


def parse(paths: dict[str, Path]) -> dict:
    """Parse {"2012": path, "2015": path} into {"papers": [...]}, sorted by year."""
    config = load_yaml(CORRECTIONS_DIR / "article_map.yaml", missing_ok=True)
    papers = [parse_paper(Path(p), int(year), config) for year, p in sorted(paths.items())]
    return {"papers": papers}


def parse_paper(path: Path, year: int, config: dict | None = None) -> dict:
    """Parse one background paper (see module docstring)."""
    if config is None:
        config = load_yaml(CORRECTIONS_DIR / "article_map.yaml", missing_ok=True)
    raw = path.read_text(encoding="utf-8").splitlines()
    raw = tk.apply_line_corrections(raw, (config.get("text_corrections") or {}).get(path.name, []), path.name)
    blocks, title = _read_blocks(raw)
    vocabulary = tk.hyphenated_vocabulary("\n".join(raw))
    items = _issues(blocks, vocabulary) + _findings(blocks, vocabulary, config, year)
    items = _number(items, year)
    for item in items:
        _link_articles(item, config.get("working_group") or {})
        item["source"] = {"file": path.name, "lines": item.pop("lines")}
    meta = PAPERS.get(year, {})
    return {
        "id": f"wg:{year}",
        "year": year,
        "title": meta.get("title") or title,
        "symbol": None,
        "topic": meta.get("topic"),
        "items": items,
        "source": {"file": path.name, "lines": [1, len(raw)]},
    }


# --- reading the layout -------------------------------------------------------------------------


def _body_lines(raw: list[str]):
    """Yield (line number, text, is_heading) for body lines, skipping footnote blocks and noise."""
    in_notes, markdown = False, False
    for index, line in enumerate(raw):
        if _RULE.match(line):
            in_notes, markdown = True, line.strip().startswith("-")
            continue
        if in_notes and _still_in_notes(line, markdown):
            continue
        after_notes, in_notes = in_notes, False
        if not line.strip() or _NOISE.match(line):
            continue
        yield index + 1, line, _is_heading(raw, index, after_notes)


def _still_in_notes(line: str, markdown: bool) -> bool:
    if not line.strip() or _FOOTNOTE_ENTRY.match(line):
        return True
    return not markdown and not line.startswith(" ")


def _is_heading(raw: list[str], index: int, after_notes: bool) -> bool:
    line = raw[index]
    if line.lstrip().startswith("#"):
        return True
    if _PARAGRAPH.match(line) or _SUB_ITEM.match(line) or _BULLET.match(line) or line.startswith("**"):
        return False
    before = "" if after_notes or not index else raw[index - 1]
    after = raw[index + 1] if index + 1 < len(raw) else ""
    return not before.strip() and not after.strip() and not line.rstrip().endswith((".", ",", ";"))


def _clean(line: str) -> str:
    return tk.strip_footnote_refs(tk.strip_markdown(line))


def _read_blocks(raw: list[str]) -> tuple[list[Block], str | None]:
    """Split the body into blocks; also return the last heading before section I (the 2012 title)."""
    blocks: list[Block] = []
    section, heading, title = "", None, None
    for number, line, is_heading in _body_lines(raw):
        text = fold_ws(_clean(line))
        if is_heading:
            title = text if not section and not re.match(r"[IVX]+\.", text) else title
            section, heading = _heading(text, section, heading)
            continue
        if not section:
            continue
        _add_line(blocks, number, text, section, heading)
    return blocks, title


def _heading(text: str, section: str, heading: str | None) -> tuple[str, str | None]:
    if re.match(r"^[IVX]+\.\s", text) or text.lower().startswith("annex"):
        return text, text
    if not section:
        return section, heading
    return section, text


def _add_line(blocks: list[Block], number: int, text: str, section: str, heading: str | None) -> None:
    if match := _PARAGRAPH.match(text):
        blocks.append(Block(int(match.group(1)), None, False, section, heading, [(number, match.group(2))]))
    elif (match := _SUB_ITEM.match(text)) and blocks:
        blocks.append(Block(blocks[-1].paragraph, match.group(1), False, section, heading))
        blocks[-1].lines.append((number, match.group(2)))
    elif (match := _BULLET.match(text)) and blocks:
        blocks.append(Block(blocks[-1].paragraph, None, True, section, heading, [(number, match.group(1))]))
    elif blocks:
        blocks[-1].lines.append((number, text))


# --- items --------------------------------------------------------------------------------------


def _in_section(block: Block, roman: str) -> bool:
    return block.section.startswith(f"{roman}.")


def _issues(blocks: list[Block], vocabulary: set[str]) -> list[dict]:
    items = []
    for block in blocks:
        if _in_section(block, "II") and (block.label or block.bullet):
            text, _ = tk.join_lines(block.lines, vocabulary)
            lines = [block.lines[0][0], block.lines[-1][0]]
            items.append(_item("issue", block, text, lines))
    return items


def _findings(blocks: list[Block], vocabulary: set[str], config: dict, year: int) -> list[dict]:
    extra = [e for e in config.get("extra_challenges") or [] if e["paper"] == year]
    items, unused = [], {(e["paragraph"], e["starts"]) for e in extra}
    for block in blocks:
        if not _in_section(block, "III"):
            continue
        text, starts = tk.join_lines(block.lines, vocabulary)
        for begin, end in tk.split_sentences(text):
            sentence, lines = text[begin:end], span_lines(starts, begin, end)
            plain = tk.unquoted(sentence)
            if _GOOD_PRACTICE.search(plain):
                items.append(_item("good_practice", block, sentence, lines))
            listed = {(p, s) for p, s in unused if p == block.paragraph and sentence.startswith(s)}
            unused -= listed
            if _CHALLENGE.search(plain) or listed:
                items.append(_item("challenge", block, sentence, lines))
    if unused:
        raise ValueError(f"extra_challenges for {year} not found: {sorted(unused)}")
    return items


def _item(kind: str, block: Block, text: str, lines: list[int]) -> dict:
    return {
        "kind": kind,
        "paragraph": block.paragraph,
        "label": block.label,
        "heading": block.heading,
        "text": fold_ws(text),
        "lines": lines,
    }


def _number(items: list[dict], year: int) -> list[dict]:
    """Give ids per kind in reading order: wg:2012:issue01, wg:2012:gp01, wg:2012:ch01."""
    items = sorted(items, key=lambda i: (list(KIND_PREFIX).index(i["kind"]), i["lines"][0]))
    counts: dict[str, int] = {}
    numbered = []
    for item in items:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
        item_id = f"wg:{year}:{KIND_PREFIX[item['kind']]}{counts[item['kind']]:02d}"
        numbered.append({"id": item_id, **item})
    return numbered


def _link_articles(item: dict, mapping: dict) -> None:
    explicit = tk.cited_articles(item["text"])
    entry = mapping.get(item["id"])
    if entry and entry.get("paragraph") != item["paragraph"]:
        raise ValueError(
            f"article_map: {item['id']} names paragraph {entry.get('paragraph')}, "
            f"parsed item is in paragraph {item['paragraph']}"
        )
    if explicit:
        item["articles"], item["article_basis"] = explicit, "explicit"
        return
    articles = sorted(set((entry or {}).get("articles") or []))
    item["articles"], item["article_basis"] = articles, "curated" if articles else "none"

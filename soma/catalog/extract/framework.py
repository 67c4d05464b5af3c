"""Parse the International Framework for Action (framework-for-action.txt).

``parse(path)`` returns ``{"document", "pillars", "element_types", "table_sections", "paragraphs",
"footnotes_unattached", "index_terms", "resources", "legal_instruments"}``.

* Part one: 205 numbered paragraphs (``ffa:para:<n>``) with the heading path above them, clean text
  (page headers, footnote blocks and figure residue removed, hyphenation across lines undone, footnote
  markers removed from the text) and their footnotes (``{"marker", "text"}``).  A footnote is attached to
  the paragraph on its page whose text carries its marker (a number glued to the preceding word).
* The Part two tables are not in this copy.  ``table_sections`` is the skeleton cited by Annex I and the
  Index: one entry per pillar and section number with every cell id cited.  Cell ids follow Annex I:
  ``ffa:<pillar>:<section>[(<sub-letter>)].<Element>`` (e.g. ``ffa:protection:13(b).C``); see
  ``_ffa_text``.  Section titles are not derivable (the narrative's numbered headings group table sections
  differently), so ``title`` is null.
* Index: the printed index is flat ("Children, detention of" is its own entry), so ``subterms`` is always
  empty.  ``refs`` is a list of id strings: cell ids (``ffa:prosecution:1.A``) and Part one paragraph ids
  (``ffa:para:84``); ranges such as "84-89" are expanded; "–" means no paragraph.  The document has no
  page references.
* Annex II: ``resources`` (sections A and B survive; C and D are missing from this copy) and
  ``legal_instruments`` (section E, ten groups); "__________." repeats the previous author.
"""

from __future__ import annotations

import itertools
import pathlib
import re

from soma.catalog.extract import _ffa_text as t
from soma.catalog.extract import protocol as protocol_parser
from soma.catalog.extract.text import read_lines

TITLE = "International Framework for Action to Implement the Smuggling of Migrants Protocol"

ELEMENT_TYPES = [
    {"code": "A", "name": "Protocol objective"},
    {"code": "B", "name": "Specific objective"},
    {"code": "C", "name": "Framework requirement"},
    {"code": "D", "name": "Implementation measure"},
    {"code": "E", "name": "Operational indicator"},
]
_PILLAR_TITLES = {
    "prosecution": "Prosecution",
    "protection": "Protection",
    "prevention": "Prevention",
    "cooperation": "Cooperation",
}
_ROMAN_HEADING_RE = re.compile(r"^(I|II|III|IV|V|VI|VII)\.\s+\S")
_LETTER_HEADING_RE = re.compile(r"^([A-G])\.\s+[A-Z]")
_NUMBER_HEADING_RE = re.compile(r"^(\d{1,2})\.\s+[A-Z]")
_PARA_START_RE = re.compile(r"^(\d{1,3})\.\s+(.*)$")
_FOOTNOTE_RE = re.compile(r"^  (\d{1,3})(?![.\d])(\S.*)$")
_TABLE_HEADING_RE = re.compile(r"Table (\d) of the Framework for Action: (\w+)")


# ---------------------------------------------------------------- Part one: blocks


def _part_one_region(lines: list[str]) -> tuple[int, int]:
    start = next(i for i, line in enumerate(lines)
                 if i > 170 and line.startswith("I. An introduction to migrant smuggling"))
    end = next(i for i, line in enumerate(lines) if line.strip() == "Annex I")
    return start, end


def _scan_part_one(lines: list[str], start: int, end: int):
    """Split Part one into text blocks (runs of body lines) and footnote definitions.

    Returns (blocks, footnotes, page_starts): a block is a list of (line index, text); a footnote is
    {"number", "lines": [(i, text)]}; page_starts are the line indexes where a page begins.
    """
    blocks: list[list[tuple[int, str]]] = []
    footnotes: list[dict] = []
    page_starts = [start]
    current: list[tuple[int, str]] = []
    mode = "body"  # body | footnote | residue (figure text, link lines after the footnotes)

    def close() -> None:
        nonlocal current
        if current:
            blocks.append(current)
            current = []

    for i in range(start, end):
        raw = lines[i]
        if t.is_page_header(raw) or (t.PAGE_NUMBER_RE.match(raw) and raw.strip()):
            page_starts.append(i)
            mode = "body"
            close()
            continue
        if t.is_page_start(raw):
            page_starts.append(i)
            mode = "body"
            close()
        footnote = _FOOTNOTE_RE.match(raw)
        if footnote and mode in ("body", "footnote"):
            close()
            footnotes.append({"number": int(footnote.group(1)), "lines": [(i, footnote.group(2))]})
            mode = "footnote"
            continue
        if not raw.strip():
            if mode == "footnote":
                mode = "residue"
            close()
            continue
        if mode == "footnote" and re.match(r"^ {1,2}\d{1,2}\.\s", raw):
            mode = "body"  # a numbered list item of the body right below the footnotes
        if mode == "footnote":
            footnotes[-1]["lines"].append((i, raw.strip()))
        elif mode == "body":  # (residue lines are dropped)
            current.append((i, raw.strip()))
    close()
    return blocks, footnotes, page_starts


def _heading_kind(block: list[tuple[int, str]], in_overview: bool) -> str | None:
    first = block[0][1]
    if len(block) > 3 or first.endswith(".") or first.startswith("•"):
        return None
    if _ROMAN_HEADING_RE.match(first):
        return "roman"
    if _LETTER_HEADING_RE.match(first):
        return "letter"
    if in_overview and _NUMBER_HEADING_RE.match(first):
        return "number"
    if len(block) == 1 and len(first) < 60 and first[0].isupper() and not re.search(r"[.;:,]$", first):
        return "plain"
    return None


def _split_blocks(blocks: list[list[tuple[int, str]]]) -> list[list[tuple[int, str]]]:
    """Split a block where a numbered paragraph starts without a blank line before it."""
    out = []
    for block in blocks:
        current = [block[0]]
        for previous, line in itertools.pairwise(block):
            if _PARA_START_RE.match(line[1]) and re.search(r"[.:;”\"]\d*\s*$", previous[1]) \
                    and re.match(r"^\d{2,3}\.", line[1]):
                out.append(current)
                current = []
            current.append(line)
        out.append(current)
    return out


def _part_one_paragraphs(blocks: list[list[tuple[int, str]]], vocab) -> list[dict]:
    blocks = _split_blocks(blocks)
    paragraphs: list[dict] = []
    headings: dict[str, str | None] = {"roman": None, "letter": None, "number": None}
    expected = 1
    pending: list[tuple[str, str]] = []  # headings seen, waiting for the next paragraph

    def starts_paragraph(block, number) -> bool:
        match = _PARA_START_RE.match(block[0][1])
        return match is not None and int(match.group(1)) == number

    for index, block in enumerate(blocks):
        if starts_paragraph(block, expected):
            for kind, text in pending:
                headings[kind] = text
                if kind == "roman":
                    headings["letter"] = headings["number"] = None
                elif kind in ("letter", "plain"):
                    headings["number"] = None
                    if kind == "plain":
                        headings["letter"] = text
            pending = []
            match = _PARA_START_RE.match(block[0][1])
            assert match is not None  # starts_paragraph matched it
            paragraphs.append({
                "number": expected,
                "heading": [h for h in (headings["roman"], headings["letter"], headings["number"]) if h],
                "lines": [(block[0][0], match.group(2))] + block[1:],
            })
            expected += 1
            continue
        in_overview = bool(headings["roman"] and headings["roman"].startswith("VII."))
        heading_kind = _heading_kind(block, in_overview)
        if heading_kind and _followed_by_paragraph(blocks, index, expected):
            pending.append((heading_kind, t.join_lines([text for _, text in block], vocab)))
            continue
        if paragraphs:
            paragraphs[-1]["lines"].extend(block)
    return paragraphs


def _followed_by_paragraph(blocks, index: int, expected: int) -> bool:
    """True when the blocks after ``index`` reach paragraph ``expected`` through headings only."""
    for block in blocks[index + 1:index + 4]:
        match = _PARA_START_RE.match(block[0][1])
        if match and int(match.group(1)) == expected:
            return True
        if _heading_kind(block, True) is None:
            return False
    return False


# ---------------------------------------------------------------- footnotes


def _marker_re(number: int) -> re.Pattern:
    return re.compile(rf"(?<=[A-Za-z)\]”’\".,;:])(?<![0-9][.,]){number}(?![0-9])")


def _attach_footnotes(paragraphs: list[dict], footnotes: list[dict], vocab) -> list[dict]:
    """Attach each footnote to the paragraph carrying its marker; strip the marker from the text.

    Markers appear in footnote order, so the search runs from the paragraph that took the previous
    footnote up to the last paragraph that starts before the footnote's definition.
    """
    unattached = []
    floor = 0
    for note in footnotes:
        line = note["lines"][0][0]
        text = t.join_lines([s for _, s in note["lines"]], vocab)
        pattern = _marker_re(note["number"])
        for index in range(floor, len(paragraphs)):
            para = paragraphs[index]
            if para["start"] > line:
                break
            if pattern.search(para["text"]):
                para["text"] = squash_marker(pattern, para["text"])
                para["footnotes"].append({"marker": str(note["number"]), "text": text})
                floor = index
                break
        if not any(f["marker"] == str(note["number"]) for f in paragraphs[floor]["footnotes"]):
            unattached.append({"marker": str(note["number"]), "text": text,
                               "source": t.source(note["lines"][0][0], note["lines"][-1][0])})
    return unattached


def squash_marker(pattern: re.Pattern, text: str) -> str:
    return re.sub(r"\s+([,.;:])", r"\1", pattern.sub("", text, count=1)).replace("  ", " ").strip()


# ---------------------------------------------------------------- Protocol articles mentioned

_ARTICLE_MENTION_RE = re.compile(
    r"\b(?:[Aa]rticles?|arts?\.)\s+(\d{1,3}(?:\s*(?:,|and|to)\s*\d{1,3})*)"
    r"((?:\s*,?\s*(?:paragraphs?|paras?\.|subparagraphs?)\s+[\d(][\w() ,]*?)?)"
    r"((?:\s*\([^)]{1,40}\))?,?\s+of\s+(?:the|its)\s+[^.;:]{0,60})?"
)
_OTHER_INSTRUMENT_RE = re.compile(r"Convention|Covenant|Charter|Declaration|Statute|Rules|Principles|Treaty")


def protocol_articles(text: str, explicit: bool = False) -> list[int]:
    """Protocol article numbers a text mentions ('article 6 of the Protocol', 'Articles 7 to 9').

    An unqualified "article N" counts as the Protocol's unless ``explicit`` (used for footnotes) or an
    other instrument is named just before it.
    """
    found: list[int] = []
    for match in _ARTICLE_MENTION_RE.finditer(text):
        qualifier = match.group(3) or ""
        if explicit and not qualifier:
            continue
        if qualifier:
            after = re.sub(r"^(?:\s*\([^)]*\))?,?\s+of\s+(?:the|its)\s+", "", qualifier)
            if not re.match(r"(Smuggling of Migrants )?Protocol\b", after):
                continue
        else:
            before = text[max(0, match.start() - 40):match.start()]
            if _OTHER_INSTRUMENT_RE.search(before):
                continue
        spec = match.group(1)
        numbers: list[int] = []
        for range_match in re.finditer(r"(\d{1,3})(?:\s*to\s*(\d{1,3}))?", spec):
            lo = int(range_match.group(1))
            hi = int(range_match.group(2) or lo)
            numbers.extend(range(lo, hi + 1))
        for number in numbers:
            if 1 <= number <= 25 and number not in found:
                found.append(number)
    return sorted(found)


# ---------------------------------------------------------------- Annex II and Index


def _annex_two_region(lines: list[str]) -> tuple[int, int, int]:
    start = next(i for i, line in enumerate(lines) if line.strip() == "Annex II")
    index_start = next(i for i in range(start, len(lines))
                       if re.search(t.PILLAR_RE + r":\s*\d", lines[i]))
    instruments = next(i for i in range(start, index_start)
                       if re.match(r"^\s*E\.\s+legal instruments", lines[i], re.IGNORECASE))
    return start, instruments, index_start


def _entries(lines: list[str], start: int, end: int, starts_entry=None):
    """Blank-line separated entries as lists of (i, text).

    ``starts_entry(entry, raw_line)``, if given, may also end the current entry before a non-blank line
    (Annex II section E: a new page starts a new entry without a blank line before it).
    """
    entry: list[tuple[int, str]] = []
    for i in range(start, end):
        line = lines[i].strip()
        if t.is_page_header(lines[i]):
            continue
        if not line:
            if entry:
                yield entry
                entry = []
            continue
        if entry and starts_entry is not None and starts_entry(entry, lines[i]):
            yield entry
            entry = []
        entry.append((i, line))
    if entry:
        yield entry


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _resources(lines: list[str], start: int, end: int, vocab) -> list[dict]:
    resources: list[dict] = []
    section = None
    author = None
    for entry in _entries(lines, start + 1, end):
        first = entry[0][1]
        if first.lower() == "resources" and len(entry) == 1:
            continue  # the annex subtitle
        heading = re.match(r"^([A-D])\.\s+(resources .*)$", first, re.IGNORECASE)
        if heading and len(entry) == 1:
            section = f"{heading.group(1)}. {_capitalize(heading.group(2))}"
            continue
        text = t.join_lines([s for _, s in entry], vocab)
        if text.startswith("_"):
            text = re.sub(r"^_+\.?\s*", f"{author}. " if author else "", text)
        else:
            author = text.split(". ", 1)[0]
        body = re.split(r"\s*Available from\s", text, maxsplit=1)[0]
        parts = body.split(". ", 2)
        title = parts[1] if len(parts) > 1 else parts[0]
        resources.append({
            "id": f"ffa:resource:{len(resources) + 1}",
            "title": title.strip().rstrip("."),
            "text": text,
            "section": section,
            "source": t.source(entry[0][0], entry[-1][0]),
        })
    return resources


_PUBLICATION_RE = re.compile(
    r"^(United Nations, Treaty Series|Council of Europe, European Treaty Series|General Assembly|"
    r"Official Journal|Official Records|Available from|A/|E/|[A-Z]/CONF)"
)


def _instrument_page_start(entry: list[tuple[int, str]], raw: str) -> bool:
    """A page-start line (indented by one space) after a complete entry (one with its "Available from")
    begins a new entry or group heading, unless it is the rest of a wrapped URL (no space in it).

    The PDF extraction puts no blank line before the first line of a new page; a page start in the middle
    of an entry (line 3891, 3992) follows an entry that has no "Available from" yet."""
    return (t.is_page_start(raw) and " " in raw.strip()
            and any(line.startswith("Available from") for _, line in entry))


def _legal_instruments(lines: list[str], start: int, end: int, vocab) -> list[dict]:
    instruments: list[dict] = []
    group = None
    for entry in _entries(lines, start + 1, end, _instrument_page_start):
        first = entry[0][1]
        heading = re.match(r"^(\d{1,2})\.\s+(.*)$", first)
        if heading and len(entry) == 1:
            group = f"{heading.group(1)}. {_capitalize(heading.group(2).strip())}"
            continue
        title_lines = [first]  # the title may itself start like a publication ("General Assembly resolution ...")
        for _, line in entry[1:]:
            if _PUBLICATION_RE.match(line):
                break
            title_lines.append(line)
        text = t.join_lines([s for _, s in entry], vocab)
        url = re.search(r"Available from\s+(.*)$", text)
        instruments.append({
            "id": f"ffa:instrument:{len(instruments) + 1}",
            "title": t.join_lines(title_lines, vocab),
            "group": group,
            "text": text,
            "url": url.group(1).replace(" ", "").rstrip(".") if url else None,
            "source": t.source(entry[0][0], entry[-1][0]),
        })
    return instruments


def _split_index_line(line: str) -> tuple[str, str]:
    """'Border control Prevention: 3.A 3, 16' -> ('Border control', 'Prevention: 3.A 3, 16')."""
    match = re.search(r"\s" + t.PILLAR_RE + r"\s*:", " " + line)
    if match and match.start() > 0:
        return line[: match.start() - 1].strip(), line[match.start() - 1:].strip()
    if match:
        return "", line
    dash = re.search(r"\s[–-]\s*([\d,\s\-–and]*)$", line)
    if dash:
        return line[: dash.start()].strip(), line[dash.start():].strip()
    return line, ""


def _is_ref_line(line: str) -> bool:
    return bool(re.match(t.PILLAR_RE + r"\s*:", line) or t.CELL_LINE_RE.match(line)
                or t.NUMBER_LINE_RE.match(line) or line in ("–", "-"))


def _index(lines: list[str], start: int, vocab) -> list[dict]:
    entries: list[dict] = []
    current: dict | None = None
    previous_blank = True
    for i in range(start, len(lines)):
        raw = lines[i]
        line = raw.strip()
        if not line or t.is_page_header(raw):
            previous_blank = previous_blank or not line
            continue
        if _is_ref_line(line) and current is not None and not (t.is_page_start(raw) and current["refs_text"]
                                                                and re.match(t.PILLAR_RE, line)):
            current["refs_text"].append(line)
            current["end"] = i
        elif _is_ref_line(line):  # references without a term (page break swallowed it)
            current = {"term_lines": [], "refs_text": [line], "start": i, "end": i}
            entries.append(current)
        else:
            term, refs = _split_index_line(line)
            if current is not None and not current["refs_text"] and not previous_blank:  # continuing
                current["term_lines"].append(term)
            else:
                current = {"term_lines": [term], "refs_text": [], "start": i, "end": i}
                entries.append(current)
            if refs:
                current["refs_text"].append(refs)
            current["end"] = i
        previous_blank = False
    return _finish_index(entries, vocab)


def _finish_index(entries: list[dict], vocab) -> list[dict]:
    corrections = t.load_corrections("framework.index")
    terms: list[dict] = []
    previous_term = None
    for entry in entries:
        term = t.join_lines(entry["term_lines"], vocab).rstrip(",").strip()
        refs_text = " ".join(entry["refs_text"])
        if not term:
            for fix in corrections:
                if refs_text.startswith(fix["refs_start"]) and previous_term == fix.get("after_term", previous_term):
                    term = fix["set"]["term"]
        cells, paras = t.parse_refs(refs_text)
        slug = t.slugify(term) or f"entry-{len(terms) + 1}"
        terms.append({
            "id": f"ffa:index:{slug}",
            "term": term,
            "subterms": [],
            "refs": cells + [f"ffa:para:{n}" for n in paras],
            "source": t.source(entry["start"], entry["end"]),
        })
        previous_term = term
    seen: dict[str, int] = {}
    for item in terms:  # keep ids unique
        if item["id"] in seen:
            seen[item["id"]] += 1
            item["id"] = f"{item['id']}-{seen[item['id']]}"
        else:
            seen[item["id"]] = 1
    return terms


# ---------------------------------------------------------------- assembly


def _pillars(paragraphs: list[dict]) -> list[dict]:
    overview: dict[str, list[int]] = {key: [] for key in t.PILLARS}
    for para in paragraphs:
        for heading in para["heading"]:
            match = _TABLE_HEADING_RE.search(heading)
            if match and match.group(2).lower() in overview:
                overview[match.group(2).lower()].append(para["number"])
    return [{"id": f"ffa:{key}", "key": key, "title": _PILLAR_TITLES[key], "overview_paragraphs": overview[key]}
            for key in t.PILLARS]


def _section_sort_key(cell: str) -> tuple[int, str, str]:
    match = re.match(r"ffa:\w+:(\d+)(?:\(([a-z])\))?\.([A-E])$", cell)
    if match is None:
        raise ValueError(f"not a Framework table cell: {cell!r}")
    return int(match.group(1)), match.group(2) or "", match.group(3)


def _table_sections(cells: list[str]) -> list[dict]:
    by_section: dict[tuple[str, int], set[str]] = {}
    for cell in cells:
        _, pillar, rest = cell.split(":", 2)
        digits = re.match(r"\d+", rest)
        if digits is None:
            raise ValueError(f"not a Framework table cell: {cell!r}")
        number = int(digits.group(0))
        by_section.setdefault((pillar, number), set()).add(cell)
    order = {key: n for n, key in enumerate(t.PILLARS)}
    sections = []
    for (pillar, number) in sorted(by_section, key=lambda k: (order[k[0]], k[1])):
        sections.append({
            "id": f"ffa:{pillar}:{number}",
            "pillar": pillar,
            "number": str(number),
            "title": None,
            "cells": sorted(by_section[(pillar, number)], key=_section_sort_key),
            "text_available": False,
        })
    return sections


def parse(path: pathlib.Path) -> dict:
    lines = read_lines(path)
    vocab = t.build_vocabulary(lines)
    start, end = _part_one_region(lines)
    blocks, footnotes, _page_starts = _scan_part_one(lines, start, end)
    raw_paragraphs = _part_one_paragraphs(blocks, vocab)
    paragraphs = []
    for raw in raw_paragraphs:
        paragraphs.append({
            "number": raw["number"],
            "heading": raw["heading"],
            "text": t.join_lines([s for _, s in raw["lines"]], vocab),
            "footnotes": [],
            "start": raw["lines"][0][0],
            "end": raw["lines"][-1][0],
        })
    unattached = _attach_footnotes(paragraphs, footnotes, vocab)
    out_paragraphs = []
    for para in paragraphs:
        articles = set(protocol_articles(para["text"]))
        for note in para["footnotes"]:
            articles.update(protocol_articles(note["text"], explicit=True))
        out_paragraphs.append({
            "id": f"ffa:para:{para['number']}",
            "number": para["number"],
            "part": "one",
            "heading": para["heading"],
            "text": para["text"],
            "footnotes": para["footnotes"],
            "protocol_articles": sorted(articles),
            "source": t.source(para["start"], para["end"]),
        })

    annex_start, instruments_start, index_start = _annex_two_region(lines)
    index_terms = _index(lines, index_start, vocab)
    protocol = protocol_parser.parse(path)
    cited: list[str] = []
    for article in protocol["articles"]:
        cited.extend(article["ffa_cells"])
    for term in index_terms:
        cited.extend(r for r in term["refs"] if not r.startswith("ffa:para:"))

    return {
        "document": {"id": "ffa", "title": TITLE, "file": t.FILE_NAME},
        "pillars": _pillars(out_paragraphs),
        "element_types": ELEMENT_TYPES,
        "table_sections": _table_sections(sorted(set(cited))),
        "paragraphs": out_paragraphs,
        "footnotes_unattached": unattached,
        "index_terms": index_terms,
        "resources": _resources(lines, annex_start, instruments_start, vocab),
        "legal_instruments": _legal_instruments(lines, instruments_start, index_start, vocab),
    }

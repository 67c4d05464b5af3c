"""Parse the Smuggling of Migrants Protocol from Annex I of the Framework for Action seed.

``parse(path)`` returns ``{"document", "chapters", "preamble", "articles"}`` (see the schema in the
catalog docs).  Ids:

* article ``protocol:art6``; numbered paragraph ``protocol:art6.1``; subparagraph ``protocol:art6.1.a``;
  sub-subparagraph ``protocol:art6.1.a.i``.
* An article whose body is not numbered (arts 2-5, 7, 12, 13, 17) has one paragraph with ``number``
  null whose id equals the article id (the article *is* the provision); its subparagraphs are
  ``protocol:art3.a``.

Cross-references.  Annex I prints, beside each article, the Framework table cells and the Part one
paragraphs that implement it.  The column is per article (the PDF drops it wherever the page ends, often
in the middle of the article), so the lists are kept on the article (``ffa_cells``, ``ffa_paragraphs``)
and every paragraph of the article carries the same lists.  Cell ids follow the notation of Annex I:
``ffa:<pillar>:<section>[(<sub-letter>)].<Element>``, e.g. ``Protection: 13(b).C`` ->
``ffa:protection:13(b).C`` (see ``_ffa_text``).

Obligation (paragraph level, from the wording of the lead-in, strongest sentence wins):
``mandatory`` for "shall"/"agrees to" (incl. prohibitions "shall take no"); ``optional`` for "may",
"shall consider", "endeavour", "make every effort", "shall <verb>, to the extent possible"; ``null``
for definitions, scope/purpose, interpretation and savings clauses ("Nothing in this Protocol shall",
"shall not affect", "shall be without prejudice", "shall mean", "shall apply").  Corrections in
``corrections/framework.yaml`` (target ``protocol``) override the few cases the wording misleads.
"""

from __future__ import annotations

import pathlib
import re
from typing import Any, Literal

from soma.catalog.extract import _ffa_text as t
from soma.catalog.extract.text import read_lines

TITLE = (
    "Protocol against the Smuggling of Migrants by Land, Sea and Air, supplementing the United Nations "
    "Convention against Transnational Organized Crime"
)

_COLUMN_HEADER_LINES = {
    "Part two.", "Framework", "for Action", "(Table and", "section)", "Part one.", "Introduction to",
    "the Framework", "(Paragraph", "number)",
}
_ARTICLE_RE = re.compile(r"^Article (\d{1,2})$")
_CHAPTER_RE = re.compile(r"^(I|II|III|IV)\.\s+([A-Z].*)$")
_PARA_RE = re.compile(r"^(\d{1,2}|l)\.\s+(.*)$")
_SUB_RE = re.compile(r"^\(([a-z]{1,4})\)\s+(.*)$")
_ROMANS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
_TITLE_CONTINUES = {"against", "of", "and", "the", "to", "for", "in", "on", "by", "with"}


def _region(lines: list[str]) -> tuple[int, int]:
    start = next(i for i, line in enumerate(lines) if line.strip() == "Annex I")
    end = next(i for i, line in enumerate(lines) if i > start and line.strip() == "Annex II")
    return start, end


# ---------------------------------------------------------------- obligations

_NULL_PATTERNS = [
    r"^nothing in this protocol shall",
    r"shall not affect",
    r"shall be without prejudice",
    r"shall mean\b",
    r"^for the purposes of this protocol",
    r"^this protocol shall apply",
    r"shall apply, mutatis mutandis",
    r"shall be regarded as",
    r"supplements the united nations",
    r"^the purpose of this protocol",
    r"shall be interpreted together",
    r"shall not be bound",
]
_OPTIONAL_PATTERNS = [
    r"shall consider",
    r"\bendeavour",
    r"make every effort",
    r"shall \w+(?: or \w+)?, to the extent possible",
    r"\bmay\b",
]
_NOT_MODAL_MAY = re.compile(r"\b(?:as|that|which|who) may\b|\bmay (?:be necessary|have been|reasonably)")


def _sentence_obligation(sentence: str) -> str | None | Literal[False]:
    """'mandatory', 'optional', None (savings/definition), or False (no modal at all)."""
    s = _NOT_MODAL_MAY.sub(" ", sentence.lower())
    if any(re.search(p, s) for p in _NULL_PATTERNS):
        return None
    if any(re.search(p, s) for p in _OPTIONAL_PATTERNS):
        return "optional"
    if re.search(r"\bshall\b|\bagrees to\b", s):
        return "mandatory"
    return False


def classify_obligation(text: str) -> str | None:
    """Obligation of a paragraph from its text (lead-in first, whole text if the lead-in has no modal)."""
    ranks = {"mandatory": 3, "optional": 2, None: 1, False: 0}
    best: str | None | Literal[False] = False
    for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", text):
        found = _sentence_obligation(sentence)
        if ranks[found] > ranks[best]:
            best = found
    return None if best is False else best


# ---------------------------------------------------------------- parsing


class _Builder:
    """Line-based state machine over Annex I."""

    def __init__(self, lines: list[str], vocab):
        self.lines = lines
        self.vocab = vocab
        self.chapters: list[dict] = []
        self.articles: list[dict] = []
        self.preamble: dict[str, Any] = {"lines": [], "start": None, "end": None, "refs_paras": [], "cells": []}
        self.article: dict | None = None
        self.target: dict | None = None  # paragraph or subparagraph receiving text
        self.in_refs = False
        self.ref_buffer: list[str] = []
        self.title_open = False
        self.done = False
        self.prev_text = ""
        self.after_blank = True

    # -- helpers
    def _flush_refs(self) -> None:
        if not self.ref_buffer:
            return
        cells, paras = t.parse_refs(" ".join(self.ref_buffer))
        holder = self.article if self.article is not None else self.preamble
        for cell in cells:
            if cell not in holder["cells"]:
                holder["cells"].append(cell)
        for para in paras:
            if para not in holder["refs_paras"]:
                holder["refs_paras"].append(para)
        self.ref_buffer = []
        self.in_refs = False

    def _add_text(self, node: dict, text: str, i: int) -> None:
        node["lines"].append(text)
        node["start"] = i if node["start"] is None else node["start"]
        node["end"] = i
        self.prev_text = text

    def _new_paragraph(self, number: str | None, text: str, i: int) -> None:
        para: dict[str, Any] = {"number": number, "lines": [], "start": None, "end": None, "subs": []}
        self._current_article()["paras"].append(para)
        self.target = para
        self._add_text(para, text, i)

    def _current_article(self) -> dict:
        if self.article is None:
            raise ValueError("Protocol text before its first article heading")
        return self.article

    def _boundary_ok(self) -> bool:
        prev = self.prev_text.rstrip()
        return self.after_blank or not prev or prev.endswith((":", ";", ".", " or", " and")) or prev in ("or", "and")

    # -- main loop
    def feed(self, i: int, raw: str) -> None:
        line = raw.strip()
        if self.done or not line:
            if self.article is not None and self.title_open and self.article["title_lines"]:
                self.title_open = False
            self.after_blank = True
            return
        self._feed_line(i, raw, line)
        self.after_blank = False

    def _feed_line(self, i: int, raw: str, line: str) -> None:
        if t.is_page_header(raw) or line in _COLUMN_HEADER_LINES:
            return
        if self.in_refs:
            if t.CELL_LINE_RE.match(line) or t.NUMBER_LINE_RE.match(line) or re.match(t.PILLAR_RE + ":", line):
                self.ref_buffer.append(line)
                return
            self._flush_refs()
        if re.match(t.PILLAR_RE + r"\s*:", line):
            self.in_refs = True
            self.ref_buffer.append(line)
            return
        if self.article is not None and self.in_refs is False and t.NUMBER_LINE_RE.match(line):
            self.ref_buffer.append(line)
            self._flush_refs()
            return
        if line.startswith("IN WITNESS WHEREOF"):
            self.done = True
            return
        chapter = _CHAPTER_RE.match(line)
        if chapter and not self.title_open:
            self.chapters.append({"number": chapter.group(1), "title": chapter.group(2).strip(), "line": i})
            return
        article = _ARTICLE_RE.match(line)
        if article:
            self._start_article(int(article.group(1)), i)
            return
        if self.article is None:
            self._preamble_line(line, i)
            return
        if self.title_open:
            self.article["title_lines"].append(line)
            self.article["end"] = i
            last_word = line.split()[-1].lower()
            if last_word not in _TITLE_CONTINUES:
                self.title_open = False
                self.prev_text = ""
            return
        self._body_line(line, i)

    def _start_article(self, number: int, i: int) -> None:
        self._flush_refs()
        chapter = self.chapters[-1]["number"] if self.chapters else None
        self.article = {"number": number, "chapter": chapter, "title_lines": [], "paras": [],
                        "start": i, "end": i, "cells": [], "refs_paras": []}
        self.articles.append(self.article)
        self.target = None
        self.title_open = True
        self.prev_text = ""

    def _preamble_line(self, line: str, i: int) -> None:
        if self.preamble["start"] is None and not line.startswith("The States Parties"):
            return  # annex title
        trailing = re.search(r",((?:\s*\d{1,3},?)+)\s*$", line)
        if trailing:
            self.preamble["refs_paras"].extend(t.parse_number_list(trailing.group(1)))
            line = line[: trailing.start() + 1]
        if self.preamble["start"] is None:
            self.preamble["start"] = i
        self.preamble["end"] = i
        self.preamble["lines"].append(line)

    def _body_line(self, line: str, i: int) -> None:
        art = self._current_article()
        art["end"] = i
        para = _PARA_RE.match(line)
        expected = str(len([p for p in art["paras"] if p["number"]]) + 1)
        if para and (para.group(1) == expected or (para.group(1) == "l" and expected == "1")) \
                and self._boundary_ok():
            self._new_paragraph(expected, para.group(2), i)
            return
        sub = _SUB_RE.match(line)
        if sub and self._boundary_ok():
            if not art["paras"]:
                self._new_paragraph(None, "", i)
                art["paras"][-1]["lines"] = []
            self._new_sub(sub.group(1), sub.group(2), i)
            return
        if self.target is None:
            self._new_paragraph(None, line, i)
            return
        self._add_text(self.target, line, i)
        if self.target.get("parent") is not None:
            self.target["parent"]["end"] = i
        self.art_para_end(i)

    def art_para_end(self, i: int) -> None:
        para = self._current_article()["paras"][-1]
        para["end"] = max(para["end"] if para["end"] is not None else i, i)

    def _new_sub(self, label: str, text: str, i: int) -> None:
        para = self._current_article()["paras"][-1]
        subs = para["subs"]
        last_letter = subs[-1]["label"] if subs else None
        is_roman = label in _ROMANS and subs and (label != "i" or last_letter != "h")
        if is_roman and label != "i" and not subs[-1]["subs"]:
            is_roman = False
        node: dict[str, Any] = {"label": label, "lines": [], "start": None, "end": None, "subs": []}
        if is_roman:
            node["parent"] = subs[-1]
            subs[-1]["subs"].append(node)
        else:
            node["parent"] = None
            subs.append(node)
        self.target = node
        self._add_text(node, text, i)
        if para["start"] is None:
            para["start"] = i
        self.art_para_end(i)


def _finish_sub(node: dict, base_id: str, vocab) -> dict:
    out = {"label": node["label"], "id": f"{base_id}.{node['label']}", "text": t.join_lines(node["lines"], vocab)}
    if "parent" in node and node["parent"] is None:
        out["subparagraphs"] = [_finish_sub(child, out["id"], vocab) for child in node["subs"]]
    out["source"] = t.source(node["start"], node["end"])
    return out


def _finish_article(art: dict, vocab) -> dict:
    art_id = f"protocol:art{art['number']}"
    paragraphs = []
    for para in art["paras"]:
        pid = f"{art_id}.{para['number']}" if para["number"] else art_id
        text = t.join_lines(para["lines"], vocab)
        subs = [_finish_sub(s, pid, vocab) for s in para["subs"]]
        full = " ".join([text] + [s["text"] for s in subs])
        obligation = classify_obligation(text) if classify_obligation(text) is not None or not subs \
            else classify_obligation(full)
        if text and _sentence_obligation(text) is False and subs:
            obligation = classify_obligation(full)
        paragraphs.append({
            "id": pid,
            "number": para["number"],
            "text": text,
            "subparagraphs": subs,
            "obligation": obligation,
            "ffa_cells": list(art["cells"]),
            "ffa_paragraphs": sorted(art["refs_paras"]),
            "source": t.source(para["start"], para["end"]),
        })
    return {
        "id": art_id,
        "number": art["number"],
        "chapter": art["chapter"],
        "title": t.squash(" ".join(art["title_lines"])),
        "paragraphs": paragraphs,
        "ffa_cells": list(art["cells"]),
        "ffa_paragraphs": sorted(art["refs_paras"]),
        "source": t.source(art["start"], art["end"]),
    }


def _apply_corrections(articles: list[dict]) -> None:
    by_number = {a["number"]: a for a in articles}
    for entry in t.load_corrections("protocol"):
        numbers = entry.get("articles") or [entry["article"]]
        for number in numbers:
            art = by_number[number]
            for para in art["paragraphs"]:
                if entry.get("paragraph") not in (None, para["number"]):
                    continue
                for key, value in (entry.get("set") or {}).items():
                    if key == "title":
                        art["title"] = value
                    else:
                        para[key] = value


def parse(path: pathlib.Path) -> dict:
    lines = read_lines(path)
    vocab = t.build_vocabulary(lines)
    start, end = _region(lines)
    builder = _Builder(lines, vocab)
    for i in range(start + 1, end):
        builder.feed(i, lines[i])
    builder._flush_refs()
    finished = [_finish_article(a, vocab) for a in builder.articles]
    _apply_corrections(finished)
    chapters = [{"number": c["number"], "title": c["title"]} for c in builder.chapters]
    pre = builder.preamble
    return {
        "document": {"id": "protocol", "title": TITLE, "file": t.FILE_NAME},
        "chapters": chapters,
        "preamble": {
            "text": t.join_lines(pre["lines"], vocab),
            "ffa_cells": list(pre["cells"]),
            "ffa_paragraphs": sorted(pre["refs_paras"]),
            "source": t.source(pre["start"], pre["end"]),
        },
        "articles": finished,
    }

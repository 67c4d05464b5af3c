"""Parser for the UNODC Assessment Guide to the Criminal Justice Response to the Smuggling of Migrants.

`parse(path)` reads the PDF-extracted plain text and returns plain dicts (see the catalog schema):
methodology, sections with audiences and intro, subsections with narrative, footnotes, requirements,
fields of inquiry with primary/secondary questions, guidelines and cross-references, and the
instruments cited. Boxes are attached by their "X.Y" labels, not by position, because the PDF
extraction interleaves a box with the next subsection's narrative. Corrections the rules cannot
make live in corrections/guide.yaml.
"""

from __future__ import annotations

import pathlib
import re
from collections import Counter

from .text import (
    ROMAN,
    LineSpan,
    build_vocabulary,
    ends_sentence,
    expand_range,
    fold_ws,
    join_lines,
    load_yaml,
    natural_key,
    read_lines,
    repair_case,
    upper_after_question_mark,
    upper_first,
)

FILE = "assessment-guide.txt"
CORRECTIONS = pathlib.Path(__file__).with_name("corrections") / "guide.yaml"
SECTION_COUNT = 13

# key -> (full title, short name, regex matching how the guide names it)
INSTRUMENTS = {
    "protocol": ("Protocol against the Smuggling of Migrants by Land, Sea and Air, supplementing the "
                 "United Nations Convention against Transnational Organized Crime",
                 "Smuggling of Migrants Protocol", r"Smuggling of Migrants Protocol|Migrants Protocol"),
    "untoc": ("United Nations Convention against Transnational Organized Crime",
              "Organized Crime Convention",
              r"Convention against Transnational Organized Crime|Organized Crime Convention"),
    "tip_protocol": ("Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women "
                     "and Children, supplementing the United Nations Convention against Transnational "
                     "Organized Crime", "Trafficking in Persons Protocol",
                     r"Trafficking in Persons Protocol|Punish Trafficking in Persons"),
    "uncac": ("United Nations Convention against Corruption", "Convention against Corruption",
              r"Convention against Corruption"),
    "refugee_convention": ("Convention relating to the Status of Refugees", "1951 Refugee Convention",
                           r"Convention relating to the Status of Refugees"),
    "refugee_protocol": ("Protocol relating to the Status of Refugees", "1967 Refugee Protocol",
                         r"Protocol relating to the Status of Refugees"),
    "migrant_workers_convention": ("International Convention on the Protection of the Rights of All "
                                   "Migrant Workers and Members of Their Families",
                                   "Migrant Workers Convention", r"Rights of All Migrant Workers"),
    "unclos": ("United Nations Convention on the Law of the Sea", "Law of the Sea Convention",
               r"Convention on the Law of the Sea"),
    "solas": ("International Convention for the Safety of Life at Sea", "SOLAS Convention",
              r"Safety of Life at Sea"),
    "sar": ("International Convention on Maritime Search and Rescue", "SAR Convention",
            r"Maritime Search and Rescue"),
    "chicago_convention": ("Convention on International Civil Aviation", "Chicago Convention",
                           r"Convention on International Civil Aviation"),
    "crc": ("Convention on the Rights of the Child", "Convention on the Rights of the Child",
            r"Convention on the Rights of the Child"),
    "iccpr": ("International Covenant on Civil and Political Rights", "Civil and Political Rights Covenant",
              r"Covenant on Civil and Political Rights"),
}

METHODOLOGY_STAGES = [  # (heading regex, slug, stage)
    (r"^3\. Preparing an assessment", "preparing", "planning"),
    (r"^\(a\) Purpose of the assessment", "purpose", "planning"),
    (r"^\(b\) Preparatory desk review", "desk-review", "desk_review"),
    (r"^\(c\) Analysis of stakeholders", "stakeholders", "planning"),
    (r"^\(d\) Identification of contact point", "contact-points", "planning"),
    (r"^4\. Conducting an assessment", "conducting", "fieldwork"),
    (r"^5\. Concluding an assessment", "concluding", "reporting"),
    (r"^\(a\) Drafting the report", "drafting-report", "reporting"),
    (r"^\(b\) Drawing conclusions", "conclusions-recommendations", "analysis"),
    (r"^\(c\) Distributing the report", "distributing-report", "final"),
]

NOISE = [
    re.compile(r"^\d+ ASSESSMENT GUIDE TO THE CRIMINAL", re.I),
    re.compile(r"^CHAPTER [IVX]+ .*\d+$", re.I),
    re.compile(r"^\d{1,3}$"),
]
SECTION_RE = re.compile(r"^([IVXivx]+)\.\s+(\S.{2,80})$")
SUBSECTION_RE = re.compile(r"^([A-Za-z])\.\s+(\S.{2,100})$")
LABEL_RE = re.compile(r"^([IVXivx]+)(?:\.([A-Za-z]))?\s+(\S.*)$")
NUM_FOOTNOTE_RE = re.compile(r"^(\d{1,3})\s+([A-Z0-9“\"(\[].*)$")
LETTER_FOOTNOTE_RE = re.compile(r"^([a-z])\s+([A-Z0-9“\"(\[].*)$")
GUIDELINE_SUB_RE = re.compile(
    r"^(Tool|Section|Sector|Module|Chapter|Part|Annex|Unit|Paragraphs?|Pages?|pp?\.|Vol|Appendix)\b", re.I)
PUBLICATION_RE = re.compile(
    r"^(Criminal Justice Assessment Toolkit|Legislative Guides?|Toolkit to Combat|International Framework"
    r"|Model Law|Issue Paper|In-depth Training|Basic Training|UNODC|Interpretative Notes|Travaux)")
REQ_CONTINUES_RE = re.compile(
    r"\b(of|the|against|Transnational|Organized|Organ-|United|Nations|Convention|Migrants)$")


def parse(path: pathlib.Path) -> dict:
    """Parse the Assessment Guide text file into the catalog's plain-dict structure."""
    return GuideParser(read_lines(path), load_corrections()).run()


def load_corrections(path: pathlib.Path = CORRECTIONS) -> dict:
    """Load the corrections file; every entry must say why it exists."""
    data = load_yaml(path)
    for kind, entries in data.items():
        for entry in entries or []:
            if not entry.get("reason"):
                raise ValueError(f"corrections/guide.yaml: {kind} entry without reason: {entry}")
    return data


def _new_subsection(code: str, letter: str | None, title: str) -> dict:
    return {"code": code, "letter": letter, "title": title, "narrative": [], "footnotes": [],
            "req_lines": [], "requirements_notes": [], "fields": [], "guidelines": [],
            "span": LineSpan()}


class Item:
    """A paragraph-like unit being accumulated from consecutive lines."""

    def __init__(self, kind: str, line_no: int, text: str, marker: str | None = None):
        self.kind, self.marker = kind, marker
        self.lines = [text]
        self.start = self.end = line_no
        self.text = ""  # the joined lines, set when the item is dispatched

    def add(self, line_no: int, text: str) -> None:
        self.lines.append(text)
        self.end = line_no


class GuideParser:
    """Line-based state machine over the guide body plus helpers for the introduction."""

    def __init__(self, lines: list[str], corrections: dict):
        self.lines = lines
        self.corr = corrections
        self.vocab = build_vocabulary(lines)
        self.skip: set[int] = set()
        for entry in corrections.get("skip_lines") or []:
            self.skip.update(range(entry["lines"][0], entry["lines"][1] + 1))
        self.label_fix: dict[int, dict] = {}
        for entry in corrections.get("box_labels") or []:
            self.label_fix[entry["line"]] = entry
        self.sections: list[dict] = []
        self.subs: dict[str, dict] = {}
        self.order: list[str] = []
        self.num_footnotes: set[str] = set()

    # ---------------------------------------------------------------- driver
    def run(self) -> dict:
        body = self._body_start()
        self._parse_body(body)
        sections = [self._finish_section(s) for s in self.sections]
        self._apply_audiences(sections, body)
        return {
            "document": {"id": "guide", "title": "Assessment Guide to the Criminal Justice Response to "
                         "the Smuggling of Migrants", "file": FILE},
            "methodology": self._methodology(body),
            "sections": sections,
            "instruments": self._instruments(sections),
        }

    def _body_start(self) -> int:
        """Line number of the last bare "I. Legal framework" heading (the outline repeats it)."""
        hits = [n for n, line in enumerate(self.lines, 1)
                if fold_ws(line).lower() == "i. legal framework"]
        if not hits:
            raise ValueError("section I heading not found")
        return hits[-1]

    # ---------------------------------------------------------------- body state machine
    def _parse_body(self, start: int) -> None:
        self.mode = "narrative"
        self.section: dict | None = None
        self.narr_code: str | None = None  # subsection whose narrative is running (None = section intro)
        self.box_code: str | None = None   # subsection of the requirements box being read
        self.q_code: str | None = None     # subsection of the most recent questions box
        self.g_code: str | None = None
        self.target: str | None = None     # where footnotes of the current text belong
        self.cur: Item | None = None
        self.pending: Item | None = None   # short heading-like line: field title or narrative subheading
        self.blank = False
        self.expect_title = False
        self.next_letter = "a"
        self.next_num = 23
        for n in range(start, len(self.lines) + 1):
            raw = self.lines[n - 1]
            if n in self.skip:
                continue
            s = fold_ws(raw)
            if not s:
                self.blank = True
                continue
            if any(p.match(s) for p in NOISE):
                continue
            if self._structural(n, s):
                self.blank = False
                continue
            self._content_line(n, raw, s)
            self.blank = False
        self._flush()
        self._flush_pending()

    def _structural(self, n: int, s: str) -> bool:
        if self.expect_title:
            self.expect_title = False
            if s.lower() != "international requirements":
                return True  # second line of a box title: the heading gives the clean title
        m = SECTION_RE.match(s)
        if m and len(self.sections) < SECTION_COUNT and m.group(1).upper() == ROMAN[len(self.sections)]:
            self._close()
            self._open_section(m.group(1).upper(), m.group(2), n)
            return True
        m = SUBSECTION_RE.match(s)
        if m and self.section and not s.endswith((".", ",", ";", "?")) and m.group(1).upper() == self._next_letter():
            self._close()
            self._open_subsection(m.group(1).upper(), m.group(2), n)
            return True
        m = LABEL_RE.match(s)
        if m and m.group(1).upper() in ROMAN[:SECTION_COUNT]:
            rest = fold_ws(m.group(3)).lower()
            code = m.group(1).upper() + (f".{m.group(2).upper()}" if m.group(2) else "")
            if n in self.label_fix:
                fix = self.label_fix[n]
                if fold_ws(fix["found"]).lower() != fold_ws(s).lower():
                    raise ValueError(f"correction for line {n} expects {fix['found']!r}, found {s!r}")
                code = fix["code"]
            if rest.startswith("assessment questions"):
                self._close()
                self.mode, self.q_code, self.target = "questions", code, code
                self._sub(code, n)
                return True
            if rest.startswith("additional guidelines and tools"):
                self._close()
                self.mode, self.g_code, self.target = "guidelines", code, code
                self._sub(code, n)
                return True
            if rest.endswith(":") or (not m.group(2) and rest == self._section_title_lower(code)):
                self._close()
                self.mode, self.box_code, self.target = "box", code, code
                self.expect_title = rest.endswith(":")
                self.next_letter = "a"
                self._sub(code, n)
                return True
        if s.lower() == "international requirements" and self.box_code:
            self._close()
            self.mode = "requirements"
            self._sub(self.box_code, n)
            return True
        return False

    def _current_section(self) -> dict:
        if self.section is None:
            raise ValueError("guide text before the first section heading")
        return self.section

    def _section_title_lower(self, code: str) -> str:
        return self.section["title"].lower() if self.section and self.section["code"] == code else ""

    def _next_letter(self) -> str:
        letters = [c for c in self._current_section()["sub_codes"] if "." in c]
        return chr(ord("A") + len(letters))

    def _open_section(self, code: str, title: str, n: int) -> None:
        self.section = {"code": code, "title": upper_first(fold_ws(title)), "intro": [],
                        "intro_footnotes": [], "sub_codes": [], "span": LineSpan(n)}
        self.sections.append(self.section)
        self.mode, self.narr_code, self.target = "narrative", None, None
        self.q_code = self.g_code = self.box_code = None

    def _open_subsection(self, letter: str, title: str, n: int) -> None:
        code = f"{self._current_section()['code']}.{letter}"
        self._sub(code, n, title=repair_case(fold_ws(title)))
        self.mode, self.narr_code, self.target = "narrative", code, code
        self.next_letter = "a"

    def _sub(self, code: str | None, n: int, title: str | None = None) -> dict:
        """Get (or create) the subsection record for code, widening its source span."""
        if code is None:
            raise ValueError(f"line {n}: a box, question or guideline outside any subsection")
        if code not in self.subs:
            sec = self._section_for(code)
            letter = code.split(".")[1] if "." in code else None
            self.subs[code] = _new_subsection(code, letter, title or sec["title"])
            sec["sub_codes"].append(code)
            self.order.append(code)
        sub = self.subs[code]
        if title:
            sub["title"] = title
        sub["span"].add(n)
        return sub

    def _section_for(self, code: str) -> dict:
        roman = code.split(".")[0]
        for sec in self.sections:
            if sec["code"] == roman:
                return sec
        raise ValueError(f"box label {code} before its section heading")

    # ---------------------------------------------------------------- content lines
    def _content_line(self, n: int, raw: str, s: str) -> None:
        kind, marker, text = self._line_kind(raw, s)
        if self.cur and kind == "text" and self._continues(raw, s):
            self.cur.add(n, text)
            return
        self._flush()
        self.cur = Item(kind, n, text, marker)

    def _line_kind(self, raw: str, s: str) -> tuple[str, str | None, str]:
        if s.startswith("•"):
            return "bullet", None, s.lstrip("• ").strip()
        if re.match(r"^t\s+\S", s):
            return "sub", None, s[1:].strip()
        if self.mode == "requirements" and raw.startswith(" ") and re.match(r"^Articles?\b", s):
            return "req", None, s
        prev_fn = self.cur is not None and self.cur.kind == "footnote"
        if self.blank or prev_fn or raw.startswith(" "):
            m = NUM_FOOTNOTE_RE.match(s)
            if m and self.next_num <= int(m.group(1)) <= self.next_num + 2:
                self.next_num = int(m.group(1)) + 1
                return "footnote", m.group(1), m.group(2)
            m = LETTER_FOOTNOTE_RE.match(s)
            if m and m.group(1) == self.next_letter and (self.blank or prev_fn):
                self.next_letter = chr(ord(self.next_letter) + 1)
                return "footnote", m.group(1), m.group(2)
        return "text", None, s

    def _continues(self, raw: str, s: str) -> bool:
        """Does line s continue the item being accumulated?"""
        cur = self.cur
        if cur is None:
            return False
        so_far = cur.lines[-1]
        if cur.kind == "req":
            return bool(REQ_CONTINUES_RE.search(so_far)) or so_far.endswith("-")
        if so_far.endswith("-") or so_far.endswith("entitled"):
            return True
        joined = " ".join(cur.lines)
        if joined.count("“") > joined.count("”"):
            return True  # inside an open quotation, e.g. a title broken over a blank line
        if so_far.endswith("?") and raw.startswith(" ") and cur.kind in ("bullet", "sub"):
            return False  # a new page after a complete question resumes other text
        if so_far.endswith(":") and s[:1].isupper():
            return False
        if self.blank:
            return not ends_sentence(so_far) and s[:1].islower()
        if cur.kind == "text" and len(cur.lines) == 1 and self._heading_like(so_far) and s[:1].isupper():
            return False
        return True

    @staticmethod
    def _heading_like(text: str) -> bool:
        return len(text) <= 90 and not ends_sentence(text) and not text.endswith(",")

    def _flush(self) -> None:
        item, self.cur = self.cur, None
        if item is not None:
            self._dispatch(item)

    def _close(self) -> None:
        """End the running item and any pending heading before a structural line."""
        self._flush()
        self._flush_pending()

    def _flush_pending(self) -> None:
        item, self.pending = self.pending, None
        if item is not None:
            self._narrative(item, self._narr_target())

    def _narr_target(self) -> str | None:
        return self.box_code if self.mode in ("box", "requirements") else self.narr_code

    def _dispatch(self, item: Item) -> None:
        text = join_lines(item.lines, self.vocab)
        item.text = text
        if item.kind == "footnote":
            self._footnote(item)
            return
        if item.kind == "req":
            self._flush_pending()
            self._sub(self.box_code, item.start)["req_lines"].append(item)
            self._sub(self.box_code, item.end)
            return
        if item.kind in ("bullet", "sub"):
            is_question = item.kind == "sub" or text.rstrip().endswith("?")
            if self.mode == "questions" or (is_question and self.q_code):
                if self.mode != "questions":
                    self.mode, self.target = "questions", self.q_code
                self._question(item)
                return
            if self.mode == "guidelines":
                self._flush_pending()
                self._guideline(item, sub_item=False)
                return
            self._flush_pending()
            self._narrative(item, self._narr_target())
            return
        # plain text
        if self.mode == "requirements":
            self.mode = "box"
        if self.mode == "guidelines" and (GUIDELINE_SUB_RE.match(text) or text.startswith("“")):
            self._flush_pending()
            self._guideline(item, sub_item=True)
            return
        if self.mode == "guidelines" and PUBLICATION_RE.match(text):
            self._flush_pending()
            self._guideline(item, sub_item=False)
            return
        if len(item.lines) == 1 and self._heading_like(text) and not text[:1].isdigit():
            self._flush_pending()
            self.pending = item
            return
        self._flush_pending()
        if self.mode in ("questions", "guidelines"):
            self.mode = "narrative"
            self.target = self.narr_code
        self._narrative(item, self._narr_target())

    # ---------------------------------------------------------------- routing
    def _narrative(self, item: Item, code: str | None) -> None:
        text = item.text
        if code is None:
            section = self._current_section()
            paras, self.target = section["intro"], None
            section["span"].add(item.start, item.end)
        else:
            sub = self._sub(code, item.start)
            self._sub(code, item.end)
            paras, self.target = sub["narrative"], code
        prev_open = paras and not re.search(r"[.?!:;”\")…\]](\d{1,3}|[a-z])?\s*$", paras[-1])
        if prev_open and (text[:1].islower() or len(paras[-1]) > 90):
            paras[-1] = join_lines([paras[-1], text], self.vocab)
        else:
            paras.append(text)

    def _footnote(self, item: Item) -> None:
        marker = item.marker or ""  # a footnote item always has its marker
        entry = {"marker": marker, "text": item.text}
        if marker.isdigit():
            self.num_footnotes.add(marker)
        if self.target is None:
            section = self._current_section()
            section["intro_footnotes"].append(entry)
            section["span"].add(item.start, item.end)
            return
        sub = self._sub(self.target, item.start)
        self._sub(self.target, item.end)
        sub["footnotes"].append(entry)

    def _question(self, item: Item) -> None:
        sub = self._sub(self.q_code, item.start)
        self._sub(self.q_code, item.end)
        title = None
        if self.pending is not None:
            title, self.pending = self.pending.text, None
            if title:
                self._sub(self.q_code, item.start)
        if title is not None or not sub["fields"]:
            sub["fields"].append({"title": title and repair_case(title), "items": []})
        sub["fields"][-1]["items"].append((item.kind, item.text, item.start))

    def _guideline(self, item: Item, sub_item: bool) -> None:
        sub = self._sub(self.g_code, item.start)
        self._sub(self.g_code, item.end)
        if sub_item and sub["guidelines"]:
            sub["guidelines"][-1]["subs"].append(item.text)
        else:
            sub["guidelines"].append({"text": item.text, "subs": []})

    # ---------------------------------------------------------------- finishing
    def _finish_section(self, sec: dict) -> dict:
        code = sec["code"]
        intro = [self._clean_para(p, {f["marker"] for f in sec["intro_footnotes"]}) for p in sec["intro"]]
        subs = [self.subs[c] for c in sec["sub_codes"]]
        if code in sec["sub_codes"]:  # XII: no lettered subsections, its narrative is the intro
            self.subs[code]["narrative"][:0] = sec["intro"]
            self.subs[code]["footnotes"][:0] = sec["intro_footnotes"]
            self.subs[code]["span"].add(*sec["span"].as_list())
            intro = []
        out_subs = [self._finish_subsection(s) for s in subs]
        span = LineSpan(*sec["span"].as_list())
        for s in subs:
            span.add(*s["span"].as_list())
        return {"id": f"guide:{code}", "code": code, "title": sec["title"], "audiences": [],
                "intro": intro, "source": {"file": FILE, "lines": span.as_list()},
                "subsections": out_subs}

    def _finish_subsection(self, sub: dict) -> dict:
        code = sub["code"]
        markers = {f["marker"] for f in sub["footnotes"]}
        narrative = [self._clean_para(p, markers) for p in sub["narrative"]]
        footnotes = [{"marker": f["marker"], "text": repair_case(f["text"])} for f in sub["footnotes"]]
        fields = self._finish_fields(code, sub["fields"])
        requirements = self._finish_requirements(code, sub, narrative)
        guidelines = [g for raw in sub["guidelines"] for g in _expand_guideline(raw)]
        texts = narrative + [f["text"] for f in footnotes] + [
            q["text"] for f in fields for q in f["questions"]]
        return {
            "id": f"guide:{code}", "code": code, "letter": sub["letter"], "title": sub["title"],
            "narrative": narrative, "footnotes": footnotes, "requirements": requirements,
            "requirements_notes": sub["requirements_notes"], "fields": fields,
            "guidelines": guidelines,
            "cross_references": self._cross_references(code, texts),
            "source": {"file": FILE, "lines": sub["span"].as_list()},
        }

    def _clean_para(self, text: str, markers: set[str]) -> str:
        """Remove footnote markers glued to words or punctuation, then repair capitals."""
        def numeric(m):
            return m.group(1) if m.group(2) in self.num_footnotes else m.group(0)
        text = re.sub(r"([A-Za-z\.,;:”’\)])(\d{1,3})(?=[\s,.;:]|$)", numeric, text)
        letters = "".join(sorted(x for x in markers if len(x) == 1 and x.isalpha()))
        if letters:
            text = re.sub(rf"([\.,;:”’\)])[{letters}](?=\s|$)", r"\1", text)
            text = re.sub(rf"\b([A-Za-z]{{3,}})([{letters}])\b", self._glued_letter, text)
        return repair_case(text)

    def _glued_letter(self, m: re.Match) -> str:
        word, stem = m.group(0), m.group(1)
        if self.vocab.get(word.lower(), 0) <= 1 and self.vocab.get(stem.lower(), 0) > 1:
            return stem
        return word

    def _finish_fields(self, code: str, fields: list[dict]) -> list[dict]:
        out, count = [], 0
        fixes = {q["id"]: q for q in self.corr.get("questions") or []}
        for field in fields:
            groups: list[list] = []   # [primary, [children]]
            orphans: list = []
            for kind, text, _line in field["items"]:
                if kind == "bullet":
                    groups.append([text, orphans])
                    orphans = []
                elif groups:
                    groups[-1][1].append(text)
                else:
                    orphans.append(text)  # secondary printed before its primary
            if orphans and groups:
                groups[-1][1].extend(orphans)
            elif orphans:
                groups.append([orphans[0], orphans[1:]])
            questions = []
            for primary, children in groups:
                count += 1
                pid = f"guide:{code}:q{count:02d}"
                # "...such as:" / "Which of the following ...:" introduces answer options, unless the items
                # are themselves questions (V.J "If the country has a financial intelligence unit:" followed
                # by "What are its resources?" ...); option items may end with "?" too (III.C), so a question
                # is told by its interrogative first word.
                as_options = (primary.rstrip().endswith(":") or "the following" in primary) and not (
                    children and all(_is_question(c) for c in children))
                questions.append({"id": pid, "text": _question_text(primary, fixes.get(pid)),
                                  "level": "primary", "parent": None,
                                  "options": [_option_text(c) for c in children] if as_options else []})
                if as_options:
                    continue
                for child in children:
                    count += 1
                    cid = f"guide:{code}:q{count:02d}"
                    questions.append({"id": cid, "text": _question_text(child, fixes.get(cid)),
                                      "level": "secondary", "parent": pid, "options": []})
            out.append({"title": field["title"], "questions": questions})
        return out

    def _finish_requirements(self, code: str, sub: dict, narrative: list[str]) -> list[dict]:
        out: list[dict] = []
        for item in sub["req_lines"]:
            text = repair_case(item.text)
            for req in parse_requirement(text):
                req["obligation"] = _obligation(req, narrative)
                req["id"] = f"guide:{code}:r{len(out) + 1:02d}"
                out.append({"id": req.pop("id"), **req})
        return out

    def _cross_references(self, code: str, texts: list[str]) -> list[dict]:
        fixes = {(c["subsection"], c["text"]): c for c in self.corr.get("cross_references") or []}
        out, seen = [], set()
        section = code.split(".")[0]
        pattern = re.compile(r"\b(sections?|chapter)\s+"
                             r"((?:[IVX]+\.[A-L]|[IVX]+\.\d+|[IVX]+|[A-L]\.\d|[A-L])"
                             r"(?:(?:,\s*|\s+and\s+)(?:[IVX]+\.[A-L]|[IVX]+))*)\b(?!\s*-)")
        for text in texts:
            for m in pattern.finditer(text):
                if re.search(r"article \d+,\s*$", text[: m.start()]):
                    continue
                for ref in re.split(r",\s*|\s+and\s+", m.group(2)):
                    word = m.group(1).rstrip("s") if m.group(1) != "chapter" else m.group(1)
                    label = f"{word} {ref}"
                    key = (m.group(1), ref)
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(self._resolve(code, section, label, ref, fixes))
        return out

    def _resolve(self, code, section, label, ref, fixes) -> dict:
        fix = fixes.get((code, label))
        if fix:
            target = fix.get("target")
            return {"text": label, "target": target, "status": "corrected" if target else "flagged",
                    "note": fix["reason"]}
        if re.fullmatch(r"[A-L]", ref):
            ref = f"{section}.{ref}"
        if ref in self.subs or ref in {s["code"] for s in self.sections}:
            return {"text": label, "target": f"guide:{ref}", "status": "resolved", "note": None}
        return {"text": label, "target": None, "status": "flagged",
                "note": "no such section or subsection in the guide"}

    # ---------------------------------------------------------------- introduction
    def _methodology(self, body_start: int) -> list[dict]:
        heads: list[tuple[int, str, str, str]] = []
        for n in range(1, body_start):
            s = fold_ws(self.lines[n - 1])
            for pattern, slug, stage in METHODOLOGY_STAGES:
                if re.match(pattern, s) and (not heads or n > heads[-1][0]) \
                        and slug not in {h[1] for h in heads}:
                    heads.append((n, slug, stage, s))
                    break
        end_line = next(n for n in range(heads[-1][0], body_start)
                        if fold_ws(self.lines[n - 1]).lower().startswith("introduction.c"))
        out = []
        for i, (n, slug, stage, title) in enumerate(heads):
            stop = heads[i + 1][0] if i + 1 < len(heads) else end_line
            paragraphs, bullets, last = self._intro_block(n + 1, stop)
            out.append({"id": f"guide:method:{slug}", "stage": stage,
                        "title": re.sub(r"^(\d\.|\([a-d]\))\s*", "", title),
                        "paragraphs": paragraphs, "bullets": bullets,
                        "source": {"file": FILE, "lines": [n, last]}})
        return out

    def _intro_block(self, start: int, stop: int) -> tuple[list[str], list[str], int]:
        """Paragraphs and bullets of an introduction passage, skipping template boxes and footnotes."""
        paras: list[list[str]] = []
        bullets: list[list[str]] = []
        cur, last, template = None, start, False
        for n in range(start, stop):
            raw = self.lines[n - 1]
            s = fold_ws(raw)
            if not s:
                cur = None if cur is None or ends_sentence(cur[-1]) or cur[-1].endswith("-") is False \
                    else cur
                continue
            if s.startswith("[SeCtION") or s.startswith("[SECTION"):
                template = True
                continue
            if template:
                if raw.startswith(" "):
                    template = False
                else:
                    continue
            if re.match(r"^\d{1,3} [A-Z]", s) or any(p.match(s) for p in NOISE):
                cur = None
                continue
            last = n
            if s.startswith("•") or s.startswith("-"):
                cur = [s.lstrip("•- ").strip()]
                bullets.append(cur)
            elif cur is not None and (not ends_sentence(cur[-1]) or s[:1].islower()):
                cur.append(s)
            else:
                cur = [s]
                paras.append(cur)
        clean = [repair_case(join_lines(p, self.vocab)) for p in paras]
        return clean, [repair_case(join_lines(b, self.vocab)) for b in bullets], last

    def _apply_audiences(self, sections: list[dict], body_start: int) -> None:
        start = next(n for n, line in enumerate(self.lines, 1) if line.strip().startswith("Table 1."))
        rows: dict[str, list[str]] = {}
        current = None
        for n in range(start + 1, body_start):
            s = fold_ws(self.lines[n - 1])
            if self.lines[n - 1].startswith(" ") and current == "XIII":
                break
            m = re.match(r"^([IVX]+)\.\s+(.*)$", s)
            if m and m.group(1) in ROMAN[:SECTION_COUNT]:
                current = m.group(1)
                rows[current] = [m.group(2)]
            elif current and s:
                rows[current].append(s)
        for sec in sections:
            text = join_lines(rows.get(sec["code"], []), self.vocab)
            title_words = sec["title"].split()
            words = text.split()
            i = 0
            while i < len(words) and i < len(title_words) and words[i].lower() == title_words[i].lower():
                i += 1
            sec["audiences"] = _split_top_level(" ".join(words[i:]))

    def _instruments(self, sections: list[dict]) -> list[dict]:
        cited: dict[str, set] = {}
        for sec in sections:
            for sub in sec["subsections"]:
                for req in sub["requirements"]:
                    cited.setdefault(req["instrument"], set()).add(req["article"])
        return [{"id": key, "title": INSTRUMENTS[key][0], "short": INSTRUMENTS[key][1],
                 "articles_cited": sorted(cited[key], key=natural_key)}
                for key in INSTRUMENTS if key in cited]


# -------------------------------------------------------------------- pure helpers
_INTERROGATIVE_RE = re.compile(
    r"^(what|how|who|whom|whose|which|where|when|why|is|are|was|were|do|does|did|has|have|can|could|"
    r"will|would|should|may|might|must)\b", re.IGNORECASE)


def _is_question(text: str) -> bool:
    """A list item that is itself a question: an interrogative first word and a final "?"."""
    text = fold_ws(text)
    return text.endswith("?") and bool(_INTERROGATIVE_RE.match(text))


def _question_text(text: str, fix: dict | None) -> str:
    if fix:
        return fix["text"]
    return upper_after_question_mark(repair_case(fold_ws(text)))


def _option_text(text: str) -> str:
    return repair_case(fold_ws(text)).rstrip("?").rstrip()


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses."""
    parts, depth, buf = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(buf)
            buf = ""
        else:
            buf += ch
    parts.append(buf)
    return [upper_first(p.strip()) for p in parts if p.strip()]


def instrument_key(text: str) -> str | None:
    """Return the INSTRUMENTS key named in text (first match by position), if any."""
    best = None
    for key, (_title, _short, pattern) in INSTRUMENTS.items():
        m = re.search(pattern, text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), key)
    return best[1] if best else None


def parse_requirement(text: str) -> list[dict]:
    """Split 'Articles 18, paragraph 3, subparagraph (f) and 29 of the ...' into one dict per article."""
    m = re.match(r"^Articles?\s+(.*?),?\s+of the\s+(.*)$", text)
    if not m:
        return [{"text": text, "instrument": instrument_key(text), "article": None, "paragraphs": [],
                 "subparagraphs": [], "provisions": []}]
    instrument = instrument_key(m.group(2)) or "unknown"
    arts: list[dict] = []
    state = "article"
    tokens = re.findall(r"\d+\s*-\s*\d+|\d+|\([a-z]\)\s*-\s*\([a-z]\)|\([a-z]\)|subparagraphs?|paragraphs?",
                        m.group(1))
    for tok in tokens:
        if tok.startswith("paragraph"):
            state = "paragraph"
            continue
        if tok.startswith("subparagraph"):
            state = "subparagraph"
            continue
        values = _values(tok)
        letters = values[0].isalpha()
        if state == "article" or (not letters and (
                state == "subparagraph" or (arts and arts[-1]["paragraphs"]
                                            and arts[-1]["paragraphs"][0].isalpha()))):
            state = "article"
            for v in values:
                arts.append({"article": v, "paragraphs": [], "subparagraphs": []})
        elif state == "paragraph":
            arts[-1]["paragraphs"].extend(values)
        else:
            arts[-1]["subparagraphs"].extend(values)
    out = []
    for art in arts:
        base = f"{instrument}:art{art['article']}"
        provisions = [f"{base}.{p}" for p in art["paragraphs"]] or [base]
        out.append({"text": text, "instrument": instrument, **art, "provisions": provisions})
    return out


def _values(tok: str) -> list[str]:
    tok = tok.replace(" ", "")
    m = re.fullmatch(r"\(?(\w+)\)?-\(?(\w+)\)?", tok)
    if m:
        return expand_range(m.group(1), m.group(2))
    return [tok.strip("()")]


OPTIONAL_CUES = re.compile(r"not mandatory|optional|shall consider|may consider|to consider|"
                           r"encourages|does not make [^.]* mandatory|non-mandatory", re.I)
MANDATORY_CUES = re.compile(r"(?<!not )\bmandatory\b|\bobliges\b|\brequires States parties\b", re.I)


def _obligation(req: dict, narrative: list[str]) -> str | None:
    """Mandatory/optional only where a narrative sentence about this article says so."""
    if not req["article"]:
        return None
    art = re.compile(rf"\barticles? {req['article']}\b", re.I)
    for para in narrative:
        for sentence in re.split(r"(?<=[.;])\s+", para):
            if not art.search(sentence):
                continue
            paras = re.findall(rf"\barticles? {req['article']}, paragraphs? (\d+)", sentence, re.I)
            if paras and req["paragraphs"] and not set(paras) & set(req["paragraphs"]):
                continue
            if OPTIONAL_CUES.search(sentence):
                return "optional"
            if MANDATORY_CUES.search(sentence):
                return "mandatory"
    return None


def _expand_guideline(raw: dict) -> list[dict]:
    """One guideline per sub-item ('Toolkit ...: Section 3.1, entitled ...'), else the bullet itself."""
    head = repair_case(fold_ws(raw["text"]))
    if not raw["subs"]:
        return [{"text": head, "refs": guideline_refs(head)}]
    prefix = head.rstrip(": ")
    out = []
    for sub in raw["subs"]:
        text = f"{prefix}: {repair_case(fold_ws(sub)).rstrip(';').rstrip()}"
        out.append({"text": text, "refs": guideline_refs(text)})
    return out


def guideline_refs(text: str) -> list[str]:
    """Stable ids for Toolkit sections/tools and Framework for Action pages cited in text."""
    refs: list[str] = []
    if text.startswith("Toolkit to Combat Smuggling of Migrants"):
        body = text.split(":", 1)[1] if ":" in text else ""
        refs += [f"toolkit:{s}" for s in re.findall(r"\bSection (\d+\.\d+)", body)]
        if not refs:
            refs += [f"toolkit:tool{t}" for t in re.findall(r"\bTool (\d+)", body)]
    elif text.startswith("International Framework for Action"):
        for a, b in re.findall(r"(\d+)(?:\s*-\s*(\d+))?", text.split(",", 1)[1] if "," in text else ""):
            pages = expand_range(a, b) if b else [a]
            refs += [f"ffa:page:{p}" for p in pages]
    return list(dict.fromkeys(refs))


def summary(data: dict) -> Counter:
    """Totals used by tests and reports."""
    c: Counter = Counter()
    for sec in data["sections"]:
        c["sections"] += 1
        for sub in sec["subsections"]:
            c["subsections"] += 1
            c["requirements"] += len(sub["requirements"])
            c["guidelines"] += len(sub["guidelines"])
            for ref in sub["cross_references"]:
                c[f"xref_{ref['status']}"] += 1
            for field in sub["fields"]:
                for q in field["questions"]:
                    c[q["level"]] += 1
    return c

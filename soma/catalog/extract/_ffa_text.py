"""Private text helpers for the Framework for Action parsers (protocol.py, framework.py).

The generic helpers (reading lines, whitespace folding, the vocabulary and end-of-line hyphen repair,
YAML loading) live in ``text.py``; this module adds the Framework's own conventions on top: the page
layout, the ``[[...]]`` link annotations, the dehyphenation rules ``join_lines`` applies, cell ids and
cross-references, and the corrections file.  Everything here is deterministic and works on 0-based line
lists, while the ``source`` dicts it builds are 1-based and inclusive.

Framework table cell ids
------------------------
Annex I and the Index cite Framework table cells as ``<Pillar>: <section>[(<sub-letter>)].<Element>``,
e.g. ``Protection: 13(b).C`` or ``Cooperation: 13(a).A, B and D`` or ``Prevention: 6.A-C``.  A cell id
mirrors that notation::

    ffa:<pillar>:<section>[(<sub-letter>)].<ElementType>
    ffa:prosecution:1.A         table 1 (prosecution), section 1, element A (protocol objective)
    ffa:protection:13(b).C      table 2 (protection), section 13, sub-section (b), element C

The table section id is the prefix without the element (``ffa:protection:13``); a sub-section id keeps the
sub-letter (``ffa:protection:13(b)``, as in DESIGN.md).  Element letters: A protocol objective, B specific
objective, C framework requirement, D implementation measure, E operational indicator.
"""

from __future__ import annotations

import pathlib
import re
from collections import Counter

from soma.catalog.extract import text as shared

FILE_NAME = "framework-for-action.txt"
PILLARS = ("prosecution", "protection", "prevention", "cooperation")
PILLAR_RE = r"(Prosecution|Protection|Prevention|Cooperation)"

_CORRECTIONS = pathlib.Path(__file__).with_name("corrections") / "framework.yaml"

# "Part one. Introduction to the Framework for Action18", "International Framework for Action124"
PAGE_HEADER_RE = re.compile(
    r"^\s*(?:Part one\. Introduction to the Framework for Action|International Framework for Action)\s*\d*\s*$"
)
PAGE_NUMBER_RE = re.compile(r"^\s*\d{1,3}\s*$")


def source(start: int, end: int) -> dict:
    """Source dict from 0-based inclusive line indexes."""
    return {"file": FILE_NAME, "lines": [start + 1, end + 1]}


def is_page_start(line: str) -> bool:
    """The PDF extraction starts most pages with a line indented by exactly one space."""
    return len(line) > 1 and line[0] == " " and line[1] != " "


def is_page_header(line: str) -> bool:
    return bool(PAGE_HEADER_RE.match(line))


def squash(text: str) -> str:
    """Collapse runs of whitespace; drop the [[...]] link annotations' brackets."""
    return shared.fold_ws(text.replace("[[", "").replace("]]", ""))


# ---------------------------------------------------------------- dehyphenation

# First parts that make real compounds: "non-" + "refoulement" keeps its hyphen unless the closed word is seen.
_KEEP_PREFIXES = {"non", "self", "cross", "well", "co", "ex", "anti", "socio", "age", "gender", "multi"}


def build_vocabulary(lines: list[str]) -> Counter:
    """Words (lower case) seen inside lines, i.e. not broken at a line end."""
    return shared.build_vocabulary(lines, skip_broken=True)


def join_lines(parts: list[str], vocab: Counter) -> str:
    """Join text lines into one clean paragraph string (``text.join_lines`` with the Framework's rules).

    Differs from the guide's defaults, and the committed framework/protocol content depends on each
    difference: only a lower-case continuation is joined through a hyphen, URLs get no special case
    (so a URL broken at a line-end hyphen loses it, as in the committed bibliography), and common
    compound prefixes (non-, self-, ...) keep their hyphen unless the closed word is attested.
    """
    return shared.join_lines(parts, vocab, clean=squash, lower_only=True, keep_prefixes=_KEEP_PREFIXES,
                             urls=False)


# ---------------------------------------------------------------- cross-references

_CELL_RE = re.compile(
    r"(\d{1,2})(?:\(([a-z])\))?\.\s*([A-E](?:\s*(?:,|and|-|–)\s*[A-E](?![\w.(]))*)"
)


def cell_id(pillar: str, section: str, sub: str | None, letter: str) -> str:
    return f"ffa:{pillar}:{section}{f'({sub})' if sub else ''}.{letter}"


def _expand_letters(spec: str) -> list[str]:
    letters: list[str] = []
    for token in re.findall(r"[A-E]\s*[-–]\s*[A-E]|[A-E]", spec):
        if len(token) > 1:
            lo, hi = token[0], token[-1]
            letters.extend(chr(c) for c in range(ord(lo), ord(hi) + 1))
        else:
            letters.append(token)
    return letters


def parse_cells(pillar: str, text: str) -> tuple[list[str], str]:
    """Cell ids in ``text`` (one pillar's list) and the text left once they are removed."""
    cells: list[str] = []
    for match in _CELL_RE.finditer(text):
        section, sub, spec = match.group(1), match.group(2), match.group(3)
        for letter in _expand_letters(spec):
            cid = cell_id(pillar, section, sub, letter)
            if cid not in cells:
                cells.append(cid)
    return cells, _CELL_RE.sub(" ", text)


def parse_number_list(text: str) -> list[int]:
    """'40-43, 58, 109-11, 179 and 180' -> numbers (ranges expanded; '109-11' means 109-111)."""
    numbers: list[int] = []
    for match in re.finditer(r"(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?", text):
        lo = int(match.group(1))
        if match.group(2):
            hi_text = match.group(2)
            hi = int(hi_text)
            if hi < lo:  # abbreviated range end: 109-11 -> 111
                hi = int(match.group(1)[: len(match.group(1)) - len(hi_text)] + hi_text)
            values = range(lo, hi + 1) if hi >= lo else [lo]
        else:
            values = [lo]
        for value in values:
            if value not in numbers:
                numbers.append(value)
    return numbers


def parse_refs(text: str) -> tuple[list[str], list[int]]:
    """A cross-reference block ('Prosecution: 1.A; 2.A ... 84-89') -> (cell ids, paragraph numbers).

    Text before the first pillar label and after the last cell is read as paragraph numbers.
    """
    cells: list[str] = []
    leftovers: list[str] = []
    pieces = re.split(PILLAR_RE + r"\s*:", text)
    leftovers.append(pieces[0])
    for i in range(1, len(pieces), 2):
        pillar = pieces[i].lower()
        found, rest = parse_cells(pillar, pieces[i + 1])
        cells.extend(c for c in found if c not in cells)
        leftovers.append(re.sub(r"\b[A-E]\b|\band\b", " ", rest))
    return cells, parse_number_list(" ".join(leftovers))


# A line that only continues a cell list: "and B; 4(a).A, B", "C and D; 12.A", "13(a).A-"
CELL_LINE_RE = re.compile(r"^(?:\d{1,2}(?:\([a-z]\))?\.[A-E]|[A-E]|and|[,;\-–\s])+$")
NUMBER_LINE_RE = re.compile(r"^(?:\d{1,3}|and|[,\-–\s])+$")


# ---------------------------------------------------------------- corrections


def load_corrections(target: str) -> list[dict]:
    """Entries of corrections/framework.yaml whose ``target`` equals ``target``.

    Every entry must carry a non-empty ``reason``.
    """
    entries = []
    for entry in shared.load_yaml(_CORRECTIONS) or []:
        if not str(entry.get("reason") or "").strip():
            raise ValueError(f"correction without a reason: {entry!r}")
        if entry.get("target") == target:
            entries.append(entry)
    return entries


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

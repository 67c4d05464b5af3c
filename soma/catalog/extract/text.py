"""Small text helpers shared by the catalog extractors (PDF-extracted plain text)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"]

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_TERMINAL = tuple(".?!:;”\"’)…]")


def read_lines(path) -> list[str]:
    """Return the file's lines without newline characters (index 0 is line 1)."""
    with open(path, encoding="utf-8") as fh:
        return fh.read().split("\n")


def fold_ws(text: str) -> str:
    """Collapse runs of whitespace (incl. tabs and no-break spaces) into one space and strip."""
    return re.sub(r"[\s\u00a0]+", " ", text).strip()


def build_vocabulary(lines: Iterable[str]) -> Counter:
    """Count lower-cased words (hyphenated compounds kept whole) to guide dehyphenation."""
    vocab: Counter = Counter()
    for line in lines:
        for word in _WORD.findall(line):
            vocab[word.lower()] += 1
    return vocab


def join_hyphenated(left: str, right: str, vocab: Counter | None = None) -> str:
    """Join a word broken across lines at a hyphen: 'ade-' + 'quately' -> 'adequately'."""
    head = re.search(r"([A-Za-z]+(?:-[A-Za-z]+)*)-$", left)
    tail = re.match(r"([A-Za-z]+)", right)
    if not head or not tail:
        return left + right
    first, second = head.group(1), tail.group(1)
    if re.search(r"[/_]|www\.", left.split(" ")[-1]):
        return left + right  # URLs keep their hyphens
    if vocab is not None:
        closed = (first.split("-")[-1] + second).lower()
        hyphenated = (first.split("-")[-1] + "-" + second).lower()
        if vocab.get(hyphenated, 0) and not vocab.get(closed, 0):
            return left + right
        if second[0].isupper():
            return left + right
    return left[:-1] + right


def join_lines(parts: list[str], vocab: Counter | None = None) -> str:
    """Join text fragments into one line, repairing end-of-line hyphenation and spacing."""
    out = ""
    for part in parts:
        part = fold_ws(part)
        if not part:
            continue
        if not out:
            out = part
        elif re.search(r"[A-Za-z]-$", out) and re.match(r"[A-Za-z]", part):
            out = join_hyphenated(out, part, vocab)
        else:
            out = out + " " + part
    return fold_ws(out)


def ends_sentence(text: str) -> bool:
    """True when text ends with terminal punctuation (so a following fragment starts anew)."""
    return text.rstrip().endswith(_TERMINAL)


def upper_first(text: str) -> str:
    """Capitalise the first letter of text (after any opening quote or bracket)."""
    m = re.match(r"^((?:\(\w{1,4}\)\s*)?[\W\d]*)([a-z])", text)
    if not m:
        return text
    return text[: m.start(2)] + m.group(2).upper() + text[m.end(2):]


# Proper names whose capitals the PDF extraction lost; applied as whole-phrase substitutions.
CASE_FIXES = [
    (r"\bSmuggling of Migrants protocol\b", "Smuggling of Migrants Protocol"),
    (r"\b[Tt]rafficking in [Pp]ersons [Pp]rotocol\b", "Trafficking in Persons Protocol"),
    (r"\b[Pp]rotocol to [Pp]revent, [Ss]uppress and [Pp]unish [Tt]rafficking in [Pp]ersons",
     "Protocol to Prevent, Suppress and Punish Trafficking in Persons"),
    (r"\bMigrants protocol\b", "Migrants Protocol"),
    (r"\b(the|this|that|1967) protocol\b", r"\1 Protocol"),
    (r"\bthe protocols\b", "the Protocols"),
    (r"\b[Ll]egislative Guides?\b", lambda m: "L" + m.group(0)[1:]),
    (r"\bInternational Convention on the protection of the Rights\b",
     "International Convention on the Protection of the Rights"),
    (r"\bof all Migrant Workers\b", "of All Migrant Workers"),
    (r"\bthe prevention of Crime\b", "the Prevention of Crime"),
    (r"\bForeign prisoners\b", "Foreign Prisoners"),
    (r"\bthe Status of refugees\b", "the Status of Refugees"),
    (r"\bINTERpOl\b", "INTERPOL"),
    (r"\bCivil and political Rights\b", "Civil and Political Rights"),
]


def upper_after_question_mark(text: str) -> str:
    """Capitalise a lower-case letter that starts a new question after "? " ("... body? has it ...")."""
    return re.sub(r"\?(\s+)([a-z])", lambda m: "?" + m.group(1) + m.group(2).upper(), text)


def repair_case(text: str, sentence_start: bool = True) -> str:
    """Restore capitals lost in extraction: known proper names and the sentence's first letter."""
    for pattern, repl in CASE_FIXES:
        text = re.sub(pattern, repl, text)
    return upper_first(text) if sentence_start else text


def natural_key(value: str) -> list:
    """Sort key that orders '2' before '10' and keeps letters after numbers."""
    return [(0, int(tok), "") if tok.isdigit() else (1, 0, tok)
            for tok in re.findall(r"\d+|\D+", value)]


def expand_range(first: str, last: str) -> list[str]:
    """Expand '12'-'14' to ['12','13','14'] and 'e'-'f' to ['e','f']; else [first, last]."""
    if first.isdigit() and last.isdigit() and int(first) <= int(last) <= int(first) + 50:
        return [str(n) for n in range(int(first), int(last) + 1)]
    if len(first) == len(last) == 1 and first.isalpha() and last.isalpha() and first <= last:
        return [chr(c) for c in range(ord(first), ord(last) + 1)]
    return [first, last]


class LineSpan:
    """Track the smallest and largest 1-based line numbers seen for one item."""

    def __init__(self, start: int | None = None, end: int | None = None):
        self.start, self.end = start, end

    def add(self, start: int, end: int | None = None) -> None:
        """Widen the span to cover start..end."""
        end = start if end is None else end
        self.start = start if self.start is None else min(self.start, start)
        self.end = end if self.end is None else max(self.end, end)

    def as_list(self) -> list[int]:
        """Return [start, end] (or an empty list when nothing was recorded)."""
        return [] if self.start is None else [self.start, self.end]

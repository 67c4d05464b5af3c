"""Small text helpers shared by the catalog extractors (PDF-extracted plain text)."""

from __future__ import annotations

import pathlib
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping

import yaml

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"]

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_TERMINAL = tuple(".?!:;”\"’)…]")


def read_lines(path) -> list[str]:
    """Return the file's lines without newline characters (index 0 is line 1; tabs are kept)."""
    with open(path, encoding="utf-8") as fh:
        return fh.read().split("\n")


def load_yaml(path, *, missing_ok: bool = False):
    """Parse a YAML file (corrections, article maps); an empty file is an empty mapping.

    A missing file raises unless ``missing_ok`` is set, in which case it too is an empty mapping.
    """
    path = pathlib.Path(path)
    if missing_ok and not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def fold_ws(text: str) -> str:
    """Collapse runs of whitespace (incl. tabs and no-break spaces) into one space and strip."""
    return re.sub(r"\s+", " ", text).strip()


def build_vocabulary(lines: Iterable[str], *, skip_broken: bool = False) -> Counter:
    """Count lower-cased words (hyphenated compounds kept whole) to guide dehyphenation.

    With ``skip_broken`` the fragment a line ends with when it ends in a hyphen is not counted, so the
    vocabulary holds only words written whole inside a line.
    """
    vocab: Counter = Counter()
    for line in lines:
        if skip_broken:
            line = line.strip()
            if line.endswith("-"):
                line = line[: line.rfind(" ") + 1]
        for word in _WORD.findall(line):
            vocab[word.lower()] += 1
    return vocab


def _count(vocab: Collection[str] | None, word: str) -> int:
    """How often ``word`` was seen: a Counter's count, or 1/0 for a plain set of spellings."""
    if vocab is None:
        return 0
    if isinstance(vocab, Mapping):
        return vocab.get(word, 0)
    return int(word in vocab)


def join_hyphenated(left: str, right: str, vocab: Collection[str] | None = None, *,
                    keep_prefixes: Collection[str] = (), urls: bool = True) -> str:
    """Join a word broken across lines at a hyphen: 'ade-' + 'quately' -> 'adequately'.

    The hyphen is kept (a real compound, not a soft break) when:

    - ``urls`` is set and the last word of ``left`` looks like a URL or path (contains '/', '_' or 'www.');
    - the vocabulary has the hyphenated spelling more often than the closed one ('cross-border' seen,
      'crossborder' not). ``vocab`` is a Counter of words, or a set of spellings (each counted once);
    - the first part is one of ``keep_prefixes`` ('non', 'self', ...) and the closed word is unseen;
    - with a vocabulary, the second part starts with a capital ('Pro-' + 'Bono').

    Without a vocabulary only the URL rule applies.
    """
    head = re.search(r"([A-Za-z]+)-$", left)
    tail = re.match(r"([A-Za-z]+)", right)
    if not head or not tail:
        return left + right
    first, second = head.group(1), tail.group(1)
    if urls and re.search(r"[/_]|www\.", left.split(" ")[-1]):
        return left + right  # URLs keep their hyphens
    if vocab is not None:
        closed = _count(vocab, (first + second).lower())
        hyphenated = _count(vocab, (first + "-" + second).lower())
        if hyphenated > closed:
            return left + right
        if first.lower() in keep_prefixes and not closed:
            return left + right
        if second[0].isupper():
            return left + right
    return left[:-1] + right


def join_pair(left: str, right: str, vocab: Collection[str] | None = None, *, lower_only: bool = False,
              **rules) -> str:
    """Join two stripped fragments with a space, or through ``join_hyphenated`` at a line-end hyphen.

    The hyphen rules apply when ``left`` ends in letter + '-' and ``right`` starts with a letter
    (``lower_only``: a lower-case letter, so 'Pro-' + 'Bono' stays two words); ``rules`` are
    ``join_hyphenated``'s keywords.
    """
    if not left:
        return right
    if not right:
        return left
    if re.search(r"[A-Za-z]-$", left) and re.match(r"[a-z]" if lower_only else r"[A-Za-z]", right):
        return join_hyphenated(left, right, vocab, **rules)
    return left + " " + right


def join_numbered_lines(lines: Iterable[tuple[int, str]], vocab: Collection[str] | None = None, *,
                        clean: Callable[[str], str] = fold_ws, **rules) -> tuple[str, list[tuple[int, int]]]:
    """Join (line number, text) pairs into one string, repairing end-of-line hyphenation and spacing.

    Each line is cleaned (``clean``, whitespace folding by default) and blank ones are skipped; ``rules``
    are ``join_pair``'s keywords. Returns the text and a list of (offset, line number) marking where each
    line starts in it, so that a span of the text can be traced back to its source lines (``span_lines``).
    """
    text, starts = "", []
    for number, line in lines:
        piece = clean(line)
        if not piece:
            continue
        joined = join_pair(text, piece, vocab, **rules)
        starts.append((len(joined) - len(piece), number))
        text = joined
    return text, starts


def join_lines(parts: Iterable[str], vocab: Collection[str] | None = None, *,
               clean: Callable[[str], str] = fold_ws, **rules) -> str:
    """Join text fragments into one line, repairing end-of-line hyphenation and spacing (see join_pair)."""
    text, _ = join_numbered_lines(enumerate(parts), vocab, clean=clean, **rules)
    return clean(text)


def span_lines(starts: list, begin: int, end: int) -> list[int]:
    """First and last source line of the text span [begin, end) (see join_numbered_lines)."""
    first = last = starts[0][1]
    for offset, number in starts:
        if offset <= begin:
            first = number
        if offset < end:
            last = number
    return [first, last]


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
CASE_FIXES: list[tuple[str, str | Callable[[re.Match[str]], str]]] = [
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
        """Return [start, end] (or an empty list when nothing was recorded); a span opened at one line and not
        widened yet ends there."""
        if self.start is None:
            return []
        return [self.start, self.start if self.end is None else self.end]

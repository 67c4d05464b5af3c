"""The one rule for the name of a file that comes from outside (an upload, a bundle, the API, the CLI).

The name is only shown and offered on download; the file itself is stored under a random token. Shown names
must not lie: a right-to-left override (U+202E) makes "report\u202efdp.exe" display as "reportexe.pdf", and
other invisible characters can hide or reorder parts of a name. So every control and format character goes,
the bidirectional ones included. Zero-width (non-)joiners stay: Persian and Arabic names need them, and they
cannot reorder text.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePath

MAX_LENGTH = 255
KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner
REMOVED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # control, format (bidi), surrogates, line/paragraph separators


def clean_file_name(raw: str, default: str = "document") -> str:
    """The name as SOMA stores and shows it: the last part of any path, without control, format or bidi
    characters, trimmed, at most 255 characters (the extension kept); `default` when nothing is left."""
    name = PurePath(str(raw).replace("\\", "/")).name
    name = "".join(ch for ch in name
                   if ch in KEPT_FORMAT_CHARACTERS or unicodedata.category(ch) not in REMOVED_CATEGORIES)
    name = name.strip()
    if len(name) > MAX_LENGTH:  # shorten the stem, keep the extension
        suffix = PurePath(name).suffix[:16]
        name = name[: MAX_LENGTH - len(suffix)] + suffix
    return name or default

"""Parse the UNODC Toolkit to Combat Smuggling of Migrants overview (``toolkit-overview.txt``).

What is read
    The file opens with a table of contents ("Tool 1- ..."), then the introduction, then the
    "Overview of Toolkit" list, which is what this parser reads: "Tool N. <title>" headings, each
    followed by numbered sections "N.M <title>" (no-break spaces between number and title). Group
    headings inside a tool ("Understanding Migration", "UNTOC Cooperation Mechanisms") and
    "Return to Top" links are skipped; the list ends at the annex list ("1  Overview of Tools").

Cleaning
    Titles are squashed to one line and put in sentence case (the web page capitalises at random:
    "Migration and Gender", "migrant smuggling protocol"); instrument names listed under ``keep_case`` in
    ``corrections/toolkit.yaml`` keep their canonical capitals. Word corrections listed there under
    ``corrections`` (each with a reason) are then applied to the named section titles.

Articles
    ``explicit`` when the title names the article ("Non-Criminalization (Article 5)"); otherwise the
    curated entry for the section id in ``corrections/article_map.yaml`` (``toolkit:`` mapping):
    ``curated`` when it lists articles, ``none`` when it lists none (context sections such as
    "Migration and the Environment"). A section with no curated entry also gets ``none``.

The overview gives no per-tool summary, so ``summary`` is None. The output is deterministic.
"""

from __future__ import annotations

import re
from pathlib import Path

from soma.catalog.extract import _tk_text as tk
from soma.catalog.extract.text import fold_ws, load_yaml

CORRECTIONS_DIR = Path(__file__).parent / "corrections"
DOCUMENT = {"id": "toolkit", "title": "Toolkit to Combat Smuggling of Migrants", "file": "toolkit-overview.txt"}

_TOOL = re.compile(r"^Tool\s+(\d+)\.\s*(.+)$")
_SECTION = re.compile(r"^(\d+)\.(\d+)\s+(.+)$")
_START = "Overview of Toolkit"
_END = re.compile(r"^\d+\s+Overview of Tools$")


def parse(path: Path) -> dict:
    """Parse the overview file into {"document": ..., "tools": [...]} (see module docstring)."""
    lines = [fold_ws(line) for line in path.read_text(encoding="utf-8").splitlines()]
    fixes = load_yaml(CORRECTIONS_DIR / "toolkit.yaml", missing_ok=True)
    mapping = load_yaml(CORRECTIONS_DIR / "article_map.yaml", missing_ok=True).get("toolkit") or {}
    tools = _read_tools(lines, path.name)
    for tool in tools:
        for section in tool["sections"]:
            _clean_title(section, fixes)
            _link_articles(section, mapping)
    return {"document": dict(DOCUMENT, file=path.name), "tools": tools}


def _overview_start(lines: list[str]) -> int:
    """Index of the last "Overview of Toolkit" heading (the first one is in the table of contents)."""
    return max(i for i, line in enumerate(lines) if line == _START)


def _read_tools(lines: list[str], file_name: str) -> list[dict]:
    tools: list[dict] = []
    for index in range(_overview_start(lines) + 1, len(lines)):
        line, number = lines[index], index + 1
        if _END.match(line):
            break
        if match := _TOOL.match(line):
            tools.append(_new_tool(int(match.group(1)), match.group(2), file_name, number))
        elif (match := _SECTION.match(line)) and tools:
            tools[-1]["sections"].append(_new_section(match, file_name, number))
            tools[-1]["source"]["lines"][1] = number
    return tools


def _new_tool(number: int, title: str, file_name: str, line: int) -> dict:
    return {
        "id": f"toolkit:tool{number}",
        "number": number,
        "title": title,
        "summary": None,
        "sections": [],
        "source": {"file": file_name, "lines": [line, line]},
    }


def _new_section(match: re.Match, file_name: str, line: int) -> dict:
    number = f"{int(match.group(1))}.{int(match.group(2))}"
    return {
        "id": f"toolkit:{number}",
        "number": number,
        "title": match.group(3),
        "articles": [],
        "article_basis": "none",
        "source": {"file": file_name, "lines": [line, line]},
    }


def _clean_title(section: dict, fixes: dict) -> None:
    title = tk.sentence_case(section["title"], fixes.get("keep_case") or [])
    for fix in fixes.get("corrections") or []:
        if fix["section"] != section["number"]:
            continue
        if not fix.get("reason") or fix["find"] not in title:
            raise ValueError(f"toolkit correction for {fix['section']}: no reason or {fix['find']!r} not found")
        title = title.replace(fix["find"], fix["replace"])
    section["title"] = title


def _link_articles(section: dict, mapping: dict) -> None:
    explicit = tk.cited_articles(section["title"])
    if explicit:
        section["articles"], section["article_basis"] = explicit, "explicit"
        return
    entry = mapping.get(section["number"]) or {}
    articles = sorted(set(entry.get("articles") or []))
    section["articles"] = articles
    section["article_basis"] = "curated" if articles else "none"

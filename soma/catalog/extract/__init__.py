"""`soma catalog extract`: parse the five source documents and write the catalog content (YAML packs).

Each source has its own parser (guide.py, protocol.py, framework.py, toolkit.py, working_group.py) with its
corrections file under corrections/; build.py turns their output into packs that follow
soma/catalog/content/schema.json. The output is deterministic: the same sources give the same bytes.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import yaml

from soma.catalog.extract import build, framework, guide, protocol, toolkit, working_group
from soma.catalog.packs import CONTENT_DIR, CONTENT_TITLE, CONTENT_VERSION, digest_of, validate_pack

# file name -> a phrase its first pages must contain, to tell the real sources from a foreign folder.
SOURCES = {
    "assessment-guide.txt": "Assessment Guide to the Criminal Justice Response to the Smuggling of Migrants",
    "framework-for-action.txt": "Framework for Action",
    "toolkit-overview.txt": "Tool 1",
    "wg-2012-protection-assistance.txt": "Working Group on the Smuggling of Migrants",
    "wg-2015-prevention.txt": "Working Group on the Smuggling of Migrants",
}
# The five texts themselves, kept in the project as the catalog's provenance (sources/README.md).
SOURCES_DIR = Path(__file__).resolve().parents[1] / "sources"
PACK_FILES = ("guide", "protocol", "framework", "toolkit", "working_group", "instruments")


class ExtractionError(Exception):
    """The sources could not be read or gave content that fails the schema; nothing was written."""


def check_sources(sources: Path) -> None:
    if not sources.is_dir():
        raise ExtractionError(f"{sources} is not a folder. Point --sources at the folder holding {_expected()}.")
    missing = [name for name in SOURCES if not (sources / name).is_file()]
    if missing:
        raise ExtractionError(f"{sources} lacks {', '.join(missing)}. Expected the UNODC sources: {_expected()}.")
    for name, phrase in SOURCES.items():
        head = (sources / name).read_text(encoding="utf-8", errors="replace")[:200_000]
        if phrase.lower() not in " ".join(head.split()).lower():
            raise ExtractionError(f"{sources / name} does not look like the expected source (no '{phrase}').")


def _expected() -> str:
    return ", ".join(SOURCES)


def build_packs(sources: Path) -> tuple[dict[str, dict], list[str]]:
    """Parse every source and return the packs by file name, with notes on links left out."""
    check_sources(sources)
    guide_data = guide.parse(sources / "assessment-guide.txt")
    packs = {
        "guide": build.guide_pack(guide_data),
        "protocol": build.protocol_pack(protocol.parse(sources / "framework-for-action.txt")),
        "framework": build.framework_pack(framework.parse(sources / "framework-for-action.txt")),
        "toolkit": build.toolkit_pack(toolkit.parse(sources / "toolkit-overview.txt")),
        "working_group": build.working_group_pack(
            working_group.parse(
                {
                    "2012": sources / "wg-2012-protection-assistance.txt",
                    "2015": sources / "wg-2015-prevention.txt",
                }
            )
        ),
        "instruments": build.instruments_pack(guide_data["instruments"]),
    }
    notes = build.resolve_links(list(packs.values()))
    problems = build.check(packs.values())
    for name, pack in packs.items():
        problems += [f"{name}.yaml: {error}" for error in validate_pack(pack)]
    if problems:
        raise ExtractionError("The extracted content is not valid:\n  " + "\n  ".join(problems[:50]))
    return packs, notes


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False)


def render(packs: dict[str, dict], notes: list[str]) -> dict[str, str]:
    """The content folder's files and their text."""
    # The version names the content exactly: any change of content makes a new version, which assessments
    # started earlier do not follow until their lead moves them on.
    digest = digest_of(*(packs[name] for name in PACK_FILES))
    manifest = {
        "version": f"{CONTENT_VERSION}+{digest[:8]}",
        "title": CONTENT_TITLE,
        "packs": [f"{name}.yaml" for name in PACK_FILES],
        "notes": notes,
    }
    files = {"catalog.yaml": dump(manifest)}
    for name in PACK_FILES:
        files[f"{name}.yaml"] = "# Written by `soma catalog extract`; edit the parsers or corrections, not this file.\n"
        files[f"{name}.yaml"] += dump(packs[name])
    return files


def run_extraction(sources: Path, out: Path = CONTENT_DIR) -> dict:
    """Extract into `out`, all files or none; returns counts for the command's summary."""
    packs, notes = build_packs(Path(sources))
    files = render(packs, notes)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as staging:
        for name, text in files.items():
            (Path(staging) / name).write_text(text, encoding="utf-8")
        for name in files:
            shutil.move(str(Path(staging) / name), out / name)
    counts = {name: len(pack["items"]) for name, pack in packs.items()}
    return {"items": counts, "links": sum(len(p["links"]) for p in packs.values()), "notes": notes}


def schema_text() -> str:
    return json.dumps(json.loads((CONTENT_DIR / "schema.json").read_text()), indent=2)

"""The catalog's sources live in the project (soma/catalog/sources/), unchanged, as their README records them."""

import hashlib
import re

from soma.catalog.extract import SOURCES, SOURCES_DIR


def _recorded_digests() -> dict[str, str]:
    readme = (SOURCES_DIR / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([\w.-]+\.txt)` \| `([0-9a-f]{64})` \|$", readme, flags=re.MULTILINE))


def test_the_five_sources_are_in_the_project_and_named_in_the_readme():
    assert sorted(p.name for p in SOURCES_DIR.glob("*.txt")) == sorted(SOURCES)
    assert sorted(_recorded_digests()) == sorted(SOURCES)


def test_every_source_is_byte_for_byte_the_one_the_readme_records():
    # The corrections and every item's line range point into these files: an edit would move them silently.
    for name, digest in _recorded_digests().items():
        assert hashlib.sha256((SOURCES_DIR / name).read_bytes()).hexdigest() == digest, name

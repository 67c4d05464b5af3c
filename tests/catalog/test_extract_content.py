"""`soma catalog extract`: deterministic, committed output; refuses a wrong folder and writes nothing."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from soma.catalog.extract import build_packs, render, run_extraction
from soma.catalog.packs import CONTENT_DIR


def test_committed_content_matches_a_fresh_extraction(seeds):
    packs, notes = build_packs(seeds)
    for name, text in render(packs, notes).items():
        committed = (CONTENT_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"content/{name} differs from a fresh extraction: run `soma catalog extract`"


def test_extraction_is_deterministic(seeds):
    first = render(*build_packs(seeds))
    second = render(*build_packs(seeds))
    assert first == second


def test_extract_command_reads_the_projects_own_sources_by_default(tmp_path):
    out = tmp_path / "content"
    call_command("catalog", "extract", "--out", str(out), stdout=io.StringIO())
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(["catalog.yaml", "guide.yaml", "protocol.yaml", "framework.yaml", "toolkit.yaml",
                              "working_group.yaml", "instruments.yaml"])
    for name in written:
        assert (out / name).read_bytes() == (CONTENT_DIR / name).read_bytes(), name


def test_run_extraction_counts_what_it_wrote(seeds, tmp_path):
    summary = run_extraction(seeds, tmp_path / "content")
    guide = (tmp_path / "content" / "guide.yaml").read_text(encoding="utf-8")
    assert summary["items"]["guide"] > 1000 and guide.count("\n- id: ") == summary["items"]["guide"]


def test_missing_folder_says_what_it_expected_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(CommandError) as error:
        call_command("catalog", "extract", "--sources", str(tmp_path / "nowhere"), "--out", str(out))
    assert "assessment-guide.txt" in str(error.value)
    assert "Nothing was written" in str(error.value)
    assert not out.exists()


def test_foreign_folder_is_refused(seeds, tmp_path):
    foreign = tmp_path / "foreign"
    shutil.copytree(seeds, foreign)
    (foreign / "toolkit-overview.txt").write_text("Minutes of the Demoland harbour authority, 2026.\n")
    out = tmp_path / "out"
    with pytest.raises(CommandError) as error:
        call_command("catalog", "extract", "--sources", str(foreign), "--out", str(out))
    assert "toolkit-overview.txt" in str(error.value)
    assert not out.exists()


def test_partial_folder_names_the_missing_files(seeds, tmp_path):
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(seeds / "assessment-guide.txt", partial)
    with pytest.raises(CommandError) as error:
        call_command("catalog", "extract", "--sources", str(partial), "--out", str(tmp_path / "out"))
    assert "wg-2015-prevention.txt" in str(error.value)

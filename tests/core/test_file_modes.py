"""The data folder is private: the real `soma` command writes files 0600 and folders 0700 (database and its
-wal/-shm, secret key, static files, uploaded and imported documents), and `soma setup` makes an existing,
world-readable folder private. Runs `soma` as separate processes on an installation of its own."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.instance import ROOT, Instance


@pytest.fixture
def soma(tmp_path):
    instance = Instance(tmp_path / "data")
    try:
        yield instance
    finally:
        instance.close()


def _open_to_others(folder: Path) -> list[str]:
    """Every file or folder under `folder` (itself included) that anyone but the owner may read or enter."""
    paths = [folder, *folder.rglob("*")]
    return sorted(f"{oct(stat.S_IMODE(p.lstat().st_mode))} {p.relative_to(folder.parent)}"
                  for p in paths if not p.is_symlink() and stat.S_IMODE(p.lstat().st_mode) & 0o077)


def _files(folder: Path, pattern: str) -> list[Path]:
    return [p for p in folder.glob(pattern) if p.is_file()]


@pytest.mark.slow
def test_everything_soma_writes_in_its_data_folder_is_private(soma, tmp_path):
    folder = soma.folder
    folder.chmod(0o755)  # as an administrator's mkdir leaves it
    soma.soma("setup", "--no-admin")
    soma.soma("demo", "--password", "Demoland-Modes-2026")  # sources with uploaded documents
    ids = soma.python("""
from soma.assessments.models import Assessment
from soma.demo import services as demo
result = Assessment.objects.get(title=demo.FOLLOW_UP_TITLE).pk
""")
    exported = tmp_path / "follow-up.json"
    soma.soma("export", str(ids), "--user", "lead.demo", "--audience", "confidential", "--output", str(exported))
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600  # written by `soma`, outside the folder too
    soma.soma("import", str(exported), "--user", "lead.demo")
    assert _open_to_others(folder) == []
    documents = _files(folder / "files", "assessments/*/sources/*")
    assert len({p.parent.parent for p in documents}) == 2  # the demo's uploads and their imported copies
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "secret_key").stat().st_mode) == 0o600
    if soma.vendor == "sqlite":
        database = [folder / "soma.sqlite3", *_files(folder, "soma.sqlite3-*")]
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in database), database


@pytest.mark.slow
def test_setup_makes_an_existing_data_folder_private(soma):
    soma.soma("setup", "--no-admin")
    for path in [soma.folder, *soma.folder.rglob("*")]:  # as an earlier version, with umask 022, left them
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert _open_to_others(soma.folder)
    done = soma.soma("setup", "--no-admin")
    assert "private" in done.stdout
    assert _open_to_others(soma.folder) == []


def test_the_wsgi_application_starts_with_the_private_umask(soma):
    code = "import os, soma.wsgi; print(oct(os.umask(0)))"
    done = subprocess.run([sys.executable, "-c", code], env=soma.env, cwd=ROOT, text=True, capture_output=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "0o77"

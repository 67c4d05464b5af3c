"""`soma backup` and `soma restore` on a real installation (own data folder; scratch database on PostgreSQL)."""

from __future__ import annotations

import io
import json
import stat
import sys
import tarfile
import time
from pathlib import Path

import pytest

from tests.core.instance import SEED, STATE, Instance, media_files


@pytest.fixture
def soma(tmp_path):
    instance = Instance(tmp_path / "data")
    try:
        instance.soma("migrate", "-v0")
        instance.seeded = instance.python(SEED)
        yield instance
    finally:
        instance.close()


CHANGE = """
from django.contrib.auth import get_user_model
from soma.assessments.models import Assessment
from soma.evidence import services as evidence
from soma.responses import services as response_services
from soma.findings.models import Response

lead = get_user_model().objects.get(username="amina.demo")
assessment = Assessment.objects.get()
response = Response.objects.get()
response_services.save_response(lead, assessment, response.question, expected_version=response.version,
                                narrative="Changed after the backup.")
evidence.delete_source(lead, assessment, assessment.sources.get())
assessment.title = "Renamed after the backup"
assessment.save()
"""


def manifest_of(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        return json.load(archive.extractfile("manifest.json"))


@pytest.mark.slow
def test_backup_then_restore_gives_back_the_data_and_files(soma):
    before, files_before = soma.python(STATE), media_files(soma)
    assert len(files_before) == 1 and before["sources"][0][1]

    made = soma.soma("backup")
    archive = next((soma.folder / "backups").glob("soma-*.tar.gz"))
    assert str(archive) in made.stdout
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    manifest = manifest_of(archive)
    assert manifest["database"]["vendor"] == soma.vendor
    assert manifest["migrations"]["findings"].startswith("00")
    assert manifest["catalog_versions"]
    paths = {entry["path"]: entry for entry in manifest["members"]}
    assert set(paths) == {manifest["database"]["member"], "files/" + next(iter(files_before))}
    assert all(len(entry["sha256"]) == 64 and entry["size"] > 0 for entry in paths.values())
    assert "secret_key" not in paths

    soma.python(CHANGE)
    changed = soma.python(STATE)
    assert changed != before and media_files(soma) == files_before  # a deleted source keeps its file (undo)
    for path in soma.media.rglob("*"):  # and then the disk loses the files
        if path.is_file():
            path.unlink()

    # Without a terminal and without --yes nothing happens.
    refused = soma.soma("restore", str(archive), check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert soma.python(STATE) == changed

    restored = soma.soma("restore", str(archive), "--yes")
    assert "Restore complete" in restored.stdout
    assert soma.python(STATE) == before
    assert media_files(soma) == files_before
    if soma.vendor == "sqlite":
        assert _integrity(soma.sqlite_file) == "ok"


def _integrity(path: Path) -> str:
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


WRITER = """
import sys, time
from django.contrib.auth import get_user_model
from soma.assessments import selectors
from soma.kernel.clearance import seen_by
from soma.assessments.models import Assessment
from soma.responses import services as response_services
from soma.findings.models import Response

lead = get_user_model().objects.get(username="amina.demo")
assessment = Assessment.objects.get()
questions = sorted(selectors.question_keys(seen_by(lead, assessment)))
saves, deadline = 0, time.monotonic() + 40
while saves < 5000 and time.monotonic() < deadline and not os.path.exists(sys.argv[1]):
    question = questions[saves % len(questions)]
    current = Response.objects.filter(assessment=assessment, question=question).first()
    response_services.save_response(lead, assessment, question, expected_version=current.version if current else 0,
                                    narrative=f"Saved {saves} times by the writer.")
    saves += 1
    # Written aside and moved into place: the test reads the count while the writer runs, never a half-written file.
    with open(sys.argv[2] + ".tmp", "w") as progress:
        progress.write(str(saves))
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])
result = saves
"""

CONSISTENT = """
from soma.accounts.models import HistoryEntry
from soma.findings.models import Response
rows = list(Response.objects.values_list("question", "version"))
entries = {}
for key in HistoryEntry.objects.filter(object_type="response").values_list("object_id", flat=True):
    entries[key] = entries.get(key, 0) + 1
result = {"responses": len(rows), "saves": sum(version for _q, version in rows),
          "mismatched": [q for q, version in rows if entries.get(q, 0) != version]}
"""


@pytest.mark.slow
def test_backup_taken_while_another_process_writes_restores_consistently(soma, tmp_path):
    stop, progress = tmp_path / "stop", tmp_path / "progress"
    script = "import os, sys\nimport django, json\ndjango.setup()\n" + WRITER + "\nprint(result)\n"
    writer = soma.popen([sys.executable, "-c", script, str(stop), str(progress)], stdout=-1, stderr=-1, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (not progress.exists() or int(progress.read_text() or 0) < 20):
            time.sleep(0.1)
        assert progress.exists(), "the writer never saved"
        archive = tmp_path / "while-writing.tar.gz"
        saved_before = int(progress.read_text() or 0)
        soma.soma("backup", "--output", str(archive))
        saved_after = int(progress.read_text() or 0)
        time.sleep(1)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err[-3000:]
    total = int(out.strip().splitlines()[-1])
    assert total > saved_after > saved_before >= 20  # the writer kept writing during and after the backup

    soma.soma("restore", str(archive), "--yes")
    state = soma.python(CONSISTENT)
    assert state["mismatched"] == []  # each answer's version matches its history: whole transactions only
    # Every save before the backup started, none after it ended (the seed's own answer counts one save).
    assert saved_before <= state["saves"] - 1 <= saved_after
    if soma.vendor == "sqlite":
        assert _integrity(soma.sqlite_file) == "ok"


def _rewrite(source: Path, target: Path, change, *, fix_manifest: bool = False) -> None:
    """Copy an archive, letting `change(members, manifest)` alter member bytes or the manifest."""
    members, manifest = {}, None
    with tarfile.open(source, "r:gz") as archive:
        for info in archive:
            data = archive.extractfile(info).read()
            if info.name == "manifest.json":
                manifest = json.loads(data)
            else:
                members[info.name] = data
    change(members, manifest)
    if fix_manifest:
        import hashlib

        manifest["members"] = [{"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                               for name, data in members.items()]
    with tarfile.open(target, "w:gz") as archive:
        for name, data in [*members.items(), ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def _flip_byte(members, manifest):
    name = next(n for n in members if n.startswith("files/"))
    data = bytearray(members[name])
    data[3] ^= 0x01
    members[name] = bytes(data)


def _drop_member(members, manifest):
    del members[next(n for n in members if n.startswith("files/"))]


def _escape_path(members, manifest):
    name = next(n for n in members if n.startswith("files/"))
    members["files/../../escaped.txt"] = members.pop(name)
    for entry in manifest["members"]:
        if entry["path"] == name:
            entry["path"] = "files/../../escaped.txt"


def _manifest_escape_only(members, manifest):
    manifest["members"].append({"path": "../outside.txt", "size": 1, "sha256": "0" * 64})


def _no_manifest(members, manifest):
    manifest.clear()


@pytest.mark.parametrize("change, says", [
    (_flip_byte, "does not match its checksum"),
    (_drop_member, "missing from the archive"),
    (_escape_path, "unsafe"),
    (_manifest_escape_only, "unsafe path in the manifest"),
    (_no_manifest, "not a SOMA backup manifest"),
], ids=["changed-byte", "missing-member", "dotdot-member", "dotdot-manifest", "empty-manifest"])
@pytest.mark.slow
def test_a_tampered_archive_is_refused_and_nothing_changes(soma, tmp_path, change, says):
    good = tmp_path / "good.tar.gz"
    soma.soma("backup", "--output", str(good))
    soma.python(CHANGE)
    state, files = soma.python(STATE), media_files(soma)
    bad = tmp_path / "bad.tar.gz"
    _rewrite(good, bad, change, fix_manifest=change is _escape_path)
    refused = soma.soma("restore", str(bad), "--yes", check=False)
    assert refused.returncode != 0
    assert says in refused.stderr and "Traceback" not in refused.stderr
    assert soma.python(STATE) == state and media_files(soma) == files
    assert not (tmp_path / "escaped.txt").exists() and not (soma.folder / "escaped.txt").exists()


@pytest.mark.slow
def test_links_and_unreadable_files_are_refused(soma, tmp_path):
    good = tmp_path / "good.tar.gz"
    soma.soma("backup", "--output", str(good))
    state = soma.python(STATE)
    linked = tmp_path / "linked.tar.gz"
    with tarfile.open(good, "r:gz") as source, tarfile.open(linked, "w:gz") as target:
        for info in source:
            target.addfile(info, source.extractfile(info))
        link = tarfile.TarInfo("files/assessments/1/sources/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        target.addfile(link)
    refused = soma.soma("restore", str(linked), "--yes", check=False)
    assert refused.returncode != 0 and "link or a special file" in refused.stderr

    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(good.read_bytes()[:2000])
    refused = soma.soma("restore", str(garbage), "--yes", check=False)
    assert refused.returncode != 0 and "not a readable SOMA backup" in refused.stderr
    assert soma.python(STATE) == state


@pytest.mark.slow
def test_other_database_and_newer_schema_are_refused(soma, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    soma.soma("backup", "--output", str(archive))
    state = soma.python(STATE)

    future = tmp_path / "future.tar.gz"
    _rewrite(archive, future, lambda members, manifest: manifest["migrations"].update(findings="9999_future"))
    refused = soma.soma("restore", str(future), "--yes", check=False)
    assert refused.returncode != 0 and "newer SOMA" in refused.stderr

    if soma.vendor == "postgresql":  # a real PostgreSQL backup into an SQLite installation
        other = Instance(tmp_path / "sqlite-data", vendor="sqlite")
        other.soma("migrate", "-v0")
        refused = other.soma("restore", str(archive), "--yes", check=False)
    else:  # a well-formed archive that says it holds a PostgreSQL dump
        def as_postgresql(members, manifest):
            members["database/soma.pgdump"] = members.pop("database/soma.sqlite3")
            manifest["database"] = {"vendor": "postgresql", "member": "database/soma.pgdump"}

        other_vendor = tmp_path / "postgresql.tar.gz"
        _rewrite(archive, other_vendor, as_postgresql, fix_manifest=True)
        refused = soma.soma("restore", str(other_vendor), "--yes", check=False)
    assert refused.returncode != 0
    assert "configured for" in refused.stderr and "Traceback" not in refused.stderr
    assert soma.python(STATE) == state


@pytest.mark.slow
def test_secret_key_only_on_request(soma, tmp_path):
    archive = tmp_path / "with-key.tar.gz"
    soma.soma("backup", "--output", str(archive), "--include-secret-key")
    assert "secret_key" in {entry["path"] for entry in manifest_of(archive)["members"]}
    key = (soma.folder / "secret_key").read_text()
    (soma.folder / "secret_key").write_text("replaced")
    soma.soma("restore", str(archive), "--yes")
    assert (soma.folder / "secret_key").read_text() == key
    assert stat.S_IMODE((soma.folder / "secret_key").stat().st_mode) == 0o600


def _corrupt_database(members, manifest):
    """Damage the database file itself; the manifest is rewritten to match, so every checksum agrees."""
    name = manifest["database"]["member"]
    data = bytearray(members[name])
    if name.endswith(".sqlite3"):  # keep SQLite's header, overwrite the pages that hold the schema and rows
        data[100:len(data) // 2] = bytes(len(data) // 2 - 100)
        data[len(data) // 2:] = b"\xff" * (len(data) - len(data) // 2)
    else:  # pg_dump's custom format: its header stays, its table of contents and data are garbage
        data[40:] = b"\xa5" * (len(data) - 40)
    members[name] = bytes(data)


def _not_soma(members, manifest):
    """A sound database of the right kind that is not SOMA's (no migrations table); checksums agree."""
    import sqlite3
    import subprocess
    import tempfile

    name = manifest["database"]["member"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "other"
        if name.endswith(".sqlite3"):
            with sqlite3.connect(path) as db:
                db.execute("CREATE TABLE demoland_harbours (name TEXT)")
        else:  # a real dump of an empty scratch database
            other = Instance(Path(folder) / "data", vendor="postgresql")
            try:
                subprocess.run(["pg_dump", "--format=custom", f"--file={path}", other.env["DATABASE_URL"]],
                               check=True, capture_output=True, timeout=60)
            finally:
                other.close()
        members[name] = path.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("change", [_corrupt_database, _not_soma], ids=["corrupt", "not-soma"])
def test_a_damaged_database_with_matching_checksums_is_refused_before_anything_changes(soma, tmp_path, change):
    good = tmp_path / "good.tar.gz"
    soma.soma("backup", "--output", str(good))
    soma.python(CHANGE)
    state, files = soma.python(STATE), media_files(soma)
    bad = tmp_path / "bad.tar.gz"
    _rewrite(good, bad, change, fix_manifest=True)
    refused = soma.soma("restore", str(bad), "--yes", check=False)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr and "a good backup" not in refused.stdout
    assert "The database in the backup is damaged" in refused.stderr
    assert "Nothing was changed" in refused.stderr
    assert soma.python(STATE) == state and media_files(soma) == files

"""Backups of a running SOMA and their restore (`soma backup`, `soma restore`; docs/security.md).

An archive is a .tar.gz holding `database/soma.sqlite3` (SQLite) or `database/soma.pgdump` (PostgreSQL,
pg_dump's custom format), the uploaded files under `files/`, optionally `secret_key`, and `manifest.json`
with every other member's size and SHA-256. The database is copied first and the files second: a file
uploaded in between is carried without a row (harmless); only a file deleted in between can be missing.

A restore checks the whole archive before it changes anything (`check`: checksums, paths, vendor, migrations,
and the database file itself, since a checksum only proves that nothing changed after the backup), then
stages the database and the files beside the live ones and swaps them in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from django.apps import apps
from django.conf import settings
from django.db import connection, connections

from soma import __version__

FORMAT = "soma-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET_KEY_MEMBER = "secret_key"
DATABASE_MEMBERS = {"sqlite": "database/soma.sqlite3", "postgresql": "database/soma.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """What was wrong, said for the person running the command; nothing was changed."""


@dataclass
class Checked:
    path: Path
    manifest: dict
    members: dict[str, dict] = field(default_factory=dict)  # path -> {"size", "sha256"}


# --- backup -------------------------------------------------------------------------------------------------

def default_output() -> Path:
    folder = Path(settings.DATA_DIR) / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return folder / f"soma-{stamp}.tar.gz"


def create(output: Path | None = None, *, include_secret_key: bool = False) -> tuple[Path, dict]:
    """Write a backup archive to `output` (default: the data folder's backups/); returns it and its manifest."""
    output = Path(output) if output else default_output()
    if not output.name.endswith((".tar.gz", ".tgz")):
        raise BackupError(f"{output}: a backup is a .tar.gz file; name it e.g. soma-backup.tar.gz.")
    if output.exists():
        raise BackupError(f"{output} already exists; choose another --output (a backup never overwrites a file).")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"SOMA cannot back up a {vendor} database (SQLite and PostgreSQL only).")
    members: list[dict] = []
    partial = output.with_name(f".{output.name}.partial")
    with tempfile.TemporaryDirectory(prefix="soma-backup-") as work:
        dump = Path(work) / "database"
        _dump_sqlite(dump) if vendor == "sqlite" else _dump_postgresql(dump)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "soma_version": __version__,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "member": DATABASE_MEMBERS[vendor]},
            "migrations": migration_state(), "catalog_versions": _catalog_versions(), "members": members,
        }
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                members.append(_add(archive, DATABASE_MEMBERS[vendor], dump))
                for path, name in _media_files():
                    members.append(_add(archive, name, path))
                key_file = Path(settings.DATA_DIR) / "secret_key"
                if include_secret_key:
                    if os.environ.get("SECRET_KEY") or not key_file.is_file():
                        raise BackupError("The secret key comes from the SECRET_KEY environment variable, not "
                                          "the data folder: back it up where you keep that setting.")
                    members.append(_add(archive, SECRET_KEY_MEMBER, key_file))
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now().timestamp())
                archive.addfile(info, _BytesReader(data))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    return output, manifest


def _dump_sqlite(target: Path) -> None:
    # The online-backup API copies a consistent snapshot while other processes keep writing (WAL mode).
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if result != "ok":
        raise BackupError(f"The database copy failed SQLite's integrity check ({result}); nothing was written.")


def _pg_env() -> dict[str, str]:
    db: dict[str, Any] = {**settings.DATABASES["default"]}
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _run(argv: list[str], what: str) -> None:
    try:
        done = subprocess.run(argv, env=_pg_env(), capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(f"{argv[0]} is not installed; install PostgreSQL's client tools "
                          f"(e.g. apt-get install postgresql-client).") from None
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")


def _dump_postgresql(target: Path) -> None:
    # pg_dump reads one snapshot, so the dump is consistent while SOMA writes.
    _run(["pg_dump", "--format=custom", "--no-password", f"--file={target}"], "pg_dump")


def migration_state(using: str = "default") -> dict[str, str]:
    """The last applied migration of each app, e.g. {"findings": "0007_response_version"}."""
    from django.db.migrations.recorder import MigrationRecorder

    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        if name > last.get(app, ""):
            last[app] = name
    return dict(sorted(last.items()))


def _catalog_versions() -> list[str]:
    CatalogVersion = apps.get_model("catalog", "CatalogVersion")  # by name: core sits below the catalog
    return list(CatalogVersion.objects.order_by("loaded_at").values_list("version", flat=True))


def _media_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):  # os.walk does not follow links to folders
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, "files/" + path.relative_to(root).as_posix()


def _add(archive: tarfile.TarFile, name: str, path: Path) -> dict:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(path.stat().st_mtime)
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return {"path": name, "size": size, "sha256": reader.digest.hexdigest()}


def _member(archive: tarfile.TarFile, info: tarfile.TarInfo) -> IO[bytes]:
    handle = archive.extractfile(info)
    if handle is None:  # checked to be a regular file before; a link or folder has no content to read
        raise BackupError(f"The archive member {info.name} has no content.")
    return handle


class _HashingReader:
    """Hashes what tarfile reads, so that each member is read once for the archive and its checksum."""

    def __init__(self, handle: BinaryIO):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def read(self, size: int | None = -1) -> bytes:
        end = len(self.data) if size is None or size < 0 else self.at + size
        chunk, self.at = self.data[self.at:end], min(end, len(self.data))
        return chunk


# --- check ----------------------------------------------------------------------------------------------------

def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    if not name or "\\" in name or "\x00" in name or pure.is_absolute() or ".." in pure.parts:
        return False
    if name in (MANIFEST, SECRET_KEY_MEMBER) or name in DATABASE_MEMBERS.values():
        return True
    return len(pure.parts) >= 2 and pure.parts[0] == "files" and str(pure) == name


def check(path: Path) -> Checked:
    """Read the whole archive and check it against its manifest and this SOMA; BackupError says what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No file {path}.")
    with tempfile.TemporaryDirectory(prefix="soma-check-") as work:
        return _check(path, Path(work))


def _check(path: Path, work: Path) -> Checked:
    found: dict[str, dict] = {}
    copies: dict[str, Path] = {}  # the database member, kept to check the database itself
    manifest_data = None
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            for info in archive:
                if not _safe_name(info.name):
                    raise BackupError(f"The archive holds a member with an unsafe or unknown path: {info.name!r}.")
                if not info.isreg():
                    raise BackupError(f"The archive member {info.name} is a link or a special file; refused.")
                if info.name in found or (info.name == MANIFEST and manifest_data is not None):
                    raise BackupError(f"The archive holds {info.name} twice.")
                handle = _member(archive, info)
                if info.name == MANIFEST:
                    manifest_data = handle.read(10 * CHUNK)
                    continue
                digest, size = hashlib.sha256(), 0
                copy = None
                if info.name in DATABASE_MEMBERS.values():
                    copies[info.name] = work / PurePosixPath(info.name).name
                    copy = os.fdopen(os.open(copies[info.name], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
                try:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        if copy is not None:
                            copy.write(chunk)
                finally:
                    if copy is not None:
                        copy.close()
                found[info.name] = {"size": size, "sha256": digest.hexdigest()}
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path} is not a readable SOMA backup (.tar.gz): {error}.") from None
    if manifest_data is None:
        raise BackupError(f"{path} has no manifest.json: it is not a SOMA backup, or it is incomplete.")
    try:
        manifest = json.loads(manifest_data)
        entries = {entry["path"]: entry for entry in manifest["members"]}
        vendor = manifest["database"]["vendor"]
        if manifest["format"] != FORMAT or not isinstance(manifest["migrations"], dict):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise BackupError("The archive's manifest.json is not a SOMA backup manifest.") from None
    if manifest["format_version"] > FORMAT_VERSION:
        raise BackupError("The backup was made by a newer SOMA; upgrade SOMA before restoring it.")
    problems = [f"unsafe path in the manifest: {name!r}" for name in entries if not _safe_name(name)]
    problems += [f"{name} is listed in the manifest but missing from the archive" for name in entries
                 if name not in found]
    problems += [f"{name} is in the archive but not in the manifest" for name in found if name not in entries]
    for name, entry in entries.items():
        have = found.get(name)
        if have and (have["size"] != entry.get("size") or have["sha256"] != entry.get("sha256")):
            problems.append(f"{name} does not match its checksum (changed or damaged)")
    if manifest["database"].get("member") not in found:
        problems.append("the database is missing from the archive")
    if problems:
        raise BackupError("The backup is damaged or was changed, and was not restored: " + "; ".join(problems) + ".")
    if vendor != connection.vendor:
        raise BackupError(f"This backup holds a {_vendor_label(vendor)} database but SOMA is configured for "
                          f"{_vendor_label(connection.vendor)}. Restore it into a SOMA that uses "
                          f"{_vendor_label(vendor)} (DATABASE_URL), or move the data with a JSON bundle.")
    newer = _unknown_migrations(manifest["migrations"])
    if newer:
        raise BackupError(f"The backup was made by a newer SOMA ({manifest.get('soma_version')}; this is "
                          f"{__version__}): its database has migrations this SOMA does not know "
                          f"({', '.join(newer[:5])}). Upgrade SOMA, then restore.")
    problem = _database_problem(vendor, copies[manifest["database"]["member"]], manifest["migrations"])
    if problem:
        raise BackupError(f"The database in the backup is damaged or is not SOMA's ({problem}), although every "
                          f"checksum matches: it was damaged before the backup was written, or replaced. Nothing "
                          f"was changed. Restore an earlier backup.")
    return Checked(path, manifest, found)


def _database_problem(vendor: str, copy: Path, migrations: dict[str, str]) -> str:
    """What is wrong with the backup's database file itself (a checksum only proves it was not changed since)."""
    if vendor == "sqlite":
        return _sqlite_problem(copy, migrations)
    try:
        done = subprocess.run(["pg_restore", "--list", str(copy)], capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise BackupError("pg_restore is not installed; install PostgreSQL's client tools "
                          "(e.g. apt-get install postgresql-client). Nothing was changed.") from None
    if done.returncode != 0:
        return f"pg_restore cannot read it: {done.stderr.strip()[:300] or done.returncode}"
    # A table of contents line reads e.g. "3456; 0 16385 TABLE DATA public django_migrations postgres".
    if not any(" TABLE DATA " in line and "django_migrations" in line.split() for line in done.stdout.splitlines()):
        return "it holds no data of Django's migrations table"
    return ""


def _sqlite_problem(copy: Path, migrations: dict[str, str]) -> str:
    try:
        db = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return f"SQLite cannot open it: {error}"
    try:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            return f"SQLite's integrity check says: {result[:300]}"
        try:
            rows = db.execute("SELECT app, name FROM django_migrations").fetchall()
        except sqlite3.OperationalError:
            return "it has no migrations table"
    except sqlite3.DatabaseError as error:
        return f"SQLite's integrity check fails: {error}"
    finally:
        db.close()
    last: dict[str, str] = {}
    for app, name in rows:
        last[app] = max(name, last.get(app, ""))
    if last != migrations:
        return "its migrations do not match the backup's manifest"
    return ""


def _vendor_label(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)


def _unknown_migrations(state: dict[str, str]) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in sorted(state.items()) if (app, name) not in known]


# --- restore --------------------------------------------------------------------------------------------------

def restore(checked: Checked) -> list[str]:
    """Swap the checked archive's database and files in; returns what was done, line by line."""
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    vendor = checked.manifest["database"]["vendor"]
    db_member = checked.manifest["database"]["member"]
    staged_files = Path(tempfile.mkdtemp(prefix=".files-restore-", dir=media.parent))
    work = Path(tempfile.mkdtemp(prefix=".soma-restore-", dir=media.parent))
    os.chmod(work, 0o700)
    os.chmod(staged_files, (media.stat().st_mode & 0o777) if media.is_dir() else 0o700)
    done = []
    try:
        secret = _stage(checked, staged_files, work / "database", db_member)
        connections.close_all()
        if vendor == "sqlite":
            _restore_sqlite(work / "database")
        else:
            _restore_postgresql(work / "database")
        done.append(f"Database restored ({_vendor_label(vendor)}, backup of {checked.manifest['created_at']}).")
        old = media.with_name(f".{media.name}-replaced")
        shutil.rmtree(old, ignore_errors=True)
        if media.exists():
            os.replace(media, old)
        os.replace(staged_files, media)
        shutil.rmtree(old, ignore_errors=True)
        count = sum(1 for name in checked.members if name.startswith("files/"))
        done.append(f"Files restored ({count} files in {media}).")
        if secret is not None:
            done.append(_restore_secret_key(secret))
    finally:
        shutil.rmtree(staged_files, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return done


def _stage(checked: Checked, files_dir: Path, db_file: Path, db_member: str) -> bytes | None:
    """Write the archive's members into the staging places, checking each checksum again as it is written."""
    secret = None
    try:
        with tarfile.open(checked.path, mode="r:gz") as archive:
            for info in archive:
                if info.name == MANIFEST:
                    continue
                expected = checked.members.get(info.name)
                if expected is None or not info.isreg() or not _safe_name(info.name):
                    raise BackupError(f"The archive changed while it was being restored ({info.name}).")
                handle = _member(archive, info)
                if info.name == SECRET_KEY_MEMBER:
                    secret = handle.read(CHUNK)
                    if hashlib.sha256(secret).hexdigest() != expected["sha256"]:
                        raise BackupError("The archive changed while it was being restored (secret_key).")
                    continue
                if info.name == db_member:
                    target = db_file
                else:
                    target = files_dir.joinpath(*PurePosixPath(info.name).parts[1:])
                    target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                if digest.hexdigest() != expected["sha256"]:
                    raise BackupError(f"The archive changed while it was being restored ({info.name}).")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"Reading the archive failed while staging the restore: {error}.") from None
    return secret


def _restore_sqlite(copy: Path) -> None:
    # The backup API writes the copy into the live database in one transaction, under SQLite's own locks: a
    # failure leaves the current database as it was, and the -wal file beside it stays consistent with it
    # (replacing the file with os.replace would pair the new file with the old -wal, or leave a running
    # process writing into the unlinked old file).
    check_copy = sqlite3.connect(copy)
    try:
        result = check_copy.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    finally:
        check_copy.close()
    if result != "ok":
        raise BackupError(f"The database in the backup fails SQLite's integrity check ({result}); not restored.")
    source = sqlite3.connect(copy)
    live = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=30)
    try:
        source.backup(live)
    except sqlite3.Error as error:
        raise BackupError(f"Writing the database failed ({error}); the current database is unchanged. "
                          f"Stop SOMA (server and worker) and try again.") from None
    finally:
        live.close()
        source.close()


def _restore_postgresql(dump: Path) -> None:
    # --single-transaction: pg_restore drops and recreates everything in one transaction, so a failure
    # leaves the current database as it was.
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password",
          f"--dbname={settings.DATABASES['default']['NAME']}", str(dump)], "pg_restore")


def _restore_secret_key(secret: bytes) -> str:
    if os.environ.get("SECRET_KEY"):
        return "The backup's secret key was not restored: SOMA takes it from the SECRET_KEY environment variable."
    key_file = Path(settings.DATA_DIR) / "secret_key"
    staged = key_file.with_name(".secret_key.restore")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(secret)
        out.flush()
        os.fsync(out.fileno())
    os.replace(staged, key_file)
    return "Secret key restored (sessions and signed links of the backup's SOMA stay valid)."

"""SOMA's data folder is for SOMA's own user only: files 0600, folders 0700.

The folder holds the database (SQLite, with its -wal and -shm files), uploaded and imported documents, the
secret key and backups, all of it restricted material at best. New files get these modes from the umask that
the `soma` command and the WSGI application set when they start (PRIVATE_UMASK) and from Django's
FILE_UPLOAD_PERMISSIONS / FILE_UPLOAD_DIRECTORY_PERMISSIONS (settings.py); `make_private` fixes a folder
written before, and `soma setup` runs it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def use_private_umask() -> None:
    """From now on this process creates files 0600 and folders 0700 (unless it asks for less)."""
    os.umask(PRIVATE_UMASK)


def make_private(*paths: Path) -> list[Path]:
    """Remove group and other permissions from each path and everything inside it (symbolic links are left
    alone, never followed). Returns the paths whose mode changed."""
    changed = []
    for top in paths:
        if not top.exists() or top.is_symlink():
            continue
        walked = [top] if not top.is_dir() else [top, *(Path(root) / name for root, dirs, files in os.walk(top)
                                                         for name in (*dirs, *files))]
        for path in walked:
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode) or not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                continue
            current = stat.S_IMODE(mode)
            # Folders: 0700. Files: the owner's own bits only (0644 becomes 0600, a read-only 0444 stays 0400).
            private = PRIVATE_FOLDER if stat.S_ISDIR(mode) else current & 0o700
            if private != current:
                os.chmod(path, private)
                changed.append(path)
    return changed

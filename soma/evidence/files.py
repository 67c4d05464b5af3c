"""Stored files of sources that no source refers to, and their removal.

A source's file is stored before the transaction that writes its row commits (a file cannot take part in a
database transaction). When that transaction rolls back, the code deletes the file; when the process is
killed, it cannot, and the file stays on disk without a row: never shown, never downloadable, but taking
space and ending up in backups. `sweep_orphans` removes such files; the background worker runs it when it
starts, for files old enough that no running transaction can still be about to refer to them."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.core.files.storage import default_storage

from soma.evidence.models import Source

log = logging.getLogger(__name__)
ROOT = "assessments"
DEFAULT_AGE_SECONDS = 3600  # far longer than any import or upload transaction


def sweep_orphans(older_than_seconds: float = DEFAULT_AGE_SECONDS, storage=default_storage) -> list[str]:
    """Delete source files that no source row refers to and that are older than the given age; their names."""
    try:
        root = Path(storage.path(ROOT))
    except NotImplementedError:  # object storage: its own lifecycle rules apply
        return []
    if not root.is_dir():
        return []
    referenced = set(Source.all_objects.exclude(file="").values_list("file", flat=True))  # deleted ones too
    cutoff = time.time() - older_than_seconds
    removed = []
    for path in sorted(root.glob("*/sources/*")):
        name = f"{ROOT}/{path.relative_to(root).as_posix()}"
        if path.is_file() and name not in referenced and path.stat().st_mtime <= cutoff:
            storage.delete(name)
            removed.append(name)
    if removed:
        log.warning("Removed %d stored files that no source refers to (left by an interrupted write).", len(removed))
    return removed

"""Stored files of sources that no source refers to, and their removal.

A source's file is stored before the transaction that writes its row commits (a file cannot take part in a
database transaction). When that transaction rolls back, the code deletes the file; when the process is
killed, it cannot, and the file stays on disk without a row: never shown, never downloadable, but taking
space and ending up in backups. `sweep_orphans` removes such files; the background worker runs it when it
starts (and hourly while it runs), for files old enough that no running transaction can still be about to refer
to them.

The same killed write can leave files in the folder of an assessment id that is handed out again (SQLite reuses
the id of a rolled-back row). A new assessment therefore starts with its folder emptied (`clear_folder`, run
when the assessment row is created), so that it never inherits another's files."""

from __future__ import annotations

import logging
import os
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


def clear_folder(assessment_id: int, storage=default_storage) -> list[str]:
    """Remove the files already in a new assessment's folder (left by a killed write under the same id); their
    names. Files that some source row refers to are kept: only a restored or hand-edited database can have
    them, and they are not this function's to judge."""
    try:
        folder = Path(storage.path(f"{ROOT}/{assessment_id}"))
    except NotImplementedError:  # object storage: names are never listed as a folder here
        return []
    if not folder.is_dir():
        return []
    referenced = set(Source.all_objects.filter(file__startswith=f"{ROOT}/{assessment_id}/")  # deleted ones too
                     .values_list("file", flat=True))
    removed = []
    for parent, _dirs, names in os.walk(folder):  # does not follow links to folders
        for file_name in sorted(names):
            name = f"{ROOT}/{(Path(parent) / file_name).relative_to(folder.parent).as_posix()}"
            if name not in referenced:
                storage.delete(name)
                removed.append(name)
    if removed:
        log.warning("Assessment %s is new but its folder held %d files of an interrupted write; removed them.",
                    assessment_id, len(removed))
    return removed


def _assessment_created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        clear_folder(instance.pk)


def connect() -> None:
    """Empty every new assessment's folder as its row is created (any path: form, API, import, command)."""
    from django.db.models.signals import post_save

    post_save.connect(_assessment_created, sender="assessments.Assessment", dispatch_uid="evidence.clear_folder")

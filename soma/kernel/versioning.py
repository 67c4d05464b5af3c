"""Versioned saving: a save names the version it started from, and is refused (EditConflict) when someone saved
since. Used by every versioned row (the plan, answers, findings, conclusions, recommendations, report chapters).

Two steps around the caller's own checks and history (both inside the caller's transaction):

    current = lock_version(Model.objects.filter(pk=pk), expected_version, message=...)   # or raises EditConflict
    (lock_existing: the same for a row that must be there)
    ...check, take the history snapshot, set the new values...
    save_next_version(current)

The row stays locked (select_for_update; on SQLite the database is) from the check to the save, so of two saves
that started from the same version exactly one passes: the last action wins only when it was made knowingly, on
the version it saw (a form refused with a conflict carries the stored version, so saving again overwrites).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import F, Model, QuerySet

from soma.kernel.errors import STALE_MESSAGE, EditConflict

M = TypeVar("M", bound=Model)


def lock_version(
    rows: QuerySet[M],
    expected_version: int | None,
    *,
    message: str = STALE_MESSAGE,
    check: Callable[[M | None], None] | None = None,
    theirs: Callable[[M], dict[str, Any]] | None = None,
    mine: dict[str, Any] | None = None,
) -> M | None:
    """The stored row of `rows` (None if there is none, which counts as version 0), locked for this
    transaction. `check` runs on it first (e.g. a clearance check, so a conflict never shows what the user may
    not see). A different version than `expected_version` raises EditConflict: with the stored fields (`theirs`)
    and the user's (`mine`) when the caller offers a merge. `expected_version` None saves without the check."""
    current = rows.select_for_update().first()
    if check is not None:
        check(current)
    stored = version_of(current)
    if expected_version is not None and stored != expected_version:
        raise conflict(current, message=message, theirs=theirs, mine=mine)
    return current


def lock_existing(
    rows: QuerySet[M],
    expected_version: int | None,
    *,
    message: str = STALE_MESSAGE,
    check: Callable[[M | None], None] | None = None,
) -> M:
    """lock_version for a row that must be there (the plan, a finding): a row deleted since the user loaded it is
    a conflict; without an expected version, the model's DoesNotExist."""
    current = lock_version(rows, expected_version, message=message, check=check)
    if current is None:
        model: Any = rows.model
        raise model.DoesNotExist(f"No {model._meta.verbose_name} to save.")
    return current


def conflict(
    current: M | None,
    *,
    message: str = STALE_MESSAGE,
    theirs: Callable[[M], dict[str, Any]] | None = None,
    mine: dict[str, Any] | None = None,
) -> EditConflict:
    """The conflict for a save that lost to `current` (also for a row someone created first)."""
    stored = None
    if theirs is not None:
        stored = theirs(current) if current is not None else {}
    return EditConflict(message, current=current, theirs=stored, mine=mine)


def save_next_version(obj: M, **save_kwargs: Any) -> M:
    """Save a row locked by lock_version as its next version: the database counts it (F("version") + 1), and
    as the row is locked the object is given the same number without reading it back. A new row is saved with
    its first version."""
    if obj._state.adding:
        obj.save(**save_kwargs)
        return obj
    row: Any = obj  # a versioned model: it has a `version` field
    stored = row.version
    row.version = F("version") + 1
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and "version" not in update_fields:
        save_kwargs["update_fields"] = [*update_fields, "version"]
    obj.save(**save_kwargs)
    row.version = stored + 1
    return obj


def version_of(row: Model | None) -> int:
    """The stored version of a row; 0 for no row (a first save names version 0)."""
    return int(getattr(row, "version", 0)) if row is not None else 0

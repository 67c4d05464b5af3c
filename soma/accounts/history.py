"""Recording changes to assessment content. Services call `record` inside their transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from soma.accounts import audit
from soma.accounts.models import HistoryEntry

SKIPPED_FIELDS = {"version", "updated_at", "created_at", "added_at", "file_token"}
# Names of individuals are restricted material whatever the classification of the record holding them.
RESTRICTED_FIELDS = {"contact_point", "participants", "clearance_notes"}
LEVELS = ["public", "restricted", "confidential"]


def snapshot(obj: models.Model | None) -> dict | None:
    """The object's own fields (and many-to-many ids) as JSON-friendly values."""
    if obj is None:
        return None
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS:
            continue
        value = field.value_from_object(obj)
        data[field.name] = _plain(value)
    if obj.pk:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(related.pk for related in getattr(obj, field.name).all())
    return data


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):  # a stored file: its name only
        return value.name or ""
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is not None and not isinstance(value, (str, int, float, bool, dict)):
        return str(value)
    return value


def _level_of(obj) -> str:
    """An object's classification; a citation is as sensitive as what it cites and what it supports."""
    own = getattr(obj, "classification", None)
    if own:
        return own
    related = [getattr(obj, name, None) for name in ("source", "activity", "response", "finding")]
    found = [r.classification for r in related if r is not None and getattr(r, "classification", None)]
    return max(found, key=LEVELS.index, default="public")


def record(user, assessment, action: str, obj: models.Model, before: dict | None, after: dict | None) -> None:
    if before is not None and after is not None:
        changed = {key for key in after if before.get(key) != after.get(key)}
        if not changed:
            return
        before = {key: before.get(key) for key in changed}
        after = {key: after[key] for key in changed}
    levels = [_level_of(obj), (before or {}).get("classification"), (after or {}).get("classification")]
    touched = set(before or {}) | set(after or {})
    if touched & RESTRICTED_FIELDS:
        levels.append("restricted")
    # The entry holds both versions: it is as sensitive as the most sensitive of them.
    level = max((lv for lv in levels if lv in LEVELS), key=LEVELS.index, default="public")
    entry = HistoryEntry.objects.create(
        assessment=assessment,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(getattr(obj, "question", None) or obj.pk),
        label=str(obj)[:300],
        before=before,
        after=after,
        classification=level,
    )
    audit.content_changed(user, entry)

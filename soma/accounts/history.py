"""Recording changes to assessment content. Services call `record` inside their transaction.

History is append-only (the model and database triggers refuse UPDATE and DELETE) and every entry is fingerprinted
in the audit trail, which `soma audit verify` compares with it (soma/accounts/history_check.py). Deleting an
assessment purges its history through `purge`, recorded in the audit trail as `history_purged`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections, models, router, transaction
from django.db.models.fields.files import FieldFile

from soma.accounts import audit, audit_triggers
from soma.accounts.models import HistoryEntry
from soma.kernel import clearance

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from soma.assessments.models import Assessment

SKIPPED_FIELDS = {"version", "updated_at", "created_at", "added_at", "file_token"}


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


def _plain(value: Any) -> Any:
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


def _level_of(obj: models.Model) -> str:
    """An object's classification; a citation is as sensitive as what it cites and what it supports."""
    own = getattr(obj, "classification", None)
    if own:
        return own
    related = [getattr(obj, name, None) for name in ("source", "activity", "response", "finding")]
    found = [r.classification for r in related if r is not None and getattr(r, "classification", None)]
    return str(clearance.highest(found))


def _as_stored(value: Any) -> Any:
    """The value as the database's JSON column gives it back, so that digests taken now match later reads."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def record(user: User | AnonymousUser | None, assessment: Assessment, action: str, obj: models.Model,
           before: dict | None, after: dict | None) -> None:
    before, after = _as_stored(before), _as_stored(after)
    if before is not None and after is not None:
        changed = {key for key in after if before.get(key) != after.get(key)}
        if not changed:
            return
        before = {key: before.get(key) for key in changed}
        after = {key: after[key] for key in changed}
    levels = [_level_of(obj), (before or {}).get("classification"), (after or {}).get("classification")]
    touched = set(before or {}) | set(after or {})
    # Names of people are restricted material whatever the classification of the record holding them.
    if touched & (clearance.NAME_FIELDS | set(clearance.names_of_people(obj))):
        levels.append(clearance.Level.RESTRICTED)
    # The entry holds both versions: it is as sensitive as the most sensitive of them.
    level = str(clearance.highest(lv for lv in levels if lv in clearance.Level.values))
    entry = HistoryEntry.objects.create(
        assessment=assessment,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(getattr(obj, "question", None) or obj.pk),
        label=str(obj)[:300],
        before=before,
        after=after,
        classification=level,
    )
    audit.content_changed(user, entry, entry_digest=fingerprint(_fields(entry)))


FINGERPRINTED = ("id", "assessment_id", "at", "action", "object_type", "object_id", "label", "classification",
                 "before", "after")


def _fields(entry: HistoryEntry) -> dict:
    return {name: getattr(entry, name) for name in FINGERPRINTED}


def fingerprint(fields: Mapping) -> str:
    """SHA-256 of a history entry's own fields (all but `user`, which a deleted user's removal sets to NULL), as
    sorted, compact JSON with `at` written as the audit trail writes times."""
    value = {name: fields[name] for name in FINGERPRINTED}
    value["at"] = audit.when(value["at"])
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def purge(assessment_id: int, user: User | None = None) -> int:
    """Delete an assessment's history, through the one path the database permits, and record it in the audit trail.
    Called when the assessment is deleted (a pre_delete receiver), inside the deleting transaction."""
    using = router.db_for_write(HistoryEntry)
    connection = connections[using]
    with transaction.atomic(using=using):
        ids = list(HistoryEntry._base_manager.using(using).filter(assessment_id=assessment_id)
                   .order_by("pk").values_list("pk", flat=True))
        if ids:
            with audit_triggers.history_purge(connection, assessment_id), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {audit_triggers.HISTORY} WHERE assessment_id = %s", [assessment_id])
        audit.record("history_purged", user=user, assessment=assessment_id, entries=len(ids),
                     first=ids[0] if ids else None, last=ids[-1] if ids else None)
    return len(ids)


def assessment_deleting(sender: type[models.Model], instance: models.Model, using: str | None = None,
                        **kwargs: Any) -> None:
    """pre_delete of an assessment: its history goes first (the cascade would otherwise meet the triggers)."""
    if instance.pk is not None:
        purge(instance.pk)

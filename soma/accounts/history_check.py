"""`soma audit verify`, second half: the content history against the audit trail, and the content against its history.

1. Every history entry has a `content_changed` audit entry naming it, with digests of its before/after and of the
   whole entry (soma.accounts.history.fingerprint). A row that differs was changed; a row no audit entry names was
   inserted; a named row that is gone was deleted, unless a later `history_purged` entry covers its assessment.
2. Every record that has history (an answer, a source, a finding...) still holds, field by field, the value its
   latest history entry gives for each field the history knows. A difference means the content was changed
   behind SOMA's back (SQL, a database tool); a record gone without a `deleted` entry was deleted so.

Records created without history (carried over into a follow-up assessment and not edited since, bulk loads) have
nothing to compare and are not checked; `scope` and other keys that are not fields of the record are skipped.
The audit trail's own hash chain (soma.accounts.audit.verify) proves the digests themselves unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from soma.accounts import audit, history
from soma.accounts.models import AuditEntry, HistoryEntry

CHUNK = 2000
_MISSING = object()


@dataclass
class Report:
    entries: int = 0  # history entries checked against the trail
    records: int = 0  # current records checked against their history
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _what(object_type: str | None, object_id: str | None, assessment_id: int | None) -> str:
    return f"{object_type} {object_id} of assessment {assessment_id}"


def check() -> Report:
    report = Report()
    by_name = _models_by_name()
    live = set(by_name["assessment"]._base_manager.values_list("pk", flat=True)) if "assessment" in by_name else set()
    expected: dict[int, tuple[int, int | None, int | None, dict]] = {}
    purged: dict[int | None, int] = {}
    trail = (AuditEntry.objects.filter(event__in=("content_changed", "history_purged")).order_by("sequence")
             .values_list("sequence", "event", "assessment_id", "actor_id", "details"))
    for sequence, event, assessment_id, actor_id, details in trail.iterator(chunk_size=CHUNK):
        if event == "history_purged":
            purged[assessment_id] = sequence
        elif isinstance(details, dict) and isinstance(details.get("history_entry"), int):
            expected[details["history_entry"]] = (sequence, assessment_id, actor_id, details)

    # Replayed state of every record that has history: (assessment, type, id) -> {field: (value, entry id)} or None.
    states: dict[tuple[int, str, str], dict | None] = {}
    names = ("id", "assessment_id", "user_id", "at", "action", "object_type", "object_id", "label", "classification",
             "before", "after")
    rows = HistoryEntry._base_manager.order_by("pk").values_list(*names)
    for values in rows.iterator(chunk_size=CHUNK):
        row = dict(zip(names, values, strict=True))
        report.entries += 1
        what = _what(row["object_type"], row["object_id"], row["assessment_id"])
        recorded = expected.pop(row["id"], None)
        if recorded is None:
            report.problems.append(f"History entry {row['id']} ({row['action']} {what}) has no content_changed entry "
                                   "in the audit trail: it was inserted behind SOMA's back.")
        else:
            problem = _differs(row, recorded)
            if problem:
                report.problems.append(f"History entry {row['id']} ({row['action']} {what}) does not match audit "
                                       f"entry {recorded[0]}: {problem}; it was changed after it was written.")
        key = (row["assessment_id"], row["object_type"], row["object_id"])
        if row["action"] == "deleted" or row["after"] is None:
            states[key] = None
        elif isinstance(row["after"], dict):
            # A second "created" (a follow-up assessment records its carrying over so) starts the record afresh.
            state = {} if row["action"] == "created" else states.get(key) or {}
            state.update({name: (value, row["id"]) for name, value in row["after"].items()})
            states[key] = state

    for entry_id, (sequence, assessment_id, _actor, details) in sorted(expected.items()):
        if purged.get(assessment_id, 0) > sequence and assessment_id not in live:
            continue  # its assessment was deleted, and its history purged on the record
        what = _what(details.get("object_type"), details.get("object_id"), assessment_id)
        report.problems.append(f"History entry {entry_id} ({details.get('action')} {what}), recorded in audit entry "
                               f"{sequence}, is missing: it was deleted.")

    _check_content(states, report, by_name, live)
    return report


def _differs(row: dict, recorded: tuple) -> str:
    _sequence, assessment_id, actor_id, details = recorded
    for name in ("object_type", "object_id", "action", "classification"):
        if details.get(name) != row[name]:
            return f"its {name.replace('_', ' ')} differs"
    if assessment_id != row["assessment_id"]:
        return "its assessment differs"
    if row["user_id"] is not None and row["user_id"] != actor_id:
        return "its user differs"
    if details.get("digest") != audit.content_digest(row["before"], row["after"]):
        return "its before/after differ from their digest"
    if details.get("entry_digest") and details["entry_digest"] != history.fingerprint(row):
        return "its time, label or id differ from their digest"
    return ""


def _models_by_name() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in apps.get_models():
        if model._meta.app_label == "accounts":
            continue
        found.setdefault(model._meta.model_name or "", model)
    return found


def _check_content(states: dict, report: Report, by_name: dict[str, type], live: set[int]) -> None:
    by_type: dict[str, dict[tuple[int, str], dict | None]] = defaultdict(dict)
    for (assessment_id, object_type, object_id), state in states.items():
        by_type[object_type][(assessment_id, object_id)] = state
    for object_type, records in sorted(by_type.items()):
        model = by_name.get(object_type)
        if model is None:
            continue
        current = _current(model, object_type, records)
        for (assessment_id, object_id), state in sorted(records.items(), key=lambda item: (item[0][0], item[0][1])):
            if assessment_id not in live:
                continue
            obj = current.get((assessment_id, object_id))
            what = _what(object_type, object_id, assessment_id)
            if state is None:
                if obj is not None:
                    report.problems.append(f"The {what} exists although its history says it was deleted: it was "
                                           "put back behind SOMA's back.")
                continue
            report.records += 1
            if obj is None and not _went_with_a_parent(model, state):
                report.problems.append(f"The {what} is gone without a 'deleted' history entry: it was deleted "
                                       "behind SOMA's back.")
                continue
            if obj is None:
                continue
            changed = _changed_fields(model, obj, state)
            if changed:
                fields = ", ".join(f"{name} (history entry {state[name][1]})" for name in changed)
                report.problems.append(f"The {what} differs from its latest history in {fields}: it was changed "
                                       "behind SOMA's back.")


def _current(model: Any, object_type: str, records: dict) -> dict[tuple[int, str], Any]:
    """The records named, by (assessment id, object id): answers are named by their question, the rest by id."""
    fields = {f.name for f in model._meta.concrete_fields}
    m2m = [f.name for f in model._meta.many_to_many]
    rows = model._base_manager.prefetch_related(*m2m)
    assessments = {assessment_id for assessment_id, _ in records}
    found = {}
    if object_type == "assessment":
        pks = [int(object_id) for _, object_id in records if object_id.isdigit()]
        for obj in _in_chunks(rows, "pk", pks):
            found[(obj.pk, str(obj.pk))] = obj
        return found
    if "question" in fields and "assessment" in fields:
        keys = {object_id for _, object_id in records}
        for obj in _in_chunks(rows.filter(assessment_id__in=assessments), "question", sorted(keys)):
            found[(obj.assessment_id, obj.question)] = obj
        return found
    pks = [int(object_id) for _, object_id in records if object_id.isdigit()]
    for obj in _in_chunks(rows, "pk", pks):
        found[(getattr(obj, "assessment_id", None), str(obj.pk))] = obj
    return found


def _went_with_a_parent(model: Any, state: dict) -> bool:
    """A record deleted by a cascade (a member's account deleted, an audited event) has no entry of its own: the
    record it belonged to is gone too."""
    for field_ in model._meta.concrete_fields:
        if not field_.many_to_one or field_.remote_field.on_delete is not models.CASCADE or field_.name not in state:
            continue
        target = state[field_.name][0]
        if target is not None and not field_.related_model._base_manager.filter(pk=target).exists():
            return True
    return False


def _in_chunks(rows: models.QuerySet, name: str, values: list) -> Iterator[Any]:
    for start in range(0, len(values), 500):
        yield from rows.filter(**{f"{name}__in": values[start:start + 500]})


def _changed_fields(model: Any, obj: Any, state: dict) -> list[str]:
    now = history._as_stored(history.snapshot(obj))
    changed = []
    for name, (value, _entry) in state.items():
        current = now.get(name, _MISSING)
        if current is _MISSING or current == value:
            continue
        if not _same(model, name, value, current):
            changed.append(name)
    return changed


def _same(model: Any, name: str, recorded: Any, current: Any) -> bool:
    """Equal once both are read as the field reads them (a recorded "12.5" and a stored Decimal("12.50"))."""
    try:
        field_ = model._meta.get_field(name)
    except Exception:
        return False
    if field_.many_to_many:
        return sorted(map(str, recorded or [])) == sorted(map(str, current or []))
    try:
        return field_.to_python(recorded) == field_.to_python(current)
    except (ValidationError, TypeError, ValueError):
        return False

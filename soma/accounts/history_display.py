"""The content history as people read it: "Source: Reliability changed from Usually reliable to Fairly reliable".

History entries (soma.accounts.history) keep raw field names and stored values ("reporttext", "desk_review", an
id). This module turns a page of entries into what the history page shows: the model's and the field's own
verbose names, the labels of choices, Yes/No, dates in the language's format, and the names of the related
records an id points at, each only where the viewer may see it (the record's classification through the
`Seen`, names of people only from restricted up). It also filters the history by kind of record, kind of
change, who made it and when (HistoryFilter, `filtered`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from soma.accounts.models import HistoryEntry
from soma.kernel.access import membership
from soma.kernel.clearance import NAME_FIELDS, Seen

WITHHELD = "…"  # a value the viewer may not see (names of people below restricted)
EMPTY = "—"
# Keys a history entry may hold that are not fields of the record.
EXTRA_KEYS: dict[str, Any] = {
    "scope": gettext_lazy("Scope"),
    "imported": gettext_lazy("Imported from a bundle"),
    "follows": gettext_lazy("Follows up on"),
    "carried_over": gettext_lazy("Carried over from the previous assessment"),
}
# Keys that say nothing to a reader: the record's own id and the assessment it belongs to.
UNSHOWN = {"id", "assessment"}
ACTIONS: dict[str, Any] = {
    "created": pgettext_lazy("history", "created"),
    "changed": pgettext_lazy("history", "changed"),
    "deleted": pgettext_lazy("history", "deleted"),
    "issued": pgettext_lazy("history", "issued"),
}


@dataclass(frozen=True)
class Change:
    field: str  # the field's verbose name, "Reliability"
    before: str  # as the viewer may see it: labels, names, dates; EMPTY when none
    after: str
    sentence: str  # "Reliability changed from Usually reliable to Fairly reliable"


@dataclass(frozen=True)
class Shown:
    """One history entry as the page shows it."""

    entry: HistoryEntry
    what: str  # the model's verbose name, "Report text"
    label: str  # the record as it was named when the change was made
    action: str  # translated: created, changed, deleted, issued
    actor: str  # the person who made the change ("" when their account is gone)
    headline: str  # "Report text “Desk review” changed"
    changes: list[Change] = field(default_factory=list)


# --- Models and their fields ---------------------------------------------------------------------------------------


@cache
def _models_by_name() -> dict[str, type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        if model._meta.app_label != "accounts":
            found.setdefault(model._meta.model_name or "", model)
    return found


def model_named(object_type: str) -> type[models.Model] | None:
    """The model a history entry's `object_type` names ("reporttext": ReportText), None when none does."""
    return _models_by_name().get(object_type)


def kind_label(object_type: str) -> str:
    """"Report text" for "reporttext": the model's verbose name, or the raw name made readable."""
    model = model_named(object_type)
    if model is None:
        return capfirst(object_type.replace("_", " "))
    return str(capfirst(model._meta.verbose_name))


# Keys that are not fields but point at a record as a field would: (model name, its field pointing the same way).
RELATED_KEYS = {"follows": ("assessment", "previous")}


def _field(model: type[models.Model] | None, name: str) -> Any:
    if name in RELATED_KEYS:
        model, name = model_named(RELATED_KEYS[name][0]), RELATED_KEYS[name][1]
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # Only the record's own fields: "scope" on an assessment is a list of keys, not its reverse relation.
    return found if found.concrete or found.many_to_many and not found.auto_created else None


def field_label(model: type[models.Model] | None, name: str) -> str:
    if name in EXTRA_KEYS:
        return str(EXTRA_KEYS[name])
    field_ = _field(model, name)
    if field_ is not None and getattr(field_, "verbose_name", None):
        return str(capfirst(field_.verbose_name))
    return capfirst(name.replace("_", " "))


# --- Related records, named only where the viewer may see them -------------------------------------------------------


class Names:
    """The names of the records that ids in a page of entries point at, read in one query per model. A record
    the viewer may not see (above their clearance, another assessment they are not on) is not named."""

    def __init__(self, seen: Seen, wanted: Mapping[type[models.Model], set[Any]]) -> None:
        self.seen = seen
        self.names: dict[tuple[type[models.Model], str], str] = {}
        for model, ids in wanted.items():
            self._read(model, {str(pk) for pk in ids if pk not in (None, "")})

    def _read(self, model: type[models.Model], ids: set[str]) -> None:
        if not ids:
            return
        pks = [int(pk) for pk in ids if pk.isdigit()]
        rows: QuerySet[Any] = model._base_manager.filter(pk__in=pks)
        user_model = get_user_model()
        for obj in rows:
            self.names[(model, str(obj.pk))] = self._name(model, obj, user_model)
        missing = ids - {str(pk) for _model, pk in self.names if _model is model}
        if missing:
            self._from_history(model, missing)

    def _name(self, model: type[models.Model], obj: Any, user_model: type[models.Model]) -> str:
        if model is user_model:
            return str(obj.get_full_name() or obj.get_username())
        if model._meta.model_name == "assessment":
            if obj.pk == self.seen.assessment.pk or membership(self.seen.user, obj) is not None:
                return str(obj)
            return _("another assessment")
        if getattr(obj, "assessment_id", self.seen.assessment.pk) != self.seen.assessment.pk:
            return _("a record of another assessment")
        level = _level(obj)
        if level is not None and not self.seen.may_see(level):
            return _("a record above your clearance")
        return str(obj)

    def _from_history(self, model: type[models.Model], ids: set[str]) -> None:
        """A deleted record: the name its last history entry the viewer may see gave it."""
        entries = (self.seen.visible(HistoryEntry.objects.filter(
            assessment=self.seen.assessment, object_type=model._meta.model_name or "", object_id__in=ids))
            .order_by("object_id", "-at", "-pk").values_list("object_id", "label"))
        for object_id, label in entries:
            self.names.setdefault((model, object_id), label)
        for object_id in ids:
            self.names.setdefault((model, object_id), _("a deleted record"))

    def of(self, model: type[models.Model], pk: Any) -> str:
        return self.names.get((model, str(pk)), _("a deleted record"))


def _level(obj: Any) -> str | None:
    """A record's classification; a citation is as sensitive as what it cites (its source or activity)."""
    own = getattr(obj, "classification", None)
    if own:
        return str(own)
    cited = getattr(obj, "source", None) or getattr(obj, "activity", None)
    if cited is not None and getattr(cited, "classification", None):
        return str(cited.classification)
    return None


# --- Values --------------------------------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _display(field_: Any, value: Any, names: Names) -> str:
    if _is_empty(value):
        return EMPTY
    if field_ is None:
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return str(value)
    if field_.is_relation and field_.related_model is not None:
        ids = value if isinstance(value, list) else [value]
        return ", ".join(names.of(field_.related_model, pk) for pk in ids)
    choices = getattr(field_, "flatchoices", None) or (settings.LANGUAGES if field_.name == "language" else None)
    if choices:
        labels = {str(key): label for key, label in choices}
        if isinstance(value, list):
            return ", ".join(str(labels.get(str(item), item)) for item in value)
        return str(labels.get(str(value), value))
    if isinstance(field_, models.BooleanField) or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(field_, models.DateTimeField):
        return _when(value, "DATETIME_FORMAT")
    if isinstance(field_, models.DateField):
        return _when(value, "DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _when(value: Any, format_name: str) -> str:
    try:
        if format_name == "DATE_FORMAT":
            return formats.date_format(datetime.date.fromisoformat(str(value)[:10]), format_name)
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, format_name)


def _wanted(entries: Iterable[HistoryEntry]) -> dict[type[models.Model], set[Any]]:
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = model_named(entry.object_type)
        for values in (entry.before or {}, entry.after or {}):
            for name, value in values.items():
                field_ = _field(model, name)
                if field_ is None or not field_.is_relation or field_.related_model is None or name in UNSHOWN:
                    continue
                for pk in value if isinstance(value, list) else [value]:
                    if not _is_empty(pk):
                        wanted[field_.related_model].add(pk)
    return wanted


# --- Entries -------------------------------------------------------------------------------------------------------


def describe(seen: Seen, entries: Sequence[HistoryEntry]) -> list[Shown]:
    """A page of history entries (already limited to what `seen` may see) as the history page shows them."""
    names = Names(seen, _wanted(entries))
    return [_shown(seen, entry, names) for entry in entries]


def _shown(seen: Seen, entry: HistoryEntry, names: Names) -> Shown:
    model = model_named(entry.object_type)
    hidden = set(seen.withheld(entry.object_type)) | (set() if seen.names_allowed else set(NAME_FIELDS))
    before, after = entry.before or {}, entry.after or {}
    changes = []
    for name in dict.fromkeys([*before, *after]):
        if name in UNSHOWN:
            continue
        old, new = before.get(name), after.get(name)
        if entry.before is None or entry.after is None:  # created or deleted: the values it had, not the empty ones
            if _is_empty(new if entry.before is None else old) or (new if entry.before is None else old) is False:
                continue
        field_ = _field(model, name)
        label = field_label(model, name)
        if name in hidden:
            old_text = WITHHELD if not _is_empty(old) else EMPTY
            new_text = WITHHELD if not _is_empty(new) else EMPTY
        else:
            old_text, new_text = _display(field_, old, names), _display(field_, new, names)
        changes.append(Change(label, old_text, new_text, _sentence(entry, label, old_text, new_text)))
    what = kind_label(entry.object_type)
    action = str(ACTIONS.get(entry.action, entry.action))
    actor = ""
    if entry.user is not None:
        actor = entry.user.get_full_name() or entry.user.get_username()
    headline = (_("%(what)s “%(label)s” %(action)s") % {"what": what, "label": entry.label, "action": action}
                if entry.label else _("%(what)s %(action)s") % {"what": what, "action": action})
    return Shown(entry, what, entry.label, action, actor, headline, changes)


def _sentence(entry: HistoryEntry, label: str, before: str, after: str) -> str:
    if entry.after is None:
        return _("%(field)s was %(before)s") % {"field": label, "before": before}
    if entry.before is None or before == EMPTY:
        return _("%(field)s set to %(after)s") % {"field": label, "after": after}
    if after == EMPTY:
        return _("%(field)s cleared (was %(before)s)") % {"field": label, "before": before}
    return _("%(field)s changed from %(before)s to %(after)s") % {"field": label, "before": before, "after": after}


# --- Filtering -----------------------------------------------------------------------------------------------------

FILTER_KEYS = ("kind", "action", "who", "since", "until")
NOBODY = "none"  # the "who" of entries whose author's account is gone


class HistoryFilter(forms.Form):
    """What the history page is narrowed to: kind of record, kind of change, who, from and to which day."""

    kind = forms.ChoiceField(label=pgettext_lazy("history filter", "Record"), required=False)
    action = forms.ChoiceField(label=pgettext_lazy("history filter", "Change"), required=False)
    who = forms.ChoiceField(label=pgettext_lazy("history filter", "By"), required=False)
    since = forms.DateField(label=pgettext_lazy("history filter", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=pgettext_lazy("history filter", "To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, seen: Seen, entries: QuerySet[HistoryEntry], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", pgettext("history filter", "All"))]
        kinds = sorted({kind for kind in entries.order_by().values_list("object_type", flat=True).distinct()})
        self._choose("kind", everything + sorted(((k, kind_label(k)) for k in kinds), key=lambda c: c[1]))
        actions = set(entries.order_by().values_list("action", flat=True).distinct())
        self._choose("action", everything + [(key, capfirst(str(label))) for key, label in ACTIONS.items()
                                             if key in actions])
        user_ids = set(entries.order_by().values_list("user_id", flat=True).distinct())
        people = get_user_model()._default_manager.filter(pk__in=[pk for pk in user_ids if pk is not None])
        who = sorted(((str(p.pk), p.get_full_name() or p.get_username()) for p in people), key=lambda c: c[1])
        if None in user_ids:
            who.append((NOBODY, _("someone no longer registered")))
        self._choose("who", everything + who)

    def _choose(self, name: str, choices: list[tuple[str, str]]) -> None:
        field_ = self.fields[name]
        assert isinstance(field_, forms.ChoiceField)
        field_.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The first day comes after the last: swap them or change one."))
        return data


def filtered(entries: QuerySet[HistoryEntry], criteria: Mapping[str, Any]) -> QuerySet[HistoryEntry]:
    """The entries that meet a HistoryFilter's cleaned data (empty criteria leave them all)."""
    if criteria.get("kind"):
        entries = entries.filter(object_type=criteria["kind"])
    if criteria.get("action"):
        entries = entries.filter(action=criteria["action"])
    who = criteria.get("who")
    if who == NOBODY:
        entries = entries.filter(user__isnull=True)
    elif who:
        entries = entries.filter(user_id=who)
    if criteria.get("since"):
        entries = entries.filter(at__date__gte=criteria["since"])
    if criteria.get("until"):
        entries = entries.filter(at__date__lte=criteria["until"])
    return entries
